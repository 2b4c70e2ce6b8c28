import type { IDataObject } from 'n8n-workflow';

import { cancelAndRead, createBatch, getBatch, isTerminal, nextBatchCheckSeconds, readBatchAnswers } from '../../shared/gemini/batch';
import type { BatchJob, BatchState, BatchToCancel } from '../../shared/gemini/batch';
import { BatchEndedError } from '../../shared/errors';
import { roundUsd } from '../../shared/gemini/pricing';
import { extractJson } from '../../shared/text/json';
import type { AiDependencies, AiPhaseResult, Batch } from './aiPhase';
import { acceptMissions, batchLimits, missionRequest, runAiPhase, splitIntoBatches, toArray } from './aiPhase';
import { describeError, finishGeneration, missionRegistry, startGeneration } from './generate';
import type { GenerationOptions, GenerationResult, GenerationStart } from './generate';
import { templatesFor } from './templatePhase';
import type { GenerationRequest, Mission } from './types';

/**
 * Economy (issue #24): the AI remainder goes to Google's Batch API as ONE batch job (about half
 * the token price, answered within 24 h), instead of standard calls. A node execution must not
 * wait hours, so the work is split in two executions of the node, joined by the workflow:
 * - Generate Missions with Economy submits the batch and puts a `waiting` state on Report
 *   (`economy`: the batch name, its state, when to check next, and what the check needs);
 * - Check Batch reads that state from its input item; while Google works it answers `waiting`
 *   again with a longer wait (1, 2, 5, then every 10 minutes), for a Wait node loop; once the
 *   batch ended it validates and de-duplicates the answers exactly as the standard path does,
 *   writes what is still missing with standard calls (requests that failed inside the batch,
 *   rejected missions), and delivers the job.
 * An EXPIRED, FAILED or CANCELLED batch falls back to standard calls (the report says so in
 * `fallbackReason` and `source`) or, with When the Batch Fails = Fail, fails the item with
 * Google's reason. Cancel Batch cancels it at Google.
 */

/** Economy's own choice between the Batch API and standard calls, by request size. */
export type EconomyMode = 'off' | 'largeRequests' | 'always';
export type BatchFailurePolicy = 'standardCalls' | 'fail';
/** "Large" as the issue puts it: from 100 missions a job is worth a day's wait. */
export const ECONOMY_MIN_COUNT = 100;
const STATE_VERSION = 1;

export function economyApplies(mode: EconomyMode, count: number): boolean {
	return mode === 'always' || (mode === 'largeRequests' && count >= ECONOMY_MIN_COUNT);
}

/** What a waiting job carries from submit to check, in the item (JSON only, no secrets). */
export interface EconomyState {
	version: number;
	status: 'waiting';
	batchJob: string;
	state: BatchState;
	checks: number;
	nextCheckSeconds: number;
	submittedAt: string;
	jobId: string;
	onBatchFailure: BatchFailurePolicy;
	request: GenerationRequest;
	templateMissions: Mission[];
	batches: Array<{ key: string; size: number; theme: string }>;
}

export type EconomyOutcome =
	| { kind: 'waiting'; state: EconomyState; job: BatchJob }
	| { kind: 'done'; result: GenerationResult; economy: IDataObject; source: string };

function emptyAiResult(): AiPhaseResult {
	return { missions: [], failedDuplicates: 0, failedValidation: 0, failedApi: 0, rounds: 0 };
}

/** Submits the AI remainder as one batch, or finishes at once when templates covered all. */
export async function submitEconomy(
	request: GenerationRequest,
	ai: AiDependencies,
	onBatchFailure: BatchFailurePolicy,
	options: GenerationOptions & { jobId: string },
): Promise<EconomyOutcome> {
	const start = startGeneration(request, options);
	const remaining = request.count - start.fromTemplates.length;
	if (remaining <= 0) {
		return { kind: 'done', result: finishGeneration(request, start, ai, undefined, null), economy: { batchJob: null }, source: 'templates' };
	}
	const { tier, locale, ai: settings } = request;
	const limits = batchLimits(settings, 1);
	const wanted = Math.ceil(remaining * (1 + Math.max(0, settings.headroom)));
	const sizes = splitIntoBatches(wanted, limits.fixedBatch > 0 ? limits.fixedBatch : limits.maxBatch);
	const batches: Batch[] = sizes.map((size, index) => ({ size, theme: settings.themes[index % settings.themes.length] }));
	const keys = batches.map((batch, index) => `missions-${index}-${batch.theme.name}`);
	const titles = start.registry.titles();
	const items = batches.map((batch, index) => ({ key: keys[index], request: missionRequest(batch, tier, locale, settings, titles) }));
	const submitted = await createBatch(
		ai.ctx,
		ai.credential,
		settings.model,
		`missions ${tier} ${locale} ${options.jobId}`.slice(0, 120),
		items,
		ai.settings,
		ai.accounting,
	).then(
		(job) => ({ ok: true as const, job }),
		(error: unknown) => ({ ok: false as const, error }),
	);
	if (!submitted.ok) {
		if (onBatchFailure === 'fail') throw submitted.error;
		// Could not even submit: standard calls now, and the report says why.
		const reason = `The Gemini batch could not be submitted (${describeError(submitted.error, ai, Date.now())}), so the missions were written by standard calls.`;
		return await standardRemainder(request, start, ai, emptyAiResult(), remaining, reason, { batchJob: null, state: 'notSubmitted' }, 'standard');
	}
	const state: EconomyState = {
		version: STATE_VERSION,
		status: 'waiting',
		batchJob: submitted.job.name,
		state: submitted.job.state,
		checks: 0,
		nextCheckSeconds: nextBatchCheckSeconds(0),
		submittedAt: new Date().toISOString(),
		jobId: options.jobId,
		onBatchFailure,
		request,
		templateMissions: start.fromTemplates,
		batches: batches.map((batch, index) => ({ key: keys[index], size: batch.size, theme: batch.theme.name })),
	};
	return { kind: 'waiting', state, job: submitted.job };
}

async function standardRemainder(
	request: GenerationRequest,
	start: GenerationStart,
	ai: AiDependencies,
	fromBatch: AiPhaseResult,
	needed: number,
	fallbackReason: string | null,
	economy: IDataObject,
	source: string,
): Promise<EconomyOutcome> {
	const missing = needed - fromBatch.missions.length;
	let reason = fallbackReason;
	let standard: AiPhaseResult | undefined;
	if (missing > 0) {
		standard = await runAiPhase(missing, request, start.registry, ai, () => undefined);
		if (standard.missions.length < missing && standard.lastError !== undefined) {
			reason = `${reason ? `${reason} ` : ''}${describeError(standard.lastError, ai, standard.lastErrorAt ?? Date.now())}`;
		}
	}
	const merged: AiPhaseResult = {
		missions: [...fromBatch.missions, ...(standard?.missions ?? [])],
		failedDuplicates: fromBatch.failedDuplicates + (standard?.failedDuplicates ?? 0),
		failedValidation: fromBatch.failedValidation + (standard?.failedValidation ?? 0),
		failedApi: fromBatch.failedApi + (standard?.failedApi ?? 0),
		rounds: fromBatch.rounds + (standard?.rounds ?? 0),
	};
	const result = finishGeneration(request, start, ai, merged, reason);
	const standardMissions = standard?.missions.length ?? 0;
	return {
		kind: 'done',
		result,
		economy: { ...economy, batchMissions: fromBatch.missions.length, standardMissions },
		source: standardMissions > 0 && source === 'batch' ? 'batch+standard' : source,
	};
}

/** A state read back from an item, or why it is not one. */
export function readEconomyState(value: unknown): { ok: true; state: EconomyState } | { ok: false; reason: string } {
	if (typeof value !== 'object' || value === null) return { ok: false, reason: 'is empty or not an object' };
	const state = value as Partial<EconomyState>;
	if (state.version !== STATE_VERSION || typeof state.batchJob !== 'string' || !state.request || !Array.isArray(state.batches)) {
		return { ok: false, reason: 'is not the "economy" object a Mission Generator Report gives while its batch is waiting' };
	}
	return { ok: true, state: state as EconomyState };
}

/**
 * Reads the batch: still working → `waiting` with the next interval; ended → the job delivered
 * (batch answers first, standard calls for the rest) or, by the job's choice, Google's reason.
 */
export async function checkEconomy(state: EconomyState, ai: AiDependencies, options: GenerationOptions = {}): Promise<EconomyOutcome> {
	const { job, operation } = await getBatch(ai.ctx, ai.credential, state.batchJob, ai.settings, ai.accounting);
	const checks = state.checks + 1;
	if (!isTerminal(job.state)) {
		return { kind: 'waiting', state: { ...state, state: job.state, checks, nextCheckSeconds: nextBatchCheckSeconds(checks) }, job };
	}
	const { request } = state;
	// The registry as it stood at submit: existing missions, the template missions handed out.
	const registry = missionRegistry(request, { ...options, jobId: state.jobId });
	for (const mission of state.templateMissions) registry.tryAdd(mission, false);
	const start: GenerationStart = {
		startedAt: Date.parse(state.submittedAt) || Date.now(),
		random: options.random ?? Math.random,
		registry,
		templates: templatesFor(request.tier, request.locale, request.customTemplates),
		fromTemplates: state.templateMissions,
		notices: [],
	};
	const needed = request.count - state.templateMissions.length;
	const economy: IDataObject = { batchJob: state.batchJob, state: job.state, googleState: job.googleState, checks, batchRequests: state.batches.length };
	if (job.state !== 'succeeded') {
		const why = `The Gemini batch ${state.batchJob} ended ${job.googleState || job.state.toUpperCase()}${job.errorMessage ? `: ${job.errorMessage}` : ''}`;
		if (state.onBatchFailure === 'fail') throw new BatchEndedError(why);
		return await standardRemainder(request, start, ai, emptyAiResult(), needed, `${why}, so the missions were written by standard calls.`, economy, 'standard');
	}
	// The batch's answers go into the job's accounting (priced at the batch rate); the economy part
	// of the report says how many of the tokens were the batch's.
	const before = { prompt: ai.accounting.promptTokens, output: ai.accounting.outputTokens, cost: ai.accounting.costUsd };
	const answers = readBatchAnswers(operation, state.batches.map((batch) => batch.key), ai.accounting, request.ai.model);
	const fromBatch = emptyAiResult();
	fromBatch.rounds = 1;
	const failures: string[] = [];
	answers.forEach((answer, index) => {
		const batch = state.batches[index];
		const parsed = answer.ok ? toArray(extractJson(answer.text)) : undefined;
		if (!answer.ok || !parsed?.ok) {
			if (answer.ok) fromBatch.failedValidation += batch.size;
			else fromBatch.failedApi += batch.size;
			failures.push(answer.ok ? 'an unusable answer' : answer.reason);
			return;
		}
		acceptMissions(parsed.value, { tier: request.tier, locale: request.locale, theme: batch.theme, needed }, registry, fromBatch);
	});
	economy.batchPromptTokens = ai.accounting.promptTokens - before.prompt;
	economy.batchOutputTokens = ai.accounting.outputTokens - before.output;
	economy.batchCostUsd = roundUsd(ai.accounting.costUsd - before.cost);
	economy.failedBatchRequests = failures.length;
	// Partial failures are not a fallback: they are retried as ordinary calls, as any failed call is.
	return await standardRemainder(request, start, ai, fromBatch, needed, null, economy, 'batch');
}

/** Cancels the waiting batch at Google; a batch that already ended is left as it is. */
export async function cancelEconomy(state: BatchToCancel, ai: AiDependencies): Promise<IDataObject> {
	const job = await cancelAndRead(ai.ctx, ai.credential, state.batchJob, ai.settings, ai.accounting);
	return { batchJob: state.batchJob, state: job.state, googleState: job.googleState };
}
