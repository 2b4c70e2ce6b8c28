/**
 * Identical work asked for at the same time in this n8n process runs once: the first caller
 * leads, later callers with the same key wait for the leader's result. Entries are removed as
 * soon as the work settles, so nothing is cached beyond the flight itself.
 */
export class SingleFlight<T, E = never> {
	private readonly flights = new Map<string, { promise: Promise<T>; listeners: Set<(event: E) => void> }>();

	async run(
		key: string,
		work: (emit: (event: E) => void) => Promise<T>,
		onEvent?: (event: E) => void,
	): Promise<{ value: T; shared: boolean }> {
		const existing = this.flights.get(key);
		if (existing) {
			if (onEvent) existing.listeners.add(onEvent);
			try {
				return { value: await existing.promise, shared: true };
			} finally {
				if (onEvent) existing.listeners.delete(onEvent);
			}
		}
		const listeners = new Set<(event: E) => void>();
		if (onEvent) listeners.add(onEvent);
		const emit = (event: E) => {
			for (const listener of listeners) listener(event);
		};
		const promise = work(emit);
		this.flights.set(key, { promise, listeners });
		try {
			return { value: await promise, shared: false };
		} finally {
			this.flights.delete(key);
		}
	}

	get size(): number {
		return this.flights.size;
	}
}
