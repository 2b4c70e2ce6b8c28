import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { requestOnce } from '../transport/request';
import { DEFAULT_CALL_TIMEOUT_MS } from '../transport/deadline';
import { bareModelName, compareNewestFirst, defaultModelFor } from './catalog';
import type { ModelKind } from './catalog';
import { isShutDown, retirementOf } from './retired';
import { resolveCredential } from '../credentials';
import { toNodeError } from '../node/nodeError';

const PAGE_SIZE = 100;

interface ModelList {
	models?: Array<{ name?: string; displayName?: string; supportedGenerationMethods?: string[] }>;
	nextPageToken?: string;
}

export type { ModelKind } from './catalog';

function fitsKind(kind: ModelKind, name: string, methods: string[]): boolean {
	if (kind === 'embedding') return methods.includes('embedContent') || methods.includes('batchEmbedContents');
	if (!methods.includes('generateContent')) return false;
	const isSpeech = /tts/i.test(name);
	if (kind === 'speech') return isSpeech;
	return !isSpeech && !/embedding|image|live|native-audio/i.test(name);
}

/** "Gemini 3.8 Flash (gemini-3.8-flash) (default)", with a note on deprecated models. */
function pickerLabel(kind: ModelKind, value: string, displayName: string | undefined): string {
	const base = displayName ? `${displayName} (${value})` : value;
	const retirement = retirementOf(value);
	if (value === defaultModelFor(kind)) return `${base} (default)`;
	if (retirement?.shutdown) return `${base} (shuts down ${retirement.shutdown}, use ${retirement.replacement})`;
	if (retirement) return `${base} (deprecated, use ${retirement.replacement})`;
	return base;
}

/**
 * One page of the model list, filtered to the kind, newest first (each page on its own: the
 * API pages in its own order), the default marked. With PAGE_SIZE 100 the list is one page today.
 */
async function searchModels(
	ctx: ILoadOptionsFunctions,
	kind: ModelKind,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const credential = await resolveCredential(ctx, 'geminiApi');
	try {
		const qs: Record<string, string | number> = { pageSize: PAGE_SIZE };
		if (paginationToken) qs.pageToken = paginationToken;
		const { body } = await requestOnce<ModelList>(
			ctx,
			credential,
			{ credentialType: 'geminiApi', method: 'GET', path: '/v1beta/models', qs },
			DEFAULT_CALL_TIMEOUT_MS,
			undefined,
		);
		const needle = (filter ?? '').toLowerCase();
		const now = Date.now();
		const results = (body.models ?? [])
			.filter((model) => fitsKind(kind, model.name ?? '', model.supportedGenerationMethods ?? []))
			.map((model) => ({ value: bareModelName(model.name ?? ''), displayName: model.displayName }))
			// Shut-down models are left out even when a stale list still carries them.
			.filter((model) => model.value !== '' && !isShutDown(model.value, now))
			.sort((a, b) => compareNewestFirst(a.value, b.value))
			.map((model) => ({ name: pickerLabel(kind, model.value, model.displayName), value: model.value }))
			.filter((model) => model.name.toLowerCase().includes(needle));
		return { results, paginationToken: body.nextPageToken };
	} catch (error) {
		throw toNodeError(ctx, error, 0, credential.secrets, 'Gemini API');
	}
}

/** Models that write text (no speech, embedding or image models), for a Model picker. */
export async function searchTextModels(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchModels(this, 'text', filter, paginationToken);
}

/** Speech-generation (TTS) models. */
export async function searchSpeechModels(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchModels(this, 'speech', filter, paginationToken);
}

/** Embedding models. */
export async function searchEmbeddingModels(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchModels(this, 'embedding', filter, paginationToken);
}

/** The Mission Generator's original name for the text-model picker (saved workflows refer to it). */
export const searchGenerativeModels = searchTextModels;
