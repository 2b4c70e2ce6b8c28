import { CancelledError, SlotWaitTimeoutError } from '../errors';

/**
 * A call that would start with less than this left of the item deadline is not sent: a Gemini
 * answer rarely arrives faster, so the request would only cost quota and end in a timeout.
 */
export const MIN_TIME_TO_SEND_MS = 1000;

/** Limits a waiter brings to `run`: its own deadline, and how much of it a call needs. */
export interface SlotLimits {
	/** Epoch ms; waiting for a slot ends here, and counts against it. */
	deadlineAt?: number;
	/** Once a slot is free, at least this much must be left before the deadline (default 0). */
	minTimeLeftMs?: number;
	/** How the user raises the limit, named as the node's panel labels it. */
	limitName?: string;
}

interface Waiter {
	resolve: () => void;
	reject: (error: Error) => void;
}

/**
 * Caps how many calls run at once across everything that shares the instance (for example all
 * items of one node execution), FIFO, so one item with many batches cannot starve the others.
 * A waiter leaves the queue when its signal aborts or its deadline passes, and a slot it would
 * have got goes to the next one.
 */
export class Semaphore {
	private active = 0;

	private readonly waiters: Waiter[] = [];

	constructor(private readonly limit: number) {}

	/** Calls running now (for tests and benchmarks). */
	get inUse(): number {
		return this.active;
	}

	/** Callers waiting for a slot now. */
	get queued(): number {
		return this.waiters.length;
	}

	async run<T>(task: () => Promise<T>, signal?: AbortSignal, limits: SlotLimits = {}): Promise<T> {
		return await this.runQueued(task, signal, limits, false);
	}

	/**
	 * Like run, but waits at the front of the queue: for the backup of a call that already had its
	 * turn (a hedge), which is worth nothing if it waits behind calls that have not started.
	 */
	async runNext<T>(task: () => Promise<T>, signal?: AbortSignal, limits: SlotLimits = {}): Promise<T> {
		return await this.runQueued(task, signal, limits, true);
	}

	private async runQueued<T>(task: () => Promise<T>, signal: AbortSignal | undefined, limits: SlotLimits, first: boolean): Promise<T> {
		const startedAt = Date.now();
		await this.acquire(signal, limits, startedAt, first);
		try {
			const { deadlineAt, minTimeLeftMs = 0 } = limits;
			if (deadlineAt !== undefined && deadlineAt - Date.now() < minTimeLeftMs) {
				throw new SlotWaitTimeoutError(Date.now() - startedAt, this.capacity, deadlineAt - Date.now(), limits.limitName);
			}
			return await task();
		} finally {
			this.release();
		}
	}

	/** How many calls may run at once: planners size their work to it. */
	get capacity(): number {
		return Math.max(1, this.limit);
	}

	private async acquire(signal: AbortSignal | undefined, limits: SlotLimits, startedAt: number, first: boolean): Promise<void> {
		if (signal?.aborted) throw new CancelledError('The execution was stopped');
		if (this.active < this.capacity) {
			this.active++;
			return;
		}
		const { deadlineAt } = limits;
		if (deadlineAt !== undefined && deadlineAt <= Date.now()) {
			throw new SlotWaitTimeoutError(0, this.capacity, 0, limits.limitName);
		}
		// AbortSignal.timeout: node code may not set timers itself; its timer does not keep n8n alive.
		const timer = deadlineAt === undefined ? undefined : AbortSignal.timeout(Math.max(1, deadlineAt - Date.now()));
		await new Promise<void>((resolve, reject) => {
			const cleanup = () => {
				signal?.removeEventListener('abort', onAbort);
				timer?.removeEventListener('abort', onTimeout);
			};
			const leave = (error: Error) => {
				const index = this.waiters.indexOf(waiter);
				if (index === -1) return;
				this.waiters.splice(index, 1);
				cleanup();
				reject(error);
			};
			const waiter: Waiter = {
				resolve: () => {
					cleanup();
					resolve();
				},
				reject,
			};
			const onAbort = () => leave(new CancelledError('The execution was stopped'));
			const onTimeout = () =>
				leave(new SlotWaitTimeoutError(Date.now() - startedAt, this.capacity, 0, limits.limitName));
			signal?.addEventListener('abort', onAbort, { once: true });
			timer?.addEventListener('abort', onTimeout, { once: true });
			if (first) this.waiters.unshift(waiter);
			else this.waiters.push(waiter);
		});
	}

	private release(): void {
		const next = this.waiters.shift();
		// The slot passes straight to the next waiter, so `active` stays the same.
		if (next) next.resolve();
		else this.active--;
	}
}
