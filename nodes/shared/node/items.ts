import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { toNodeError } from './nodeError';

/**
 * A failure as n8n shows it: our own NodeApiError/NodeOperationError unchanged, anything else
 * mapped (with its item index, secrets redacted) by the one mapping in nodeError.ts.
 */
export function nodeErrorOf(
	ctx: IExecuteFunctions,
	reason: unknown,
	itemIndex: number,
	credentialName: string,
	secrets: readonly string[] = [],
): NodeApiError | NodeOperationError {
	return reason instanceof NodeApiError || reason instanceof NodeOperationError
		? reason
		: toNodeError(ctx, reason, itemIndex, secrets, credentialName);
}

/**
 * The `json` of an error item: `error` and nothing else (n8n routes only such items to the error
 * output). `context` (which language, which chunk…) goes inside `error`, never beside it.
 */
export function errorItemJson(
	ctx: IExecuteFunctions,
	reason: unknown,
	itemIndex: number,
	credentialName: string,
	secrets: readonly string[] = [],
	context: IDataObject = {},
): IDataObject {
	const error = nodeErrorOf(ctx, reason, itemIndex, credentialName, secrets);
	const description = error.description;
	return { error: { ...context, message: error.message, description: typeof description === 'string' ? description : null } };
}

