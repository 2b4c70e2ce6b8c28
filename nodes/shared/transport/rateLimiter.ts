import { sleep } from 'n8n-workflow';
import { CancelledError, RateLimitWaitError } from '../errors';
import { processState } from '../state';

/**
 * Client-side requests-per-minute limit. Sending at the quota's pace costs nothing, while going
 * over it earns 429s whose Retry-After waits are far longer than the pacing would have been.
 */

/** Gemini quotas are stated per minute. */
export const DEFAULT_WINDOW_MS = 60_000;
const UNLIMITED = Infinity;
const MIN_LIMIT = 1;

interface Waiter {
	resolve: () => void;
	reject: (error: Error) => void;
	deadlineAt?: number;
	signal?: AbortSignal;
	onAbort?: () => void;
}

export interface RateLimiterOptions {
	now?: () => number;
	/** Shortened in tests and benchmarks; the limit still means "per window". */
	windowMs?: number;
}

function normaliseLimit(requestsPerMinute: number): number {
	if (!(requestsPerMinute > 0)) return UNLIMITED;
	return Math.max(MIN_LIMIT, Math.floor(requestsPerMinute));
}

function waitError(deadlineAt: number): RateLimitWaitError {
	return new RateLimitWaitError(
		`The rate limit would be exceeded before the deadline (${new Date(deadlineAt).toISOString()}): ` +
			'lower the number of items or raise the requests per minute',
	);
}

function cancelledWait(signal: AbortSignal): CancelledError {
	return new CancelledError('Cancelled while waiting for the rate limit', { cause: signal.reason });
}

/** Sliding window: at most N grants in any window, waiters served first come, first served. */
export class RateLimiter {
	private limit: number;

	private readonly windowMs: number;

	private readonly now: () => number;

	/** Times of grants still inside the window, oldest first. */
	private readonly grants: number[] = [];

	private readonly queue: Waiter[] = [];

	private pumping = false;

	/** Interrupts the pump's sleep when the queue or the limit changes under it. */
	private wake?: AbortController;

	constructor(requestsPerMinute: number, options: RateLimiterOptions = {}) {
		this.limit = normaliseLimit(requestsPerMinute);
		this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
		this.now = options.now ?? Date.now;
	}

	/** The effective limit per window; Infinity when unlimited. */
	get requestsPerWindow(): number {
		return this.limit;
	}

	get pending(): number {
		return this.queue.length;
	}

	setRequestsPerMinute(requestsPerMinute: number): void {
		this.limit = normaliseLimit(requestsPerMinute);
		this.wake?.abort();
	}

	async acquire(signal?: AbortSignal, deadlineAt?: number): Promise<void> {
		if (signal?.aborted) throw cancelledWait(signal);
		if (this.limit === UNLIMITED) return;
		const now = this.now();
		this.prune(now);
		if (this.queue.length === 0 && this.grants.length < this.limit) {
			this.grants.push(now);
			return;
		}
		// Rejecting now beats discovering it after a long wait that could never have succeeded.
		if (deadlineAt !== undefined && this.projectedGrantTime(now) > deadlineAt) throw waitError(deadlineAt);

		await new Promise<void>((resolve, reject) => {
			const waiter: Waiter = { resolve, reject, deadlineAt, signal };
			if (signal) {
				waiter.onAbort = () => {
					this.remove(waiter);
					reject(cancelledWait(signal));
				};
				signal.addEventListener('abort', waiter.onAbort, { once: true });
			}
			this.queue.push(waiter);
			void this.pump();
		});
	}

	private prune(now: number): void {
		while (this.grants.length > 0 && this.grants[0] + this.windowMs <= now) this.grants.shift();
	}

	/** Earliest moment a grant is allowed with the grants recorded so far (limit may have shrunk). */
	private nextFreeAt(grants: readonly number[], now: number): number {
		if (grants.length < this.limit) return now;
		return Math.max(now, grants[grants.length - this.limit] + this.windowMs);
	}

	/** When a waiter joining the back of the queue now would be served, if nobody ahead leaves. */
	private projectedGrantTime(now: number): number {
		const simulated = [...this.grants];
		let at = now;
		for (let position = 0; position <= this.queue.length; position++) {
			at = Math.max(at, this.nextFreeAt(simulated, now));
			simulated.push(at);
		}
		return at;
	}

	private remove(waiter: Waiter): void {
		const index = this.queue.indexOf(waiter);
		if (index >= 0) this.queue.splice(index, 1);
		// Let the pump exit instead of sleeping on behalf of nobody.
		if (this.queue.length === 0) this.wake?.abort();
	}

	private grant(waiter: Waiter, now: number): void {
		if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
		// Only possible if the limit was lowered after this waiter was admitted.
		if (waiter.deadlineAt !== undefined && now > waiter.deadlineAt) {
			waiter.reject(waitError(waiter.deadlineAt));
			return;
		}
		this.grants.push(now);
		waiter.resolve();
	}

	private async pump(): Promise<void> {
		if (this.pumping) return;
		this.pumping = true;
		try {
			while (this.queue.length > 0) {
				const now = this.now();
				this.prune(now);
				const freeAt = this.nextFreeAt(this.grants, now);
				if (freeAt <= now) {
					const waiter = this.queue.shift();
					if (waiter) this.grant(waiter, now);
					continue;
				}
				const wake = new AbortController();
				this.wake = wake;
				try {
					await sleep(freeAt - now, wake.signal);
				} catch {
					// Woken early on purpose: the loop re-reads the queue and the limit.
				} finally {
					this.wake = undefined;
				}
			}
		} finally {
			this.pumping = false;
		}
	}
}

const sharedLimiters = processState(
	'rateLimiters',
	"per process: one Requests per Minute limiter per credential, shared by every execution (in queue mode each worker has its own; see README, Scaling out)",
	() => new Map<string, RateLimiter>(),
);

/** `key` must be a hash from credentialKey(), never the raw API key. */
export function getSharedRateLimiter(key: string, requestsPerMinute: number): RateLimiter {
	const existing = sharedLimiters.get(key);
	if (existing) {
		if (existing.requestsPerWindow !== normaliseLimit(requestsPerMinute)) {
			existing.setRequestsPerMinute(requestsPerMinute);
		}
		return existing;
	}
	const limiter = new RateLimiter(requestsPerMinute);
	sharedLimiters.set(key, limiter);
	return limiter;
}

