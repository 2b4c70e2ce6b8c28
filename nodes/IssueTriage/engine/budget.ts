import { processState } from '../../shared/state';
import { MS_PER_MINUTE } from '../../shared/units';
import type { Priority } from './types';

/**
 * Replies per minute, per priority and overall, shared by every execution of the same node in
 * the n8n process (seed 004: at most 5 critical replies per minute). A sliding window of the
 * last minute's reply times: over budget, an issue waits (Deferred output) until `retryAt`,
 * when the oldest reply in the window leaves it.
 */

export const BUDGET_WINDOW_MS = MS_PER_MINUTE;

export interface BudgetLimits {
	/** Critical replies per minute; 0 means no limit. */
	criticalPerMinute: number;
	/** All replies per minute; 0 means no limit. */
	overallPerMinute: number;
}

export type BudgetDecision = { ok: true } | { ok: false; retryAt: number; reason: string };

class ReplyBudget {
	private critical: number[] = [];

	private overall: number[] = [];

	/** Reserves a reply now, or says when one will be free. Synchronous, so never double-booked. */
	tryReserve(priority: Priority, limits: BudgetLimits, now: number): BudgetDecision {
		const since = now - BUDGET_WINDOW_MS;
		this.critical = this.critical.filter((at) => at > since);
		this.overall = this.overall.filter((at) => at > since);
		if (priority === 'critical' && limits.criticalPerMinute > 0 && this.critical.length >= limits.criticalPerMinute) {
			return {
				ok: false,
				retryAt: this.critical[this.critical.length - limits.criticalPerMinute] + BUDGET_WINDOW_MS,
				reason: `Critical reply budget of ${limits.criticalPerMinute} per minute is used up`,
			};
		}
		if (limits.overallPerMinute > 0 && this.overall.length >= limits.overallPerMinute) {
			return {
				ok: false,
				retryAt: this.overall[this.overall.length - limits.overallPerMinute] + BUDGET_WINDOW_MS,
				reason: `Reply budget of ${limits.overallPerMinute} per minute is used up`,
			};
		}
		if (priority === 'critical') this.critical.push(now);
		this.overall.push(now);
		return { ok: true };
	}

	used(now: number): { critical: number; overall: number } {
		const since = now - BUDGET_WINDOW_MS;
		return {
			critical: this.critical.filter((at) => at > since).length,
			overall: this.overall.filter((at) => at > since).length,
		};
	}
}

const budgets = processState(
	'issueTriageReplyBudgets',
	'per process: the replies each Issue Triage node sent in the last minute, per priority; in queue mode each worker has its own budget',
	() => new Map<string, ReplyBudget>(),
);

/** The budget of one node (scope = workflow id + node id) for the whole process. */
export function replyBudget(scope: string): ReplyBudget {
	let budget = budgets.get(scope);
	if (!budget) {
		budget = new ReplyBudget();
		budgets.set(scope, budget);
	}
	return budget;
}
