import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { GEMINI_CREDENTIAL_NAME, optionalGeminiCredential } from '../../shared/credentials';
import { toNodeError } from '../../shared/node/nodeError';
import { callReport } from '../../shared/node/report';
import { resilienceSettings } from '../../shared/node/resilienceOptions';
import type { ResilienceOptions } from '../../shared/node/resilienceOptions';
import { newAccounting } from '../../shared/transport/resilientCall';
import type { Semaphore } from '../../shared/transport/semaphore';
import { readBatchToCancel } from '../../shared/gemini/batch';
import { cancelEconomy, checkEconomy, readEconomyState } from './economy';
import { economyOutcome } from './job';
import type { JobOutcome } from './job';

/** Check Batch and Cancel Batch for one input item (the waiting state comes from the item). */
export async function runBatchAction(
	ctx: IExecuteFunctions,
	action: 'checkBatch' | 'cancelBatch',
	rawState: unknown,
	resilience: ResilienceOptions,
	itemIndex: number,
	calls: Semaphore,
): Promise<JobOutcome | { cancelled: IDataObject; jobId: string }> {
	const failure = (why: string, description: string): NodeOperationError =>
		new NodeOperationError(ctx.getNode(), `The Batch Field ${why}`, { itemIndex, description });
	// Cancel needs only the batch's name, so a workflow can cancel from its job row as well.
	const toCancel = action === 'cancelBatch' ? readBatchToCancel(rawState) : undefined;
	const toCheck = action === 'checkBatch' ? readEconomyState(rawState) : undefined;
	if (toCancel && !toCancel.ok) {
		throw failure(toCancel.reason, 'Pass the "economy" object of a Mission Generator Report that answered "waitingForBatch", or any object with its "batchJob".');
	}
	if (toCheck && !toCheck.ok) {
		throw failure(toCheck.reason, 'Connect the Report output of a Mission Generator that answered "waitingForBatch" (directly or through a Wait node), and keep Batch Field on "economy".');
	}
	const { credential, reason } = await optionalGeminiCredential(ctx, 'so the batch cannot be read', itemIndex);
	if (!credential) {
		throw new NodeOperationError(ctx.getNode(), 'Checking a Gemini batch needs the Gemini credential', { itemIndex, description: `${reason}. Select the credential the batch was submitted with.` });
	}
	const startedAt = Date.now();
	const ai = { ctx, credential, accounting: newAccounting(), settings: resilienceSettings(resilience, calls) };
	try {
		if (toCheck?.ok) {
			const { state } = toCheck;
			const outcome = await checkEconomy(state, ai);
			return economyOutcome(ctx, outcome, state.jobId, itemIndex, state.request.minimumMissions, credential.secrets, ai.accounting, startedAt);
		}
		const state = toCancel?.ok ? toCancel.state : { batchJob: '' };
		const cancelled = await cancelEconomy(state, ai);
		const jobId = state.jobId ?? '';
		return { cancelled: { ...cancelled, jobId, ...callReport(ai.accounting, { startedAt }) }, jobId };
	} catch (error) {
		throw toNodeError(ctx, error, itemIndex, credential.secrets, GEMINI_CREDENTIAL_NAME);
	}
}
