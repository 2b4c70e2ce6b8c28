import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { listVoices } from '../../shared/tts/cloudTts';
import { DEFAULT_CALL_TIMEOUT_MS } from '../../shared/transport/deadline';
import { CLOUD_TTS_CREDENTIAL_NAME, resolveCredential } from '../../shared/credentials';
import { toNodeError } from '../../shared/node/nodeError';

export { searchSpeechModels } from '../../shared/gemini/models';

function currentLanguage(ctx: ILoadOptionsFunctions): string {
	try {
		const value = ctx.getCurrentNodeParameter('languageCode');
		return typeof value === 'string' ? value.trim() : '';
	} catch {
		return '';
	}
}

/** Cloud TTS voices for the node's Language Code, e.g. "pt-BR-Neural2-A (female, Neural2)". */
export async function searchCloudVoices(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const credential = await resolveCredential(this, 'googleCloudTtsApi');
	const languageCode = currentLanguage(this);
	try {
		const voices = await listVoices(this, credential, languageCode, DEFAULT_CALL_TIMEOUT_MS);
		const needle = (filter ?? '').toLowerCase();
		const results = voices
			.map((voice) => {
				const family = voice.name.split('-').slice(2, -1).join('-') || 'voice';
				const gender = (voice.ssmlGender ?? '').toLowerCase();
				return { name: `${voice.name} (${gender ? `${gender}, ` : ''}${family})`, value: voice.name };
			})
			.filter((voice) => voice.name.toLowerCase().includes(needle))
			.sort((a, b) => a.value.localeCompare(b.value));
		return { results };
	} catch (error) {
		throw toNodeError(this, error, 0, credential.secrets, CLOUD_TTS_CREDENTIAL_NAME);
	}
}
