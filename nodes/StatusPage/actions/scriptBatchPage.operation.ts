import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { batchRowsProperty, readBatchRows } from '../batchRows';
import { readText, requiredText } from '../parameters';
import { scriptBatchPage } from '../scriptBatchPage';

const show = { show: { operation: ['scriptBatchPage'] } };

export const description: INodeProperties[] = [
	batchRowsProperty('scriptBatchPage'),
	{
		displayName: 'Page URL',
		name: 'pageUrl',
		type: 'string',
		default: '',
		required: true,
		displayOptions: show,
		description: 'The address of this page (the webhook URL); the audio and ZIP links point to its sibling webhooks /audio and /download',
	},
	{
		displayName: 'Batch ID',
		name: 'batchId',
		type: 'string',
		default: '',
		displayOptions: show,
		description: 'Carried in the audio and ZIP links',
	},
	{
		displayName: 'Token',
		name: 'token',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		displayOptions: show,
		description: 'The batch token the page was opened with, carried in the audio and ZIP links',
	},
];

/** The progress page of one script batch, as HTML in `html`. */
export function execute(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const batch = readBatchRows(ctx, itemIndex);
	const links = {
		pageUrl: requiredText(ctx, itemIndex, 'pageUrl', 'Page URL', "Use the webhook's own address, e.g. {{ $('GET /scripts/progress').first().json.webhookUrl }}."),
		batchId: readText(ctx, itemIndex, 'batchId'),
		token: readText(ctx, itemIndex, 'token'),
	};
	return { html: scriptBatchPage(batch, links) };
}
