import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runItems } from '../shared/node/runner';
import * as describeMissionJob from './actions/describeMissionJob.operation';
import * as describeScriptBatch from './actions/describeScriptBatch.operation';
import * as issuesDashboard from './actions/issuesDashboard.operation';
import * as scriptBatchPage from './actions/scriptBatchPage.operation';

/** The node renders from its parameters and calls nothing, so there is no credential to name. */
const NO_CREDENTIAL = 'none';
/** Pure CPU work on one item at a time: nothing to overlap. */
const ONE_AT_A_TIME = 1;

const OPERATIONS: Record<string, { execute: (ctx: IExecuteFunctions, itemIndex: number) => IDataObject }> = {
	scriptBatchPage,
	issuesDashboard,
	describeScriptBatch,
	describeMissionJob,
};

/** One output item per input item, in input order; a failed item is an error item in its place. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = OPERATIONS[operation];
	if (!handler) throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not known`);
	const { outputs } = await runItems(this, {
		concurrency: ONE_AT_A_TIME,
		outputs: 1,
		credentialName: NO_CREDENTIAL,
		run: async (itemIndex) => handler.execute(this, itemIndex),
		emit: (json) => [{ output: 0, json }],
	});
	return outputs;
}
