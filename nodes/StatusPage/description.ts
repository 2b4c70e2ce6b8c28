import type { INodeProperties } from 'n8n-workflow';

import * as describeMissionJob from './actions/describeMissionJob.operation';
import * as describeScriptBatch from './actions/describeScriptBatch.operation';
import * as issuesDashboard from './actions/issuesDashboard.operation';
import * as scriptBatchPage from './actions/scriptBatchPage.operation';

export const statusPageProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Describe Mission Job',
				value: 'describeMissionJob',
				action: 'Describe a mission job',
				description: 'The status answer of a mission job: stale runs reported failed, just-issued IDs queued',
			},
			{
				name: 'Describe Script Batch',
				value: 'describeScriptBatch',
				action: 'Describe a script batch',
				description: 'The status answer of a script batch and the list of its finished files',
			},
			{
				name: 'Issues Dashboard',
				value: 'issuesDashboard',
				action: 'Render the issues dashboard',
				description: 'HTML page: response and resolution times, rates, sources, statuses and a 30-minute timeline',
			},
			{
				name: 'Script Batch Page',
				value: 'scriptBatchPage',
				action: 'Render a script batch progress page',
				description: 'HTML page: progress bar, every title with its audio, the ZIP link; reloads until done',
			},
		],
		default: 'scriptBatchPage',
	},
	...scriptBatchPage.description,
	...issuesDashboard.description,
	...describeScriptBatch.description,
	...describeMissionJob.description,
];
