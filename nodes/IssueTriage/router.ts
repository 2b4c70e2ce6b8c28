import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { callReport } from '../shared/node/report';
import { failedItem } from '../shared/node/items';
import { resilienceSettings } from '../shared/node/resilienceOptions';
import { getSharedBreaker } from '../shared/transport/circuitBreaker';
import { mapWithConcurrency } from '../shared/transport/concurrency';
import { getSharedPrioritySemaphore } from '../shared/transport/prioritySemaphore';
import { newAccounting } from '../shared/transport/resilientCall';
import { replyBudget } from './engine/budget';
import type { Gemini } from './engine/decide';
import { forgetAnswered, triageItem } from './engine/item';
import type { ItemResult } from './engine/item';
import { languageOf } from './engine/language';
import { rulePriority } from './engine/rules';
import { PRIORITIES, priorityRank } from './engine/types';
import type { Issue, Priority } from './engine/types';
import { readExecutionParameters, readIssue, readKnownReplies } from './parameters';
import { optionalGeminiCredential, credentialKey } from '../shared/credentials';

const CREDENTIAL_NAME = 'Gemini API';

/** Budgets and the duplicate ledger belong to one node of one workflow, across executions. */
function scopeOf(ctx: IExecuteFunctions): string {
	const workflow = typeof ctx.getWorkflow === 'function' ? ctx.getWorkflow() : undefined;
	const node = ctx.getNode();
	return `${workflow?.id ?? ''}|${node.id ?? node.name}`;
}

type Read = { ok: true; issue: Issue; estimate: Priority } | { ok: false; error: unknown };

/**
 * Triages every input item, most urgent first (by the helpdesk's priority or the rules'
 * estimate, before any call), several at once, and returns the outputs in input order:
 * one per priority (or one Triaged), then Deferred, Duplicate and the Report. A failing item
 * throws, or with Continue On Fail becomes an error item on the Report output.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const startedAt = Date.now();
	const items = this.getInputData();
	const parameters = readExecutionParameters(this);
	const scope = scopeOf(this);
	const accounting = newAccounting();
	const { credential, reason: noAiReason } = await optionalGeminiCredential(this, 'so rules and template replies answered');
	let gemini: Gemini | undefined;
	if (credential) {
		const key = credentialKey(credential.identity);
		gemini = {
			credential,
			slots: getSharedPrioritySemaphore(key, parameters.resilience.parallelCalls),
			breaker: getSharedBreaker(`${key}|${parameters.ai.model}`, parameters.breaker),
			embeddingBreaker: getSharedBreaker(`${key}|${parameters.ai.embeddingModel}`, parameters.breaker),
			accounting,
			counters: { embeddingCalls: 0, embeddingFailures: 0 },
		};
	}

	const reads: Read[] = items.map((_item, itemIndex) => {
		try {
			const issue = readIssue(this, itemIndex);
			return { ok: true, issue, estimate: issue.priorityHint ?? rulePriority(`${issue.title}\n${issue.body}`) };
		} catch (error) {
			return { ok: false, error };
		}
	});
	// Most urgent first, input order within a priority; results still come back in input order.
	const order = reads
		.map((read, itemIndex) => ({ itemIndex, rank: read.ok ? priorityRank(read.estimate) : -1 }))
		.sort((a, b) => a.rank - b.rank || a.itemIndex - b.itemIndex)
		.map((entry) => entry.itemIndex);

	const settled = await mapWithConcurrency(
		order,
		parameters.resilience.parallelItems,
		async (itemIndex): Promise<ItemResult> => {
			const read = reads[itemIndex];
			if (!read.ok) throw read.error;
			const { issue, estimate } = read;
			const itemStartedAt = Date.now();
			return await triageItem({
				ctx: this,
				itemIndex,
				issue,
				language: languageOf(issue.language, `${issue.title}\n${issue.body}`, parameters.defaultLanguage),
				estimate,
				categories: parameters.categories,
				knownReplies: readKnownReplies(this, itemIndex, parameters.knownRepliesField),
				scope,
				settings: parameters.ai,
				resilience: resilienceSettings(parameters.resilience, undefined, true, itemStartedAt),
				gemini,
				noAiReason: noAiReason ?? '',
				original: items[itemIndex].json,
				budget: parameters.budget,
				duplicateWindowMs: parameters.duplicateWindowMs,
				partCharacters: parameters.partCharacters,
				startedAt: itemStartedAt,
			});
		},
		this.getExecutionCancelSignal(),
	);
	const results = new Array<(typeof settled)[number]>(items.length);
	order.forEach((itemIndex, position) => (results[itemIndex] = settled[position]));
	if (!this.continueOnFail() && results.some((outcome) => outcome.status === 'rejected')) {
		forgetAnswered(results.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : undefined)));
	}

	const byPriority: Record<Priority, INodeExecutionData[]> = { critical: [], high: [], medium: [], low: [] };
	const deferred: INodeExecutionData[] = [];
	const duplicates: INodeExecutionData[] = [];
	const reportItems: INodeExecutionData[] = [];
	const bySource = { ai: 0, cache: 0, fallback: 0 };
	const fallbackReasons: string[] = [];
	for (const [itemIndex, outcome] of results.entries()) {
		const pairedItem = { item: itemIndex };
		if (outcome.status === 'rejected') {
			reportItems.push(failedItem(this, outcome.reason, itemIndex, CREDENTIAL_NAME, credential?.secrets ?? []));
			continue;
		}
		const result = outcome.value;
		if (result.output === 'deferred') deferred.push({ json: result.json, pairedItem });
		else if (result.output === 'duplicate') duplicates.push({ json: result.json, pairedItem });
		else {
			byPriority[result.priority as Priority].push({ json: result.json, pairedItem });
			bySource[result.source]++;
			if (typeof result.json.fallbackReason === 'string') fallbackReasons.push(result.json.fallbackReason);
		}
	}

	const triaged = PRIORITIES.reduce((sum, priority) => sum + byPriority[priority].length, 0);
	const distinctReasons = [...new Set(fallbackReasons)];
	const report: IDataObject = {
		...callReport(accounting, {
			startedAt,
			cacheHits: bySource.cache,
			fallbackReason: distinctReasons.length > 0 ? distinctReasons.join('; ') : null,
		}),
		items: items.length,
		triaged,
		deferred: deferred.length,
		duplicates: duplicates.length,
		failed: reportItems.length,
		byPriority: Object.fromEntries(PRIORITIES.map((priority) => [priority, byPriority[priority].length])),
		bySource,
		embeddingCalls: gemini?.counters.embeddingCalls ?? 0,
		embeddingFailures: gemini?.counters.embeddingFailures ?? 0,
		breaker: gemini ? gemini.breaker.snapshot() : null,
		budget: { ...parameters.budget, usedLastMinute: replyBudget(scope).used(Date.now()) },
	};
	reportItems.push({ json: report, pairedItem: items.map((_item, item) => ({ item })) });

	const triageOutputs = parameters.splitByPriority
		? PRIORITIES.map((priority) => byPriority[priority])
		: [PRIORITIES.flatMap((priority) => byPriority[priority]).sort((a, b) => itemOf(a) - itemOf(b))];
	return [...triageOutputs, deferred, duplicates, reportItems];
}

function itemOf(item: INodeExecutionData): number {
	const paired = item.pairedItem;
	return typeof paired === 'object' && paired !== null && !Array.isArray(paired) ? paired.item : 0;
}
