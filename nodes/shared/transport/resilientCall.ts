import type { IExecuteFunctions } from 'n8n-workflow';

import { callTimeoutMs, linkedAbortSignal } from './deadline';
import { credentialKey, getSharedRateLimiter } from './rateLimiter';
import { classifyFailure } from './request';
import type { RequestContext, ResolvedCredential } from './request';
import { withRetry } from './retry';
import type { RetryPolicy } from './retry';
import type { Semaphore } from './semaphore';

export interface ResilienceSettings {
	retry: RetryPolicy;
	callTimeoutMs: number;
	/** Epoch ms after which no attempt starts for this item. */
	deadlineAt: number;
	retryInvalidOutput: boolean;
	/** Caps attempts in flight across everything sharing it; a call waiting to retry holds no slot. */
	slots?: Semaphore;
}

/** What a node reports about its calls: surfaced in metrics, never secrets. */
export interface CallAccounting {
	calls: number;
	retries: number;
	failedCalls: number;
	promptTokens: number;
	outputTokens: number;
	latenciesMs: number[];
}

export function newAccounting(): CallAccounting {
	return { calls: 0, retries: 0, failedCalls: 0, promptTokens: 0, outputTokens: 0, latenciesMs: [] };
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
	const cancelSignal = cancelSignalOf(ctx);
	const limiter =
		credential.requestsPerMinute > 0
			? getSharedRateLimiter(credentialKey(credential.identity), credential.requestsPerMinute)
			: undefined;

	const attempt = async (): Promise<T> => {
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
		async () => await (settings.slots ? settings.slots.run(attempt, cancelSignal) : attempt()),
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
