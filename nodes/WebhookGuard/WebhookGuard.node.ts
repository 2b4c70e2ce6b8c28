import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { webhookGuardProperties } from './description';
import { router } from './router';

export class WebhookGuard implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Webhook Guard',
		name: 'webhookGuard',
		icon: { light: 'file:webhookGuard.svg', dark: 'file:webhookGuard.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] === "checkRequest" ? "Check Request" : ""}}',
		description:
			'Check an incoming webhook request before any work: size and depth limits, then field rules. Valid requests go to the first output; invalid ones to the second with the status code and a body naming the field, ready for Respond to Webhook.',
		defaults: { name: 'Webhook Guard' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Valid', 'Invalid'],
		properties: webhookGuardProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
