import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { toNodeError } from '../transport/request';

/**
 * What a router does with an item that failed: without Continue On Fail it throws (our own
 * NodeApiError/NodeOperationError unchanged, anything else mapped with its item index); with
 * Continue On Fail it returns the error item `{error: {message, description}}` paired to the
 * input item, so the other items go on and nothing is lost.
 */
export function failedItem(
	ctx: IExecuteFunctions,
	reason: unknown,
	itemIndex: number,
	credentialName: string,
	secrets: readonly string[] = [],
): INodeExecutionData {
	const error =
		reason instanceof NodeApiError || reason instanceof NodeOperationError
			? reason
			: toNodeError(ctx, reason, itemIndex, secrets, credentialName);
	if (!ctx.continueOnFail()) throw error;
	const description = error.description;
	return {
		json: {
			error: { message: error.message, description: typeof description === 'string' ? description : null },
		},
		pairedItem: { item: itemIndex },
	};
}
