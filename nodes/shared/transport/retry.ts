import { sleep } from 'n8n-workflow';

import { CancelledError, DeadlineExceededError } from '../errors';
import type { RetryDecision } from './retryHints';

/**
 * Retry with full-jitter exponential backoff, bounded by attempts, an absolute deadline and an
 * abort signal. The caller classifies errors; this module only decides when to try again.
 */

export interface RetryPolicy {
	maxAttempts: number;
	baseDelayMs: number;
	maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 8000 };
export const MIN_ATTEMPTS = 1;
/** More than this only multiplies cost and latency on an outage; quotas reset in minutes, not tries. */
export const MAX_ATTEMPTS = 10;
/** A server asking for more than a minute means a quota window, not a blip: fail now, don't hang. */
export const MAX_SERVER_REQUESTED_DELAY_MS = 60_000;
/** Extra wait on top of a server-requested delay, as a fraction of it (never less than asked). */
export const SERVER_DELAY_JITTER = 0.1;

export interface RetryEvent {
	attempt: number;
	delayMs: number;
	error: unknown;
	reason?: string;
}

export interface RetryOptions extends RetryPolicy {
	classify: (error: unknown) => RetryDecision;
	/** Epoch ms: no attempt starts and no wait extends past it. */
	deadlineAt?: number;
	signal?: AbortSignal;
	random?: () => number;
	now?: () => number;
	onRetry?: (info: RetryEvent) => void;
}

// Errors are rethrown unchanged, so the attempt count travels beside them rather than on them.
const attemptsByError = new WeakMap<object, number>();

/** How many attempts were made before `error` was thrown by withRetry (undefined if it was not). */
export function attemptsOf(error: unknown): number | undefined {
	return typeof error === 'object' && error !== null ? attemptsByError.get(error) : undefined;
}

function recordAttempts(error: unknown, attempts: number): void {
	if (typeof error === 'object' && error !== null) attemptsByError.set(error, attempts);
}

/** maxAttempts clamped to MIN_ATTEMPTS..MAX_ATTEMPTS; anything unreadable falls back to the default. */
export function clampAttempts(maxAttempts: number): number {
	if (!Number.isFinite(maxAttempts)) {
		return maxAttempts === Infinity ? MAX_ATTEMPTS : DEFAULT_RETRY_POLICY.maxAttempts;
	}
	return Math.min(MAX_ATTEMPTS, Math.max(MIN_ATTEMPTS, Math.floor(maxAttempts)));
}

/**
 * Full jitter (AWS architecture blog, "Exponential Backoff and Jitter"): spreading retries over
 * the whole interval avoids synchronised bursts from many items hitting the same quota.
 * `attempt` is the 1-based number of the attempt that just failed.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
	const exponent = Math.max(1, attempt) - 1;
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
	return Math.max(0, random() * ceiling);
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

// Settling into a value lets every throw sit outside a catch clause, where the original error
// can be rethrown unchanged (callers map it to NodeApiError with its HTTP status intact).
async function settle<T>(run: () => Promise<T>): Promise<Outcome<T>> {
	try {
		return { ok: true, value: await run() };
	} catch (error) {
		return { ok: false, error };
	}
}

function cancelled(cause: unknown): CancelledError {
	return new CancelledError('The operation was cancelled', { cause });
}

/**
 * Calls `fn` until it succeeds, `classify` says stop, attempts run out, the deadline leaves no
 * room, or `signal` aborts (CancelledError). Otherwise the last error is rethrown unchanged, with
 * the attempt count available from attemptsOf(). Each wait is max(jittered backoff, server delay).
 */
export async function withRetry<T>(
	fn: (attempt: number) => Promise<T>,
	options: RetryOptions,
): Promise<T> {
	const { classify, deadlineAt, signal, onRetry } = options;
	const random = options.random ?? Math.random;
	const now = options.now ?? Date.now;
	const maxAttempts = clampAttempts(options.maxAttempts);
	let failure: { error: unknown } | undefined;

	for (let attempt = 1; ; attempt++) {
		if (signal?.aborted) throw cancelled(signal.reason);
		if (deadlineAt !== undefined && now() >= deadlineAt) {
			// Only reachable after a retry if the wait overslept; the real failure is more useful then.
			if (failure) throw failure.error;
			throw new DeadlineExceededError();
		}

		const outcome = await settle(async () => await fn(attempt));
		if (outcome.ok) return outcome.value;
		const { error } = outcome;
		failure = { error };
		recordAttempts(error, attempt);
		// A call that failed because we aborted it is a cancellation, whatever it threw.
		if (signal?.aborted) throw cancelled(error);

		const decision = classify(error);
		if (!decision.retry || attempt >= maxAttempts) throw error;

		const serverDelayMs = decision.minDelayMs ?? 0;
		if (serverDelayMs > MAX_SERVER_REQUESTED_DELAY_MS) throw error;
		// The server knows when its quota frees up: wait what it asked, plus a little jitter so
		// parallel items do not return in one burst. Our own exponential backoff only applies when
		// the server says nothing; stacking both made one unlucky item wait 8 s for a 1 s quota.
		const delayMs =
			serverDelayMs > 0
				? serverDelayMs + Math.round(random() * SERVER_DELAY_JITTER * serverDelayMs)
				: backoffDelay(attempt, options, random);
		// The next attempt must start before the deadline; waiting only to give up is wasted time.
		if (deadlineAt !== undefined && now() + delayMs >= deadlineAt) throw error;

		onRetry?.({ attempt, delayMs, error, reason: decision.reason });
		// sleep rejects (with the signal's reason) only when the signal aborts mid-wait.
		const waited = await settle(async () => await sleep(delayMs, signal));
		if (!waited.ok) throw cancelled(waited.error);
	}
}
