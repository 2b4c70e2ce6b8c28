/**
 * The option labels exactly as the panel shows them. description.ts uses them as display names,
 * and every message that asks the user to change a setting (parameter errors, the fallback
 * reason's advice) names the setting with these words, so the two cannot drift apart.
 */
export const LABELS = {
	count: 'Number of Missions',
	minimumMissions: 'Minimum Missions',
	batchSize: 'AI Batch Size',
	model: 'Model',
	maxOutputTokens: 'Max Output Tokens',
	customTemplates: 'Custom Templates (JSON)',
	existingMissionsField: 'Existing Missions Field',
	progressUrl: 'Progress URL',
	jobId: 'Job ID',
	progressToken: 'Progress Token',
	tier: 'Tier',
	locale: 'Language',
	economy: 'Economy (Batch API)',
	batchFailure: 'When the Batch Fails',
} as const;
