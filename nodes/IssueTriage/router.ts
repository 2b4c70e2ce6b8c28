import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { GEMINI_CREDENTIAL_NAME } from '../shared/credentials';
import { runItems } from '../shared/node/runner';
import { startTriage } from './engine/execution';
import { forgetAnswered } from './engine/item';
import type { ItemResult } from './engine/item';
import { triageReport } from './engine/report';
import { PRIORITIES, priorityRank } from './engine/types';
import { readExecutionParameters, readIssues } from './parameters';

/** After the triaged output(s): Deferred, Duplicate, Report. */
const DEFERRED = 0;
const DUPLICATE = 1;
const REPORT = 2;

/**
 * Triages every input item, most urgent first, several at once, and returns the outputs in input
 * order: one per priority (or one Triaged), then Deferred, Duplicate and the Report, paired to
 * every item. A failing item stops the node, or with Continue On Fail is an error item on the
 * first output (Critical, or Triaged) in its input position.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const parameters = readExecutionParameters(this);
	const triage = await startTriage(this, parameters, readIssues(this, parameters));
	const triaged = parameters.splitByPriority ? PRIORITIES.length : 1;
	const outputOf = (result: ItemResult): number => {
		if (result.output === 'deferred') return triaged + DEFERRED;
		if (result.output === 'duplicate') return triaged + DUPLICATE;
		return parameters.splitByPriority ? priorityRank(result.priority) : 0;
	};
	const { outputs, results } = await runItems(this, {
		concurrency: parameters.resilience.parallelItems,
		outputs: triaged + REPORT + 1,
		order: triage.order,
		run: triage.run,
		emit: (result) => [{ output: outputOf(result), json: result.json }],
		credentialName: GEMINI_CREDENTIAL_NAME,
		secrets: triage.secrets,
		// Nothing reaches the workflow when the node stops: those items must be answered next time.
		beforeStop: forgetAnswered,
	});
	outputs[triaged + REPORT].push({ json: triageReport(triage, results), pairedItem: results.map((_result, item) => ({ item })) });
	return outputs;
}
