import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_EMBEDDING_MODEL, DEFAULT_TEXT_MODEL, DEFAULT_TTS_MODEL } from './catalog';
import type { ModelKind } from './models';

const PICKERS: Record<ModelKind, { method: string; model: string }> = {
	text: { method: 'searchTextModels', model: DEFAULT_TEXT_MODEL },
	speech: { method: 'searchSpeechModels', model: DEFAULT_TTS_MODEL },
	embedding: { method: 'searchEmbeddingModels', model: DEFAULT_EMBEDDING_MODEL },
};

/**
 * The Model parameter every node shows the same way: a list loaded from the credential
 * (filtered to `kind`, newest first, the default marked) or a typed ID, defaulting to the
 * catalog's current model. The node registers the matching listSearch method.
 */
export function modelOption(kind: ModelKind, description: string, name = 'model', displayName = 'Model'): INodeProperties {
	const { method, model } = PICKERS[kind];
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: model },
		description,
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: method, searchable: true } },
			{ displayName: 'ID', name: 'id', type: 'string', placeholder: `e.g. ${model}` },
		],
	};
}
