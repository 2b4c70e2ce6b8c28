import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { failedItem } from '../shared/node/items';
import { callReport } from '../shared/node/report';
import { resilienceSettings } from '../shared/node/resilienceOptions';
import { mapWithConcurrency } from '../shared/transport/concurrency';
import { newAccounting } from '../shared/transport/resilientCall';
import { Semaphore } from '../shared/transport/semaphore';
import * as adaptToLanguages from './actions/adaptToLanguages.operation';
import * as generateVariations from './actions/generateVariations.operation';
import * as writeScript from './actions/writeScript.operation';
import { cacheStore, readExternalEntries } from './engine/cache';
import type { ItemRun, Operation, OperationOutcome, RunContext } from './engine/types';
import { readPath, readRunSettings } from './parameters';
import { resolveCredential } from '../shared/credentials';
import type { ResolvedCredential } from '../shared/credentials';

const CREDENTIAL_NAME = 'Gemini API';

const OPERATIONS: Record<Operation, { execute: (run: RunContext, item: ItemRun) => Promise<OperationOutcome> }> = {
	writeScript,
	generateVariations,
	adaptToLanguages,
};

interface ItemOutcome {
	outcome: OperationOutcome;
	item: ItemRun;
	startedAt: number;
}

/**
 * Runs every input item (several at once, one call cap for the whole node, results in input
 * order). Output 1 gets one item per text (a script, a variation, a language), output 2 one
 * report per input item. A text that failed is an error item in its place on output 1 with
 * Continue On Fail; an item whose parameters are wrong is an error item on output 2.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as Operation;
	const handler = OPERATIONS[operation];
	if (!handler) throw new NodeOperationError(this.getNode(), `Unknown operation "${String(operation)}"`);
	const { resilience, generation, cache } = readRunSettings(this);
	let loaded: Promise<ResolvedCredential> | undefined;
	let credential: ResolvedCredential | undefined;
	const run: RunContext = {
		ctx: this,
		credential: async () => {
			loaded ??= resolveCredential(this, 'geminiApi').then((value) => (credential = value));
			return await loaded;
		},
		calls: new Semaphore(resilience.parallelCalls),
		resilience,
		generation,
		cache,
		store: cacheStore(cache),
	};

	const items = this.getInputData();
	const settled = await mapWithConcurrency(
		items,
		resilience.parallelItems,
		async (input, itemIndex): Promise<ItemOutcome> => {
			const startedAt = Date.now();
			const item: ItemRun = {
				itemIndex,
				accounting: newAccounting(),
				settings: resilienceSettings(resilience, run.calls),
				external: cache.entriesField ? readExternalEntries(readPath(input.json, cache.entriesField), cache.ttlMs) : new Map(),
				stats: { cacheHits: 0, sharedCalls: 0, lengthRetries: 0 },
			};
			return { outcome: await handler.execute(run, item), item, startedAt };
		},
		this.getExecutionCancelSignal(),
	);

	const secrets = () => credential?.secrets ?? [];
	const results: INodeExecutionData[] = [];
	const reports: INodeExecutionData[] = [];
	for (const [itemIndex, settledItem] of settled.entries()) {
		const pairedItem = { item: itemIndex };
		if (settledItem.status === 'rejected') {
			reports.push(failedItem(this, settledItem.reason, itemIndex, CREDENTIAL_NAME, secrets()));
			continue;
		}
		const { outcome, item, startedAt } = settledItem.value;
		for (const result of outcome.results) {
			if ('error' in result) {
				const failed = failedItem(this, result.error, itemIndex, CREDENTIAL_NAME, secrets());
				results.push({ ...failed, json: { ...result.json, ...failed.json } });
			} else {
				results.push({ json: result.json, pairedItem });
			}
		}
		const report: IDataObject = {
			operation,
			...outcome.report,
			sharedCalls: item.stats.sharedCalls,
			...callReport(item.accounting, { startedAt, cacheHits: item.stats.cacheHits }),
		};
		reports.push({ json: report, pairedItem });
	}
	return [results, reports];
}
