import { bareModelName } from './catalog';

/**
 * What a call costs at Google's list prices, per model and tier, for the estimate every report
 * carries. An estimate, not an invoice: free tiers, credits and regional prices are left out. A
 * model or voice family missing here is priced `null`, never guessed.
 *
 * Sources (read 2026-12-05):
 * - https://ai.google.dev/gemini-api/docs/pricing, as transcribed verbatim on 2026-10-07
 *   (github.com/api-evangelist/deepmind plans/deepmind-plans-pricing.yml): Gemini 3.8 Flash
 *   $0.75 input / $3.75 output "(including thinking)" per 1M tokens "through December 31, 2026",
 *   $1.50 / $7.50 "starting January 1, 2027"; 3.5 Flash $1.50 / $9.00; 3.5 Flash-Lite $0.30 /
 *   $2.50; 3.1 Pro Preview $2.00 / $12.00 for prompts <= 200k tokens, $4.00 / $18.00 above;
 *   Gemini Embedding 2 text $0.20; embeddings (gemini-embedding-001, File search) $0.15.
 * - Speech models, same page (launch prices as quoted in BerriAI/litellm discussion #42776 and
 *   micdrop.dev/docs/text-to-speech/gemini, Nov 2026): 3.8 Flash TTS $0.50 text input / $9.00
 *   audio output per 1M tokens, 3.8 Flash-Lite TTS $0.50 / $6.00, through 2026-12-31; "prices
 *   double on January 1, 2027".
 * - Tiers: https://ai.google.dev/gemini-api/docs/optimization and .../flex-inference: Flex "50%
 *   discount", Batch "50% discount", Priority "75% to 100% more than standard". Priority's exact
 *   premium is per model and not published in anything we could read, so a call served at
 *   Priority is priced null (a call Google downgraded to Standard is priced at Standard).
 * - Cloud Text-to-Speech, https://cloud.google.com/text-to-speech/pricing, per 1M characters:
 *   Standard $4, WaveNet $16, Neural2 $16 (also quoted by bicov.pro's 2024 pricing notes), Chirp 3:
 *   HD $30, Studio $160. Billed characters include SSML tags. Voice families not listed: null.
 */

export type PriceTier = 'standard' | 'flex' | 'priority' | 'batch';

const TOKENS_PER_PRICE_UNIT = 1_000_000;
const CHARACTERS_PER_PRICE_UNIT = 1_000_000;

/** USD per 1M tokens. */
interface TokenPrices {
	input: number;
	/** Text output, thinking included (Google bills thoughts as output). */
	output: number;
	/** Audio output of speech models. */
	audioOutput?: number;
}

interface PricePeriod extends TokenPrices {
	/** First day (UTC, inclusive) these prices apply; the period before it ends the day before. */
	from?: string;
	/** Prompts above this many tokens are billed at `longContext` for the whole call. */
	longContextAbove?: number;
	longContext?: TokenPrices;
}

/** Discounts Google documents as the same for every model. Priority is per model: see above. */
const TIER_FACTORS: Readonly<Record<PriceTier, number | undefined>> = {
	standard: 1,
	flex: 0.5,
	batch: 0.5,
	priority: undefined,
};

/** Standard-tier prices by model name; periods newest last. */
const MODEL_PRICES: Readonly<Record<string, PricePeriod[]>> = {
	'gemini-3.8-flash': [
		{ input: 0.75, output: 3.75 },
		{ from: '2027-01-01', input: 1.5, output: 7.5 },
	],
	'gemini-3.5-flash': [{ input: 1.5, output: 9 }],
	'gemini-3.5-flash-lite': [{ input: 0.3, output: 2.5 }],
	'gemini-3.1-pro-preview': [
		{ input: 2, output: 12, longContextAbove: 200_000, longContext: { input: 4, output: 18 } },
	],
	'gemini-3.8-flash-tts': [
		{ input: 0.5, output: 9, audioOutput: 9 },
		{ from: '2027-01-01', input: 1, output: 18, audioOutput: 18 },
	],
	'gemini-3.8-flash-lite-tts': [
		{ input: 0.5, output: 6, audioOutput: 6 },
		{ from: '2027-01-01', input: 1, output: 12, audioOutput: 12 },
	],
	'gemini-embedding-001': [{ input: 0.15, output: 0 }],
	'gemini-embedding-2': [{ input: 0.2, output: 0 }],
};

/** Cloud TTS voice family (as in the voice name) → USD per 1M characters. */
const CLOUD_TTS_PRICES: ReadonlyArray<{ pattern: RegExp; family: string; perMillion: number }> = [
	{ pattern: /-Chirp3-HD-/i, family: 'Chirp 3: HD', perMillion: 30 },
	{ pattern: /-Studio-/i, family: 'Studio', perMillion: 160 },
	{ pattern: /-Neural2-/i, family: 'Neural2', perMillion: 16 },
	{ pattern: /-Wavenet-/i, family: 'WaveNet', perMillion: 16 },
	{ pattern: /-Standard-/i, family: 'Standard', perMillion: 4 },
];

export interface TokenUsage {
	inputTokens: number;
	/** Text output without thinking. */
	outputTokens: number;
	thinkingTokens: number;
	audioOutputTokens: number;
}

function isoDay(at: number): string {
	return new Date(at).toISOString().slice(0, 10);
}

/** The price period in force on the day of `at`, or undefined for a model we have no price for. */
export function modelPrices(model: string, at = Date.now()): PricePeriod | undefined {
	const periods = MODEL_PRICES[bareModelName(model).toLowerCase()];
	if (!periods) return undefined;
	const day = isoDay(at);
	let current: PricePeriod | undefined;
	for (const period of periods) if (period.from === undefined || period.from <= day) current = period;
	return current;
}

/**
 * USD for one Gemini call at the tier that served it, or null when the model, the tier's price
 * or the audio price is unknown.
 */
export function geminiCallCostUsd(model: string, tier: PriceTier, usage: TokenUsage, at = Date.now()): number | null {
	const period = modelPrices(model, at);
	const factor = TIER_FACTORS[tier];
	if (!period || factor === undefined) return null;
	const long = period.longContextAbove !== undefined && usage.inputTokens > period.longContextAbove;
	const prices: TokenPrices = long && period.longContext ? period.longContext : period;
	if (usage.audioOutputTokens > 0 && prices.audioOutput === undefined) return null;
	const standard =
		usage.inputTokens * prices.input +
		(usage.outputTokens + usage.thinkingTokens) * prices.output +
		usage.audioOutputTokens * (prices.audioOutput ?? 0);
	return (standard / TOKENS_PER_PRICE_UNIT) * factor;
}

/** The priced Cloud TTS voice family of a voice name, or undefined (unknown family, default voice). */
export function cloudVoiceFamily(voiceName: string | undefined): { family: string; perMillion: number } | undefined {
	if (!voiceName) return undefined;
	const match = CLOUD_TTS_PRICES.find((entry) => entry.pattern.test(voiceName));
	return match ? { family: match.family, perMillion: match.perMillion } : undefined;
}

/** USD for `characters` billed characters on a Cloud TTS voice, or null for an unpriced family. */
export function cloudTtsCostUsd(voiceName: string | undefined, characters: number): number | null {
	const family = cloudVoiceFamily(voiceName);
	return family ? (characters * family.perMillion) / CHARACTERS_PER_PRICE_UNIT : null;
}

/** Billed characters of a Cloud TTS input: every code point of the text or SSML, tags included. */
export function billedCharacters(input: { text: string } | { ssml: string }): number {
	return Array.from('ssml' in input ? input.ssml : input.text).length;
}

const MICRO_DOLLARS = 1_000_000;

/** Rounded to a millionth of a dollar: precise enough to sum thousands of cheap calls. */
export function roundUsd(value: number): number {
	return Math.round(value * MICRO_DOLLARS) / MICRO_DOLLARS;
}
