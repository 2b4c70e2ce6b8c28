import { roundUsd } from '../gemini/pricing';
import type { CallAccounting } from '../transport/resilientCall';
import { MS_PER_SECOND } from '../units';

/** The usage a cost estimate is computed from (absent kinds are 0). */
export interface TokenReport {
	input: number;
	/** Text answer, thinking not included. */
	output: number;
	thinking: number;
	/** Audio answer of speech models. */
	audioOutput: number;
	/** Characters billed by Cloud Text-to-Speech. */
	characters: number;
}

/**
 * The part of every node's Report output that describes its calls, in one shape across nodes:
 * a reader who knows the Mission Generator's report reads the Content Adapter's the same way.
 */
export interface CallReport {
	apiCalls: number;
	retries: number;
	failedCalls: number;
	promptTokens: number;
	outputTokens: number;
	tokens: TokenReport;
	/**
	 * List-price estimate in USD from `tokens` at the tier that served each call; null when any
	 * call could not be priced (unknown model, tier or voice family): never a guess.
	 */
	estimatedCostUsd: number | null;
	/** What the estimate leaves out or could not price, each reason once. */
	costNotes: string[];
	/** Answered Gemini calls by the tier that served them (e.g. { flex: 9, standard: 1 }). */
	servedTiers: Record<string, number>;
	avgCallLatencyMs: number;
	maxCallLatencyMs: number;
	hedges: number;
	hedgeWins: number;
	cacheHits: number;
	durationSeconds: number;
	fallbackUsed: boolean;
	fallbackReason: string | null;
}

export interface CallReportExtras {
	/** Epoch ms when the work of the item began. */
	startedAt: number;
	cacheHits?: number;
	/** Why a fallback (templates, rules, cached answer) was used; null or absent when none was. */
	fallbackReason?: string | null;
	now?: number;
}

const DECIMALS = 100;

export function round2(value: number): number {
	return Math.round(value * DECIMALS) / DECIMALS;
}

/** Tokens, estimated cost and served tiers of the calls in `accounting` (zeros when there were none). */
export function costReport(
	accounting: CallAccounting | undefined,
): Pick<CallReport, 'tokens' | 'estimatedCostUsd' | 'costNotes' | 'servedTiers'> {
	const thinking = accounting?.thinkingTokens ?? 0;
	const audioOutput = accounting?.audioOutputTokens ?? 0;
	return {
		tokens: {
			input: accounting?.promptTokens ?? 0,
			output: Math.max(0, (accounting?.outputTokens ?? 0) - thinking - audioOutput),
			thinking,
			audioOutput,
			characters: accounting?.characters ?? 0,
		},
		estimatedCostUsd: accounting && accounting.unpricedCalls > 0 ? null : roundUsd(accounting?.costUsd ?? 0),
		costNotes: [...(accounting?.costNotes ?? [])],
		servedTiers: { ...(accounting?.servedTiers ?? {}) },
	};
}

/** Builds the shared report fields; `accounting` may be absent when no call was possible. */
export function callReport(accounting: CallAccounting | undefined, extras: CallReportExtras): CallReport {
	const latencies = accounting?.latenciesMs ?? [];
	const now = extras.now ?? Date.now();
	const fallbackReason = extras.fallbackReason ?? null;
	return {
		apiCalls: accounting?.calls ?? 0,
		retries: accounting?.retries ?? 0,
		failedCalls: accounting?.failedCalls ?? 0,
		promptTokens: accounting?.promptTokens ?? 0,
		outputTokens: accounting?.outputTokens ?? 0,
		...costReport(accounting),
		avgCallLatencyMs:
			latencies.length > 0 ? Math.round(latencies.reduce((a, b) => a + b, 0) / latencies.length) : 0,
		maxCallLatencyMs: latencies.length > 0 ? Math.max(...latencies) : 0,
		hedges: accounting?.hedges ?? 0,
		hedgeWins: accounting?.hedgeWins ?? 0,
		cacheHits: extras.cacheHits ?? 0,
		durationSeconds: round2((now - extras.startedAt) / MS_PER_SECOND),
		fallbackUsed: fallbackReason !== null,
		fallbackReason,
	};
}
