import type { INodeProperties } from 'n8n-workflow';

import { modelOption } from '../shared/gemini/modelOption';
import { resilienceOptionProperties } from '../shared/node/resilienceOptions';
import { MISSION_THEMES, MISSION_TIERS } from './templates/types';

/**
 * Parallel Calls 4: with automatic batches the AI remainder goes out in one round of at most 4
 * calls (20 missions → 4 requests, within free-tier request limits; engine/aiPhase.ts planRound
 * explains the sizing). Generation time grows with what a call writes, so more Parallel Calls
 * make smaller batches and a shorter round, at more requests (docs/benchmarks.md measures both).
 */
export const MISSION_RESILIENCE_DEFAULTS = {
	parallelCalls: 4,
	parallelCallsNote:
		'With AI Batch Size 0 the missions AI writes are spread over this many calls in one round: raise it for speed (smaller batches finish sooner), lower it to send fewer requests.',
};

export const DEFAULT_THEMES = [
	{ name: 'habits', focus: 'Building the habit of recording expenses', keywords: 'diary, routine, consistency' },
	{ name: 'categories', focus: 'Organising spending by category', keywords: 'categorise, separate, organise' },
	{ name: 'saving', focus: 'Controlling spending and saving money', keywords: 'save, reduce, cut' },
	{ name: 'goals', focus: 'Setting financial goals', keywords: 'goal, objective, plan' },
	{ name: 'analysis', focus: 'Analysing and understanding personal finances', keywords: 'analyse, understand, discover' },
];

/**
 * Presets for "Duplicate Strictness": how similar two missions may be before the newer one is
 * rejected. Balanced is the seed's tuning (title 85 %, description 80 %; the earlier 70 % was too
 * strict and threw away 65 % of the AI's missions).
 */
export const DUPLICATE_STRICTNESS = {
	lenient: { titleExact: 0.98, titleHigh: 0.92, description: 0.9 },
	balanced: { titleExact: 0.95, titleHigh: 0.85, description: 0.8 },
	strict: { titleExact: 0.9, titleHigh: 0.75, description: 0.7 },
} as const;
export type DuplicateStrictness = keyof typeof DUPLICATE_STRICTNESS;

/** Shown in the panel and in errors; the option names these labels exactly. */
export const LABELS = {
	count: 'Number of Missions',
	minimumMissions: 'Minimum Missions',
	batchSize: 'AI Batch Size',
	model: 'Model',
	customTemplates: 'Custom Templates (JSON)',
	existingMissionsField: 'Existing Missions Field',
	progressUrl: 'Progress URL',
	jobId: 'Job ID',
	progressToken: 'Progress Token',
	tier: 'Tier',
	locale: 'Language',
} as const;

/**
 * Optional settings that sat at the top level before they moved into Options. Kept as hidden
 * parameters so workflows saved with them (including the shipped ones) still pass their values;
 * a value under Options wins.
 */
const LEGACY_TOP_LEVEL: INodeProperties[] = ['existingMissionsField', 'customTemplates', 'progressUrl', 'progressToken', 'jobId'].map(
	(name) => ({ displayName: name, name, type: 'hidden', default: '' }),
);

/** Mission-specific options; the shared resilience options are added beside them. */
const missionOptions: INodeProperties[] = [
	{
		displayName: 'AI Batch Size',
		name: 'batchSize',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 10 },
		default: 0,
		description:
			'Missions asked for in one Gemini call (1 to 10). 0 = automatic: the remainder is spread over Parallel Calls so it goes out in one round, within Max Output Tokens.',
	},
	{
		displayName: 'Custom Templates (JSON)',
		name: 'customTemplates',
		type: 'json',
		default: '[]',
		description:
			'Your own templates, used together with the built-in ones: a list of {"title", "description", "type", "targetRange": [min, max] or "target", "xpRange": [min, max] or "xpReward", optional "tier", "locale", "theme"}. Write {target} where the number goes.',
	},
	{
		displayName: 'Duplicate Strictness',
		name: 'duplicateStrictness',
		type: 'options',
		options: [
			{
				name: 'Balanced',
				value: 'balanced',
				description: 'Titles 95 % alike, or 85 % alike with descriptions 80 % alike, are duplicates',
			},
			{
				name: 'Lenient',
				value: 'lenient',
				description: 'Only near-identical missions are duplicates; fewer AI calls, more similar missions',
			},
			{
				name: 'Strict',
				value: 'strict',
				description: 'Loosely similar missions are duplicates too; more variety, more AI calls',
			},
		],
		default: 'balanced',
		description:
			'How alike two missions may be before the newer one is rejected (ignoring case and accents). The Expert options below override single numbers.',
	},
	{
		displayName: 'Existing Missions Field',
		name: 'existingMissionsField',
		type: 'string',
		default: '',
		placeholder: 'e.g. body.existingMissions',
		description:
			'Field of the input item holding missions that already exist (a list of titles, or of objects with title and description). New missions will not repeat them.',
	},
	{
		displayName: 'Expert: Similarity Close Title',
		name: 'titleHighSimilarity',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
		default: 0.85,
		description:
			'Overrides Duplicate Strictness: titles at least this similar are duplicates when the descriptions are similar too',
	},
	{
		displayName: 'Expert: Similarity Description',
		name: 'descriptionSimilarity',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
		default: 0.8,
		description:
			'Overrides Duplicate Strictness: with a close title, descriptions at least this similar make a duplicate',
	},
	{
		displayName: 'Expert: Similarity Same Title',
		name: 'titleExactSimilarity',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
		default: 0.95,
		description: 'Overrides Duplicate Strictness: titles at least this similar are always duplicates',
	},
	{
		displayName: 'Extra AI Missions (%)',
		name: 'headroomPercent',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 200 },
		default: 20,
		description:
			'Ask Gemini for this much more than is missing, so rejected duplicates rarely need another round. Surplus missions are discarded.',
	},
	{
		displayName: 'Job ID',
		name: 'jobId',
		type: 'string',
		default: '',
		description:
			'Identifies the job: sent with progress updates and copied to the report. A job delivered twice while it runs is generated once. Left empty, one is generated.',
	},
	{
		displayName: 'Max Output Tokens',
		name: 'maxOutputTokens',
		type: 'number',
		typeOptions: { minValue: 64 },
		default: 800,
		description: 'Most tokens Gemini may write per call',
	},
	{
		displayName: 'Max Refill Rounds',
		name: 'maxRefillRounds',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 10 },
		default: 3,
		description: 'Extra AI rounds allowed to replace missions rejected as duplicates or invalid',
	},
	{
		displayName: 'Minimum Missions',
		name: 'minimumMissions',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 200 },
		default: 1,
		description:
			'The item fails when fewer missions than this can be delivered (for example when AI is unavailable and templates run out). At most Number of Missions.',
	},
	modelOption('text', 'The Gemini model that writes missions, from the models your Gemini credential can use'),
	{
		displayName: 'Progress URL',
		name: 'progressUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://n8n.example.com/webhook/missions/progress',
		description:
			'Address that receives a POST with {jobId, current, total, message} after the template phase and after every AI batch. A failing address never fails the generation.',
	},
	{
		displayName: 'Progress Token',
		name: 'progressToken',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		description:
			"Secret sent in the X-Progress-Token header of every progress update (never in the address), so the receiver can tell this run's updates from forged ones",
	},
	{
		displayName: 'Temperature',
		name: 'temperature',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 2, numberPrecision: 2 },
		default: 0.8,
		description: 'Higher is more creative',
	},
	{
		displayName: 'Themes',
		name: 'themes',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		description: 'Themes AI batches rotate through. Left empty, the five built-in themes are used.',
		options: [
			{
				displayName: 'Theme',
				name: 'theme',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: `e.g. ${MISSION_THEMES.join(', ')}`,
					},
					{
						displayName: 'Focus',
						name: 'focus',
						type: 'string',
						default: '',
						placeholder: 'e.g. Controlling spending and saving money',
					},
					{
						displayName: 'Keywords',
						name: 'keywords',
						type: 'string',
						default: '',
						placeholder: 'e.g. save, reduce, cut',
						description: 'Comma-separated',
					},
				],
			},
		],
	},
	{
		displayName: 'Top P',
		name: 'topP',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
		default: 0.9,
		description: 'Nucleus sampling: lower keeps to likelier words',
	},
];

/** Every option, in the alphabetical order n8n's panel uses. */
export const OPTIONS: INodeProperties[] = [...missionOptions, ...resilienceOptionProperties(MISSION_RESILIENCE_DEFAULTS)].sort((a, b) =>
	a.displayName.localeCompare(b.displayName),
);

export const missionGeneratorProperties: INodeProperties[] = [
	{
		displayName:
			'Missions come from the built-in templates first; Gemini writes only the rest. Without a Gemini credential the node fills what it can from templates and says so in the report.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Tier',
		name: 'tier',
		type: 'options',
		options: MISSION_TIERS.map((tier) => ({
			name: tier.charAt(0) + tier.slice(1).toLowerCase(),
			value: tier,
		})),
		default: 'BEGINNER',
		description:
			'The player level. Each has built-in templates and its own XP range. Another level name can be passed with an expression; AI then writes all its missions. Case and accents are ignored.',
	},
	{
		displayName: 'Number of Missions',
		name: 'count',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 200 },
		default: 20,
		description: 'How many distinct missions to deliver for each input item (1 to 200)',
	},
	{
		displayName: 'Language',
		name: 'locale',
		type: 'options',
		options: [
			{ name: 'English', value: 'en' },
			{ name: 'Portuguese (Brazil)', value: 'pt-BR' },
		],
		default: 'en',
		description:
			'Language of the missions. Built-in templates exist for these two; with an expression you may pass another locale such as "es", which AI then writes alone.',
	},
	...LEGACY_TOP_LEVEL,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: OPTIONS,
	},
];
