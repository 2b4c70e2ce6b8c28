/**
 * Time budgets: one deadline per item, split into per-call timeouts, plus abort signals that
 * combine the execution's cancellation with our own.
 */

/** One Gemini call rarely needs more; a hung connection should fail while retries still fit. */
export const DEFAULT_CALL_TIMEOUT_MS = 30_000;

/**
 * Budget for one item including retries and waits. Kept below the limits in front of a workflow
 * (n8n's webhook response and typical reverse-proxy/load-balancer timeouts of 100-120 s), so a
 * caller gets our clear error instead of a proxy's 504 with no detail.
 */
export const DEFAULT_ITEM_DEADLINE_MS = 100_000;

/** Milliseconds left before `deadlineAt` (never negative); Infinity when there is no deadline. */
export function remainingMs(deadlineAt: number | undefined, now = Date.now()): number {
	if (deadlineAt === undefined) return Infinity;
	return Math.max(0, deadlineAt - now);
}

/** Timeout for the next call: the per-call limit, shortened so the call cannot outlive the deadline. */
export function callTimeoutMs(
	perCallTimeoutMs: number,
	deadlineAt: number | undefined,
	now = Date.now(),
): number {
	return Math.max(0, Math.min(perCallTimeoutMs, remainingMs(deadlineAt, now)));
}

/**
 * A signal that aborts when any input does, with that input's reason. AbortSignal.any is avoided:
 * it only arrived in Node 20.3, and what it attaches to a long-lived input (the execution's
 * signal) is released by garbage collection, not by us; dispose() removes our listeners as soon
 * as the work is done.
 */
export function linkedAbortSignal(...signals: Array<AbortSignal | undefined>): {
	signal: AbortSignal;
	dispose: () => void;
} {
	const controller = new AbortController();
	const subscriptions: Array<{ source: AbortSignal; listener: () => void }> = [];

	const dispose = (): void => {
		for (const { source, listener } of subscriptions) {
			source.removeEventListener('abort', listener);
		}
		subscriptions.length = 0;
	};

	for (const source of signals) {
		if (!source) continue;
		if (source.aborted) {
			dispose();
			controller.abort(source.reason);
			break;
		}
		const listener = (): void => {
			dispose();
			controller.abort(source.reason);
		};
		source.addEventListener('abort', listener, { once: true });
		subscriptions.push({ source, listener });
	}

	return { signal: controller.signal, dispose };
}

/**
 * Settles with the signal's reason as soon as `signal` aborts, whatever `work` does. n8n's
 * `httpRequestWithAuthentication` (2.41) replaces the request's `abortSignal` with the
 * execution's cancel signal, so our own aborts (a per-call timeout, a lost hedge race, an answer
 * no longer needed) never reach the socket: without this, a hung request is waited for until its
 * `timeout` option fires. The abandoned request still ends by that timeout; nobody waits for it.
 */
export async function settleOnAbort<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
	if (!signal) return await work;
	return await new Promise<T>((resolve, reject) => {
		const onAbort = (): void => reject(signal.reason);
		if (signal.aborted) onAbort();
		else signal.addEventListener('abort', onAbort, { once: true });
		work.then(
			(value) => {
				signal.removeEventListener('abort', onAbort);
				resolve(value);
			},
			(error: unknown) => {
				signal.removeEventListener('abort', onAbort);
				reject(error);
			},
		);
	});
}
