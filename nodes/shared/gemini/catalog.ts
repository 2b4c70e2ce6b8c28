import type { IDataObject } from 'n8n-workflow';

/**
 * The one place that knows which Gemini models are current and how each family is asked for
 * little or no thinking. Every node reads its defaults from here; nothing else names a model.
 * Retired models and their replacements: ./retired.ts. Prices per model and tier: ./pricing.ts.
 *
 * Sources (read 2026-12-01; Google's pages disagree across snapshots, the newest dated ones win):
 * - https://ai.google.dev/gemini-api/docs/models: Gemini 3.8 Flash (`gemini-3.8-flash`) is the
 *   newest stable Flash model; Gemini 3.8 Flash TTS (`gemini-3.8-flash-tts`) and 3.8 Flash-Lite TTS
 *   are the new stable speech models; the 3.1 Flash TTS preview is "legacy, update to 3.8".
 * - https://ai.google.dev/gemini-api/docs/deprecations: gemini-3.8-flash released 2026-09-02,
 *   "no shutdown date announced".
 * - https://ai.google.dev/gemini-api/docs/embeddings: gemini-embedding-2 is the newest (multimodal)
 *   model; "for text-only use cases gemini-embedding-001 remains available". Our nodes embed text
 *   and send task types, so the text model stays the default.
 * - Thinking levels per model: https://ai.google.dev/gemini-api/docs/thinking#thinking-levels and
 *   Google Cloud's table (docs.cloud.google.com/gemini-enterprise-agent-platform/models/thinking):
 *   3.8 Flash and 3.7 Flash take LOW/MEDIUM/HIGH; 3.6 Flash, 3.5 Flash, 3.5 Flash-Lite and
 *   3.1 Flash-Lite also take MINIMAL; 3 Pro and 3.1 Pro take LOW/HIGH (3.1 Pro also MEDIUM).
 *   The API answers 400 "Thinking level MINIMAL is not supported for this model" otherwise.
 * - Budgets for 2.5: 2.5 Flash and Flash-Lite accept 0 (off); 2.5 Pro cannot turn thinking off,
 *   its minimum budget is 128. Sending both fields is a 400 ("You can only set only one of
 *   thinking budget and thinking level"), and a level sent to 2.5 is a 400 as well.
 */

/** A current stable Flash model for text generation. */
export const DEFAULT_TEXT_MODEL = 'gemini-3.8-flash';

/** A current stable speech-generation model (answers WAV where the 2.5 previews answered raw PCM). */
export const DEFAULT_TTS_MODEL = 'gemini-3.8-flash-tts';

/** A current text-embedding model. */
export const DEFAULT_EMBEDDING_MODEL = 'gemini-embedding-001';

export type ModelKind = 'text' | 'speech' | 'embedding';

export type ThinkingLevel = 'minimal' | 'low' | 'medium' | 'high';

/** Gemini 3.x text lines → the lowest `thinkingLevel` each accepts (docs table above). */
const LOWEST_THINKING_LEVEL: Readonly<Record<string, ThinkingLevel>> = {
	'3-pro': 'low',
	'3.1-pro': 'low',
	'3-flash': 'minimal',
	'3.1-flash-lite': 'minimal',
	'3.5-flash': 'minimal',
	'3.5-flash-lite': 'minimal',
	'3.6-flash': 'minimal',
	'3.7-flash': 'low',
	'3.8-flash': 'low',
};

/** Gemini 2.5 text lines → the smallest `thinkingBudget` each accepts (0 = off). */
const LOWEST_THINKING_BUDGET: Readonly<Record<string, number>> = {
	'2.5-flash': 0,
	'2.5-flash-lite': 0,
	'2.5-pro': 128,
};

// gemini-<version>-<variant> plus the suffixes Google uses for the same model line (a dated
// preview, a pinned 00N version, -latest). Anything else (-tts, -image, -live…) is another model.
const TEXT_MODEL_NAME =
	/^gemini-(\d+(?:\.\d+)?)-(pro|flash-lite|flash)(?:-(?:preview(?:-\d{2}-\d{2}(?:\d{2})?)?|latest|\d{3}))?$/;

/** Strips the optional "models/" prefix the model list uses. */
export function bareModelName(model: string): string {
	return model.trim().replace(/^models\//, '');
}

/** "3.8-flash" for gemini-3.8-flash(-preview…), undefined for anything that is not a text line. */
function textLine(model: string): string | undefined {
	const match = TEXT_MODEL_NAME.exec(bareModelName(model).toLowerCase());
	return match ? `${match[1]}-${match[2]}` : undefined;
}

/**
 * The `thinkingConfig` that asks `model` for the least thinking it accepts, or undefined when
 * the model takes no thinking setting or is unknown (a guess could be a 400). Never both fields.
 */
export function lowThinkingConfig(model: string): IDataObject | undefined {
	const line = textLine(model);
	if (line === undefined) return undefined;
	const budget = LOWEST_THINKING_BUDGET[line];
	if (budget !== undefined) return { thinkingBudget: budget };
	const level = LOWEST_THINKING_LEVEL[line];
	return level === undefined ? undefined : { thinkingLevel: level };
}

/** Whether the model is asked for thinking with a token budget (Gemini 2.5) rather than a level. */
export function takesThinkingBudget(model: string): boolean {
	const line = textLine(model);
	return line !== undefined && LOWEST_THINKING_BUDGET[line] !== undefined;
}

/** Speech, embedding or text, judged from the name (the model list's methods say the rest). */
export function modelKind(model: string): ModelKind {
	const name = bareModelName(model).toLowerCase();
	if (/(^|-)tts($|-)/.test(name)) return 'speech';
	if (/embedding/.test(name)) return 'embedding';
	return 'text';
}

/** The node default for a kind of model. */
export function defaultModelFor(kind: ModelKind): string {
	if (kind === 'speech') return DEFAULT_TTS_MODEL;
	if (kind === 'embedding') return DEFAULT_EMBEDDING_MODEL;
	return DEFAULT_TEXT_MODEL;
}

/**
 * The version in a model's name as numbers, for sorting newest first: gemini-3.8-flash → [3, 8],
 * gemini-3-pro-preview → [3], gemini-embedding-001 → [1]. Names without a number sort last.
 */
export function modelVersion(model: string): number[] {
	const match = /(\d+(?:\.\d+)*)/.exec(bareModelName(model));
	return match ? match[1].split('.').map(Number) : [];
}

/** Negative when `a` is newer than `b` (a sort comparator for newest first). */
export function compareNewestFirst(a: string, b: string): number {
	const va = modelVersion(a);
	const vb = modelVersion(b);
	for (let i = 0; i < Math.max(va.length, vb.length); i++) {
		const diff = (vb[i] ?? -1) - (va[i] ?? -1);
		if (diff !== 0) return diff;
	}
	// Same version: stable before preview/experimental, then the shorter (main) name, then by name.
	const unstable = (name: string) => (/preview|exp/.test(name) ? 1 : 0);
	return unstable(a) - unstable(b) || a.length - b.length || a.localeCompare(b);
}
