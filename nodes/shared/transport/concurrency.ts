import { CancelledError } from '../errors';

/**
 * A bounded worker pool for per-item API calls. Every item settles on its own, so one failing
 * item never takes down the others (the router turns failures into continueOnFail items).
 */

export type Settled<R> = { status: 'fulfilled'; value: R } | { status: 'rejected'; reason: unknown };

const MIN_CONCURRENCY = 1;

function clampLimit(limit: number, itemCount: number): number {
	if (Number.isNaN(limit)) return MIN_CONCURRENCY;
	return Math.max(MIN_CONCURRENCY, Math.min(itemCount, Math.floor(limit)));
}

/**
 * Run `task` for every item with at most `limit` in flight; a new task starts as soon as one
 * finishes (a pool, not fixed chunks, so one slow call does not idle the other slots). Results
 * are in input order. After `signal` aborts, tasks not yet started settle as CancelledError
 * without running; running tasks are awaited and are expected to watch the signal themselves.
 */
export async function mapWithConcurrency<T, R>(
	items: readonly T[],
	limit: number,
	task: (item: T, index: number) => Promise<R>,
	signal?: AbortSignal,
): Promise<Array<Settled<R>>> {
	const results = new Array<Settled<R>>(items.length);
	let next = 0;

	const runTask = async (index: number): Promise<Settled<R>> => {
		try {
			// Awaiting inside the try also captures a task that throws before returning a promise.
			return { status: 'fulfilled', value: await task(items[index], index) };
		} catch (reason) {
			return { status: 'rejected', reason };
		}
	};

	const worker = async (): Promise<void> => {
		while (next < items.length) {
			const index = next++;
			results[index] = signal?.aborted
				? {
						status: 'rejected',
						reason: new CancelledError('Cancelled before it started', { cause: signal.reason }),
					}
				: await runTask(index);
		}
	};

	const workerCount = items.length === 0 ? 0 : clampLimit(limit, items.length);
	await Promise.all(Array.from({ length: workerCount }, async () => await worker()));
	return results;
}
