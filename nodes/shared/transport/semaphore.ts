import { CancelledError } from './retry';

/**
 * Caps how many calls run at once across everything that shares the instance (for example all
 * items of one node execution), FIFO, so one item with many batches cannot starve the others.
 */
export class Semaphore {
	private active = 0;

	private readonly waiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];

	constructor(private readonly limit: number) {}

	async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
		await this.acquire(signal);
		try {
			return await task();
		} finally {
			this.release();
		}
	}

	/**
	 * Like run, but waits at the front of the queue: for the backup of a call that already had its
	 * turn (a hedge), which is worth nothing if it waits behind calls that have not started.
	 */
	async runNext<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
		await this.acquire(signal, true);
		try {
			return await task();
		} finally {
			this.release();
		}
	}

	private async acquire(signal?: AbortSignal, first = false): Promise<void> {
		if (signal?.aborted) throw new CancelledError('The execution was stopped');
		if (this.active < Math.max(1, this.limit)) {
			this.active++;
			return;
		}
		await new Promise<void>((resolve, reject) => {
			const waiter = {
				resolve: () => {
					signal?.removeEventListener('abort', onAbort);
					resolve();
				},
				reject,
			};
			const onAbort = () => {
				const index = this.waiters.indexOf(waiter);
				if (index !== -1) this.waiters.splice(index, 1);
				reject(new CancelledError('The execution was stopped'));
			};
			signal?.addEventListener('abort', onAbort, { once: true });
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
