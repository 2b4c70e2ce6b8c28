import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { requestOnce, resolveCredential, toNodeError } from '../transport/request';
import { DEFAULT_CALL_TIMEOUT_MS } from '../transport/deadline';

const PAGE_SIZE = 100;

interface ModelList {
	models?: Array<{ name?: string; displayName?: string; supportedGenerationMethods?: string[] }>;
	nextPageToken?: string;
}

export type ModelKind = 'text' | 'speech' | 'embedding';

function fitsKind(kind: ModelKind, name: string, methods: string[]): boolean {
	if (kind === 'embedding') return methods.includes('embedContent') || methods.includes('batchEmbedContents');
	if (!methods.includes('generateContent')) return false;
	const isSpeech = /tts/i.test(name);
	if (kind === 'speech') return isSpeech;
	return !isSpeech && !/embedding|image|live|native-audio/i.test(name);
}

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
		const results = (body.models ?? [])
			.filter((model) => fitsKind(kind, model.name ?? '', model.supportedGenerationMethods ?? []))
			.map((model) => {
				const value = (model.name ?? '').replace(/^models\//, '');
				return { name: model.displayName ? `${model.displayName} (${value})` : value, value };
			})
			.filter((model) => model.value !== '' && model.name.toLowerCase().includes(needle));
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
