import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { textToSpeechProperties } from './description';
import { searchCloudVoices, searchSpeechModels } from './methods/listSearch';
import { router } from './router';

export class TextToSpeech implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Text to Speech',
		name: 'textToSpeech',
		icon: { light: 'file:textToSpeech.svg', dark: 'file:textToSpeech.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["provider"] === "gemini" ? "Gemini TTS" : "Google Cloud TTS"}}',
		description:
			'Turn text into an audio file (MP3, Ogg Opus or WAV) with Google Cloud Text-to-Speech or Gemini TTS. Long text is split, synthesised in parallel and joined.',
		defaults: { name: 'Text to Speech' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Audio', 'Report'],
		credentials: [
			{ name: 'googleCloudTtsApi', required: true, displayOptions: { show: { provider: ['googleCloud'] } } },
			{ name: 'geminiApi', required: true, displayOptions: { show: { provider: ['gemini'] } } },
		],
		properties: textToSpeechProperties,
	};

	methods = { listSearch: { searchCloudVoices, searchSpeechModels } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
