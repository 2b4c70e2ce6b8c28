import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runItems } from '../shared/node/runner';
import * as checkRequest from './actions/checkRequest.operation';
import type { Outcome } from './actions/checkRequest.operation';

/** The guard calls no service; the name only labels advice in an unexpected error. */
const NO_CREDENTIAL = 'Webhook Guard';
/** Checks are in-memory and bounded by Max Size; running them one by one costs nothing. */
const CONCURRENCY = 1;
const VALID = 0;
const INVALID = 1;

/**
 * A valid request goes to Valid, a refused one to Invalid with its status and body (an answer for
 * the caller, not an error); a broken rule is an error item on the first output (the shared rule).
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const { outputs } = await runItems<Outcome>(this, {
		concurrency: CONCURRENCY,
		outputs: 2,
		credentialName: NO_CREDENTIAL,
		run: async (itemIndex) => {
			const operation = this.getNodeParameter('operation', itemIndex, 'checkRequest') as string;
			if (operation === 'checkRequest') return checkRequest.execute(this, itemIndex);
			throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not known`, { itemIndex });
		},
		emit: (outcome) =>
			'valid' in outcome ? [{ output: VALID, json: outcome.valid }] : [{ output: INVALID, json: { ...outcome.rejected } }],
	});
	return outputs;
}
