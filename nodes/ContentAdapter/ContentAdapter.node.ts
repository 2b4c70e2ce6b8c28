import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { searchTextModels } from '../shared/gemini/models';
import { contentAdapterProperties } from './description';
import { router } from './router';

export class ContentAdapter implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Content Adapter',
		name: 'contentAdapter',
		icon: { light: 'file:contentAdapter.svg', dark: 'file:contentAdapter.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description:
			'Write a narration script from a title, rewrite it from several angles, or adapt a text culturally into other languages (BCP-47 codes such as pt-BR, es-MX), with Gemini',
		defaults: { name: 'Content Adapter' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Results', 'Report'],
		credentials: [{ name: 'geminiApi', required: true }],
		properties: contentAdapterProperties,
	};

	methods = { listSearch: { searchTextModels } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
