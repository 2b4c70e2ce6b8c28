import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { GEMINI_CREDENTIAL_NAME } from '../shared/credentials';
import { runItems } from '../shared/node/runner';
import type { Emitted } from '../shared/node/runner';
import { Semaphore } from '../shared/transport/semaphore';
import { runMissionJob } from './engine/job';
import type { JobOutcome } from './engine/job';
import { runBatchAction } from './engine/batchCheck';
import { MISSION_RESILIENCE_DEFAULTS, readBatchState, readExecutionParameters, readItemParameters, readOperation } from './parameters';
import { readResilience } from '../shared/node/resilienceOptions';

/** Output indexes, in the order of the node's `outputNames`. */
const MISSIONS_OUTPUT = 0;
const REPORT_OUTPUT = 1;
const OUTPUT_COUNT = 2;

type ItemOutcome = JobOutcome | { cancelled: IDataObject; jobId: string };

function reportOf({ result, jobId, shared, progress, waiting, economy, source }: JobOutcome): IDataObject {
	const report: IDataObject = {
		jobId,
		...result.report,
		sharedGeneration: shared,
		progressUpdatesSent: progress.sent,
		progressUpdatesFailed: progress.failed,
		progressUpdatesRetried: progress.retried,
		...(progress.lastFailure === '' ? {} : { progressLastFailure: progress.lastFailure }),
	};
	// Economy: "waitingForBatch" loops through a Wait node into Check Batch, which reads `economy`.
	if (waiting) return { ...report, status: 'waitingForBatch', batchJob: waiting.batchJob, batchState: waiting.state, nextCheckSeconds: waiting.nextCheckSeconds, economy: { ...waiting } };
	if (economy) return { ...report, status: 'done', source: source ?? null, economy };
	return report;
}

/** One item per mission on Missions, then the item's report on Report. */
function emit(outcome: ItemOutcome): Emitted[] {
	if ('cancelled' in outcome) return [{ output: REPORT_OUTPUT, json: { status: 'cancelled', ...outcome.cancelled } }];
	return [
		...outcome.result.missions.map((mission) => ({ output: MISSIONS_OUTPUT, json: { ...mission, jobId: outcome.jobId } })),
		{ output: REPORT_OUTPUT, json: reportOf(outcome) },
	];
}

/**
 * Every input item through the shared item runner (several at once, outputs in input order, all
 * items sharing one cap on Gemini calls). A failing item throws, or with Continue On Fail becomes
 * an error item on Missions in its input position, while the others go on.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const { parallelCalls, parallelItems } = readExecutionParameters(this);
	const calls = new Semaphore(parallelCalls);
	const operation = readOperation(this);
	const run = async (itemIndex: number): Promise<ItemOutcome> => {
		if (operation === 'generate') return await runMissionJob(this, readItemParameters(this, itemIndex), itemIndex, calls);
		const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
		return await runBatchAction(this, operation, readBatchState(this, itemIndex), readResilience(options, MISSION_RESILIENCE_DEFAULTS), itemIndex, calls);
	};
	const { outputs } = await runItems<ItemOutcome>(this, {
		concurrency: parallelItems,
		outputs: OUTPUT_COUNT,
		credentialName: GEMINI_CREDENTIAL_NAME,
		run,
		emit,
	});
	return outputs;
}
