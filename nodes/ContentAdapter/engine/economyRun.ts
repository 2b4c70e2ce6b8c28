import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { BatchJob } from '../../shared/gemini/batch';
import { GEMINI_CREDENTIAL_NAME } from '../../shared/credentials';
import { toNodeError } from '../../shared/node/nodeError';
import { callReport } from '../../shared/node/report';
import { readPath } from '../../shared/node/parameters';
import type { Emitted } from '../../shared/node/runner';
import { BatchEndedError } from '../../shared/errors';
import { readBatchToCancel } from '../../shared/gemini/batch';
import { cancelStep, checkStep, planStep, progressFields, readEconomyState, submitStep } from './economy';
import type { CheckOutcome, EconomyState } from './economy';
import { newItemRun } from './run';
import type { ItemRun, PlannedText, RunContext, TextOperation } from './types';

/** Economy as the router runs it: what one input item of Check/Cancel Batch does, and the submit. */

const RESULTS = 0;
const REPORT = 1;

export interface PlannedItem {
	item: ItemRun;
	texts: PlannedText[];
}

export interface Submitted {
	results: IDataObject;
	report: IDataObject;
}

/** Every planned item's texts as ONE batch: the waiting item (Results) and the submit's report. */
export async function submitPlanned(run: RunContext, operation: TextOperation, planned: PlannedItem[]): Promise<Submitted> {
	const startedAt = Date.now();
	const item = newItemRun(run, planned[0].item.itemIndex);
	const { texts, requests } = planStep(run, planned, operation);
	const cacheHits = planned.reduce((sum, p) => sum + p.item.stats.cacheHits, 0);
	const { state, job } = await submitStep(run, operation, texts, requests, run.economy.onBatchFailure, item, `${planned.length} items`);
	const waiting = state.batchJob !== null;
	return {
		results: progressFields(state, job, waiting),
		report: {
			operation,
			waiting,
			economy: { batchJob: state.batchJob, state: state.state, batchRequests: state.requests.length, texts: texts.length, settledTexts: texts.filter((text) => text.json).length },
			...callReport(item.accounting, { startedAt, cacheHits, fallbackReason: state.notSubmitted ?? null }),
		},
	};
}

export type BatchItemDone =
	| { kind: 'check'; outcome: CheckOutcome; item: ItemRun; startedAt: number }
	| { kind: 'cancel'; cancelled: IDataObject; item: ItemRun; startedAt: number };

function stateOf(run: RunContext, itemIndex: number): EconomyState {
	const input = run.ctx.getInputData()[itemIndex];
	const read = readEconomyState(readPath(input?.json ?? {}, run.economy.batchField));
	if (!read.ok) {
		throw new NodeOperationError(run.ctx.getNode(), `The Batch Field "${run.economy.batchField}" ${read.reason}`, {
			itemIndex,
			description: 'Connect the item a Content Adapter with Economy on gave (directly or through a Wait node), or the item an earlier Check Batch gave while it waited.',
		});
	}
	return read.state;
}

/**
 * What Cancel Batch cancels: the waiting item's state, or only the batch's name (what a job row
 * keeps, so a workflow can cancel from its status rows).
 */
function batchToCancel(run: RunContext, itemIndex: number): { batchJob: string | null; state: string } {
	const value = readPath(run.ctx.getInputData()[itemIndex]?.json ?? {}, run.economy.batchField);
	const full = readEconomyState(value);
	if (full.ok) return { batchJob: full.state.batchJob, state: full.state.state };
	const named = readBatchToCancel(value);
	if (named.ok) return { batchJob: named.state.batchJob, state: 'unknown' };
	throw new NodeOperationError(run.ctx.getNode(), `The Batch Field "${run.economy.batchField}" ${named.reason}`, {
		itemIndex,
		description: 'Pass the item a Content Adapter with Economy on gave (or an object with its "batchJob").',
	});
}

/** Check Batch or Cancel Batch for one input item; the generation settings are the submit's. */
export async function runBatchItem(run: RunContext, itemIndex: number, action: 'checkBatch' | 'cancelBatch'): Promise<BatchItemDone> {
	const startedAt = Date.now();
	if (action === 'cancelBatch') {
		const item = newItemRun(run, itemIndex);
		return { kind: 'cancel', cancelled: await cancelStep(run, batchToCancel(run, itemIndex), item), item, startedAt };
	}
	const state = stateOf(run, itemIndex);
	const stepRun: RunContext = { ...run, generation: state.generation };
	const item = newItemRun(stepRun, itemIndex);
	const outcome = await checkStep(stepRun, state, item).then(
		(value) => ({ ok: true as const, value }),
		(error: unknown) => ({ ok: false as const, error }),
	);
	if (outcome.ok) return { kind: 'check', outcome: outcome.value, item, startedAt };
	const { error } = outcome;
	if (!(error instanceof BatchEndedError)) throw toNodeError(run.ctx, error, itemIndex, run.secrets(), GEMINI_CREDENTIAL_NAME);
	throw new NodeOperationError(run.ctx.getNode(), error.message, {
		itemIndex,
		description: 'The submit chose When the Batch Fails = Fail. Submit again, or choose Standard Calls to have such texts written by ordinary calls.',
	});
}

/** What a finished Check/Cancel item puts on the outputs. */
export function batchItemEmits(done: BatchItemDone): Emitted[] {
	const { item, startedAt } = done;
	if (done.kind === 'cancel') {
		return [
			{ output: RESULTS, json: { cancelled: true, ...done.cancelled } },
			{ output: REPORT, json: { operation: 'cancelBatch', ...done.cancelled, ...callReport(item.accounting, { startedAt }) } },
		];
	}
	const { outcome } = done;
	if (outcome.kind === 'waiting') {
		const fields = progressFields(outcome.state, outcome.job as BatchJob, true);
		return [
			{ output: RESULTS, json: fields },
			{
				output: REPORT,
				json: {
					operation: outcome.state.operation,
					waiting: true,
					economy: { batchJob: outcome.state.batchJob, state: outcome.state.state, checks: outcome.state.checks, batchCounts: fields.batchCounts },
					...callReport(item.accounting, { startedAt }),
				},
			},
		];
	}
	return [
		...outcome.results.map((result): Emitted => ('failure' in result ? result : { output: RESULTS, json: result.json })),
		{ output: REPORT, json: { ...outcome.report, sharedCalls: item.stats.sharedCalls, ...callReport(item.accounting, { startedAt, cacheHits: item.stats.cacheHits, fallbackReason: outcome.fallbackReason }) } },
	];
}
