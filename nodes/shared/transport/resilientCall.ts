import type { IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { callTimeoutMs, linkedAbortSignal } from './deadline';
import { DEFAULT_HEDGE_POLICY, hedgeBudgetFor, hedgeDelayMs, lostRace, raceWithHedge } from './hedge';
import type { HedgePolicy } from './hedge';
import { latencyKey, latencyWindowFor } from './latencyTracker';
import { getSharedRateLimiter } from './rateLimiter';
import type { RequestContext } from './request';
import { withRetry } from './retry';
import type { RetryPolicy } from './retry';
import { MIN_TIME_TO_SEND_MS } from './semaphore';
import type { Semaphore } from './semaphore';
import { CallNotNeededError } from '../errors';
import { credentialKey } from '../credentials';
import { classifyFailure } from './classify';
import type { ResolvedCredential } from '../credentials';
import type { ServiceTier } from '../gemini/serviceTier';

export interface ResilienceSettings {
	retry: RetryPolicy;
	callTimeoutMs: number;
	/** Epoch ms after which no attempt starts for this item. */
	deadlineAt: number;
	retryInvalidOutput: boolean;
	/** Caps attempts in flight across everything sharing it; a call waiting to retry holds no slot. */
	slots?: Semaphore;
	/**
	 * Ends waits and requests instead of the execution's cancel signal (work shared by callers,
	 * or a caller that links its own). Aborted with a CallNotNeededError as its reason, it drops
	 * the call as no longer needed: requests on the wire are abandoned, not counted as failures.
	 */
	signal?: AbortSignal;
	/** Asked once a slot is free: false means the answer is no longer needed, so nothing is sent. */
	stillWanted?: () => boolean;
	/**
	 * Send one backup request when an attempt runs far past its usual latency (off when false;
	 * the node option "Hedge Slow Calls"). Before 10 calls are on record the backup is due at a
	 * prior (15% of the timeout; see hedge.ts), after that at 2 × the p95 latency.
	 */
	hedge?: boolean;
	/**
	 * What is called (e.g. the model path and method), so latency history and the hedge budget
	 * are kept per credential, model and operation. Calls without it share one per credential.
	 */
	operation?: string;
	/** Overrides of DEFAULT_HEDGE_POLICY (tests and benchmarks). */
	hedgePolicy?: Partial<HedgePolicy>;
	/** Gemini generateContent calls ask for this tier (absent: Standard). Other APIs ignore it. */
	serviceTier?: ServiceTier;
}

/** Aborted on purpose rather than failed: it lost a hedge race, or its answer stopped being needed. */
function abandoned(signal: AbortSignal): boolean {
	return lostRace(signal) || (signal.aborted && signal.reason instanceof CallNotNeededError);
}

/** What a node reports about its calls: surfaced in metrics, never secrets. */
export interface CallAccounting {
	calls: number;
	retries: number;
	failedCalls: number;
	promptTokens: number;
	/** Output tokens as billed: text or audio answer plus thinking. */
	outputTokens: number;
	/** The thinking part of outputTokens. */
	thinkingTokens: number;
	/** The audio part of outputTokens (speech models). */
	audioOutputTokens: number;
	/** Characters billed by Cloud Text-to-Speech. */
	characters: number;
	/** Estimated USD of the calls that could be priced (see gemini/pricing.ts). */
	costUsd: number;
	/** Answered calls that could not be priced (unknown model, tier or voice family). */
	unpricedCalls: number;
	/** What the estimate leaves out and why, each reason once. */
	costNotes: string[];
	/** Answered calls by the tier that served them ("standard", "flex", "priority"; "batch" for Batch API answers). */
	servedTiers: Record<string, number>;
	latenciesMs: number[];
	/** Backup requests sent because an attempt ran far past its usual latency. */
	hedges: number;
	/** Backup requests whose answer arrived first. */
	hedgeWins: number;
}

export function newAccounting(): CallAccounting {
	return {
		calls: 0,
		retries: 0,
		failedCalls: 0,
		promptTokens: 0,
		outputTokens: 0,
		thinkingTokens: 0,
		audioOutputTokens: 0,
		characters: 0,
		costUsd: 0,
		unpricedCalls: 0,
		costNotes: [],
		servedTiers: {},
		latenciesMs: [],
		hedges: 0,
		hedgeWins: 0,
	};
}

export function cancelSignalOf(ctx: RequestContext): AbortSignal | undefined {
	const execute = ctx as Partial<IExecuteFunctions>;
	return typeof execute.getExecutionCancelSignal === 'function'
		? execute.getExecutionCancelSignal()
		: undefined;
}

/**
 * Runs one logical call with every shared rule: the per-credential rate limit (shared by all
 * executions in this n8n process), a per-attempt timeout that never outlives the item deadline,
 * bounded retries with backoff that honours the server's requested delay, and the execution's
 * cancel signal, which ends waits and in-flight requests at once.
 *
 * Hedging: once this kind of call has a latency history, an attempt still unanswered after
 * 2 × its p95 gets one backup request (see hedge.ts). The backup takes a call slot (ahead of
 * calls not yet started) and a rate-limit grant like any call, and comes out of a budget of 5%
 * extra calls. Both requests share the attempt's timeout. A failing first request waits for the
 * backup's answer; a failing backup fails the attempt (the first is most likely hung), and the
 * retry policy then runs exactly as without hedging.
 */
export async function resilientCall<T>(
	ctx: RequestContext,
	credential: ResolvedCredential,
	settings: ResilienceSettings,
	accounting: CallAccounting,
	attemptFn: (timeoutMs: number, signal: AbortSignal) => Promise<T>,
): Promise<T> {
	const cancelSignal = settings.signal ?? cancelSignalOf(ctx);
	const limiter =
		credential.requestsPerMinute > 0
			? getSharedRateLimiter(credentialKey(credential.identity), credential.requestsPerMinute)
			: undefined;
	const policy: HedgePolicy = { ...DEFAULT_HEDGE_POLICY, ...settings.hedgePolicy };
	const historyKey = latencyKey(credential.identity, settings.operation ?? '');
	const latencies = latencyWindowFor(historyKey);
	const budget = hedgeBudgetFor(historyKey, policy);
	const isFinal = (error: unknown): boolean => !classifyFailure(error, settings.retryInvalidOutput).retry;

	/** One request on the wire: counted, and timed unless it was abandoned (see abandoned()). */
	const request = async (timeoutMs: number, signal: AbortSignal): Promise<T> => {
		const startedAt = Date.now();
		accounting.calls++;
		let succeeded = false;
		try {
			const value = await attemptFn(timeoutMs, signal);
			succeeded = true;
			latencies.record(Date.now() - startedAt);
			return value;
		} finally {
			if (succeeded || !abandoned(signal)) accounting.latenciesMs.push(Date.now() - startedAt);
			if (!succeeded && !abandoned(signal)) accounting.failedCalls++;
		}
	};

	const hedged = async (timeoutMs: number, delayMs: number, signal: AbortSignal): Promise<T> => {
		const endsAt = Date.now() + timeoutMs;
		let ticket: number | undefined;
		const { value, backupWon } = await raceWithHedge<T>({
			delayMs,
			signal,
			send: async (requestSignal) => await request(Math.max(1, endsAt - Date.now()), requestSignal),
			due: () => {
				// An answer nobody waits for any more is dropped, not hedged.
				if (settings.stillWanted && !settings.stillWanted()) return new CallNotNeededError('no longer needed');
				ticket = budget.tryTake();
				return ticket === undefined ? 'skip' : 'send';
			},
			admit: async (run, admitSignal) => {
				const send = async (): Promise<T> => {
					await limiter?.acquire(admitSignal, endsAt);
					return await run();
				};
				return settings.slots ? await settings.slots.runNext(send, admitSignal) : await send();
			},
			isFinal,
			onBackupSent: () => {
				accounting.hedges++;
			},
			onBackupUnsent: () => {
				if (ticket !== undefined) budget.refund(ticket);
			},
		});
		if (backupWon) accounting.hedgeWins++;
		return value;
	};

	const attempt = async (): Promise<T> => {
		if (settings.stillWanted) {
			// One macrotask first: the call that just freed this slot finishes handling its answer
			// (all microtasks) before we decide whether ours is still needed.
			await sleep(0, cancelSignal);
			if (!settings.stillWanted()) throw new CallNotNeededError('no longer needed');
		}
		await limiter?.acquire(cancelSignal, settings.deadlineAt);
		const timeoutMs = callTimeoutMs(settings.callTimeoutMs, settings.deadlineAt);
		budget.noteCall();
		const delayMs = settings.hedge === false ? undefined : hedgeDelayMs(latencies, timeoutMs, policy);
		const linked = linkedAbortSignal(cancelSignal, AbortSignal.timeout(Math.max(1, timeoutMs)));
		try {
			return delayMs === undefined
				? await request(timeoutMs, linked.signal)
				: await hedged(timeoutMs, delayMs, linked.signal);
		} finally {
			linked.dispose();
		}
	};

	return await withRetry(
		async () =>
			await (settings.slots
				? settings.slots.run(attempt, cancelSignal, { deadlineAt: settings.deadlineAt, minTimeLeftMs: MIN_TIME_TO_SEND_MS })
				: attempt()),
		{
			...settings.retry,
			deadlineAt: settings.deadlineAt,
			signal: cancelSignal,
			classify: (error) => classifyFailure(error, settings.retryInvalidOutput),
			onRetry: () => {
				accounting.retries++;
			},
		},
	);
}
