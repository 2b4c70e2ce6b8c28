import { createHash, randomUUID } from 'node:crypto';

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { failedItem } from '../shared/node/items';
import { mapWithConcurrency } from '../shared/transport/concurrency';
import { resolveCredential, toNodeError } from '../shared/transport/request';
import type { ResolvedCredential } from '../shared/transport/request';
import { newAccounting } from '../shared/transport/resilientCall';
import { DEFAULT_RETRY_POLICY } from '../shared/transport/retry';
import { Semaphore } from '../shared/transport/semaphore';
import { SingleFlight } from '../shared/transport/singleFlight';
import { generateMissions } from './engine/generate';
import type { GenerationResult } from './engine/generate';
import { hasTemplatesForLocale } from './engine/templatePhase';
import type { ProgressEvent } from './engine/types';
import { readExecutionParameters, readItemParameters } from './parameters';
import type { ItemParameters } from './parameters';
import { ProgressReporter } from './progress';

const CREDENTIAL_NAME = 'Gemini API';

/** Identical requests in flight at the same time in this n8n process share one generation. */
const inFlight = new SingleFlight<GenerationResult, ProgressEvent>();

const NO_CREDENTIAL = 'No Gemini credential is set, so only templates were used';

/**
 * The credential is optional by design: without one the node still delivers templates. A
 * credential that is selected but cannot be loaded (deleted, not shared, an imported workflow
 * whose credential was never picked) is treated the same way, and the report says why.
 */
async function optionalCredential(
	ctx: IExecuteFunctions,
	itemIndex: number,
): Promise<{ credential?: ResolvedCredential; reason?: string }> {
	const selected = ctx.getNode().credentials?.geminiApi;
	if (!selected || (!selected.id && !selected.name)) return { reason: NO_CREDENTIAL };
	const loaded = await resolveCredential(ctx, 'geminiApi', itemIndex).then(
		(credential) => ({ credential }),
		(error: unknown) => ({ error }),
	);
	if ('error' in loaded) {
		const message = loaded.error instanceof Error ? loaded.error.message : String(loaded.error);
		return { reason: `The Gemini credential "${selected.name}" could not be loaded (${message}), so only templates were used` };
	}
	return loaded.credential.secrets.length > 0
		? { credential: loaded.credential }
		: { reason: 'The Gemini credential has no API key, so only templates were used' };
}

function flightKey(parameters: ItemParameters, credential: ResolvedCredential | undefined): string {
	const { request } = parameters;
	const identity = credential ? credential.identity : ['no-credential'];
	return createHash('sha256')
		.update(JSON.stringify([request, identity, parameters.maxAttempts, parameters.callTimeoutMs]))
		.digest('hex');
}

interface ItemOutcome {
	result: GenerationResult;
	jobId: string;
	shared: boolean;
	progress: { sent: number; failed: number };
}

async function generateForItem(
	ctx: IExecuteFunctions,
	itemIndex: number,
	calls: Semaphore,
): Promise<ItemOutcome> {
	const parameters = readItemParameters(ctx, itemIndex);
	const { request } = parameters;
	const { credential, reason: noAiReason } = await optionalCredential(ctx, itemIndex);
	if (!credential && !hasTemplatesForLocale(request.locale, request.customTemplates)) {
		throw new NodeOperationError(ctx.getNode(), `No templates exist for language "${request.locale}" and Gemini cannot be used`, {
			itemIndex,
			description: `${noAiReason ?? NO_CREDENTIAL}. Use pt-BR or en, add Custom Templates for this language, or select a working Gemini API credential.`,
		});
	}
	const jobId = parameters.jobId || randomUUID();
	const reporter = new ProgressReporter(ctx, parameters.progressUrl, jobId);
	const accounting = newAccounting();
	const ai = credential
		? {
				ctx,
				credential,
				accounting,
				settings: {
					slots: calls,
					retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: parameters.maxAttempts },
					callTimeoutMs: parameters.callTimeoutMs,
					deadlineAt: Date.now() + parameters.itemDeadlineMs,
					retryInvalidOutput: true,
					hedge: parameters.hedge,
				},
			}
		: undefined;
	try {
		const { value, shared } = await inFlight.run(
			flightKey(parameters, credential),
			async (emit) => await generateMissions(request, ai ?? noAiReason ?? NO_CREDENTIAL, emit),
			(event) => reporter.send(event),
		);
		await reporter.flush();
		if (value.missions.length < request.minimumMissions) {
			throw new NodeOperationError(
				ctx.getNode(),
				`Only ${value.missions.length} of ${request.count} missions could be delivered; Minimum Missions is ${request.minimumMissions}`,
				{
					itemIndex,
					description: value.report.fallbackReason ?? 'Lower Minimum Missions, add templates, or raise Max Refill Rounds.',
				},
			);
		}
		return { result: value, jobId, shared, progress: reporter.counts() };
	} catch (error) {
		await reporter.flush();
		throw toNodeError(ctx, error, itemIndex, credential?.secrets ?? [], CREDENTIAL_NAME);
	}
}

/**
 * Runs every input item (several at once, results in input order). Output 1 gets one item per
 * mission, output 2 one report per input item. A failing item throws, or with Continue On Fail
 * becomes an error item on the report output, while the others go on.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const { parallelCalls, parallelItems } = readExecutionParameters(this);
	const calls = new Semaphore(parallelCalls);
	const settled = await mapWithConcurrency(
		items,
		parallelItems,
		async (_item, itemIndex) => await generateForItem(this, itemIndex, calls),
		this.getExecutionCancelSignal(),
	);

	const missions: INodeExecutionData[] = [];
	const reports: INodeExecutionData[] = [];
	for (const [itemIndex, outcome] of settled.entries()) {
		const pairedItem = { item: itemIndex };
		if (outcome.status === 'fulfilled') {
			const { result, jobId, shared, progress } = outcome.value;
			for (const mission of result.missions) {
				missions.push({ json: { ...mission, jobId }, pairedItem });
			}
			const report: IDataObject = {
				jobId,
				...result.report,
				sharedGeneration: shared,
				progressUpdatesSent: progress.sent,
				progressUpdatesFailed: progress.failed,
			};
			reports.push({ json: report, pairedItem });
			continue;
		}
		reports.push(failedItem(this, outcome.reason, itemIndex, CREDENTIAL_NAME));
	}
	return [missions, reports];
}
