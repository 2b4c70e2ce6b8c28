import type { CallAccounting } from '../transport/resilientCall';
import { modelKind } from './catalog';
import { cloudTtsCostUsd, geminiCallCostUsd } from './pricing';
import type { PriceTier } from './pricing';
import { servedTier } from './serviceTier';
import type { ServiceTier } from './serviceTier';

/**
 * Counts what one answered call used and what it cost into the node's accounting, so every
 * report can say tokens, characters, served tiers and an estimated price in one shape.
 */

/** The usageMetadata fields Gemini returns (@google/genai `GenerateContentResponseUsageMetadata`). */
export interface GeminiUsageMetadata {
	promptTokenCount?: number;
	/** The answer: text tokens, or audio tokens on a speech model. */
	candidatesTokenCount?: number;
	candidatesTokensDetails?: Array<{ modality?: string; tokenCount?: number }>;
	/** Thinking, billed as output. */
	thoughtsTokenCount?: number;
	totalTokenCount?: number;
	/** The tier that served the call (Gemini API only). */
	serviceTier?: string;
}

export const EMBEDDINGS_NOT_PRICED =
	'Embedding calls are not in the estimate: Gemini returns no token count for them (at $0.15 per 1M tokens they are a small part).';

function note(accounting: CallAccounting, text: string): void {
	if (!accounting.costNotes.includes(text)) accounting.costNotes.push(text);
}

function count(value: number | undefined): number {
	return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

function unpriced(accounting: CallAccounting, reason: string): void {
	accounting.unpricedCalls++;
	note(accounting, reason);
}

/** The audio part of the answer: by modality when Google details it, else all of it on a speech model. */
function audioTokens(model: string, usage: GeminiUsageMetadata): number {
	const details = usage.candidatesTokensDetails;
	if (Array.isArray(details) && details.length > 0) {
		return details.filter((d) => String(d.modality).toUpperCase() === 'AUDIO').reduce((sum, d) => sum + count(d.tokenCount), 0);
	}
	return modelKind(model) === 'speech' ? count(usage.candidatesTokenCount) : 0;
}

/** One answered generateContent call (text or speech). */
export function countGeminiUsage(
	accounting: CallAccounting,
	model: string,
	requested: ServiceTier | undefined,
	usage: GeminiUsageMetadata | undefined,
	headers: Record<string, unknown> | undefined,
	at = Date.now(),
): void {
	countPricedUsage(accounting, model, servedTier(headers, usage?.serviceTier, requested), usage, at);
}

/**
 * One answer of a Gemini batch job, priced at the Batch API rate (50% of standard:
 * https://ai.google.dev/gemini-api/docs/batch-api). Its tier on the report reads `batch`.
 */
export function countBatchUsage(accounting: CallAccounting, model: string, usage: GeminiUsageMetadata | undefined, at = Date.now()): void {
	countPricedUsage(accounting, model, 'batch', usage, at);
}

function countPricedUsage(accounting: CallAccounting, model: string, tier: PriceTier, usage: GeminiUsageMetadata | undefined, at: number): void {
	accounting.servedTiers[tier] = (accounting.servedTiers[tier] ?? 0) + 1;
	if (!usage) {
		unpriced(accounting, 'A Gemini answer carried no usageMetadata, so its cost is unknown.');
		return;
	}
	const input = count(usage.promptTokenCount);
	const candidates = count(usage.candidatesTokenCount);
	const thinking = count(usage.thoughtsTokenCount);
	const audio = Math.min(candidates, audioTokens(model, usage));
	accounting.promptTokens += input;
	accounting.outputTokens += candidates + thinking;
	accounting.thinkingTokens += thinking;
	accounting.audioOutputTokens += audio;
	const cost = geminiCallCostUsd(
		model,
		tier,
		{ inputTokens: input, outputTokens: candidates - audio, thinkingTokens: thinking, audioOutputTokens: audio },
		at,
	);
	if (cost === null) unpriced(accounting, `No price is known for ${model} at the ${tier} tier.`);
	else accounting.costUsd += cost;
}

/** One answered Cloud Text-to-Speech synthesis of `characters` billed characters. */
export function countCloudTtsUsage(accounting: CallAccounting, voiceName: string | undefined, characters: number): void {
	accounting.characters += characters;
	const cost = cloudTtsCostUsd(voiceName, characters);
	if (cost === null) {
		unpriced(accounting, `No price is known for the Cloud TTS voice ${voiceName ? `"${voiceName}"` : 'Google picks by default'}.`);
	} else {
		accounting.costUsd += cost;
	}
}

/** One answered embedding call: left out of the estimate, and the report says so. */
export function countEmbeddingCall(accounting: CallAccounting): void {
	note(accounting, EMBEDDINGS_NOT_PRICED);
}
