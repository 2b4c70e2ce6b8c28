import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { requestOnce, resolveCredential, toNodeError } from '../transport/request';
import { DEFAULT_CALL_TIMEOUT_MS } from '../transport/deadline';

const PAGE_SIZE = 100;

interface ModelList {
	models?: Array<{ name?: string; displayName?: string; supportedGenerationMethods?: string[] }>;
	nextPageToken?: string;
}

/**
 * Models that can generate content, for the Model picker. One page per call; n8n asks for the
 * next page with the token we return. Embedding-only and TTS-only models are left out here.
 */
export async function searchGenerativeModels(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const credential = await resolveCredential(this, 'geminiApi');
	try {
		const qs: Record<string, string | number> = { pageSize: PAGE_SIZE };
		if (paginationToken) qs.pageToken = paginationToken;
		const { body } = await requestOnce<ModelList>(
			this,
			credential,
			{ credentialType: 'geminiApi', method: 'GET', path: '/v1beta/models', qs },
			DEFAULT_CALL_TIMEOUT_MS,
			undefined,
		);
		const needle = (filter ?? '').toLowerCase();
		const results = (body.models ?? [])
			.filter((model) => (model.supportedGenerationMethods ?? []).includes('generateContent'))
			.filter((model) => !/tts|embedding/i.test(model.name ?? ''))
			.map((model) => {
				const value = (model.name ?? '').replace(/^models\//, '');
				return { name: model.displayName ? `${model.displayName} (${value})` : value, value };
			})
			.filter((model) => model.value !== '' && model.name.toLowerCase().includes(needle));
		return { results, paginationToken: body.nextPageToken };
	} catch (error) {
		throw toNodeError(this, error, 0, credential.secrets, 'Gemini API');
	}
}
