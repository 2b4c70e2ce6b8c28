import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { GEMINI_CREDENTIAL_NAME } from '../shared/credentials';
import { errorItemJson, nodeErrorOf } from '../shared/node/items';
import { runItems } from '../shared/node/runner';
import type { Emitted } from '../shared/node/runner';
import * as adaptToLanguages from './actions/adaptToLanguages.operation';
import * as generateVariations from './actions/generateVariations.operation';
import * as writeScript from './actions/writeScript.operation';
import { batchItemEmits, runBatchItem, submitPlanned } from './engine/economyRun';
import type { BatchItemDone, PlannedItem } from './engine/economyRun';
import { createRunContext, itemReport, newItemRun, runItem } from './engine/run';
import type { ItemDone, OperationExecute } from './engine/run';
import type { PlannedText, RunContext, TextOperation } from './engine/types';
import { readRunSettings } from './parameters';

const OPERATIONS: Record<TextOperation, OperationExecute> = {
	writeScript: writeScript.execute,
	generateVariations: generateVariations.execute,
	adaptToLanguages: adaptToLanguages.execute,
};
/** Economy: the texts an item asks for, planned without writing them. */
const PLANS: Record<TextOperation, (run: RunContext, itemIndex: number) => PlannedText[]> = {
	writeScript: writeScript.plan,
	generateVariations: generateVariations.plan,
	adaptToLanguages: adaptToLanguages.plan,
};
const RESULTS = 0;
const REPORT = 1;

/**
 * Output 1 (Results) gets one item per text (a script, a variation, a language), output 2
 * (Report) one report per input item that ran. A text that failed, or an input item whose
 * parameters are wrong, is an error item on Results in its input position (the shared rule).
 * Economy: a text operation with Economy on gives ONE waiting item for all input items (one
 * Gemini batch); Check Batch gives, per waiting item, the waiting item again or the texts.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const settings = readRunSettings(this);
	const run = createRunContext(this, settings);
	const common = { concurrency: settings.resilience.parallelItems, outputs: 2, credentialName: GEMINI_CREDENTIAL_NAME, secrets: run.secrets };
	const { operation } = settings;
	if (operation === 'checkBatch' || operation === 'cancelBatch') {
		const { outputs } = await runItems<BatchItemDone>(this, {
			...common,
			run: async (itemIndex) => await runBatchItem(run, itemIndex, operation),
			emit: batchItemEmits,
		});
		return outputs;
	}
	if (settings.economy.submit) return await submitOutputs(this, run, operation, common);
	const execute = OPERATIONS[operation];
	const { outputs } = await runItems<ItemDone>(this, {
		...common,
		run: async (itemIndex) => await runItem(run, itemIndex, execute),
		emit: (done): Emitted[] => [
			...done.outcome.results.map((result): Emitted => ('failure' in result ? result : { output: RESULTS, json: result.json })),
			{ output: REPORT, json: itemReport(operation, done) },
		],
	});
	return outputs;
}

/** Economy's submit: every item planned (bad parameters are error items), then one batch for all. */
async function submitOutputs(
	ctx: IExecuteFunctions,
	run: RunContext,
	operation: TextOperation,
	common: Omit<Parameters<typeof runItems>[1], 'run' | 'emit'>,
): Promise<INodeExecutionData[][]> {
	const { outputs, results } = await runItems<PlannedItem>(ctx, {
		...common,
		run: async (itemIndex) => await Promise.resolve({ item: newItemRun(run, itemIndex), texts: PLANS[operation](run, itemIndex) }),
		emit: () => [],
	});
	const planned = results.filter((result): result is PlannedItem => result !== undefined);
	if (planned.length === 0) return outputs;
	const pairedItem = planned.map((p) => ({ item: p.item.itemIndex }));
	try {
		const submitted = await submitPlanned(run, operation, planned);
		outputs[RESULTS].push({ json: submitted.results, pairedItem });
		outputs[REPORT].push({ json: submitted.report, pairedItem });
	} catch (error) {
		const first = planned[0].item.itemIndex;
		if (!ctx.continueOnFail()) throw nodeErrorOf(ctx, error, first, GEMINI_CREDENTIAL_NAME, run.secrets());
		outputs[RESULTS].push({ json: errorItemJson(ctx, error, first, GEMINI_CREDENTIAL_NAME, run.secrets()), pairedItem });
	}
	return outputs;
}
