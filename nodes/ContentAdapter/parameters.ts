import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DEFAULT_TEXT_MODEL } from '../shared/gemini/catalog';
import { readResilience } from '../shared/node/resilienceOptions';
import type { ResilienceOptions } from '../shared/node/resilienceOptions';
import { parseLanguageList, parseLanguageTag } from '../shared/text/languages';
import type { LanguageTag } from '../shared/text/languages';
import { DEFAULT_CACHE_MAX_ENTRIES, DEFAULT_CACHE_MAX_MB, DEFAULT_CACHE_TTL_HOURS } from './engine/cache';
import type { Brief } from './engine/prompt';
import type { CacheSettings, GenerationSettings } from './engine/types';

/** Reading and checking parameters; every error names the parameter and what is allowed. */

export const MAX_TITLE_CHARS = 300;
/** About 3,000 words, 20 minutes spoken: past this a script belongs in several items. */
export const MAX_TEXT_CHARS = 20_000;
export const MAX_VARIATIONS = 10;
export const MAX_TARGET_WORDS = 3000;
export const MIN_TARGET_WORDS = 20;
export const MAX_TARGET_LANGUAGES = 20;
export const DEFAULT_TARGET_WORDS = 300;
export const DEFAULT_TEMPERATURE = 0.8;
export const DEFAULT_TOP_P = 0.95;
export const DEFAULT_MAX_OUTPUT_TOKENS = 8192;
const WORDS_PER_MINUTE = 150;
const MS_PER_HOUR = 3_600_000;
const BYTES_PER_MB = 1_000_000;

export function fail(ctx: IExecuteFunctions, itemIndex: number, message: string, description: string): never {
	throw new NodeOperationError(ctx.getNode(), message, { itemIndex, description });
}

/** A required text parameter, trimmed, at most `max` characters. */
export function requiredText(
	ctx: IExecuteFunctions,
	itemIndex: number,
	name: string,
	label: string,
	max: number,
): string {
	const value = String(ctx.getNodeParameter(name, itemIndex, '') ?? '').trim();
	if (value === '') fail(ctx, itemIndex, `${label} is empty`, `Set "${label}" to the text to work on (an expression such as {{ $json.${name} }} works).`);
	if (value.length > max) {
		fail(
			ctx,
			itemIndex,
			`${label} is too long: ${value.length} characters, at most ${max} are allowed`,
			`Shorten "${label}" or split the text over several items.`,
		);
	}
	return value;
}

export function languageParameter(ctx: IExecuteFunctions, itemIndex: number, name: string, label: string): LanguageTag {
	const raw = String(ctx.getNodeParameter(name, itemIndex, 'en-US') ?? '');
	const parsed = parseLanguageTag(raw);
	if (!parsed.ok) fail(ctx, itemIndex, `${label}: ${parsed.reason}`, `Set "${label}" to a BCP-47 code such as pt-BR, en-US, es-ES or es-MX.`);
	return parsed.value;
}

export function languageListParameter(ctx: IExecuteFunctions, itemIndex: number, name: string, label: string): LanguageTag[] {
	const parsed = parseLanguageList(ctx.getNodeParameter(name, itemIndex, ''));
	if (!parsed.ok) fail(ctx, itemIndex, `${label}: ${parsed.reason}`, `List BCP-47 codes separated by commas, e.g. "pt-BR, es-MX, en-US".`);
	if (parsed.value.length === 0) fail(ctx, itemIndex, `${label} is empty`, `List at least one language code, e.g. "pt-BR, es-MX".`);
	if (parsed.value.length > MAX_TARGET_LANGUAGES) {
		fail(ctx, itemIndex, `${label} lists ${parsed.value.length} languages; at most ${MAX_TARGET_LANGUAGES} are allowed`, 'Split the languages over several items.');
	}
	return parsed.value;
}

/** Audience, tone and length of a script (Write Script, and the master Generate Variations writes). */
export function readBrief(ctx: IExecuteFunctions, itemIndex: number): Brief {
	const brief = ctx.getNodeParameter('brief', itemIndex, {}) as IDataObject;
	const minutes = Number(brief.durationMinutes ?? 0);
	const words = minutes > 0 ? Math.round(minutes * WORDS_PER_MINUTE) : Number(brief.targetWords ?? DEFAULT_TARGET_WORDS);
	if (!Number.isFinite(words) || words < MIN_TARGET_WORDS || words > MAX_TARGET_WORDS) {
		fail(
			ctx,
			itemIndex,
			`Brief: the script length must be ${MIN_TARGET_WORDS} to ${MAX_TARGET_WORDS} words, not ${String(words)}`,
			`Change "Length (Words)" or "Duration (Minutes)" (${WORDS_PER_MINUTE} words per spoken minute).`,
		);
	}
	return { audience: String(brief.audience ?? '').trim(), tone: String(brief.tone ?? '').trim(), targetWords: words };
}

function numberOr(value: unknown, fallback: number): number {
	return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export interface RunSettings {
	resilience: ResilienceOptions;
	generation: GenerationSettings;
	cache: CacheSettings;
}

/** Node-wide options, read once from the first item. */
export function readRunSettings(ctx: IExecuteFunctions): RunSettings {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const model = String(ctx.getNodeParameter('options.model', 0, DEFAULT_TEXT_MODEL, { extractValue: true }) || DEFAULT_TEXT_MODEL);
	return {
		resilience: readResilience(options),
		generation: {
			model: model.trim(),
			temperature: numberOr(options.temperature, DEFAULT_TEMPERATURE),
			topP: numberOr(options.topP, DEFAULT_TOP_P),
			maxOutputTokens: numberOr(options.maxOutputTokens, DEFAULT_MAX_OUTPUT_TOKENS),
		},
		cache: {
			enabled: options.useCache !== false,
			ttlMs: numberOr(options.cacheTtlHours, DEFAULT_CACHE_TTL_HOURS) * MS_PER_HOUR,
			maxEntries: numberOr(options.cacheMaxEntries, DEFAULT_CACHE_MAX_ENTRIES),
			maxBytes: numberOr(options.cacheMaxMb, DEFAULT_CACHE_MAX_MB) * BYTES_PER_MB,
			entriesField: String(options.cachedEntriesField ?? '').trim(),
			emitEntries: options.outputCacheEntries !== false,
		},
	};
}

export function readPath(source: IDataObject, path: string): unknown {
	let current: unknown = source;
	for (const key of path.split('.')) {
		if (typeof current !== 'object' || current === null) return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}
