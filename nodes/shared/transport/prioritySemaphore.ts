import { Semaphore } from './semaphore';
import { CancelledError } from '../errors';
import { processState } from '../state';

/**
 * Call slots handed out by priority: when a slot frees up, the waiter with the most urgent
 * priority gets it (rank 0 first), FIFO within one priority. One pool is shared by every
 * execution in the n8n process for a key (credential + model), so a critical issue arriving in
 * a new execution overtakes low-priority calls queued by an older one. A call waiting to retry
 * holds no slot (resilientCall takes the slot per attempt).
 */

interface Waiter {
	rank: number;
	order: number;
	resolve: () => void;
}

export class PrioritySemaphore {
	private active = 0;

	private order = 0;

	private readonly waiters: Waiter[] = [];

	constructor(private limit: number) {}

	/** Later executions may change the limit; a raised limit wakes waiters at once. */
	setLimit(limit: number): void {
		this.limit = limit;
		while (this.waiters.length > 0 && this.active < this.capacity) this.handOver();
	}

	get capacity(): number {
		return Math.max(1, Math.floor(this.limit) || 1);
	}

	get waiting(): number {
		return this.waiters.length;
	}

	get inUse(): number {
		return this.active;
	}

	async run<T>(rank: number, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
		await this.acquire(rank, signal);
		try {
			return await task();
		} finally {
			this.release();
		}
	}

	/** A view with the plain Semaphore interface, for ResilienceSettings.slots. */
	lane(rank: number): Semaphore {
		return new PriorityLane(this, rank);
	}

	private async acquire(rank: number, signal?: AbortSignal): Promise<void> {
		if (signal?.aborted) throw new CancelledError('The execution was stopped');
		if (this.active < this.capacity && this.waiters.length === 0) {
			this.active++;
			return;
		}
		await new Promise<void>((resolve, reject) => {
			const waiter: Waiter = {
				rank,
				order: this.order++,
				resolve: () => {
					signal?.removeEventListener('abort', onAbort);
					resolve();
				},
			};
			const onAbort = () => {
				const index = this.waiters.indexOf(waiter);
				if (index !== -1) this.waiters.splice(index, 1);
				reject(new CancelledError('The execution was stopped'));
			};
			signal?.addEventListener('abort', onAbort, { once: true });
			// Kept sorted by (rank, arrival): the head is always the next to run.
			let at = this.waiters.length;
			while (at > 0 && this.waiters[at - 1].rank > rank) at--;
			this.waiters.splice(at, 0, waiter);
			if (this.active < this.capacity) this.handOver();
		});
	}

	private handOver(): void {
		const next = this.waiters.shift();
		if (!next) return;
		this.active++;
		next.resolve();
	}

	private release(): void {
		this.active--;
		while (this.waiters.length > 0 && this.active < this.capacity) this.handOver();
	}
}

/**
 * Semaphore's interface over one priority of a PrioritySemaphore. A subclass rather than a
 * second interface so resilientCall, which takes a Semaphore, needs no change.
 */
class PriorityLane extends Semaphore {
	constructor(
		private readonly pool: PrioritySemaphore,
		private readonly rank: number,
	) {
		super(1);
	}

	override async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
		return await this.pool.run(this.rank, task, signal);
	}
}

const sharedPools = processState(
	'priorityCallSlots',
	'per process: the Issue Triage call slots per credential and model, most urgent first',
	() => new Map<string, PrioritySemaphore>(),
);

/** The process-wide pool for `key` (a credentialKey() hash plus model, never a raw key). */
export function getSharedPrioritySemaphore(key: string, limit: number): PrioritySemaphore {
	const existing = sharedPools.get(key);
	if (existing) {
		if (existing.capacity !== Math.max(1, Math.floor(limit) || 1)) existing.setLimit(limit);
		return existing;
	}
	const pool = new PrioritySemaphore(limit);
	sharedPools.set(key, pool);
	return pool;
}
