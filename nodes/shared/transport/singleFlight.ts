import { CancelledError, FlightWaitTimeoutError } from '../errors';

/** What one caller brings to a flight: its own cancel signal and deadline. */
export interface FlightCaller {
	/** The caller stops waiting (CancelledError) when this aborts; the work goes on for others. */
	signal?: AbortSignal;
	/** Epoch ms; the caller stops waiting (DeadlineExceededError) then; the work goes on for others. */
	deadlineAt?: number;
	/**
	 * This caller's work makes its requests through its own n8n execution, which n8n cancels when
	 * the execution stops: a result it returns after that (partial, or empty) is not trusted, and
	 * the work is done again for a caller still waiting. A failure of a stopped caller's work is
	 * always handed on.
	 */
	boundToCaller?: boolean;
}

type Work<T, E> = (emit: (event: E) => void, signal: AbortSignal) => Promise<T>;

/** A caller's own way to do the work, kept in case the caller running it is stopped. */
interface Successor<T, E> {
	work: Work<T, E>;
	signal?: AbortSignal;
	bound?: boolean;
}

interface Flight<T, E> {
	promise: Promise<T>;
	/** Waiting callers' own work, in arrival order (see run()). */
	successors: Array<Successor<T, E>>;
	listeners: Set<(event: E) => void>;
	/** Callers still waiting; when the last one leaves early, the work is aborted. */
	waiting: number;
	controller: AbortController;
}

/**
 * Identical work asked for at the same time in this n8n process runs once: the first caller
 * leads, later callers with the same key wait for the leader's result (or its error). Entries are
 * removed as soon as the work settles, so nothing is cached beyond the flight itself.
 *
 * The work does not belong to its first caller: it gets its own abort signal, which fires only
 * when every caller has stopped waiting (each by its own signal or deadline). A caller that
 * leaves early gets CancelledError or FlightWaitTimeoutError; the others keep waiting.
 *
 * Each caller brings its own `work` (its own n8n context). That matters because n8n cancels every
 * request of a stopped execution whatever signal the node passes: when the caller whose work is
 * running is stopped, the work starts again as the next waiting caller's once the first settles.
 */
export class SingleFlight<T, E = never> {
	private readonly flights = new Map<string, Flight<T, E>>();

	async run(
		key: string,
		work: (emit: (event: E) => void, signal: AbortSignal) => Promise<T>,
		onEvent?: (event: E) => void,
		caller: FlightCaller = {},
	): Promise<{ value: T; shared: boolean }> {
		if (caller.signal?.aborted) throw new CancelledError('The execution was stopped');
		const existing = this.flights.get(key);
		if (existing) {
			const successor: Successor<T, E> = { work, signal: caller.signal, bound: caller.boundToCaller };
			existing.successors.push(successor);
			try {
				return { value: await this.wait(key, existing, onEvent, caller), shared: true };
			} finally {
				const index = existing.successors.indexOf(successor);
				if (index !== -1) existing.successors.splice(index, 1);
			}
		}

		const controller = new AbortController();
		const listeners = new Set<(event: E) => void>();
		// Before the work starts: it may emit its first event synchronously.
		if (onEvent) listeners.add(onEvent);
		const emit = (event: E) => {
			for (const listener of listeners) listener(event);
		};
		const flight: Flight<T, E> = { promise: Promise.resolve() as Promise<T>, successors: [], listeners, waiting: 0, controller };
		// Nothing can join between these lines: JavaScript runs them without interruption.
		flight.promise = this.runHandingOver(flight, { work, signal: caller.signal, bound: caller.boundToCaller }, emit);
		this.flights.set(key, flight);
		const forget = () => {
			if (this.flights.get(key) === flight) this.flights.delete(key);
		};
		flight.promise.then(forget, forget);
		return { value: await this.wait(key, flight, onEvent, caller), shared: false };
	}

	/** Runs the work; if its caller was stopped meanwhile, runs it again as a waiting caller's work. */
	private async runHandingOver(flight: Flight<T, E>, first: Successor<T, E>, emit: (event: E) => void): Promise<T> {
		let current = first;
		for (;;) {
			const outcome = await current.work(emit, flight.controller.signal).then(
				(value) => ({ ok: true as const, value }),
				(error: unknown) => ({ ok: false as const, error }),
			);
			// A stopped caller's work may have "finished" with its requests cancelled under it (a
			// generation then returns what it has, maybe nothing): such an outcome does not count.
			const untrusted = !outcome.ok || current.bound === true;
			const next = untrusted && current.signal?.aborted && !flight.controller.signal.aborted
				? flight.successors.find((successor) => !successor.signal?.aborted)
				: undefined;
			if (!next) {
				if (outcome.ok) return outcome.value;
				throw outcome.error;
			}
			flight.successors.splice(flight.successors.indexOf(next), 1);
			current = next;
		}
	}

	private async wait(
		key: string,
		flight: Flight<T, E>,
		onEvent: ((event: E) => void) | undefined,
		caller: FlightCaller,
	): Promise<T> {
		const startedAt = Date.now();
		flight.waiting++;
		if (onEvent) flight.listeners.add(onEvent);
		const { deadlineAt, signal } = caller;
		// AbortSignal.timeout: node code may not set timers itself; its timer does not keep n8n alive.
		const timer =
			deadlineAt === undefined ? undefined : AbortSignal.timeout(Math.max(1, deadlineAt - Date.now()));
		let onAbort: (() => void) | undefined;
		let onTimeout: (() => void) | undefined;
		const leftEarly = new Promise<never>((_resolve, reject) => {
			onAbort = () => reject(new CancelledError('The execution was stopped'));
			onTimeout = () => reject(new FlightWaitTimeoutError(Date.now() - startedAt));
			signal?.addEventListener('abort', onAbort, { once: true });
			timer?.addEventListener('abort', onTimeout, { once: true });
		});
		// Settled into a value so the error below is thrown outside a catch block, unchanged.
		const outcome = await Promise.race([flight.promise, leftEarly]).then(
			(value) => ({ ok: true as const, value }),
			(error: unknown) => ({ ok: false as const, error }),
		);
		if (onAbort) signal?.removeEventListener('abort', onAbort);
		if (onTimeout) timer?.removeEventListener('abort', onTimeout);
		if (onEvent) flight.listeners.delete(onEvent);
		flight.waiting--;
		const leftBeforeTheEnd =
			!outcome.ok && (outcome.error instanceof FlightWaitTimeoutError || (outcome.error instanceof CancelledError && signal?.aborted === true));
		if (leftBeforeTheEnd && flight.waiting === 0) {
			// Nobody wants the result any more: stop the work, and let a later caller start afresh.
			if (this.flights.get(key) === flight) this.flights.delete(key);
			flight.controller.abort(new CancelledError('Every caller stopped waiting'));
		}
		if (!outcome.ok) throw outcome.error;
		return outcome.value;
	}

	get size(): number {
		return this.flights.size;
	}

	/**
	 * Forgets every flight (tests, through resetProcessState): callers already waiting still get
	 * their result; the next caller starts new work. A forgotten flight that settles later never
	 * removes a newer one under the same key.
	 */
	clear(): void {
		this.flights.clear();
	}
}
