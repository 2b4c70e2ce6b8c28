import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { GEMINI_CREDENTIAL_NAME } from '../shared/credentials';
import { runItems } from '../shared/node/runner';
import type { Emitted } from '../shared/node/runner';
import * as adaptToLanguages from './actions/adaptToLanguages.operation';
import * as generateVariations from './actions/generateVariations.operation';
import * as writeScript from './actions/writeScript.operation';
import { createRunContext, itemReport, runItem } from './engine/run';
import type { ItemDone, OperationExecute } from './engine/run';
import type { Operation } from './engine/types';
import { readRunSettings } from './parameters';

const OPERATIONS: Record<Operation, OperationExecute> = {
	writeScript: writeScript.execute,
	generateVariations: generateVariations.execute,
	adaptToLanguages: adaptToLanguages.execute,
};
const RESULTS = 0;
const REPORT = 1;

/**
 * Output 1 (Results) gets one item per text (a script, a variation, a language), output 2
 * (Report) one report per input item that ran. A text that failed, or an input item whose
 * parameters are wrong, is an error item on Results in its input position (the shared rule).
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const settings = readRunSettings(this);
	const execute = OPERATIONS[settings.operation];
	const run = createRunContext(this, settings);
	const { outputs } = await runItems<ItemDone>(this, {
		concurrency: settings.resilience.parallelItems,
		outputs: 2,
		credentialName: GEMINI_CREDENTIAL_NAME,
		secrets: run.secrets,
		run: async (itemIndex) => await runItem(run, itemIndex, execute),
		emit: (done): Emitted[] => [
			...done.outcome.results.map((result): Emitted => ('failure' in result ? result : { output: RESULTS, json: result.json })),
			{ output: REPORT, json: itemReport(settings.operation, done) },
		],
	});
	return outputs;
}
