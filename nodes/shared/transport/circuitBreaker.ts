import { CallTimeoutError, GoogleHttpError } from '../errors';
import { isNetworkError } from './classify';
import { processState } from '../state';

/**
 * A circuit breaker shared by every execution in the n8n process, one per credential and model.
 * After `failureThreshold` outage failures in a row (timeouts, 5xx, network errors) it opens:
 * callers skip the service for `coolDownMs` and use their fallback at once instead of waiting
 * for more timeouts. Then it lets exactly one probe through (half-open); the probe's outcome
 * closes it again or re-opens it for another cool-down. A 429 or a bad answer proves the
 * service is reachable, so it counts as success here (the retry policy handles those).
 */

export type BreakerState = 'closed' | 'open' | 'halfOpen';

export interface BreakerOptions {
	failureThreshold: number;
	coolDownMs: number;
	now?: () => number;
}

export interface BreakerSnapshot {
	state: BreakerState;
	consecutiveFailures: number;
	/** How many times it has opened since the process started. */
	opens: number;
	/** ISO time at which an open breaker lets a probe through; null unless open. */
	retryAt: string | null;
}

/** One permission to call: `probe` is true for the single half-open trial call. */
export interface BreakerTicket {
	probe: boolean;
}

export const DEFAULT_FAILURE_THRESHOLD = 3;
export const DEFAULT_COOL_DOWN_MS = 30_000;
const OUTAGE_STATUS_CODES: readonly number[] = [500, 502, 503, 504];

/** True for failures that say the service is down or hanging, not that it refused us. */
export function isOutageFailure(error: unknown): boolean {
	if (error instanceof CallTimeoutError) return true;
	if (error instanceof GoogleHttpError) return OUTAGE_STATUS_CODES.includes(error.statusCode);
	return isNetworkError(error);
}

export class CircuitBreaker {
	private consecutiveFailures = 0;

	private openedAt: number | undefined;

	private probeInFlight = false;

	private opens = 0;

	private readonly now: () => number;

	constructor(private options: BreakerOptions) {
		this.now = options.now ?? Date.now;
	}

	/** Later executions may change the settings; the state is kept. */
	configure(options: Omit<BreakerOptions, 'now'>): void {
		this.options = { ...this.options, ...options };
	}

	get state(): BreakerState {
		if (this.openedAt === undefined) return 'closed';
		return this.now() - this.openedAt >= this.options.coolDownMs ? 'halfOpen' : 'open';
	}

	/** Permission for one call, or undefined when the caller must use its fallback now. */
	tryAcquire(): BreakerTicket | undefined {
		const state = this.state;
		if (state === 'closed') return { probe: false };
		if (state === 'open' || this.probeInFlight) return undefined;
		this.probeInFlight = true;
		return { probe: true };
	}

	/** Whether a call holding `ticket` should still be sent (false once the breaker opened). */
	allows(ticket: BreakerTicket): boolean {
		return ticket.probe || this.state === 'closed';
	}

	/** Records the outcome of a call made with `ticket`: `error` undefined means it succeeded. */
	record(ticket: BreakerTicket, error?: unknown): void {
		if (ticket.probe) this.probeInFlight = false;
		if (error === undefined || !isOutageFailure(error)) {
			this.consecutiveFailures = 0;
			this.openedAt = undefined;
			return;
		}
		this.consecutiveFailures++;
		const reopen = ticket.probe && this.openedAt !== undefined;
		if (reopen || (this.openedAt === undefined && this.consecutiveFailures >= this.options.failureThreshold)) {
			this.openedAt = this.now();
			this.opens++;
		}
	}

	/** A ticket whose call was never sent (dropped, cancelled) gives its probe back. */
	release(ticket: BreakerTicket): void {
		if (ticket.probe) this.probeInFlight = false;
	}

	snapshot(): BreakerSnapshot {
		const state = this.state;
		return {
			state,
			consecutiveFailures: this.consecutiveFailures,
			opens: this.opens,
			retryAt:
				state === 'open' && this.openedAt !== undefined
					? new Date(this.openedAt + this.options.coolDownMs).toISOString()
					: null,
		};
	}
}

const sharedBreakers = processState(
	'circuitBreakers',
	'per process: one breaker per credential and model, shared by every node and execution in it',
	() => new Map<string, CircuitBreaker>(),
);

/** The process-wide breaker for `key` (a credentialKey() hash plus the model, never a raw key). */
export function getSharedBreaker(key: string, options: Omit<BreakerOptions, 'now'>): CircuitBreaker {
	const existing = sharedBreakers.get(key);
	if (existing) {
		existing.configure(options);
		return existing;
	}
	const breaker = new CircuitBreaker(options);
	sharedBreakers.set(key, breaker);
	return breaker;
}
