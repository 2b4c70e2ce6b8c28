export const MISSION_TIERS = ['BEGINNER', 'INTERMEDIATE', 'ADVANCED'] as const;
export type MissionTier = (typeof MISSION_TIERS)[number];

export const MISSION_THEMES = ['habits', 'categories', 'saving', 'goals', 'analysis'] as const;
export type MissionTheme = (typeof MISSION_THEMES)[number];

export const MISSION_TYPES = [
	'record_transactions',
	'daily_streak',
	'create_categories',
	'categorize_transactions',
	'save_amount',
	'reduce_spending',
	'create_goal',
	'goal_progress',
	'review_reports',
	'stay_within_budget',
] as const;
export type MissionType = (typeof MISSION_TYPES)[number];

export const XP_RANGE_BY_TIER: Record<MissionTier, { min: number; max: number }> = {
	BEGINNER: { min: 10, max: 150 },
	INTERMEDIATE: { min: 50, max: 300 },
	ADVANCED: { min: 100, max: 600 },
};

export interface MissionTemplate {
	/** Stable and unique across the whole library, e.g. 'pt-BR:beginner:habits:first-records'. */
	key: string;
	tier: MissionTier;
	theme: MissionTheme;
	type: MissionType;
	/** May contain {target}. */
	title: string;
	/** Always contains {target}: one or two sentences addressed to the user. */
	description: string;
	/**
	 * Inclusive integer range (min ≥ 1) from which {target} is drawn. Its unit follows `type`:
	 * transactions, days, categories, currency units, percent, goals or reports.
	 */
	targetRange: [number, number];
	/** Inclusive, and always inside XP_RANGE_BY_TIER[tier]. */
	xpRange: [number, number];
}

export type TemplateLibrary = Record<string, readonly MissionTemplate[]>;
