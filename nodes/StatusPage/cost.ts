import { roundUsd } from '../shared/gemini/pricing';

/**
 * The running cost a page shows: the sum of the `costUsd` values the workflows copied from node
 * reports (`estimatedCostUsd`). A value is a number (or its text), `unknown` / null when a node
 * could not price its calls, or absent while the work has not reached a priced step yet.
 */

export interface RunningCost {
	/** Sum of the known costs, USD. */
	usd: number;
	/** Rows or jobs whose cost is known. */
	priced: number;
	/** Rows or jobs a node could not price (unknown model, tier or voice): not in `usd`. */
	unpriced: number;
}

/** A column value → USD, 'unknown', or undefined (not recorded yet). */
export function readCost(value: unknown): number | 'unknown' | undefined {
	if (value === undefined || value === '') return undefined;
	if (value === null || value === 'unknown' || value === 'null') return 'unknown';
	const usd = typeof value === 'number' ? value : Number(value);
	return Number.isFinite(usd) && usd >= 0 ? usd : 'unknown';
}

export function runningCost(values: readonly unknown[]): RunningCost {
	const total: RunningCost = { usd: 0, priced: 0, unpriced: 0 };
	for (const value of values) {
		const cost = readCost(value);
		if (cost === 'unknown') total.unpriced++;
		else if (cost !== undefined) {
			total.usd += cost;
			total.priced++;
		}
	}
	total.usd = roundUsd(total.usd);
	return total;
}

const CENTS_BELOW = 1;

/** "$0.0421" below a dollar (four decimals, since calls cost fractions of a cent), "$12.37" above. */
export function formatUsd(usd: number): string {
	return `$${usd < CENTS_BELOW ? usd.toFixed(4) : usd.toFixed(2)}`;
}

/** "estimated $0.0421 (3 of 10 titles priced, 1 without a known price)". */
export function costSummary(cost: RunningCost, of: number, noun: string): string {
	const unknown = cost.unpriced > 0 ? `, ${cost.unpriced} without a known price` : '';
	return `estimated ${formatUsd(cost.usd)} (${cost.priced} of ${of} ${noun} priced${unknown})`;
}
