import { createHash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { TtlCache } from '../../shared/cache/ttlCache';
import { MS_PER_HOUR, MS_PER_MINUTE } from '../../shared/units';
import { processState } from '../../shared/state';
import { normalizeText } from '../../shared/text/normalize';
import { SingleFlight } from '../../shared/transport/singleFlight';
import type { Issue } from './types';

/**
 * Never answer the same issue twice. Within a window (default 10 min) the same eventId, or
 * the same issue id with the same text, is a duplicate. Process-wide: a ledger (TtlCache) of
 * what was seen, plus a SingleFlight so two deliveries arriving at the same moment, even in
 * two executions, run one triage: the first leads, the other waits for it and leaves through
 * the Duplicate output with the leader's answer. The shipped workflows add a Data table
 * ledger in front, which holds across restarts and queue-mode workers.
 */

/** Each entry is stored with the node's own window; this only fills the cache's required default. */
const LEDGER_DEFAULT_TTL_MS = 10 * MS_PER_MINUTE;
const MAX_LEDGER_ENTRIES = 100_000;
const LONGEST_WINDOW_MS = 7 * 24 * MS_PER_HOUR;

export interface LedgerEntry {
	firstSeenAt: number;
	state: 'inProgress' | 'answered' | 'deferred';
	/** Given to a deferred item; the item coming back with it is not a duplicate. */
	deferralId?: string;
	/** What duplicates are told about the first delivery. */
	answer?: IDataObject;
}

const ledger = processState(
	'issueTriageDuplicates',
	'per process: the issues each Issue Triage node saw within its duplicate window; in queue mode each worker has its own (the Data table ledger in the workflow is the one they share)',
	() => new TtlCache<LedgerEntry>({ ttlMs: LEDGER_DEFAULT_TTL_MS, maxEntries: MAX_LEDGER_ENTRIES }),
);

const flights = processState(
	'issueTriageDeliveries',
	'per process: the triage under way per issue, which a second delivery arriving at the same moment joins; in queue mode each worker has its own',
	() => new SingleFlight<unknown>(),
);

/** `e:<eventId>` when the issue has one, else a hash of its id and normalised text. */
export function duplicateKey(scope: string, issue: Issue): string {
	if (issue.eventId !== '') return `${scope}|e:${issue.eventId}`;
	const text = normalizeText(`${issue.title} ${issue.body}`);
	const hash = createHash('sha256').update(`${issue.id}\u0000${text}`).digest('hex').slice(0, 32);
	return `${scope}|t:${hash}`;
}

export function ledgerEntry(key: string): LedgerEntry | undefined {
	return ledger.get(key);
}

export function recordInLedger(key: string, entry: LedgerEntry, windowMs: number): void {
	ledger.set(key, entry, Math.min(LONGEST_WINDOW_MS, Math.max(1, windowMs)));
}

export function forget(key: string): void {
	ledger.delete(key);
}

/**
 * Runs `work` once per key at a time. `shared` is true for a caller that joined a flight
 * already under way (a simultaneous duplicate delivery).
 */
export async function singleDelivery<T>(key: string, work: () => Promise<T>): Promise<{ value: T; shared: boolean }> {
	const { value, shared } = await flights.run(key, async () => await work());
	return { value: value as T, shared };
}
