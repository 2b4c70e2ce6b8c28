import { generateStructured } from '../../shared/gemini/generate';
import type { GenerateRequest, Validation } from '../../shared/gemini/generate';
import { mapWithConcurrency } from '../../shared/transport/concurrency';
import { linkedAbortSignal, remainingMs } from '../../shared/transport/deadline';
import type { RequestContext } from '../../shared/transport/request';
import type { CallAccounting, ResilienceSettings } from '../../shared/transport/resilientCall';
import { cancelSignalOf } from '../../shared/transport/resilientCall';
import type { DuplicateRegistry } from './duplicates';
import { batchPrompt, missionBatchSchema, systemInstruction } from './prompt';
import { makeMission } from './templatePhase';
import type { AiSettings, Mission, ThemeSpec } from './types';
import { validateAiMission } from './validate';
import { CallNotNeededError, InvalidOutputError } from '../../shared/errors';
import type { ResolvedCredential } from '../../shared/credentials';

/** Later rounds never ask for more than this multiple of what is still missing. */
const MAX_HEADROOM = 2;
/** Keeps the headroom formula finite when every offered mission so far was rejected. */
const MIN_ACCEPT_RATE = 0.01;

export interface AiDependencies {
	ctx: RequestContext;
	credential: ResolvedCredential;
	settings: ResilienceSettings;
	accounting: CallAccounting;
}

export interface AiPhaseResult {
	missions: Mission[];
	failedDuplicates: number;
	failedValidation: number;
	failedApi: number;
	rounds: number;
	/** The last call failure, when the phase could not deliver everything because of it. */
	lastError?: unknown;
	/** When lastError happened (epoch ms), to tell how much of the deadline was left then. */
	lastErrorAt?: number;
}

export interface Batch {
	size: number;
	theme: ThemeSpec;
}

/** Splits `total` into batches of at most `batchSize`, as even as possible: 10 by 4 → 4, 3, 3. */
export function splitIntoBatches(total: number, batchSize: number): number[] {
	const batches = Math.ceil(total / batchSize);
	const base = Math.floor(total / batches);
	const extra = total % batches;
	return Array.from({ length: batches }, (_, index) => base + (index < extra ? 1 : 0));
}

// ------------------------------------------------------------------ batch planning
/**
 * Output tokens one mission takes in the JSON answer, with margin: 70-80 measured (title,
 * one to three sentences, type, target, xpReward, indentation), so 800 tokens hold 8 missions.
 */
export const OUTPUT_TOKENS_PER_MISSION = 100;
/** Automatic batches stay within what AI Batch Size allows by hand. */
export const MAX_AUTO_BATCH = 10;
/** Used when no shared call cap is given (the node always gives one). */
const FALLBACK_CALL_CAP = 4;

export interface BatchLimits {
	/** Calls that may run at once (Parallel Calls). */
	callCap: number;
	/** Most missions per call the output-token budget allows. */
	maxBatch: number;
	/** AI Batch Size set by hand; 0 or less plans automatically. */
	fixedBatch: number;
}

export function batchLimits(ai: AiSettings, callCap: number | undefined): BatchLimits {
	const byBudget = Math.floor(ai.maxOutputTokens / OUTPUT_TOKENS_PER_MISSION);
	return {
		callCap: Math.max(1, callCap ?? FALLBACK_CALL_CAP),
		maxBatch: Math.max(1, Math.min(MAX_AUTO_BATCH, byBudget)),
		fixedBatch: ai.batchSize > 0 ? ai.batchSize : 0,
	};
}

/**
 * Sizes one round's batches. Generation time grows with what a call writes: a call takes about
 * ttft + tokens(batch) × msPerToken (a few hundred ms to the first token, then a few ms per
 * token on Flash). Calls in one wave run side by side, so a wave lasts as long as its biggest
 * batch, and every extra wave pays the time to first token again. With cap C and M = N·(1 + h)
 * missions to ask for, the total writing time M·tokens·msPerToken / C is the same however M is
 * cut; what changes is the number of waves (each costs another ttft) and the size of the
 * biggest batch. So: as few waves as the cap and the per-call budget allow (one, when N fits in
 * C calls of the budget's size), C calls per wave, and the missions spread evenly over them:
 * batches of ceil(M / C). Bigger batches in fewer calls only lengthen the wave; more calls than
 * C wait for a slot and form another wave. When the headroom would not fit one wave but N does,
 * the headroom is trimmed to what fits: a refill round for a few rejections costs less than a
 * second wave every time. The cap is shared by every item of the node: several items' rounds
 * then interleave in the slots, which costs no more calls. AI Batch Size set by hand keeps the
 * old fixed batches.
 */
export function planRound(missing: number, headroom: number, limits: BatchLimits): number[] {
	if (missing <= 0) return [];
	const wanted = Math.ceil(missing * (1 + Math.max(0, headroom)));
	if (limits.fixedBatch > 0) return splitIntoBatches(wanted, limits.fixedBatch);
	const perWave = limits.callCap * limits.maxBatch;
	const waves = Math.ceil(missing / perWave);
	const total = Math.min(wanted, waves * perWave);
	return splitIntoBatches(total, Math.ceil(total / (waves * limits.callCap)));
}
// ------------------------------------------------------------------ end of batch planning

/** One batch's Gemini request; the Batch API path (economy.ts) sends the very same requests. */
export function missionRequest(batch: Batch, tier: string, locale: string, ai: AiSettings, knownTitles: string[]): GenerateRequest {
	return {
		model: ai.model,
		prompt: batchPrompt({ count: batch.size, tier, theme: batch.theme, knownTitles }),
		systemInstruction: systemInstruction(locale),
		responseSchema: missionBatchSchema(batch.size, tier),
		temperature: ai.temperature,
		topP: ai.topP,
		maxOutputTokens: ai.maxOutputTokens,
		// Missions need no reasoning, and thinking tokens would eat Max Output Tokens.
		lowThinking: true,
	};
}

/**
 * Validates and de-duplicates one answer's missions into `result` until `needed` are accepted;
 * says how many were looked at and how many rejected (they steer the next round's headroom).
 */
export function acceptMissions(
	offeredMissions: readonly unknown[],
	context: { tier: string; locale: string; theme: string; needed: number },
	registry: DuplicateRegistry,
	result: AiPhaseResult,
): { offered: number; rejected: number } {
	const { tier, locale, theme, needed } = context;
	let offered = 0;
	let rejected = 0;
	for (const raw of offeredMissions) {
		if (result.missions.length >= needed) break;
		offered++;
		const checked = validateAiMission(raw, tier);
		if (!checked.ok) {
			result.failedValidation++;
			rejected++;
			continue;
		}
		const mission = makeMission({ ...checked.value, tier, theme, locale }, 'ai');
		if (registry.tryAdd(mission)) result.missions.push(mission);
		else {
			result.failedDuplicates++;
			rejected++;
		}
	}
	return { offered, rejected };
}

export function toArray(value: unknown): Validation<unknown[]> {
	if (Array.isArray(value) && value.length > 0) return { ok: true, value };
	// Some models wrap the array in an object despite the schema.
	if (typeof value === 'object' && value !== null) {
		const inner = Object.values(value).find((entry) => Array.isArray(entry));
		if (Array.isArray(inner) && inner.length > 0) return { ok: true, value: inner };
	}
	return { ok: false, reason: 'the answer was not a non-empty JSON array of missions' };
}

/**
 * Phase 2: AI writes only what templates could not cover. Each round asks for what is missing
 * plus headroom for rejections, in themed batches of several missions per call, run in parallel
 * under the shared call cap. Rejected missions (near-duplicates, invalid) are replaced by further
 * rounds until the count is met, the round limit or the deadline is reached.
 */
export async function runAiPhase(
	needed: number,
	request: { tier: string; locale: string; ai: AiSettings },
	registry: DuplicateRegistry,
	deps: AiDependencies,
	onBatchDone: (acceptedSoFar: number, message: string) => void,
): Promise<AiPhaseResult> {
	const { tier, locale, ai } = request;
	const result: AiPhaseResult = {
		missions: [],
		failedDuplicates: 0,
		failedValidation: 0,
		failedApi: 0,
		rounds: 0,
	};
	// A generation shared by several deliveries of one job runs on the flight's own signal.
	const signal = deps.settings.signal ?? cancelSignalOf(deps.ctx);
	// Rounds over-ask. Once enough missions arrived, the calls still waiting or on the wire are
	// dropped: their answers would only be discarded, and a hung one would hold the whole job
	// until its backup request or its timeout.
	const enough = new AbortController();
	const calls = linkedAbortSignal(signal, enough.signal);
	const limits = batchLimits(ai, deps.settings.slots?.capacity);
	let themeOffset = 0;
	let offered = 0;
	let rejected = 0;

	const runBatch = async (batch: Batch): Promise<void> => {
		const outcome = await generateStructured(
			deps.ctx,
			deps.credential,
			missionRequest(batch, tier, locale, ai, registry.titles()),
			toArray,
			// stillWanted keeps a call that just got its slot from being sent at all (it is asked after
			// the answer that freed the slot was counted); the abort ends the calls already sent.
			{ ...deps.settings, signal: calls.signal, stillWanted: () => result.missions.length < needed },
			deps.accounting,
		).then(
				(answer) => ({ ok: true as const, answer }),
				(error: unknown) => ({ ok: false as const, error }),
			);
		// Dropped as no longer needed (before sending, or on the wire once enough arrived): no failure.
		if (!outcome.ok && (outcome.error instanceof CallNotNeededError || enough.signal.aborted)) return;
		if (!outcome.ok) {
			if (outcome.error instanceof InvalidOutputError) result.failedValidation += batch.size;
			else result.failedApi += batch.size;
			result.lastError = outcome.error;
			result.lastErrorAt = Date.now();
			onBatchDone(result.missions.length, `AI batch (${batch.theme.name}) failed`);
			throw outcome.error;
		}
		const counted = acceptMissions(outcome.answer, { tier, locale, theme: batch.theme.name, needed }, registry, result);
		offered += counted.offered;
		rejected += counted.rejected;
		if (result.missions.length >= needed) enough.abort(new CallNotNeededError('enough missions arrived'));
		onBatchDone(result.missions.length, `AI batch (${batch.theme.name}) done`);
	};

	try {
		while (
			result.missions.length < needed &&
			result.rounds <= ai.maxRefillRounds &&
			remainingMs(deps.settings.deadlineAt) > 0 &&
			!signal?.aborted
		) {
			result.rounds++;
			const missing = needed - result.missions.length;
			const observed = offered > 0 ? rejected / offered : 0;
			const headroom = Math.min(MAX_HEADROOM, Math.max(ai.headroom, observed / Math.max(1 - observed, MIN_ACCEPT_RATE)));
			const sizes = planRound(missing, headroom, limits);
			const batches = sizes.map((size, index) => ({
				size,
				theme: ai.themes[(themeOffset + index) % ai.themes.length],
			}));
			themeOffset += batches.length;
			const settled = await mapWithConcurrency(batches, batches.length, runBatch, signal);
			// When every call of a round failed, the API is failing for good: stop asking.
			if (settled.every((outcome) => outcome.status === 'rejected')) break;
		}
	} finally {
		calls.dispose();
	}
	return result;
}
