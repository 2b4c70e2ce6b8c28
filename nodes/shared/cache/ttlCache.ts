/**
 * A process-wide cache with a time to live and two bounds: entry count and total size (in
 * whatever unit `sizeOf` returns, e.g. characters of text). Least recently used entries go
 * first when a bound is hit. Shared by every execution in the n8n process; nothing here
 * survives a restart (workflows back persistent caches with n8n's Data table).
 */

export interface TtlCacheOptions<V> {
	ttlMs: number;
	maxEntries: number;
	/** Upper bound for the sum of sizeOf over entries; Infinity when unset. */
	maxSize?: number;
	sizeOf?: (value: V) => number;
	now?: () => number;
}

interface Entry<V> {
	value: V;
	expiresAt: number;
	size: number;
}

export class TtlCache<V> {
	// A Map iterates in insertion order: re-inserting on read keeps the oldest use first.
	private readonly entries = new Map<string, Entry<V>>();

	private totalSize = 0;

	private readonly now: () => number;

	constructor(private readonly options: TtlCacheOptions<V>) {
		this.now = options.now ?? Date.now;
	}

	get(key: string): V | undefined {
		const entry = this.entries.get(key);
		if (!entry) return undefined;
		if (entry.expiresAt <= this.now()) {
			this.remove(key, entry);
			return undefined;
		}
		this.entries.delete(key);
		this.entries.set(key, entry);
		return entry.value;
	}

	has(key: string): boolean {
		return this.get(key) !== undefined;
	}

	/** Stores `value`; one larger than maxSize on its own is not stored (returns false). */
	set(key: string, value: V, ttlMs = this.options.ttlMs): boolean {
		const size = this.options.sizeOf ? this.options.sizeOf(value) : 0;
		const maxSize = this.options.maxSize ?? Infinity;
		const existing = this.entries.get(key);
		if (existing) this.remove(key, existing);
		if (size > maxSize || this.options.maxEntries < 1) return false;
		this.entries.set(key, { value, expiresAt: this.now() + ttlMs, size });
		this.totalSize += size;
		this.evict(maxSize);
		return true;
	}

	delete(key: string): boolean {
		const entry = this.entries.get(key);
		if (!entry) return false;
		this.remove(key, entry);
		return true;
	}

	clear(): void {
		this.entries.clear();
		this.totalSize = 0;
	}

	get size(): number {
		return this.entries.size;
	}

	get totalBytes(): number {
		return this.totalSize;
	}

	private remove(key: string, entry: Entry<V>): void {
		this.entries.delete(key);
		this.totalSize -= entry.size;
	}

	private evict(maxSize: number): void {
		const now = this.now();
		for (const [key, entry] of this.entries) {
			if (entry.expiresAt <= now) this.remove(key, entry);
		}
		for (const [key, entry] of this.entries) {
			if (this.entries.size <= this.options.maxEntries && this.totalSize <= maxSize) break;
			this.remove(key, entry);
		}
	}
}
