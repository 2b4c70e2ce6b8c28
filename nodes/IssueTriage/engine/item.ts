import { randomUUID } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { characters, splitAtBoundaries } from '../../shared/text/split';
import { replyBudget } from './budget';
import type { BudgetLimits } from './budget';
import { decide } from './decide';
import type { DecideInput } from './decide';
import { duplicateKey, forget, ledgerEntry, recordInLedger, singleDelivery } from './duplicates';
import type { LedgerEntry } from './duplicates';
import { greeting } from './language';
import { validateTriage } from './prompt';
import type { Priority, Source, TriageOutcome } from './types';

/**
 * One input item from arrival to the output it leaves through: Duplicate (seen within the
 * window, or delivered twice at the same moment), Deferred (over the reply budget, with
 * `retryAt`), or triaged (one of the priority outputs). Exactly one, always.
 */

export type ItemResult = (
	| { output: 'triaged'; priority: Priority; source: Source; json: IDataObject }
	| { output: 'deferred'; json: IDataObject }
	| { output: 'duplicate'; json: IDataObject }
) & { key?: string };

export interface ItemInput extends DecideInput {
	/** The item's own JSON: a deferred item carries it, so the workflow can send it back. */
	original: IDataObject;
	budget: BudgetLimits;
	duplicateWindowMs: number;
	partCharacters: number;
	startedAt: number;
}

const SOURCES: readonly Source[] = ['ai', 'cache', 'fallback'];

/** A deferred item coming back carries its earlier triage; it is reused without a new call. */
function earlierTriage(input: ItemInput): { outcome: TriageOutcome; deferralId: string } | undefined {
	const saved = input.original.triage;
	if (typeof saved !== 'object' || saved === null || Array.isArray(saved)) return undefined;
	const record = saved as IDataObject;
	if (typeof record.deferralId !== 'string' || record.deferralId === '') return undefined;
	const checked = validateTriage(record, input.categories, input.language);
	if (!checked.ok) return undefined;
	const source = SOURCES.includes(record.source as Source) ? (record.source as Source) : 'fallback';
	return {
		deferralId: record.deferralId,
		outcome: {
			triage: checked.value,
			source,
			fallbackReason: typeof record.fallbackReason === 'string' ? record.fallbackReason : undefined,
			cacheMatch:
				typeof record.cacheMatch === 'object' && record.cacheMatch !== null
					? (record.cacheMatch as { id: string; score: number })
					: undefined,
		},
	};
}

function issueFields(input: ItemInput): IDataObject {
	const { issue } = input;
	return {
		issueId: issue.id,
		eventId: issue.eventId || null,
		title: issue.title,
		customer: { name: issue.customerName, handle: issue.customerHandle },
		channel: issue.channel,
	};
}

function triagedJson(input: ItemInput, outcome: TriageOutcome, resumed: boolean): IDataObject {
	const { triage } = outcome;
	const reply = `${greeting(triage.language, input.issue.customerName)} ${triage.reply}`.trim();
	const triagedAt = Date.now();
	const json: IDataObject = {
		...issueFields(input),
		priority: triage.priority,
		category: triage.category,
		sentiment: triage.sentiment,
		language: triage.language,
		confidence: triage.confidence,
		summary: triage.summary,
		reply,
		replyParts: splitAtBoundaries(reply, input.partCharacters, characters),
		autoResolvable: triage.autoResolvable,
		escalate: triage.escalate,
		escalationReason: triage.escalationReason,
		source: outcome.source,
		cacheMatch: outcome.cacheMatch ?? null,
		fallbackReason: outcome.fallbackReason ?? null,
		detectedAt: input.issue.detectedAt || new Date(input.startedAt).toISOString(),
		triagedAt: new Date(triagedAt).toISOString(),
		latencyMs: triagedAt - input.startedAt,
		// True when this item came back from Deferred: its caller was answered at deferral time.
		resumedFromDeferral: resumed,
	};
	if (outcome.cacheEntry) json.cacheEntry = outcome.cacheEntry;
	return json;
}

function duplicateJson(input: ItemInput, entry: Pick<LedgerEntry, 'firstSeenAt' | 'state' | 'answer'>): IDataObject {
	return {
		...issueFields(input),
		duplicate: true,
		duplicateOf: {
			firstSeenAt: new Date(entry.firstSeenAt).toISOString(),
			state: entry.state,
			...(entry.answer ?? {}),
		},
	};
}

async function lead(input: ItemInput, key: string): Promise<ItemResult> {
	const earlier = earlierTriage(input);
	const seen = ledgerEntry(key);
	const comingBack = seen?.state === 'deferred' && earlier !== undefined && seen.deferralId === earlier.deferralId;
	if (seen && !comingBack) return { output: 'duplicate', json: duplicateJson(input, seen) };

	const firstSeenAt = seen?.firstSeenAt ?? input.startedAt;
	recordInLedger(key, { firstSeenAt, state: 'inProgress' }, input.duplicateWindowMs);
	let settled = false;
	try {
		const outcome = earlier?.outcome ?? (await decide(input));
		const now = Date.now();
		const budget = replyBudget(input.scope).tryReserve(outcome.triage.priority, input.budget, now);
		if (!budget.ok) {
			const deferralId = randomUUID();
			const retryAt = new Date(budget.retryAt).toISOString();
			recordInLedger(key, { firstSeenAt, state: 'deferred', deferralId, answer: { retryAt } }, input.duplicateWindowMs);
			const triage: IDataObject = {
				...outcome.triage,
				source: outcome.source,
				cacheMatch: outcome.cacheMatch ?? null,
				fallbackReason: outcome.fallbackReason ?? null,
				deferralId,
			};
			settled = true;
			return {
				output: 'deferred',
				json: {
					...input.original,
					deferred: true,
					deferrals: (typeof input.original.deferrals === 'number' ? input.original.deferrals : 0) + 1,
					retryAt,
					deferredReason: budget.reason,
					triage,
				},
			};
		}
		const json = triagedJson(input, outcome, earlier !== undefined);
		const answer: IDataObject = { priority: json.priority, reply: json.reply, source: json.source, triagedAt: json.triagedAt };
		recordInLedger(key, { firstSeenAt, state: 'answered', answer }, input.duplicateWindowMs);
		settled = true;
		return { output: 'triaged', priority: outcome.triage.priority, source: outcome.source, json };
	} finally {
		// A failed item was not answered: a later delivery of it must be able to try again.
		if (!settled) forget(key);
	}
}

export async function triageItem(input: ItemInput): Promise<ItemResult> {
	const key = duplicateKey(input.scope, input.issue);
	const { value, shared } = await singleDelivery(key, async () => await lead(input, key));
	if (!shared) return value.output === 'duplicate' ? value : { ...value, key };
	// Delivered at the same moment as another item: that one answered; this one is its duplicate.
	const answer: IDataObject =
		value.output === 'triaged'
			? { priority: value.json.priority, reply: value.json.reply, source: value.json.source, triagedAt: value.json.triagedAt }
			: value.output === 'deferred'
				? { retryAt: value.json.retryAt }
				: {};
	const state: LedgerEntry['state'] = value.output === 'deferred' ? 'deferred' : 'answered';
	return {
		output: 'duplicate',
		json: { ...duplicateJson(input, { firstSeenAt: input.startedAt, state, answer }), simultaneous: true },
	};
}

/**
 * When the execution fails as a whole (an item failed without Continue On Fail), nothing it
 * triaged reaches the workflow: forget those items so their next delivery is answered.
 */
export function forgetAnswered(results: ReadonlyArray<ItemResult | undefined>): void {
	for (const result of results) if (result?.key) forget(result.key);
}
