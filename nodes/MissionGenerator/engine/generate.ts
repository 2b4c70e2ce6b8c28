import { callReport, round2 } from '../../shared/node/report';
import { toNodeError } from '../../shared/transport/request';
import type { AiDependencies } from './aiPhase';
import { runAiPhase } from './aiPhase';
import { DuplicateRegistry } from './duplicates';
import { runTemplatePhase, templatesFor } from './templatePhase';
import type { GenerationReport, GenerationRequest, Mission, ProgressEvent } from './types';

const PERCENT = 100;

export interface GenerationResult {
	missions: Mission[];
	report: GenerationReport;
}

/** The same words the user would see had the item failed, secrets removed. */
function describeError(error: unknown, ai: AiDependencies): string {
	return toNodeError(ai.ctx, error, 0, ai.credential.secrets, 'Gemini API').message;
}

/**
 * One generation request: templates first, AI only for the remainder, then the report.
 * Without AI (`ai` is then the reason, e.g. no credential) the request is filled from templates
 * and the report says so.
 */
export async function generateMissions(
	request: GenerationRequest,
	aiOrReason: AiDependencies | string,
	emit: (event: ProgressEvent) => void,
	random: () => number = Math.random,
): Promise<GenerationResult> {
	const startedAt = Date.now();
	const ai = typeof aiOrReason === 'string' ? undefined : aiOrReason;
	const registry = new DuplicateRegistry(request.thresholds, request.existing);
	const templates = templatesFor(request.tier, request.locale, request.customTemplates);
	const phase1 = runTemplatePhase(templates, request.count, request.tier, request.locale, registry, random);
	const missions = [...phase1.missions];
	emit({
		current: missions.length,
		total: request.count,
		message: `${missions.length} of ${request.count} missions from templates`,
	});

	let fallbackReason: string | null = null;
	let aiResult;
	const remaining = request.count - missions.length;
	if (remaining > 0 && typeof aiOrReason === 'string') {
		fallbackReason = aiOrReason;
	} else if (remaining > 0 && ai) {
		aiResult = await runAiPhase(remaining, request, registry, ai, (acceptedSoFar, message) =>
			emit({
				current: missions.length + acceptedSoFar,
				total: request.count,
				message: `${message}: ${missions.length + acceptedSoFar} of ${request.count} missions`,
			}),
		);
		missions.push(...aiResult.missions);
		if (aiResult.missions.length < remaining && aiResult.lastError !== undefined) {
			fallbackReason = `Gemini failed (${describeError(aiResult.lastError, ai)}), so the missions come mostly from templates`;
		}
	}

	const fromAi = aiResult?.missions.length ?? 0;
	const calls = callReport(ai?.accounting, { startedAt, fallbackReason });
	const report: GenerationReport = {
		totalRequested: request.count,
		totalCreated: missions.length,
		successRate: round2((missions.length / request.count) * PERCENT),
		fromTemplates: phase1.missions.length,
		fromAi,
		failedDuplicates: aiResult?.failedDuplicates ?? 0,
		failedValidation: aiResult?.failedValidation ?? 0,
		failedApi: aiResult?.failedApi ?? 0,
		avgTimePerMission: missions.length > 0 ? round2(calls.durationSeconds / missions.length) : 0,
		aiRounds: aiResult?.rounds ?? 0,
		...calls,
	};
	emit({
		current: missions.length,
		total: request.count,
		message: `Done: ${missions.length} of ${request.count} missions`,
	});
	return { missions, report };
}
