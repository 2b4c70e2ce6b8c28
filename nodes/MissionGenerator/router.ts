import { createHash, randomUUID } from 'node:crypto';

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { failedItem } from '../shared/node/items';
import { mapWithConcurrency } from '../shared/transport/concurrency';
import { resilienceSettings } from '../shared/node/resilienceOptions';
import { newAccounting } from '../shared/transport/resilientCall';
import { Semaphore } from '../shared/transport/semaphore';
import { SingleFlight } from '../shared/transport/singleFlight';
import { generateMissions } from './engine/generate';
import type { GenerationResult } from './engine/generate';
import { hasTemplatesForLocale, templatesFor } from './engine/templatePhase';
import type { GenerationReport, ProgressEvent } from './engine/types';
import { readExecutionParameters, readItemParameters } from './parameters';
import type { ItemParameters } from './parameters';
import { ProgressReporter } from './progress';
import { optionalGeminiCredential } from '../shared/credentials';
import { toNodeError } from '../shared/node/nodeError';
import type { ResolvedCredential } from '../shared/credentials';

const CREDENTIAL_NAME = 'Gemini API';

/** Deliveries of the same job in flight at the same time in this n8n process share one generation. */
const inFlight = new SingleFlight<GenerationResult, ProgressEvent>();

/** The credential is optional by design: without one the node still delivers templates. */
const WITHOUT_AI = 'so only templates were used';
const NO_CREDENTIAL = `No Gemini credential is set, ${WITHOUT_AI}`;

/**
 * Only repeated deliveries of the same job share a generation (a webhook retried while the first
 * delivery still runs): the job ID is part of the key. Two jobs with identical requests run
 * separately and get different missions (see engine/issued.ts).
 */
function flightKey(jobId: string, parameters: ItemParameters, credential: ResolvedCredential | undefined): string {
	const { request, resilience } = parameters;
	const identity = credential ? credential.identity : ['no-credential'];
	return createHash('sha256')
		.update(JSON.stringify([jobId, request, identity, resilience.maxAttempts, resilience.callTimeoutMs]))
		.digest('hex');
}

/** A caller's wait outlasts the shared work's own deadline a little, so partial results arrive. */
const FLIGHT_WAIT_GRACE_MS = 5000;

/** Counted in the report of the delivery that made the calls, so sums over reports stay true. */
const SHARED_COUNTERS = ['apiCalls', 'retries', 'failedCalls', 'promptTokens', 'outputTokens', 'hedges', 'hedgeWins', 'cacheHits'] as const;

function sharedReport(report: GenerationReport): GenerationReport {
	const copy: GenerationReport = { ...report, notices: [...report.notices] };
	for (const counter of SHARED_COUNTERS) copy[counter] = 0;
	copy.notices.push(
		'This delivery of the job arrived while the same job was already running, so it shares that generation: its calls and tokens are counted in the other delivery\'s report.',
	);
	return copy;
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
	const { credential, reason: noAiReason } = await optionalGeminiCredential(ctx, WITHOUT_AI, itemIndex);
	if (!credential && !hasTemplatesForLocale(request.locale, request.customTemplates)) {
		throw new NodeOperationError(ctx.getNode(), `No templates exist for language "${request.locale}" and Gemini cannot be used`, {
			itemIndex,
			description: `${noAiReason ?? NO_CREDENTIAL}. Use en or pt-BR, add Custom Templates for this language, or select a working Gemini API credential.`,
		});
	}
	if (!credential && templatesFor(request.tier, request.locale, request.customTemplates).length === 0) {
		throw new NodeOperationError(ctx.getNode(), `Tier "${request.tier}" has no templates and Gemini cannot be used`, {
			itemIndex,
			description: `${noAiReason ?? NO_CREDENTIAL}. Choose BEGINNER, INTERMEDIATE or ADVANCED (case and accents are ignored), add Custom Templates for this tier, or select a working Gemini API credential.`,
		});
	}
	const jobId = parameters.jobId || randomUUID();
	const reporter = new ProgressReporter(ctx, parameters.progressUrl, jobId, parameters.progressToken);
	const settings = resilienceSettings(parameters.resilience, calls);
	try {
		const { value, shared } = await inFlight.run(
			flightKey(jobId, parameters, credential),
			async (emit, signal) => {
				// The work runs on the flight's signal: one delivery giving up does not stop it for another.
				const ai = credential
					? { ctx, credential, accounting: newAccounting(), settings: { ...settings, signal } }
					: undefined;
				return await generateMissions(request, ai ?? noAiReason ?? NO_CREDENTIAL, emit, { jobId });
			},
			(event) => reporter.send(event),
			{ signal: ctx.getExecutionCancelSignal(), deadlineAt: settings.deadlineAt + FLIGHT_WAIT_GRACE_MS },
		);
		await reporter.flush();
		const result = shared ? { ...value, report: sharedReport(value.report) } : value;
		if (result.missions.length < request.minimumMissions) {
			throw new NodeOperationError(
				ctx.getNode(),
				`Only ${result.missions.length} of ${request.count} missions could be delivered; Minimum Missions is ${request.minimumMissions}`,
				{
					itemIndex,
					description: result.report.fallbackReason ?? 'Lower Minimum Missions, add templates, or raise Max Refill Rounds.',
				},
			);
		}
		return { result, jobId, shared, progress: reporter.counts() };
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
