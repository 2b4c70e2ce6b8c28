import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { dashboardPage } from '../dashboardPage';
import { readObject, readSwitch } from '../parameters';
import { invalidParameter } from '../../shared/node/parameters';

const show = { show: { operation: ['issuesDashboard'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Dashboard Data',
		name: 'data',
		type: 'json',
		default: '{}',
		required: true,
		displayOptions: show,
		description: 'The body of GET /issues/dashboard/data: {generatedAt, rows} with the metric columns of each issue',
		hint: "E.g. {{ $('Check the secret').first().json.body }}",
	},
	{
		displayName: 'Refresh Every 5 Seconds',
		name: 'refresh',
		type: 'boolean',
		default: false,
		displayOptions: show,
		description: 'Whether the page reloads itself (only useful when its address carries the secret, as ?secret=… does)',
	},
];

/** The issues dashboard, as HTML in `html`. */
export function execute(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const data = readObject(ctx, itemIndex, 'data', 'Dashboard Data');
	const rows = data.rows ?? [];
	if (!Array.isArray(rows)) {
		throw invalidParameter(ctx, itemIndex, 'Dashboard Data', 'has "rows" that is not a list', 'Pass the data webhook\'s body: {generatedAt, rows: [...]}.');
	}
	const refresh = readSwitch(ctx, itemIndex, 'refresh');
	const objects = rows.filter((row): row is IDataObject => typeof row === 'object' && row !== null && !Array.isArray(row));
	return { html: dashboardPage({ data, rows: objects, now: Date.now(), refresh }) };
}
