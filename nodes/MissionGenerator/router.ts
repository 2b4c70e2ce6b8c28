import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { GEMINI_CREDENTIAL_NAME } from '../shared/credentials';
import { runItems } from '../shared/node/runner';
import type { Emitted } from '../shared/node/runner';
import { Semaphore } from '../shared/transport/semaphore';
import { runMissionJob } from './engine/job';
import type { JobOutcome } from './engine/job';
import { readExecutionParameters, readItemParameters } from './parameters';

/** Output indexes, in the order of the node's `outputNames`. */
const MISSIONS_OUTPUT = 0;
const REPORT_OUTPUT = 1;
const OUTPUT_COUNT = 2;

function reportOf({ result, jobId, shared, progress }: JobOutcome): IDataObject {
	return {
		jobId,
		...result.report,
		sharedGeneration: shared,
		progressUpdatesSent: progress.sent,
		progressUpdatesFailed: progress.failed,
		progressUpdatesRetried: progress.retried,
		...(progress.lastFailure === '' ? {} : { progressLastFailure: progress.lastFailure }),
	};
}

/** One item per mission on Missions, then the item's report on Report. */
function emit(outcome: JobOutcome): Emitted[] {
	return [
		...outcome.result.missions.map((mission) => ({ output: MISSIONS_OUTPUT, json: { ...mission, jobId: outcome.jobId } })),
		{ output: REPORT_OUTPUT, json: reportOf(outcome) },
	];
}

/**
 * Every input item through the shared item runner (several at once, outputs in input order, all
 * items sharing one cap on Gemini calls). A failing item throws, or with Continue On Fail becomes
 * an error item on Missions in its input position, while the others go on.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const { parallelCalls, parallelItems } = readExecutionParameters(this);
	const calls = new Semaphore(parallelCalls);
	const { outputs } = await runItems(this, {
		concurrency: parallelItems,
		outputs: OUTPUT_COUNT,
		credentialName: GEMINI_CREDENTIAL_NAME,
		run: async (itemIndex) => await runMissionJob(this, readItemParameters(this, itemIndex), itemIndex, calls),
		emit,
	});
	return outputs;
}
