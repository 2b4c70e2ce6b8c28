import type { IDataObject } from 'n8n-workflow';

import { callReport } from '../../shared/node/report';
import { replyBudget } from './budget';
import type { TriageExecution } from './execution';
import type { ItemResult } from './item';
import { PRIORITIES } from './types';
import type { Priority } from './types';

/**
 * The Report item of one execution: the shared call report plus what happened to the items
 * (`results` in input order, undefined where an item failed).
 */
export function triageReport(execution: TriageExecution, results: ReadonlyArray<ItemResult | undefined>): IDataObject {
	const byPriority: Record<Priority, number> = { critical: 0, high: 0, medium: 0, low: 0 };
	const bySource = { ai: 0, cache: 0, fallback: 0 };
	const fallbackReasons = new Set<string>();
	let deferred = 0;
	let duplicates = 0;
	let failed = 0;
	for (const result of results) {
		if (!result) failed++;
		else if (result.output === 'deferred') deferred++;
		else if (result.output === 'duplicate') duplicates++;
		else {
			byPriority[result.priority]++;
			bySource[result.source]++;
			if (typeof result.json.fallbackReason === 'string') fallbackReasons.add(result.json.fallbackReason);
		}
	}
	const { gemini, parameters } = execution;
	return {
		...callReport(execution.accounting, {
			startedAt: execution.startedAt,
			cacheHits: bySource.cache,
			fallbackReason: fallbackReasons.size > 0 ? [...fallbackReasons].join('; ') : null,
		}),
		items: results.length,
		triaged: PRIORITIES.reduce((sum, priority) => sum + byPriority[priority], 0),
		deferred,
		duplicates,
		failed,
		byPriority,
		bySource,
		embeddingCalls: gemini?.counters.embeddingCalls ?? 0,
		embeddingFailures: gemini?.counters.embeddingFailures ?? 0,
		breaker: gemini ? gemini.breaker.snapshot() : null,
		budget: { ...parameters.budget, usedLastMinute: replyBudget(execution.scope).used(Date.now()) },
	};
}
