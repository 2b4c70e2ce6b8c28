import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { failedItem } from '../shared/node/items';
import * as checkRequest from './actions/checkRequest.operation';

const NO_CREDENTIAL = 'Webhook Guard';

/**
 * Runs the operation on every item, in input order: a valid request goes to Valid (output 1), a
 * refused one to Invalid (output 2) with its status and body; an item that failed (a broken rule)
 * becomes an error item on the first output, so "Continue (using error output)" routes it.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const valid: INodeExecutionData[] = [];
	const rejected: INodeExecutionData[] = [];
	for (const itemIndex of this.getInputData().keys()) {
		const pairedItem = { item: itemIndex };
		try {
			const operation = this.getNodeParameter('operation', itemIndex, 'checkRequest') as string;
			if (operation !== 'checkRequest') {
				throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not known`, { itemIndex });
			}
			const outcome = checkRequest.execute(this, itemIndex);
			if ('valid' in outcome) valid.push({ json: outcome.valid, pairedItem });
			else rejected.push({ json: { ...outcome.rejected }, pairedItem });
		} catch (error) {
			valid.push(failedItem(this, error, itemIndex, NO_CREDENTIAL));
		}
	}
	return [valid, rejected];
}
