import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as checkRequest from './actions/checkRequest.operation';

/** Picks the operation; each operation returns [valid, invalid] in input order. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0, 'checkRequest') as string;
	if (operation === 'checkRequest') return checkRequest.execute(this);
	throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not known`);
}
