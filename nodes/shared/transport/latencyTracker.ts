import { TtlCache } from '../cache/ttlCache';
import { credentialKey } from '../credentials';
import { processState } from '../state';

/**
 * Recent latencies of successful calls, per (credential, model/path, operation), kept in the n8n
 * process so every execution learns what "slow" means for that call. Only a hash of the
 * credential's identity is ever a key: the API key itself is never stored.
 */

/** Recent successful calls kept per key: enough for a stable p95, small enough to follow change. */
export const LATENCY_WINDOW_SIZE = 50;
/** Keys tracked at once in the process; the least recently used is dropped first. */
const MAX_TRACKED_KEYS = 500;
/** History unused this long is dropped: latencies from long ago say little about now. */
const HISTORY_TTL_MS = 30 * 60_000;

/** A sliding window of the last `size` latencies (ms), oldest overwritten first. */
export class LatencyWindow {
	private readonly samples: number[] = [];

	private next = 0;

	constructor(private readonly size = LATENCY_WINDOW_SIZE) {}

	get count(): number {
		return this.samples.length;
	}

	record(latencyMs: number): void {
		if (!Number.isFinite(latencyMs) || latencyMs < 0) return;
		if (this.samples.length < this.size) this.samples.push(latencyMs);
		else this.samples[this.next] = latencyMs;
		this.next = (this.next + 1) % this.size;
	}

	/**
	 * Nearest-rank percentile (`fraction` 0..1, e.g. 0.95) of the samples in the window:
	 * the smallest sample that at least that fraction of samples do not exceed. NaN when empty.
	 */
	percentile(fraction: number): number {
		if (this.samples.length === 0) return NaN;
		const sorted = [...this.samples].sort((a, b) => a - b);
		const rank = Math.ceil(Math.min(1, Math.max(0, fraction)) * sorted.length);
		return sorted[Math.max(1, rank) - 1];
	}
}

/** The registry key for one kind of call: a hash, so no key material is kept. */
export function latencyKey(identity: readonly string[], operation: string): string {
	return credentialKey([...identity, operation]);
}

const windows = processState(
	'latencyHistory',
	'per process: the last successful call latencies per credential, model and operation (hedge delays)',
	() => new TtlCache<LatencyWindow>({ ttlMs: HISTORY_TTL_MS, maxEntries: MAX_TRACKED_KEYS }),
);

/** The process-wide window for `key` (from latencyKey), created empty on first use. */
export function latencyWindowFor(key: string): LatencyWindow {
	const window = windows.get(key) ?? new LatencyWindow();
	// Storing again on every use renews the time to live of history that is still in use.
	windows.set(key, window);
	return window;
}
