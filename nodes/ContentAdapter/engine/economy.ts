import type { IDataObject } from 'n8n-workflow';

import { cancelAndRead, cancelBatch, createBatch, getBatch, isTerminal, nextBatchCheckSeconds, readBatchAnswers } from '../../shared/gemini/batch';
import type { BatchJob, BatchState } from '../../shared/gemini/batch';
import { resultJson } from '../actions/common';
import { cachedText, produceFromAnswer, produceText, textKey, textRequest } from './produce';
import type { EconomySettings, ItemRun, TextOperation, PlannedText, ResultItem, RunContext, TextKind, TextResult, TextTask } from './types';
import { BatchEndedError } from '../../shared/errors';

/**
 * Economy (issue #24): every text of one step (the masters, the variations or the adaptations of
 * all input items) goes to Google's Batch API as ONE batch job, at about half the token price,
 * answered within 24 hours. No node execution waits that long, so the work is two operations
 * joined by the workflow's Wait node (resumable across restarts and queue-mode workers):
 * - Submit (a text operation with Economy on) writes nothing yet: texts in the cache (or passed
 *   through) are settled at once, the rest is submitted, and ONE item carries the waiting state
 *   (`economy`, JSON only, no secrets) with `waiting`, `nextCheckSeconds`, the batch state and counts;
 * - Check Batch reads that item: still running → the same item again with a longer wait (1, 2, 5,
 *   then every 10 minutes); ended → the very result items the standard operation gives, every
 *   answer checked exactly like a call's answer. Requests that failed inside the batch (or whose
 *   answer failed the check) are written by ordinary calls; an EXPIRED, FAILED or CANCELLED batch
 *   falls back to ordinary calls visibly (`source`, `fallbackReason`) or, by the submit's choice,
 *   fails with Google's reason. Cancel Batch cancels it at Google.
 * The Mission Generator's Economy (MissionGenerator/engine/economy.ts) shares only the Batch API
 * client (shared/gemini/batch.ts): what is batched, validated and delivered differs.
 */

export type BatchFailurePolicy = EconomySettings['onBatchFailure'];
export const ECONOMY_STATE_VERSION = 1;
const DISPLAY_NAME_CHARS = 120;

/** One text of the step: where its result goes, and either its request key or its result already. */
export interface EconomyText {
	itemIndex: number;
	kind: TextKind;
	base: IDataObject;
	/** The request (its cache key) whose answer this text is; several texts may share one. */
	key?: string;
	/** The result, known at submit (cached, passed through). */
	json?: IDataObject;
}

/** What a waiting step carries from Submit to Check, in its item. */
export interface EconomyState {
	version: number;
	operation: TextOperation;
	/** The generation settings of the submit: the check writes fallbacks and cache keys with them. */
	generation: RunContext['generation'];
	/** null: nothing was submitted (all cached, or the submit failed: `notSubmitted`). */
	batchJob: string | null;
	state: BatchState | 'none' | 'notSubmitted';
	notSubmitted?: string;
	checks: number;
	submittedAt: string;
	onBatchFailure: BatchFailurePolicy;
	requests: Array<{ key: string; task: TextTask }>;
	texts: EconomyText[];
}

/** Batch state and counts, as the item and the workflow's status step show them. */
export function progressFields(state: EconomyState, job: BatchJob | undefined, waiting: boolean): IDataObject {
	const requests = job?.requestCount ?? state.requests.length;
	const answered = (job?.succeededCount ?? 0) + (job?.failedCount ?? 0);
	const googleState = job?.googleState || state.state;
	return {
		waiting,
		nextCheckSeconds: waiting ? nextBatchCheckSeconds(state.checks) : 0,
		batchJob: state.batchJob,
		batchState: state.state,
		batchCounts: { requests, succeeded: job?.succeededCount ?? 0, failed: job?.failedCount ?? 0, pending: job?.pendingCount ?? requests - answered },
		batchProgress: state.batchJob ? `${String(googleState).replace(/^(BATCH|JOB)_STATE_/, '')}, ${answered} of ${requests} answered` : 'no batch needed',
		economy: state as unknown as IDataObject,
	};
}

/** Settles what needs no Gemini (cache, pass-through) and lists the requests the batch must hold. */
export function planStep(run: RunContext, planned: Array<{ item: ItemRun; texts: PlannedText[] }>, operation: TextOperation): { texts: EconomyText[]; requests: Map<string, TextTask> } {
	const texts: EconomyText[] = [];
	const requests = new Map<string, TextTask>();
	// One batch for all items, so the entries any item brought count for every item (a workflow
	// may pass its Data table rows on the first item only, instead of a copy on each).
	const external = new Map(planned.flatMap(({ item }) => [...item.external]));
	for (const { item: own, texts: itemTexts } of planned) {
		const item: ItemRun = { ...own, external };
		for (const text of itemTexts) {
			if ('ready' in text) {
				texts.push({ itemIndex: item.itemIndex, kind: kindOf(operation), base: text.base, json: text.ready });
				continue;
			}
			const hit = cachedText(run, item, text.task);
			if (hit) {
				texts.push({ itemIndex: item.itemIndex, kind: text.task.kind, base: text.base, json: resultJson(text.task.kind, text.base, hit, run.cache.emitEntries) });
				continue;
			}
			const key = textKey(run, text.task);
			requests.set(key, text.task);
			texts.push({ itemIndex: item.itemIndex, kind: text.task.kind, base: text.base, key });
		}
	}
	return { texts, requests };
}

function kindOf(operation: TextOperation): TextKind {
	return operation === 'writeScript' ? 'script' : operation === 'generateVariations' ? 'variation' : 'adaptation';
}

/** Submits the step's uncached texts as one batch; the returned state is what Check Batch reads. */
export async function submitStep(
	run: RunContext,
	operation: TextOperation,
	texts: EconomyText[],
	requests: Map<string, TextTask>,
	onBatchFailure: BatchFailurePolicy,
	item: ItemRun,
	label: string,
): Promise<{ state: EconomyState; job?: BatchJob }> {
	const state: EconomyState = {
		version: ECONOMY_STATE_VERSION,
		operation,
		generation: run.generation,
		batchJob: null,
		state: 'none',
		checks: 0,
		submittedAt: new Date().toISOString(),
		onBatchFailure,
		requests: [...requests].map(([key, task]) => ({ key, task })),
		texts,
	};
	if (requests.size === 0) return { state };
	const items = state.requests.map(({ key, task }) => ({ key, request: textRequest(run, task) }));
	const displayName = `content-adapter ${operation} ${label}`.slice(0, DISPLAY_NAME_CHARS);
	const submitted = await createBatch(run.ctx, await run.credential(), run.generation.model, displayName, items, item.settings, item.accounting).then(
		(job) => ({ ok: true as const, job }),
		(error: unknown) => ({ ok: false as const, error }),
	);
	if (!submitted.ok) {
		if (onBatchFailure === 'fail') throw submitted.error;
		const why = submitted.error instanceof Error ? submitted.error.message : String(submitted.error);
		return { state: { ...state, state: 'notSubmitted', notSubmitted: `The Gemini batch could not be submitted (${why})` } };
	}
	// A job cancelled while it was being submitted leaves no batch running at Google.
	if (run.ctx.getExecutionCancelSignal()?.aborted) {
		await cancelBatch(run.ctx, await run.credential(), submitted.job.name, item.settings, item.accounting).catch(() => undefined);
	}
	return { state: { ...state, batchJob: submitted.job.name, state: submitted.job.state }, job: submitted.job };
}

/** A state read back from an item, or why it is not one. */
export function readEconomyState(value: unknown): { ok: true; state: EconomyState } | { ok: false; reason: string } {
	if (typeof value !== 'object' || value === null) return { ok: false, reason: 'is empty or not an object' };
	const state = value as Partial<EconomyState>;
	if (state.version !== ECONOMY_STATE_VERSION || !Array.isArray(state.texts) || !Array.isArray(state.requests) || !state.generation || !state.operation) {
		return { ok: false, reason: 'is not the "economy" object a Content Adapter with Economy on gives' };
	}
	return { ok: true, state: state as EconomyState };
}

export type CheckOutcome =
	| { kind: 'waiting'; state: EconomyState; job: BatchJob }
	| { kind: 'done'; results: ResultItem[]; report: IDataObject; fallbackReason: string | null };


/**
 * Reads the batch once. Still working → waiting; ended → every text of the step, in the order of
 * the submit's input items and their texts.
 */
export async function checkStep(run: RunContext, state: EconomyState, item: ItemRun): Promise<CheckOutcome> {
	let job: BatchJob | undefined;
	let answers = new Map<string, string>();
	const failedInBatch = new Set<string>();
	let fallbackReason: string | null = state.notSubmitted ? `${state.notSubmitted}, so the texts were written by standard calls.` : null;
	const checks = state.batchJob ? state.checks + 1 : state.checks;
	if (state.batchJob) {
		const read = await getBatch(run.ctx, await run.credential(), state.batchJob, item.settings, item.accounting);
		job = read.job;
		if (!isTerminal(job.state)) return { kind: 'waiting', state: { ...state, state: job.state, checks }, job };
		if (job.state === 'succeeded') {
			const keys = state.requests.map((request) => request.key);
			for (const answer of readBatchAnswers(read.operation, keys, item.accounting, state.generation.model)) {
				if (answer.ok) answers.set(answer.key, answer.text);
				else failedInBatch.add(answer.key);
			}
		} else {
			const why = `The Gemini batch ${state.batchJob} ended ${job.googleState || job.state.toUpperCase()}${job.errorMessage ? `: ${job.errorMessage}` : ''}`;
			if (state.onBatchFailure === 'fail') throw new BatchEndedError(why);
			fallbackReason = `${why}, so the texts were written by standard calls.`;
			answers = new Map();
		}
	}
	// Every request: the batch's answer checked like a call's, else an ordinary call.
	const counts = { batchAnswers: 0, failedBatchRequests: failedInBatch.size, rejectedBatchAnswers: 0, standardTexts: 0 };
	const settled = new Map<string, { ok: true; value: TextResult } | { ok: false; error: unknown }>();
	await Promise.all(
		state.requests.map(async ({ key, task }) => {
			const answer = answers.get(key);
			const fromBatch =
				answer === undefined
					? undefined
					: await produceFromAnswer(run, item, task, answer).then(
							(value) => value,
							() => undefined,
						);
			if (fromBatch) {
				counts.batchAnswers++;
				settled.set(key, { ok: true, value: fromBatch });
				return;
			}
			if (answer !== undefined) counts.rejectedBatchAnswers++;
			counts.standardTexts++;
			settled.set(
				key,
				await produceText(run, item, task).then(
					(value) => ({ ok: true as const, value }),
					(error: unknown) => ({ ok: false as const, error }),
				),
			);
		}),
	);
	const results: ResultItem[] = state.texts.map((text): ResultItem => {
		if (text.json) return { json: text.json };
		const outcome = settled.get(text.key ?? '');
		if (!outcome) return { failure: new BatchEndedError('the batch state lists this text without its request'), context: text.base };
		return outcome.ok ? { json: resultJson(text.kind, text.base, outcome.value, run.cache.emitEntries) } : { failure: outcome.error, context: text.base };
	});
	const delivered = results.filter((result) => 'json' in result) as Array<{ json: IDataObject }>;
	const source =
		state.requests.length === 0 ? 'cache' : counts.standardTexts === 0 ? 'batch' : counts.batchAnswers === 0 ? 'standard' : 'batch+standard';
	const report: IDataObject = {
		operation: state.operation,
		waiting: false,
		source,
		results: delivered.length,
		failedResults: results.length - delivered.length,
		cachedResults: delivered.filter((result) => result.json.cached === true).length,
		lengthOutOfTolerance: delivered.filter((result) => result.json.lengthOutOfTolerance === true).length,
		lengthRetries: item.stats.lengthRetries,
		economy: {
			batchJob: state.batchJob,
			state: job?.state ?? state.state,
			googleState: job?.googleState ?? '',
			checks,
			batchRequests: state.requests.length,
			...counts,
		},
	};
	return { kind: 'done', results, report, fallbackReason };
}

/** Cancels the step's batch at Google (repeating it is harmless); nothing to do without one. */
export async function cancelStep(run: RunContext, state: { batchJob: string | null; state: string }, item: ItemRun): Promise<IDataObject> {
	if (!state.batchJob) return { batchJob: null, batchState: state.state };
	const job = await cancelAndRead(run.ctx, await run.credential(), state.batchJob, item.settings, item.accounting);
	return { batchJob: state.batchJob, batchState: job.state, googleState: job.googleState };
}
