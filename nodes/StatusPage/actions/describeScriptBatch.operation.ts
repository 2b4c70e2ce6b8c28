import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { batchRowsProperty, readBatchRows } from '../batchRows';
import { readText } from '../parameters';
import { batchStatus, finishedFiles } from '../scriptBatch';

const show = { show: { operation: ['describeScriptBatch'] } };

export const description: INodeProperties[] = [
	batchRowsProperty('describeScriptBatch'),
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
	const batch = readBatchRows(ctx, itemIndex);
	const batchId = readText(ctx, itemIndex, 'batchId');
	return {
		found: batch.batch !== undefined,
		batchId,
		status: batchStatus(batchId, batch),
		files: finishedFiles(batch),
	};
}
