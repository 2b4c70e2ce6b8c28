import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { mapWithConcurrency } from '../transport/concurrency';
import { errorItemJson, nodeErrorOf } from './items';

/**
 * The shared item runner every node's router calls: items run several at once (in the order the
 * node asks for), and the outputs come back in input order with `pairedItem` on every item.
 *
 * The one rule for failures, the same in every node and the one n8n's *On Error* setting expects:
 * - without Continue On Fail the first failure (in input order) stops the node;
 * - with Continue On Fail (*Continue* or *Continue (using error output)*), a failure becomes an
 *   item on the node's FIRST output whose `json` holds only `error: { message, description, … }`,
 *   paired to its input item and in its input position. n8n moves exactly such items to the
 *   error output when the node is set to *Continue (using error output)*.
 */

/** One output item a finished input item gives, or a part of it that failed. */
export type Emitted =
	| { output: number; json: IDataObject; binary?: IBinaryKeyData }
	| { failure: unknown; context?: IDataObject };

export interface ItemRunner<R> {
	/** How many input items run at once. */
	concurrency: number;
	/** How many outputs the node has (the error items always go on output 0). */
	outputs: number;
	/** The work for one input item. */
	run: (itemIndex: number) => Promise<R>;
	/** What a finished item puts on the outputs. */
	emit: (result: R, itemIndex: number) => Emitted[];
	/** Start order, e.g. most urgent first; output order stays input order. Default: input order. */
	order?: readonly number[];
	/** The credential's name as n8n shows it, for advice in mapped errors. */
	credentialName: string;
	/** Values to redact from any error text (API keys), read when a failure is mapped. */
	secrets?: () => readonly string[];
	/** Called before the node stops on a failure, with every item's result (undefined where it failed). */
	beforeStop?: (results: ReadonlyArray<R | undefined>) => void;
}

export interface RunResult<R> {
	outputs: INodeExecutionData[][];
	/** Each input item's result, undefined where the item failed. */
	results: Array<R | undefined>;
}

export async function runItems<R>(ctx: IExecuteFunctions, runner: ItemRunner<R>): Promise<RunResult<R>> {
	const count = ctx.getInputData().length;
	const order = runner.order ?? Array.from({ length: count }, (_value, index) => index);
	const settledInOrder = await mapWithConcurrency(
		order,
		runner.concurrency,
		async (itemIndex) => await runner.run(itemIndex),
		ctx.getExecutionCancelSignal(),
	);
	const settled = new Array<(typeof settledInOrder)[number]>(count);
	order.forEach((itemIndex, position) => (settled[itemIndex] = settledInOrder[position]));
	const results = settled.map((outcome) => (outcome?.status === 'fulfilled' ? outcome.value : undefined));
	const secrets = () => runner.secrets?.() ?? [];
	const fail = (reason: unknown, itemIndex: number, context?: IDataObject): INodeExecutionData => {
		if (!ctx.continueOnFail()) {
			runner.beforeStop?.(results);
			throw nodeErrorOf(ctx, reason, itemIndex, runner.credentialName, secrets());
		}
		return { json: errorItemJson(ctx, reason, itemIndex, runner.credentialName, secrets(), context), pairedItem: { item: itemIndex } };
	};

	const outputs: INodeExecutionData[][] = Array.from({ length: runner.outputs }, () => []);
	for (const [itemIndex, outcome] of settled.entries()) {
		if (!outcome) continue;
		if (outcome.status === 'rejected') {
			outputs[0].push(fail(outcome.reason, itemIndex));
			continue;
		}
		for (const emitted of runner.emit(outcome.value, itemIndex)) {
			if ('failure' in emitted) {
				outputs[0].push(fail(emitted.failure, itemIndex, emitted.context));
				continue;
			}
			const item: INodeExecutionData = { json: emitted.json, pairedItem: { item: itemIndex } };
			if (emitted.binary) item.binary = emitted.binary;
			outputs[emitted.output].push(item);
		}
	}
	return { outputs, results };
}
