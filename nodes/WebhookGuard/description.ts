import type { INodeProperties } from 'n8n-workflow';

import * as checkRequest from './actions/checkRequest.operation';

export const webhookGuardProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Check Request',
				value: 'checkRequest',
				action: 'Check a webhook request',
				description: 'Enforce size and depth limits and field rules; route valid and invalid requests apart',
			},
		],
		default: 'checkRequest',
	},
	...checkRequest.description,
];
