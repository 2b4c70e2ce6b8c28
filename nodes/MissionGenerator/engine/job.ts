import { createHash, randomUUID } from 'node:crypto';

import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { GEMINI_CREDENTIAL_NAME, optionalGeminiCredential } from '../../shared/credentials';
import type { ResolvedCredential } from '../../shared/credentials';
import { toNodeError } from '../../shared/node/nodeError';
import { resilienceSettings } from '../../shared/node/resilienceOptions';
import type { ResilienceOptions } from '../../shared/node/resilienceOptions';
import { processState } from '../../shared/state';
import { callReport, costReport } from '../../shared/node/report';
import { newAccounting } from '../../shared/transport/resilientCall';
import type { CallAccounting } from '../../shared/transport/resilientCall';
import type { Semaphore } from '../../shared/transport/semaphore';
import { SingleFlight } from '../../shared/transport/singleFlight';
import { economyApplies, submitEconomy } from './economy';
import type { BatchFailurePolicy, EconomyMode, EconomyOutcome, EconomyState } from './economy';
import { generateMissions } from './generate';
import type { GenerationResult } from './generate';
import { ProgressReporter } from './progress';
import type { ProgressCounts } from './progress';
import { hasTemplatesForLocale, templatesFor } from './templatePhase';
import type { GenerationReport, GenerationRequest, ProgressEvent } from './types';

/** One input item's job, as parameters.ts read and checked it. */
export interface MissionJob {
	request: GenerationRequest;
	progressUrl: string;
	progressToken: string;
	/** Empty: a new one is made for this delivery. */
	jobId: string;
	resilience: ResilienceOptions;
	/** Economy (Batch API) choice and what to do when the batch ends badly. */
	economy: EconomyMode;
	onBatchFailure: BatchFailurePolicy;
}

export interface JobOutcome {
	result: GenerationResult;
	jobId: string;
	/** This delivery joined a generation another delivery of the same job had started. */
	shared: boolean;
	progress: ProgressCounts;
	/** Economy: the batch is still at Google; the Report carries this state for Check Batch. */
	waiting?: EconomyState;
	/** Economy: what the batch did (name, state, missions from it and from standard calls). */
	economy?: IDataObject;
	/** Where the AI missions came from: batch, batch+standard, standard, templates. */
	source?: string;
}

const inFlight = processState(
	'missionGenerations',
	'per process: deliveries of the same mission job running at the same time share one generation, and only while it runs (in queue mode each worker has its own)',
	() => new SingleFlight<GenerationResult, ProgressEvent>(),
);

/** The credential is optional by design: without one the node still delivers templates. */
const WITHOUT_AI = 'so only templates were used';
const NO_CREDENTIAL = `No Gemini credential is set, ${WITHOUT_AI}`;

/** A caller's wait outlasts the shared work's own deadline a little, so partial results arrive. */
const FLIGHT_WAIT_GRACE_MS = 5000;

/** Counted in the report of the delivery that made the calls, so sums over reports stay true. */
const SHARED_COUNTERS = ['apiCalls', 'retries', 'failedCalls', 'promptTokens', 'outputTokens', 'hedges', 'hedgeWins', 'cacheHits'] as const;

/**
 * Only repeated deliveries of the same job share a generation (a webhook retried while the first
 * delivery still runs): the job ID is part of the key. Two jobs with identical requests run
 * separately and get different missions (see issued.ts).
 */
function flightKey(jobId: string, job: MissionJob, credential: ResolvedCredential | undefined): string {
	const { request, resilience } = job;
	const identity = credential ? credential.identity : ['no-credential'];
	return createHash('sha256')
		.update(JSON.stringify([jobId, request, identity, resilience.maxAttempts, resilience.callTimeoutMs]))
		.digest('hex');
}

function sharedReport(report: GenerationReport): GenerationReport {
	const copy: GenerationReport = { ...report, notices: [...report.notices] };
	for (const counter of SHARED_COUNTERS) copy[counter] = 0;
	Object.assign(copy, costReport(undefined));
	copy.notices.push(
		'This delivery of the job arrived while the same job was already running, so it shares that generation: its calls and tokens are counted in the other delivery\'s report.',
	);
	return copy;
}

/** Without a credential the job can only be done from templates: say so before any work. */
function checkTemplatesSuffice(ctx: IExecuteFunctions, itemIndex: number, request: GenerationRequest, noAiReason: string | undefined): void {
	if (!hasTemplatesForLocale(request.locale, request.customTemplates)) {
		throw new NodeOperationError(ctx.getNode(), `No templates exist for language "${request.locale}" and Gemini cannot be used`, {
			itemIndex,
			description: `${noAiReason ?? NO_CREDENTIAL}. Use en or pt-BR, add Custom Templates for this language, or select a working Gemini API credential.`,
		});
	}
	if (templatesFor(request.tier, request.locale, request.customTemplates).length === 0) {
		throw new NodeOperationError(ctx.getNode(), `Tier "${request.tier}" has no templates and Gemini cannot be used`, {
			itemIndex,
			description: `${noAiReason ?? NO_CREDENTIAL}. Choose BEGINNER, INTERMEDIATE or ADVANCED (case and accents are ignored), add Custom Templates for this tier, or select a working Gemini API credential.`,
		});
	}
}

/** Fails the item when fewer than Minimum Missions could be delivered (standard and Economy jobs alike). */
function checkMinimumMissions(ctx: IExecuteFunctions, result: GenerationResult, minimumMissions: number, itemIndex: number): void {
	if (result.missions.length >= minimumMissions) return;
	throw new NodeOperationError(
		ctx.getNode(),
		`Only ${result.missions.length} of ${result.report.totalRequested} missions could be delivered; Minimum Missions is ${minimumMissions}`,
		{
			itemIndex,
			description: result.report.fallbackReason ?? 'Lower Minimum Missions, add templates, or raise Max Refill Rounds.',
		},
	);
}

/**
 * One input item: resolves the optional credential, joins (or starts) the job's generation,
 * posts progress, and fails the item when fewer than Minimum Missions could be delivered.
 * Failures leave as NodeApiError/NodeOperationError with the API key redacted.
 */
export async function runMissionJob(ctx: IExecuteFunctions, job: MissionJob, itemIndex: number, calls: Semaphore): Promise<JobOutcome> {
	const { request } = job;
	const { credential, reason: noAiReason } = await optionalGeminiCredential(ctx, WITHOUT_AI, itemIndex);
	if (!credential) checkTemplatesSuffice(ctx, itemIndex, request, noAiReason);
	const jobId = job.jobId || randomUUID();
	const reporter = new ProgressReporter(ctx, job.progressUrl, jobId, job.progressToken);
	const settings = resilienceSettings(job.resilience, calls);
	if (credential && economyApplies(job.economy, request.count)) {
		const startedAt = Date.now();
		const ai = { ctx, credential, accounting: newAccounting(), settings };
		const outcome = await submitEconomy(request, ai, job.onBatchFailure, { jobId }).catch((error: unknown) => {
			throw toNodeError(ctx, error, itemIndex, credential.secrets, GEMINI_CREDENTIAL_NAME);
		});
		return economyOutcome(ctx, outcome, jobId, itemIndex, request.minimumMissions, credential.secrets, ai.accounting, startedAt);
	}
	try {
		const { value, shared } = await inFlight.run(
			flightKey(jobId, job, credential),
			async (emit, signal) => {
				// The work runs on the flight's signal: one delivery giving up does not stop it for another.
				const ai = credential
					? { ctx, credential, accounting: newAccounting(), settings: { ...settings, signal } }
					: undefined;
				return await generateMissions(request, ai ?? noAiReason ?? NO_CREDENTIAL, emit, { jobId });
			},
			(event) => reporter.send(event),
			{ signal: ctx.getExecutionCancelSignal(), deadlineAt: settings.deadlineAt + FLIGHT_WAIT_GRACE_MS, boundToCaller: true },
		);
		await reporter.flush();
		const result = shared ? { ...value, report: sharedReport(value.report) } : value;
		checkMinimumMissions(ctx, result, request.minimumMissions, itemIndex);
		return { result, jobId, shared, progress: reporter.counts() };
	} catch (error) {
		await reporter.flush();
		throw toNodeError(ctx, error, itemIndex, credential?.secrets ?? [], GEMINI_CREDENTIAL_NAME);
	}
}

/** A finished or waiting Economy job as the router emits it; too few missions fail the item. */
export function economyOutcome(
	ctx: IExecuteFunctions,
	outcome: EconomyOutcome,
	jobId: string,
	itemIndex: number,
	minimumMissions: number,
	secrets: string[],
	accounting: CallAccounting,
	startedAt: number,
): JobOutcome {
	const progress: ProgressCounts = { sent: 0, failed: 0, retried: 0, lastFailure: '' };
	if (outcome.kind === 'waiting') {
		const { state } = outcome;
		const report: GenerationReport = {
			tier: state.request.tier,
			totalRequested: state.request.count,
			totalCreated: 0,
			successRate: 0,
			templatesAvailable: 0,
			fromTemplates: state.templateMissions.length,
			repeatedFromOtherJobs: 0,
			fromAi: 0,
			failedDuplicates: 0,
			failedValidation: 0,
			failedApi: 0,
			avgTimePerMission: 0,
			aiRounds: 0,
			notices: [`Waiting for Google's batch (economy): ${state.batchJob} is ${state.state}; check again in ${state.nextCheckSeconds} s with Check Batch.`],
			...callReport(accounting, { startedAt }),
		};
		return { result: { missions: [], report }, jobId, shared: false, progress, waiting: state };
	}
	const { result } = outcome;
	try {
		checkMinimumMissions(ctx, result, minimumMissions, itemIndex);
	} catch (error) {
		throw toNodeError(ctx, error, itemIndex, secrets, GEMINI_CREDENTIAL_NAME);
	}
	return { result, jobId, shared: false, progress, economy: outcome.economy, source: outcome.source };
}
