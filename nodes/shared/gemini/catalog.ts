import type { IDataObject } from 'n8n-workflow';

/**
 * The one place that knows which Gemini models are current and how each family is asked for
 * little or no thinking. Every node reads its defaults from here; nothing else names a model.
 *
 * Model names and shutdown dates: https://ai.google.dev/gemini-api/docs/deprecations and
 * https://ai.google.dev/gemini-api/docs/models (read 2026-12-01).
 */

/** A current stable Flash model for text generation. */
export const DEFAULT_TEXT_MODEL = 'gemini-3.8-flash';

/** A current speech-generation model (may answer WAV where the 2.5 previews answered raw PCM). */
export const DEFAULT_TTS_MODEL = 'gemini-3.8-flash-tts';

/** A current text-embedding model. */
export const DEFAULT_EMBEDDING_MODEL = 'gemini-embedding-001';

/** Strips the optional "models/" prefix the model list uses. */
export function bareModelName(model: string): string {
	return model.trim().replace(/^models\//, '');
}

/**
 * The `thinkingConfig` that asks `model` for the least thinking it accepts, or undefined when
 * the family takes no thinking setting (or is unknown: a guess could be a 400).
 */
export function lowThinkingConfig(model: string): IDataObject | undefined {
	const name = bareModelName(model).toLowerCase();
	if (/^gemini-2\.5-flash/.test(name)) return { thinkingBudget: 0 };
	if (/^gemini-3(\.\d+)?-/.test(name)) return { thinkingLevel: 'low' };
	return undefined;
}
