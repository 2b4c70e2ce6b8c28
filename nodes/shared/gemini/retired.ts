import type { IDataObject } from 'n8n-workflow';

import { bareModelName, defaultModelFor, lowThinkingConfig, modelKind } from './catalog';
import type { ModelKind } from './catalog';

/**
 * Models Google has shut down or scheduled for shutdown, with the replacement to pick, and the
 * way a call to such a model fails: never retried, and the message names the model and the fix.
 *
 * Sources (read 2026-12-01):
 * - https://ai.google.dev/gemini-api/docs/deprecations (as quoted on 2026-11-10 by
 *   dev.to/aideprecations): gemini-2.5-flash and gemini-2.5-pro shut down on 2026-12-01;
 *   recommended replacements gemini-3.5-flash-lite and gemini-3.8-flash. 2.5 Flash-Lite "is not
 *   deprecated". Earlier rows: gemini-3-pro-preview 2026-03-09 → gemini-3.1-pro-preview.
 * - https://ai.google.dev/gemini-api/docs/speech-generation and the speech model pages: the 2.5
 *   preview TTS models and gemini-3.1-flash-tts-preview shut down on 2026-12-18; Google recommends
 *   3.8 Flash TTS (and 3.8 Flash-Lite TTS for the 3.1 preview).
 * - https://ai.google.dev/gemini-api/docs/whats-new-gemini-3.5: gemini-3.5-flash is deprecated and
 *   its requests are forwarded to gemini-3.6-flash (still answers; no shutdown date).
 * - Firebase AI Logic notice: Gemini 2.0 Flash and Flash-Lite shut down on 2026-06-01, "update to
 *   a newer model like gemini-3.1-flash-lite". Gemini API changelog: text-embedding-004 shut down
 *   2026-01-14, embedding-001 on 2025-10-30 (→ gemini-embedding-001).
 * What a shut-down model answers (reported by users of the real API, 2026): 404 NOT_FOUND "This
 * model models/X is no longer available[ to new users]. Please update your code to use a newer
 * model …"; an unknown name: 404 "models/X is not found for API version v1beta …"; some gateways
 * answer 503 "no available channels for model X" instead.
 */
export interface ModelRetirement {
	/** ISO date of the shutdown; absent when deprecated (forwarded) without a date. */
	shutdown?: string;
	replacement: string;
}

export const RETIRED_MODELS: Readonly<Record<string, ModelRetirement>> = {
	'gemini-2.5-flash': { shutdown: '2026-12-01', replacement: 'gemini-3.5-flash-lite' },
	'gemini-2.5-pro': { shutdown: '2026-12-01', replacement: 'gemini-3.8-flash' },
	'gemini-2.5-flash-preview-tts': { shutdown: '2026-12-18', replacement: 'gemini-3.8-flash-tts' },
	'gemini-2.5-pro-preview-tts': { shutdown: '2026-12-18', replacement: 'gemini-3.8-flash-tts' },
	'gemini-3.1-flash-tts-preview': { shutdown: '2026-12-18', replacement: 'gemini-3.8-flash-lite-tts' },
	'gemini-3.5-flash': { replacement: 'gemini-3.6-flash' },
	'gemini-3-pro-preview': { shutdown: '2026-03-09', replacement: 'gemini-3.1-pro-preview' },
	'gemini-2.0-flash': { shutdown: '2026-06-01', replacement: 'gemini-3.1-flash-lite' },
	'gemini-2.0-flash-001': { shutdown: '2026-06-01', replacement: 'gemini-3.1-flash-lite' },
	'gemini-2.0-flash-lite': { shutdown: '2026-06-01', replacement: 'gemini-3.1-flash-lite' },
	'gemini-2.0-flash-lite-001': { shutdown: '2026-06-01', replacement: 'gemini-3.1-flash-lite' },
	'text-embedding-004': { shutdown: '2026-01-14', replacement: 'gemini-embedding-001' },
	'embedding-001': { shutdown: '2025-10-30', replacement: 'gemini-embedding-001' },
};

const ISO_DATE_LENGTH = 10;
// What the API (or a gateway in front of it) says when a model is gone, whatever the status.
const MODEL_GONE_MESSAGE =
	/no longer available|is not found for API version|has been (deprecated|retired|shut ?down|discontinued)|no available channels? for model/i;
const MODEL_IN_MESSAGE = /(?:models\/|for model )([A-Za-z0-9][\w.-]*[A-Za-z0-9])/;
const HTTP_NOT_FOUND = 404;

export function retirementOf(model: string): ModelRetirement | undefined {
	return RETIRED_MODELS[bareModelName(model)];
}

/** True once the model's shutdown date has come (`now` in epoch ms). */
export function isShutDown(model: string, now: number = Date.now()): boolean {
	const shutdown = retirementOf(model)?.shutdown;
	return shutdown !== undefined && shutdown <= new Date(now).toISOString().slice(0, ISO_DATE_LENGTH);
}

/** What to pick instead: Google's recommended replacement, else the node default of its kind. */
export function replacementFor(model: string): string {
	return retirementOf(model)?.replacement ?? defaultModelFor(modelKind(model));
}

/** Everything the catalog knows about one model, for pickers and messages. */
export interface ModelDescription {
	name: string;
	kind: ModelKind;
	isDefault: boolean;
	retirement?: ModelRetirement;
	lowThinking?: IDataObject;
}

export function describeModel(model: string): ModelDescription {
	const name = bareModelName(model);
	const kind = modelKind(name);
	return {
		name,
		kind,
		isDefault: name === defaultModelFor(kind),
		retirement: retirementOf(name),
		lowThinking: lowThinkingConfig(name),
	};
}

/** Whether an error answer from Google means the model itself is gone or unknown. */
export function isModelGoneAnswer(statusCode: number, googleMessage: string): boolean {
	return statusCode === HTTP_NOT_FOUND || MODEL_GONE_MESSAGE.test(googleMessage);
}

/** Whether the message says the model is gone, whatever the status (a 503 from a gateway too). */
export function saysModelIsGone(googleMessage: string): boolean {
	return MODEL_GONE_MESSAGE.test(googleMessage);
}

/** The model a Google error message names ("models/X …", "… for model X"), if any. */
export function modelNamedIn(message: string): string | undefined {
	return MODEL_IN_MESSAGE.exec(message)?.[1];
}

/** The model an error answer says is gone (404 naming it, or the deprecation message), if any. */
export function goneModelIn(statusCode: number, googleMessage: string): string | undefined {
	const model = modelNamedIn(googleMessage);
	return model !== undefined && (statusCode === HTTP_NOT_FOUND || saysModelIsGone(googleMessage))
		? model
		: undefined;
}

/** "The model "X" is no longer available (Google shut it down on D)" or "… is not available". */
export function modelUnavailableMessage(model: string): string {
	const name = bareModelName(model);
	const retirement = retirementOf(name);
	if (retirement?.shutdown) {
		return `The model "${name}" is no longer available (Google shut it down on ${retirement.shutdown})`;
	}
	if (retirement) return `The model "${name}" is deprecated and no longer available to your key`;
	return `The model "${name}" does not exist or is not available to your key`;
}

/** What the user should change: the replacement, and the node default when that differs. */
export function modelAdvice(model: string): string {
	const name = bareModelName(model);
	const replacement = replacementFor(name);
	const fallback = defaultModelFor(modelKind(name));
	const why = retirementOf(name) ? " (Google's recommended replacement)" : ' (the default)';
	const orDefault = replacement === fallback ? '' : `, or the default "${fallback}"`;
	return `In the node's Model option pick "${replacement}"${why}${orDefault} instead of "${name}".`;
}

