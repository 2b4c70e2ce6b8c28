import { failureAdvice } from '../../shared/node/advice';
import { callReport, round2 } from '../../shared/node/report';
import type { AiDependencies, AiPhaseResult } from './aiPhase';
import { runAiPhase } from './aiPhase';
import { DuplicateRegistry } from './duplicates';
import { LABELS } from './labels';
import { issuedMissions } from './issued';
import type { IssuedMissions } from './issued';
import { runTemplatePhase, templatesFor } from './templatePhase';
import { builtInTier } from './tier';
import type { GenerationReport, GenerationRequest, Mission, ProgressEvent } from './types';
import type { MissionTemplate } from '../templates/types';
import { toNodeError } from '../../shared/node/nodeError';
import { GEMINI_CREDENTIAL_NAME } from '../../shared/credentials';

const PERCENT = 100;

export interface GenerationResult {
	missions: Mission[];
	report: GenerationReport;
}

export interface GenerationOptions {
	/** The job the missions go to; other jobs for the same tier and language will not get them. */
	jobId?: string;
	/** Where handed-out missions are recorded (the process-wide registry unless a test passes one). */
	issued?: IssuedMissions;
	random?: () => number;
}

/**
 * Why AI could not deliver, for the report: the words the user would see had the item failed
 * (Google's status and message included, secrets removed), then one line naming the option to
 * change exactly as the panel labels it.
 */
export function describeError(error: unknown, ai: AiDependencies, failedAt: number): string {
	const nodeError = toNodeError(ai.ctx, error, 0, ai.credential.secrets, GEMINI_CREDENTIAL_NAME);
	const advice = failureAdvice(error, {
		credentialName: GEMINI_CREDENTIAL_NAME,
		modelLabel: LABELS.model,
		maxOutputTokensLabel: LABELS.maxOutputTokens,
		remainingMs: Math.max(0, ai.settings.deadlineAt - failedAt),
	});
	const sentence = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);
	const details = nodeError.description ? ` ${sentence(nodeError.description)}` : '';
	return `Gemini failed: ${sentence(nodeError.message)}${details} ${advice}`;
}

/** What the template phase leaves for AI: the registry, the templates and their missions. */
export interface GenerationStart {
	startedAt: number;
	random: () => number;
	registry: DuplicateRegistry;
	templates: MissionTemplate[];
	fromTemplates: Mission[];
	notices: string[];
}

/** A registry that knows the request's existing missions and other jobs' recent ones. */
export function missionRegistry(request: GenerationRequest, options: GenerationOptions = {}): DuplicateRegistry {
	const issued = options.issued ?? issuedMissions;
	const jobId = options.jobId ?? '';
	return new DuplicateRegistry(request.thresholds, request.existing, {
		others: () => issued.othersOf(request.tier, request.locale, jobId),
		onAdd: (mission) => issued.record(request.tier, request.locale, jobId, mission),
	});
}

/** Phase 1, shared by the standard path and the Batch API path (economy.ts). */
export function startGeneration(request: GenerationRequest, options: GenerationOptions = {}): GenerationStart {
	const startedAt = Date.now();
	const random = options.random ?? Math.random;
	const registry = missionRegistry(request, options);
	const templates = templatesFor(request.tier, request.locale, request.customTemplates);
	const notices: string[] = [];
	if (templates.length === 0) {
		notices.push(
			builtInTier(request.tier)
				? `No templates exist for tier "${request.tier}" in language "${request.locale}", so every mission is written by AI.`
				: `Tier "${request.tier}" is not a built-in tier (BEGINNER, INTERMEDIATE, ADVANCED; case and accents are ignored), so it has no templates and every mission is written by AI with XP from 1 to 1000. Check the spelling, or add Custom Templates for it.`,
		);
	}
	const phase1 = runTemplatePhase(templates, request.count, request.tier, request.locale, registry, random);
	return { startedAt, random, registry, templates, fromTemplates: phase1.missions, notices };
}

/** Templates, then AI's missions, then (last resort) other jobs' templates; and the report. */
export function finishGeneration(
	request: GenerationRequest,
	start: GenerationStart,
	ai: AiDependencies | undefined,
	aiResult: AiPhaseResult | undefined,
	fallbackReason: string | null,
): GenerationResult {
	const missions = [...start.fromTemplates, ...(aiResult?.missions ?? [])];
	const notices = [...start.notices];
	// Last resort: templates another job was given a moment ago, rather than too few missions.
	const reused = runTemplatePhase(start.templates, request.count - missions.length, request.tier, request.locale, start.registry, start.random, false);
	missions.push(...reused.missions);
	if (reused.missions.length > 0) {
		notices.push(
			`${reused.missions.length} template missions repeat ones handed to another job for this tier in the last minutes, because AI could not write enough new ones.`,
		);
	}
	const fromAi = aiResult?.missions.length ?? 0;
	const calls = callReport(ai?.accounting, { startedAt: start.startedAt, fallbackReason });
	const report: GenerationReport = {
		tier: request.tier,
		totalRequested: request.count,
		totalCreated: missions.length,
		successRate: round2((missions.length / request.count) * PERCENT),
		templatesAvailable: start.templates.length,
		fromTemplates: start.fromTemplates.length + reused.missions.length,
		repeatedFromOtherJobs: reused.missions.length,
		fromAi,
		failedDuplicates: aiResult?.failedDuplicates ?? 0,
		failedValidation: aiResult?.failedValidation ?? 0,
		failedApi: aiResult?.failedApi ?? 0,
		avgTimePerMission: missions.length > 0 ? round2(calls.durationSeconds / missions.length) : 0,
		aiRounds: aiResult?.rounds ?? 0,
		notices,
		...calls,
	};
	return { missions, report };
}

/**
 * One generation request: templates first, AI only for the remainder, then the report. Missions
 * just handed to other jobs for the same tier and language are not repeated; only when AI cannot
 * fill the rest are such templates reused (and the report counts them). Without AI (`ai` is then
 * the reason, e.g. no credential) the request is filled from templates and the report says so.
 */
export async function generateMissions(
	request: GenerationRequest,
	aiOrReason: AiDependencies | string,
	emit: (event: ProgressEvent) => void,
	options: GenerationOptions = {},
): Promise<GenerationResult> {
	const ai = typeof aiOrReason === 'string' ? undefined : aiOrReason;
	const start = startGeneration(request, options);
	const done = start.fromTemplates.length;
	emit({ current: done, total: request.count, message: `${done} of ${request.count} missions from templates` });

	let fallbackReason: string | null = null;
	let aiResult;
	const remaining = request.count - done;
	if (remaining > 0 && typeof aiOrReason === 'string') {
		fallbackReason = aiOrReason;
	} else if (remaining > 0 && ai) {
		aiResult = await runAiPhase(remaining, request, start.registry, ai, (acceptedSoFar, message) =>
			emit({
				current: done + acceptedSoFar,
				total: request.count,
				message: `${message}: ${done + acceptedSoFar} of ${request.count} missions`,
			}),
		);
		if (aiResult.missions.length < remaining && aiResult.lastError !== undefined) {
			fallbackReason = describeError(aiResult.lastError, ai, aiResult.lastErrorAt ?? Date.now());
		}
	}
	const result = finishGeneration(request, start, ai, aiResult, fallbackReason);
	emit({
		current: result.missions.length,
		total: request.count,
		message: `Done: ${result.missions.length} of ${request.count} missions`,
	});
	return result;
}
