import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runItems } from '../shared/node/runner';
import { Semaphore } from '../shared/transport/semaphore';
import { speakItem } from './actions/speak';
import type { ExecutionShared } from './actions/types';
import { CREDENTIAL_NAMES, readNodeSettings } from './parameters';

const AUDIO_OUTPUT = 0;
const REPORT_OUTPUT = 1;
const OUTPUTS = 2;

/**
 * Speaks every input item (several at once; results in input order). One Semaphore caps the
 * calls in flight across all items and chunks of this execution. Audio gets one item per input
 * item, Report its report; with Continue On Fail a failed item is an error item on Audio, in its
 * input position (the shared runner's rule), and has no report.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const { provider, resilience } = readNodeSettings(this);
	const shared: ExecutionShared = { slots: new Semaphore(resilience.parallelCalls), voices: new Map() };
	const { outputs } = await runItems(this, {
		concurrency: resilience.parallelItems,
		outputs: OUTPUTS,
		credentialName: CREDENTIAL_NAMES[provider],
		run: async (itemIndex) => await speakItem(this, itemIndex, provider, shared),
		emit: (spoken) => [
			{ output: AUDIO_OUTPUT, json: spoken.audio, binary: { [spoken.binaryProperty]: spoken.file } },
			{ output: REPORT_OUTPUT, json: spoken.report },
		],
	});
	return outputs;
}
