import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { fromData, readRows, readText } from '../parameters';
import { batchStatus, finishedFiles, readBatch } from '../scriptBatch';

const show = { show: { operation: ['describeScriptBatch'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Batch Rows',
		name: 'rows',
		type: 'json',
		default: '[]',
		required: true,
		displayOptions: show,
		description: "The batch's rows of the gemini_ops_script_jobs Data table (the batch row and one row per title)",
		hint: "E.g. {{ $('Find the batch').all().pluck('json') }}",
	},
	{
		displayName: 'Batch ID',
		name: 'batchId',
		type: 'string',
		default: '',
		displayOptions: show,
		description: 'The batch ID the status answer names',
	},
];

/**
 * `found` (is there a batch row), `batchId`, `status` (the body of GET /scripts/status) and `files` (each
 * finished file's stored path and ZIP name, for GET /scripts/download; never sent to callers).
 */
export function execute(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const rows = readRows(ctx, itemIndex, 'rows', 'Batch Rows');
	const batch = fromData(ctx, itemIndex, 'Batch Rows', () => readBatch(rows));
	const batchId = readText(ctx, itemIndex, 'batchId');
	return {
		found: batch.batch !== undefined,
		batchId,
		status: batchStatus(batchId, batch),
		files: finishedFiles(batch),
	};
}
