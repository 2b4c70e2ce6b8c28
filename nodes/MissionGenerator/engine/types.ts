import type { CallReport } from '../../shared/node/report';
import type { MissionTemplate, MissionTheme, MissionType } from '../templates/types';

export type MissionSource = 'template' | 'ai';

export interface Mission {
	id: string;
	title: string;
	description: string;
	type: MissionType;
	target: number;
	xpReward: number;
	tier: string;
	theme: string;
	locale: string;
	source: MissionSource;
}

export interface ExistingMission {
	title: string;
	description: string;
}

/** A user's template: `locale` unset means any locale, `anyTier` when no tier was given. */
export type CustomTemplate = MissionTemplate & { locale?: string; anyTier?: boolean };

export interface ThemeSpec {
	name: MissionTheme | string;
	focus: string;
	keywords: string[];
}

export interface SimilarityThresholds {
	/** Titles at least this similar are duplicates whatever the description says. */
	titleExact: number;
	/** Titles at least this similar are duplicates when descriptions are also alike. */
	titleHigh: number;
	description: number;
}

export interface AiSettings {
	model: string;
	batchSize: number;
	temperature: number;
	topP: number;
	maxOutputTokens: number;
	maxRefillRounds: number;
	/** Extra missions asked for in each round, as a fraction, to absorb rejections. */
	headroom: number;
	themes: ThemeSpec[];
}

export interface GenerationRequest {
	tier: string;
	count: number;
	locale: string;
	existing: ExistingMission[];
	customTemplates: CustomTemplate[];
	thresholds: SimilarityThresholds;
	minimumMissions: number;
	ai: AiSettings;
}

/** The mission-specific counts; the call counts come from the shared report shape. */
export interface GenerationReport extends CallReport {
	totalRequested: number;
	totalCreated: number;
	successRate: number;
	fromTemplates: number;
	fromAi: number;
	failedDuplicates: number;
	failedValidation: number;
	failedApi: number;
	avgTimePerMission: number;
	aiRounds: number;
}

export interface ProgressEvent {
	current: number;
	total: number;
	message: string;
}
