import type { IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { callTimeoutMs, linkedAbortSignal } from './deadline';
import { credentialKey, getSharedRateLimiter } from './rateLimiter';
import { classifyFailure } from './request';
import type { RequestContext, ResolvedCredential } from './request';
import { withRetry } from './retry';
import type { RetryPolicy } from './retry';
import { MIN_TIME_TO_SEND_MS } from './semaphore';
import type { Semaphore } from './semaphore';

export interface ResilienceSettings {
	retry: RetryPolicy;
	callTimeoutMs: number;
	/** Epoch ms after which no attempt starts for this item. */
	deadlineAt: number;
	retryInvalidOutput: boolean;
	/** Caps attempts in flight across everything sharing it; a call waiting to retry holds no slot. */
	slots?: Semaphore;
	/** Ends waits and requests instead of the execution's cancel signal (work shared by callers). */
	signal?: AbortSignal;
	/** Asked once a slot is free: false means the answer is no longer needed, so nothing is sent. */
	stillWanted?: () => boolean;
	/**
	 * Send one backup request when an attempt runs far past its usual latency (off when false;
	 * the node option "Hedge Slow Calls"). Needs latency history, so a cold start never hedges.
	 */
	hedge?: boolean;
}

/** The call was dropped before sending because its answer was no longer needed. Not a failure. */
export class CallNotNeededError extends Error {
	name = 'CallNotNeededError';
}

/** What a node reports about its calls: surfaced in metrics, never secrets. */
export interface CallAccounting {
	calls: number;
	retries: number;
	failedCalls: number;
	promptTokens: number;
	outputTokens: number;
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

	const attempt = async (): Promise<T> => {
		if (settings.stillWanted) {
			// One macrotask first: the call that just freed this slot finishes handling its answer
			// (all microtasks) before we decide whether ours is still needed.
			await sleep(0, cancelSignal);
			if (!settings.stillWanted()) throw new CallNotNeededError('no longer needed');
		}
		await limiter?.acquire(cancelSignal, settings.deadlineAt);
		const timeoutMs = callTimeoutMs(settings.callTimeoutMs, settings.deadlineAt);
		const linked = linkedAbortSignal(cancelSignal, AbortSignal.timeout(Math.max(1, timeoutMs)));
		const startedAt = Date.now();
		accounting.calls++;
		let succeeded = false;
		try {
			const value = await attemptFn(timeoutMs, linked.signal);
			succeeded = true;
			return value;
		} finally {
			if (!succeeded) accounting.failedCalls++;
			accounting.latenciesMs.push(Date.now() - startedAt);
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
