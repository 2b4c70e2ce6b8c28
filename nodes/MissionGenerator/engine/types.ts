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
	/** The tier as used: a built-in tier in its canonical spelling, any other as given. */
	tier: string;
	totalRequested: number;
	totalCreated: number;
	successRate: number;
	/** Templates (built-in and custom) that apply to this tier and language; 0 for an unknown tier. */
	templatesAvailable: number;
	fromTemplates: number;
	/** Template missions that repeat another job's, used only because AI could not fill the rest. */
	repeatedFromOtherJobs: number;
	fromAi: number;
	failedDuplicates: number;
	failedValidation: number;
	failedApi: number;
	avgTimePerMission: number;
	aiRounds: number;
	/** Things the user should know that are not failures (an unknown tier, repeated missions…). */
	notices: string[];
}

export interface ProgressEvent {
	current: number;
	total: number;
	message: string;
}
