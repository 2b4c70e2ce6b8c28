import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { statusPageProperties } from './description';
import { router } from './router';

export class StatusPage implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Status Page',
		name: 'statusPage',
		icon: { light: 'file:statusPage.svg', dark: 'file:statusPage.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description:
			'Render the pages people look at (script batch progress, issues dashboard) as HTML, and shape the status answers of script batches and mission jobs, so workflows only wire.',
		documentationUrl: 'https://github.com/gemini-ops/n8n-nodes-gemini-ops#status-page',
		defaults: { name: 'Status Page' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: statusPageProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
