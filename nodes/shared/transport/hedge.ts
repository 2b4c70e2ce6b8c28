import { TtlCache } from '../cache/ttlCache';
import { linkedAbortSignal } from './deadline';
import type { LatencyWindow } from './latencyTracker';
import { RaceLostError } from '../errors';
import { processState } from '../state';

/**
 * Hedged requests ("The Tail at Scale", Dean and Barroso, 2013): when a call runs far past its
 * usual latency, send one backup copy and take whichever answers first. A hung connection then
 * costs a few seconds instead of the whole per-call timeout, for a few percent more calls.
 */

export interface HedgePolicy {
	/** The backup is due at multiplier × this percentile (0..1) of recent successful latencies… */
	percentile: number;
	multiplier: number;
	/** …but never sooner than this, so ordinary jitter on fast calls never triggers one. */
	minDelayMs: number;
	/** Fewer successful calls than this on record is a cold start, hedged on the prior below. */
	minSamples: number;
	/**
	 * Cold-start prior: with no usable history the backup is due at this fraction of the call's
	 * timeout (or later, if a call already on record took longer than that over `multiplier`), so
	 * the first jobs after a restart are protected from a hang too.
	 */
	coldStartFraction: number;
	/** At most this many backups in any `budgetWindowCalls` consecutive calls of one kind. */
	budgetHedges: number;
	budgetWindowCalls: number;
}

/**
 * 2 × p95 after 10 calls, at least 1 s; at most 10 backups per 200 calls (5% extra load). The
 * window is 200 rather than 100 calls so a short run of bad luck (a hang, then a hung backup)
 * does not exhaust the budget for the next hang.
 */
export const DEFAULT_HEDGE_POLICY: HedgePolicy = {
	percentile: 0.95,
	multiplier: 2,
	minDelayMs: 1000,
	minSamples: 10,
	coldStartFraction: 0.15,
	budgetHedges: 10,
	budgetWindowCalls: 200,
};

/** Budgets unused this long are dropped along with the latency history they go with. */
const BUDGET_TTL_MS = 30 * 60_000;
const MAX_BUDGETS = 500;

/**
 * Milliseconds after which an attempt gets a backup, or undefined for no backup (when the backup
 * would not get at least as long as the first request had before it, within the same per-call
 * timeout). Warm: multiplier × the percentile of recent latencies. Cold (fewer than `minSamples`
 * on record, e.g. after every restart): the prior, `coldStartFraction` of the timeout, pushed out
 * past multiplier × the slowest call seen so far, so calls that are slow by nature (long scripts)
 * are not hedged while the history fills.
 */
export function hedgeDelayMs(
	latencies: LatencyWindow,
	timeoutMs: number,
	policy: HedgePolicy = DEFAULT_HEDGE_POLICY,
): number | undefined {
	const warm = latencies.count >= Math.max(1, policy.minSamples);
	const usual = warm ? latencies.percentile(policy.percentile) : latencies.percentile(1);
	const fromHistory = Number.isNaN(usual) ? 0 : Math.round(policy.multiplier * usual);
	const prior = warm ? 0 : Math.round(policy.coldStartFraction * timeoutMs);
	const delay = Math.max(policy.minDelayMs, fromHistory, prior);
	return delay * 2 <= timeoutMs ? delay : undefined;
}

/**
 * The hedge budget of one kind of call (same key as its latency history, so a slow model cannot
 * spend another's): at most `hedges` backups in any `windowCalls` consecutive calls. Each kind
 * stays within 5% by default, so the process as a whole does too; a new kind may use its first
 * ten right after its cold start, a bounded burst rather than a percentage of nothing.
 */
export class HedgeBudget {
	private calls = 0;

	/** The call count at which each backup still inside the window was taken, oldest first. */
	private readonly taken: number[] = [];

	constructor(
		private readonly hedges: number,
		private readonly windowCalls: number,
	) {}

	/** Every attempt counts, hedged or not, with hedging on or off. */
	noteCall(): void {
		this.calls++;
	}

	/** Takes one backup from the budget; returns a ticket for refund(), or undefined when spent. */
	tryTake(): number | undefined {
		while (this.taken.length > 0 && this.taken[0] <= this.calls - this.windowCalls) this.taken.shift();
		if (this.taken.length >= this.hedges) return undefined;
		this.taken.push(this.calls);
		return this.calls;
	}

	/** Gives back a backup that was never sent (no slot or rate-limit grant in time). */
	refund(ticket: number): void {
		const index = this.taken.indexOf(ticket);
		if (index !== -1) this.taken.splice(index, 1);
	}
}

const budgets = processState(
	'hedgeBudgets',
	'per process: how many backup requests each kind of call may still send (5% of calls)',
	() => new TtlCache<HedgeBudget>({ ttlMs: BUDGET_TTL_MS, maxEntries: MAX_BUDGETS }),
);

/** The process-wide budget for `key` (latencyKey of the call), created full on first use. */
export function hedgeBudgetFor(key: string, policy: HedgePolicy = DEFAULT_HEDGE_POLICY): HedgeBudget {
	const budget = budgets.get(key) ?? new HedgeBudget(policy.budgetHedges, policy.budgetWindowCalls);
	budgets.set(key, budget);
	return budget;
}

/** Whether a request's signal was aborted because the other request of its race answered. */
export function lostRace(signal: AbortSignal): boolean {
	return signal.aborted && signal.reason instanceof RaceLostError;
}

export interface HedgeRace<T> {
	/** Milliseconds after the first request was sent at which the backup is due. */
	delayMs: number;
	/** Ends both requests: the execution's cancel signal combined with the attempt's timeout. */
	signal: AbortSignal;
	/** Sends one request (first or backup); its signal aborts when it loses or the attempt ends. */
	send: (signal: AbortSignal) => Promise<T>;
	/**
	 * Asked once the backup is due: 'send' (budget taken), 'skip' (keep waiting for the first),
	 * or an Error that ends the attempt now (its answer is no longer wanted).
	 */
	due: () => 'send' | 'skip' | Error;
	/** Waits for what the backup needs (a call slot, a rate-limit grant), then calls `run`. */
	admit: (run: () => Promise<T>, signal: AbortSignal) => Promise<T>;
	/** A failure the other request would only repeat (a bad request, a cancellation). */
	isFinal: (error: unknown) => boolean;
	onBackupSent?: () => void;
	/** 'send' was decided but the backup never went out (admission failed or came too late). */
	onBackupUnsent?: () => void;
}

/**
 * Sends the first request and, if it is still unanswered after `delayMs`, one backup. The first
 * success wins and the other request is aborted. When the first request fails while the backup
 * is on the wire, the backup may still answer, so the attempt waits for it. When the backup
 * fails, the attempt fails with its error and the first request (far past its usual time, most
 * likely hung) is aborted: waiting for it could cost the whole timeout, while the retry policy
 * knows what to do with the server's answer (a Retry-After, a 503). `isFinal` failures (a bad
 * request, a cancellation) end the attempt at once. The first failure is the one rethrown. A
 * backup not yet sent when the first request fails is not sent: the attempt fails as it would
 * without hedging and the retry policy decides what happens next.
 */
export async function raceWithHedge<T>(race: HedgeRace<T>): Promise<{ value: T; backupWon: boolean }> {
	const stops = [new AbortController(), new AbortController()];
	const [first, backup] = stops.map((stop) => linkedAbortSignal(race.signal, stop.signal));
	// A timeout signal, not sleep(): the backup is due at a moment, nothing waits for it, and a test
	// that mocks sleep to skip backoff must not make every call hedge at once.
	const backupDue = AbortSignal.timeout(Math.max(1, race.delayMs));

	return await new Promise((resolve, reject) => {
		let done = false;
		let backupState: 'idle' | 'admitting' | 'running' | 'settled' = 'idle';
		let firstError: { error: unknown } | undefined;

		// Requests on the wire; the race ends only once all have settled, so the caller's call slot
		// is never handed on while an aborted loser is still winding down.
		const sent: Array<Promise<unknown>> = [];
		const end = (finish: () => void): void => {
			if (done) return;
			done = true;
			const lost = new RaceLostError('the other request answered first');
			for (const stop of stops) stop.abort(lost);
			backupDue.removeEventListener('abort', onDue);
			void Promise.allSettled(sent).then(() => {
				first.dispose();
				backup.dispose();
				finish();
			});
		};
		const succeeded = (value: T, byBackup: boolean): void => {
			end(() => resolve({ value, backupWon: byBackup }));
		};
		const failed = (error: unknown, byBackup: boolean): void => {
			firstError ??= { error };
			if (byBackup) backupState = 'settled';
			const { error: rethrown } = firstError;
			// Only the backup is worth waiting for: the first request is already far past its usual
			// time, most likely hung, while the backup's failure is a real answer for the retry policy.
			const waitForBackup = !byBackup && backupState === 'running';
			if (race.isFinal(error) || !waitForBackup) end(() => reject(rethrown));
		};

		const sendBackup = (): void => {
			backupState = 'admitting';
			const run = async (): Promise<T> => {
				if (done) throw new RaceLostError('answered before the backup could be sent');
				backupState = 'running';
				race.onBackupSent?.();
				const request = race.send(backup.signal);
				sent.push(request);
				return await request;
			};
			race.admit(run, backup.signal).then(
				(value) => succeeded(value, true),
				(error: unknown) => {
					if (backupState === 'admitting') {
						backupState = 'settled';
						race.onBackupUnsent?.();
						return;
					}
					failed(error, true);
				},
			);
		};

		const firstRequest = (async () => await race.send(first.signal))();
		sent.push(firstRequest);
		firstRequest.then(
			(value) => succeeded(value, false),
			(error: unknown) => failed(error, false),
		);

		function onDue(): void {
			if (done) return;
			// Safe to duplicate: every call hedged here is a stateless generation or synthesis, so a
			// second copy changes nothing on the server; a caller whose call has side effects must
			// turn hedging off (ResilienceSettings.hedge = false).
			const decision = race.due();
			if (decision instanceof Error) end(() => reject(decision));
			else if (decision === 'send') sendBackup();
		}
		backupDue.addEventListener('abort', onDue, { once: true });
	});
}
