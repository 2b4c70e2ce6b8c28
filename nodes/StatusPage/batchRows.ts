import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { fromData, readRows } from './parameters';
import type { Batch } from './scriptBatch';
import { readBatch } from './scriptBatch';

const LABEL = 'Batch Rows';

/** The Batch Rows parameter, shown for the operations that read a script batch. */
export function batchRowsProperty(operation: string): INodeProperties {
	return {
		displayName: LABEL,
		name: 'rows',
		type: 'json',
		default: '[]',
		required: true,
		displayOptions: { show: { operation: [operation] } },
		description: "The batch's rows of the gemini_ops_script_jobs Data table (the batch row and one row per title)",
		hint: "E.g. {{ $('Find the batch').all().pluck('json') }}",
	};
}

/** The batch the Batch Rows describe; malformed rows fail naming the parameter. */
export function readBatchRows(ctx: IExecuteFunctions, itemIndex: number): Batch {
	const rows = readRows(ctx, itemIndex, 'rows', LABEL);
	return fromData(ctx, itemIndex, LABEL, () => readBatch(rows));
}
