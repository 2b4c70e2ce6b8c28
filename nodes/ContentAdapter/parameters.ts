import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DEFAULT_TEXT_MODEL } from '../shared/gemini/catalog';
import { readResilience } from '../shared/node/resilienceOptions';
import { invalidParameter, modelParameter, numberOr, wholeNumberIn } from '../shared/node/parameters';
import { SPOKEN_WORDS_PER_MINUTE } from '../shared/text/generatedText';
import { parseLanguageList, parseLanguageTag } from '../shared/text/languages';
import type { LanguageTag } from '../shared/text/languages';
import { BYTES_PER_MB, MS_PER_HOUR } from '../shared/units';
import { ASPECT_HINTS } from './engine/prompt';
import type { Brief } from './engine/prompt';
import type { Operation, RunSettings } from './engine/types';

/**
 * Every parameter is read and checked here, and nowhere else; every error names the parameter
 * as the panel labels it and what is allowed. The defaults are named here and the description
 * imports them, so the panel and the code cannot disagree.
 */

export const MAX_TITLE_CHARS = 300;
/** About 3,000 words, 20 minutes spoken: past this a script belongs in several items. */
export const MAX_TEXT_CHARS = 20_000;
export const MAX_VARIATIONS = 10;
export const MAX_TARGET_WORDS = 3000;
export const MIN_TARGET_WORDS = 20;
export const MAX_TARGET_LANGUAGES = 20;
export const MAX_TOLERANCE_PERCENT = 50;
export const DEFAULT_OPERATION: Operation = 'writeScript';
export const DEFAULT_LANGUAGE = 'en-US';
export const DEFAULT_TARGET_LANGUAGES = 'pt-BR, es-MX';
export const DEFAULT_TARGET_WORDS = 300;
export const DEFAULT_VARIATIONS = 3;
/** The angles the seed's variations were built on, all with built-in guidance. */
export const DEFAULT_ASPECTS = Object.keys(ASPECT_HINTS).join(', ');
export const DEFAULT_TOLERANCE_PERCENT = 15;
export const DEFAULT_TEMPERATURE = 0.8;
export const DEFAULT_TOP_P = 0.95;
export const DEFAULT_MAX_OUTPUT_TOKENS = 8192;
export const DEFAULT_CACHE_TTL_HOURS = 168;
export const DEFAULT_CACHE_MAX_ENTRIES = 5000;
export const DEFAULT_CACHE_MAX_MB = 50;
const PERCENT = 100;
const OPERATIONS: readonly Operation[] = ['writeScript', 'generateVariations', 'adaptToLanguages', 'checkBatch', 'cancelBatch'];
export const DEFAULT_BATCH_FIELD = 'economy';
export const DEFAULT_ON_BATCH_FAILURE = 'standardCalls';

/** A text parameter, trimmed (empty when unset). */
function textParameter(ctx: IExecuteFunctions, name: string, itemIndex: number): string {
	return String(ctx.getNodeParameter(name, itemIndex, '') ?? '').trim();
}

/** A text of at most `max` characters; `required` refuses an empty one. */
function boundedText(ctx: IExecuteFunctions, itemIndex: number, name: string, label: string, max: number, required: boolean): string {
	const value = textParameter(ctx, name, itemIndex);
	if (required && value === '') {
		throw invalidParameter(ctx, itemIndex, label, 'is empty', `Set "${label}" to the text to work on (an expression such as {{ $json.${name} }} works).`);
	}
	if (value.length > max) {
		throw invalidParameter(ctx, itemIndex, label, `is too long: ${value.length} characters, at most ${max} are allowed`, `Shorten "${label}" or split the text over several items.`);
	}
	return value;
}

function languageParameter(ctx: IExecuteFunctions, itemIndex: number, name: string, label: string): LanguageTag {
	const parsed = parseLanguageTag(String(ctx.getNodeParameter(name, itemIndex, DEFAULT_LANGUAGE) ?? ''));
	if (!parsed.ok) throw invalidParameter(ctx, itemIndex, `${label}:`, parsed.reason, `Set "${label}" to a BCP-47 code such as pt-BR, en-US, es-ES or es-MX.`);
	return parsed.value;
}

function languageListParameter(ctx: IExecuteFunctions, itemIndex: number, name: string, label: string): LanguageTag[] {
	const parsed = parseLanguageList(ctx.getNodeParameter(name, itemIndex, DEFAULT_TARGET_LANGUAGES));
	if (!parsed.ok) throw invalidParameter(ctx, itemIndex, `${label}:`, parsed.reason, 'List BCP-47 codes separated by commas, e.g. "pt-BR, es-MX, en-US".');
	if (parsed.value.length === 0) throw invalidParameter(ctx, itemIndex, label, 'is empty', 'List at least one language code, e.g. "pt-BR, es-MX".');
	if (parsed.value.length > MAX_TARGET_LANGUAGES) {
		throw invalidParameter(ctx, itemIndex, label, `lists ${parsed.value.length} languages; at most ${MAX_TARGET_LANGUAGES} are allowed`, 'Split the languages over several items.');
	}
	return parsed.value;
}

/** Audience, tone and length of a script (Write Script, and the master Generate Variations writes). */
function readBrief(ctx: IExecuteFunctions, itemIndex: number): Brief {
	const brief = ctx.getNodeParameter('brief', itemIndex, {}) as IDataObject;
	const minutes = Number(brief.durationMinutes ?? 0);
	const words = minutes > 0 ? Math.round(minutes * SPOKEN_WORDS_PER_MINUTE) : Number(brief.targetWords ?? DEFAULT_TARGET_WORDS);
	if (!Number.isFinite(words) || words < MIN_TARGET_WORDS || words > MAX_TARGET_WORDS) {
		throw invalidParameter(
			ctx,
			itemIndex,
			'Brief:',
			`the script length must be ${MIN_TARGET_WORDS} to ${MAX_TARGET_WORDS} words, not ${String(words)}`,
			`Change "Length (Words)" or "Duration (Minutes)" (${SPOKEN_WORDS_PER_MINUTE} words per spoken minute).`,
		);
	}
	return { audience: String(brief.audience ?? '').trim(), tone: String(brief.tone ?? '').trim(), targetWords: words };
}

/** Aspects from a comma-separated string (or an array), trimmed, repeats dropped, order kept. */
function aspectList(raw: unknown): string[] {
	const parts = Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(/[,;\n]/);
	const aspects = new Map<string, string>();
	for (const part of parts.map((value) => value.trim())) {
		if (part !== '' && !aspects.has(part.toLowerCase())) aspects.set(part.toLowerCase(), part);
	}
	return [...aspects.values()];
}

export interface ScriptParameters {
	title: string;
	language: LanguageTag;
	brief: Brief;
}

export function readScriptParameters(ctx: IExecuteFunctions, itemIndex: number): ScriptParameters {
	return {
		title: boundedText(ctx, itemIndex, 'title', 'Title', MAX_TITLE_CHARS, true),
		language: languageParameter(ctx, itemIndex, 'language', 'Language'),
		brief: readBrief(ctx, itemIndex),
	};
}

export interface VariationParameters extends ScriptParameters {
	/** One aspect per variation, in order. */
	aspects: string[];
	/** '' when the master is to be written first. */
	masterScript: string;
}

export function readVariationParameters(ctx: IExecuteFunctions, itemIndex: number): VariationParameters {
	const script = readScriptParameters(ctx, itemIndex);
	const count = wholeNumberIn(
		ctx,
		itemIndex,
		'Number of Variations',
		Number(ctx.getNodeParameter('variations', itemIndex, DEFAULT_VARIATIONS)),
		[1, MAX_VARIATIONS],
		'Change "Number of Variations"; for more, split them over several items.',
	);
	const aspects = aspectList(ctx.getNodeParameter('aspects', itemIndex, DEFAULT_ASPECTS));
	if (aspects.length === 0) throw invalidParameter(ctx, itemIndex, 'Aspects', 'is empty', `List at least one angle, separated by commas, e.g. "${DEFAULT_ASPECTS}".`);
	if (aspects.length < count) {
		throw invalidParameter(ctx, itemIndex, 'Number of Variations', `is ${count}, but Aspects lists only ${aspects.length}`, 'Each variation needs its own aspect: add aspects or lower "Number of Variations".');
	}
	const masterScript = boundedText(ctx, itemIndex, 'masterScript', 'Master Script', MAX_TEXT_CHARS, false);
	return { ...script, aspects: aspects.slice(0, count), masterScript };
}

export interface AdaptationParameters {
	text: string;
	source: LanguageTag;
	targets: LanguageTag[];
	/** Optional, '' when unset. */
	title: string;
	/** How far from the source length is still fine (0.15 = ±15%). */
	tolerance: number;
}

export function readAdaptationParameters(ctx: IExecuteFunctions, itemIndex: number): AdaptationParameters {
	const text = boundedText(ctx, itemIndex, 'text', 'Text', MAX_TEXT_CHARS, true);
	const source = languageParameter(ctx, itemIndex, 'sourceLanguage', 'Source Language');
	const targets = languageListParameter(ctx, itemIndex, 'targetLanguages', 'Target Languages');
	const title = textParameter(ctx, 'title', itemIndex).slice(0, MAX_TITLE_CHARS);
	const percent = Number(ctx.getNodeParameter('lengthTolerancePercent', itemIndex, DEFAULT_TOLERANCE_PERCENT));
	if (!Number.isFinite(percent) || percent <= 0 || percent > MAX_TOLERANCE_PERCENT) {
		throw invalidParameter(ctx, itemIndex, 'Length Tolerance (%)', `must be above 0 and at most ${MAX_TOLERANCE_PERCENT}, not ${String(percent)}`, 'Change "Length Tolerance (%)".');
	}
	return { text, source, targets, title, tolerance: percent / PERCENT };
}

/** The operation and the node-wide options, read once from the first item. */
export function readRunSettings(ctx: IExecuteFunctions): RunSettings {
	const operation = ctx.getNodeParameter('operation', 0) as Operation;
	if (!OPERATIONS.includes(operation)) throw new NodeOperationError(ctx.getNode(), `Unknown operation "${String(operation)}"`);
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	return {
		operation,
		resilience: readResilience(options),
		generation: {
			model: modelParameter(ctx, 'options.model', 0, DEFAULT_TEXT_MODEL),
			temperature: numberOr(options.temperature, DEFAULT_TEMPERATURE),
			topP: numberOr(options.topP, DEFAULT_TOP_P),
			maxOutputTokens: numberOr(options.maxOutputTokens, DEFAULT_MAX_OUTPUT_TOKENS),
		},
		economy: readEconomySettings(ctx, operation),
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

function readEconomySettings(ctx: IExecuteFunctions, operation: Operation): RunSettings['economy'] {
	const batchOperation = operation === 'checkBatch' || operation === 'cancelBatch';
	const submit = !batchOperation && ctx.getNodeParameter('economy', 0, false) === true;
	const policy = submit ? String(ctx.getNodeParameter('onBatchFailure', 0, DEFAULT_ON_BATCH_FAILURE)) : DEFAULT_ON_BATCH_FAILURE;
	if (policy !== 'standardCalls' && policy !== 'fail') {
		throw invalidParameter(ctx, 0, 'When the Batch Fails', `must be "standardCalls" or "fail", not "${policy}"`, 'Pick Standard Calls or Fail.');
	}
	const batchField = batchOperation ? String(ctx.getNodeParameter('batchField', 0, DEFAULT_BATCH_FIELD) ?? '').trim() : DEFAULT_BATCH_FIELD;
	if (batchField === '') throw invalidParameter(ctx, 0, 'Batch Field', 'is empty', `Name the input field holding the submit's state ("${DEFAULT_BATCH_FIELD}" as the submit writes it).`);
	return { submit, onBatchFailure: policy, batchField };
}
