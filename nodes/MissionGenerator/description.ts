import type { INodeProperties } from 'n8n-workflow';
import { temperatureOption, topPOption } from '../shared/gemini/samplingOptions';

import { modelOption } from '../shared/gemini/modelOption';
import { resilienceOptionProperties } from '../shared/node/resilienceOptions';
import { DEFAULT_DUPLICATE_STRICTNESS, DEFAULT_THRESHOLDS } from './engine/duplicates';
import { LABELS } from './engine/labels';
import {
	DEFAULT_BATCH_FAILURE,
	DEFAULT_BATCH_FIELD,
	DEFAULT_ECONOMY,
	DEFAULT_BATCH_SIZE,
	DEFAULT_COUNT,
	DEFAULT_CUSTOM_TEMPLATES,
	DEFAULT_HEADROOM_PERCENT,
	DEFAULT_LOCALE,
	DEFAULT_MAX_OUTPUT_TOKENS,
	DEFAULT_MAX_REFILL_ROUNDS,
	DEFAULT_MINIMUM_MISSIONS,
	DEFAULT_TEMPERATURE,
	DEFAULT_TIER,
	DEFAULT_TOP_P,
	MAX_BATCH_SIZE,
	MAX_COUNT,
	MIN_BATCH_SIZE,
	MIN_COUNT,
	MISSION_RESILIENCE_DEFAULTS,
} from './parameters';
import { MISSION_THEMES, MISSION_TIERS } from './templates/types';

// The Expert options show the numbers of the default Duplicate Strictness preset.
const DEFAULT_TITLE_EXACT_SIMILARITY = DEFAULT_THRESHOLDS.titleExact;
const DEFAULT_TITLE_HIGH_SIMILARITY = DEFAULT_THRESHOLDS.titleHigh;
const DEFAULT_DESCRIPTION_SIMILARITY = DEFAULT_THRESHOLDS.description;

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
		displayName: LABELS.batchSize,
		name: 'batchSize',
		type: 'number',
		typeOptions: { minValue: MIN_BATCH_SIZE, maxValue: MAX_BATCH_SIZE },
		default: DEFAULT_BATCH_SIZE,
		description:
			'Missions asked for in one Gemini call (1 to 10). 0 = automatic: the remainder is spread over Parallel Calls so it goes out in one round, within Max Output Tokens.',
	},
	{
		displayName: LABELS.economy,
		name: 'economy',
		type: 'options',
		options: [
			{ name: 'Off', value: 'off', description: 'Standard Gemini calls: missions now, at the standard price' },
			{
				name: 'For Large Requests (100+)',
				value: 'largeRequests',
				description: 'From 100 missions, the AI part goes to Google\'s Batch API: about half the price, answered within 24 hours',
			},
			{ name: 'Always', value: 'always', description: 'The AI part always goes to Google\'s Batch API' },
		],
		default: DEFAULT_ECONOMY,
		description:
			'Whether the missions AI writes go to Google\'s Batch API as one job (about 50% cheaper, typically minutes to hours, at most 24 h). The Report then says "waitingForBatch": loop it through a Wait node (economy.nextCheckSeconds) into a Mission Generator set to Check Batch.',
	},
	{
		displayName: LABELS.batchFailure,
		name: 'batchFailure',
		type: 'options',
		options: [
			{ name: 'Use Standard Calls', value: 'standardCalls', description: 'An expired or failed batch is replaced by standard calls; the report says so' },
			{ name: 'Fail the Job', value: 'fail', description: 'The item fails with Google\'s reason' },
		],
		default: DEFAULT_BATCH_FAILURE,
		description: 'What happens when Google\'s batch expires, fails or is cancelled (Economy only)',
	},
	{
		displayName: LABELS.customTemplates,
		name: 'customTemplates',
		type: 'json',
		default: DEFAULT_CUSTOM_TEMPLATES,
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
		default: DEFAULT_DUPLICATE_STRICTNESS,
		description:
			'How alike two missions may be before the newer one is rejected (ignoring case and accents). The Expert options below override single numbers.',
	},
	{
		displayName: LABELS.existingMissionsField,
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
		default: DEFAULT_TITLE_HIGH_SIMILARITY,
		description:
			'Overrides Duplicate Strictness: titles at least this similar are duplicates when the descriptions are similar too',
	},
	{
		displayName: 'Expert: Similarity Description',
		name: 'descriptionSimilarity',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
		default: DEFAULT_DESCRIPTION_SIMILARITY,
		description:
			'Overrides Duplicate Strictness: with a close title, descriptions at least this similar make a duplicate',
	},
	{
		displayName: 'Expert: Similarity Same Title',
		name: 'titleExactSimilarity',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
		default: DEFAULT_TITLE_EXACT_SIMILARITY,
		description: 'Overrides Duplicate Strictness: titles at least this similar are always duplicates',
	},
	{
		displayName: 'Extra AI Missions (%)',
		name: 'headroomPercent',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 200 },
		default: DEFAULT_HEADROOM_PERCENT,
		description:
			'Ask Gemini for this much more than is missing, so rejected duplicates rarely need another round. Surplus missions are discarded.',
	},
	{
		displayName: LABELS.jobId,
		name: 'jobId',
		type: 'string',
		default: '',
		description:
			'Identifies the job: sent with progress updates and copied to the report. A job delivered twice while it runs is generated once. Left empty, one is generated.',
	},
	{
		displayName: LABELS.maxOutputTokens,
		name: 'maxOutputTokens',
		type: 'number',
		typeOptions: { minValue: 64 },
		default: DEFAULT_MAX_OUTPUT_TOKENS,
		description: 'Most tokens Gemini may write per call',
	},
	{
		displayName: 'Max Refill Rounds',
		name: 'maxRefillRounds',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 10 },
		default: DEFAULT_MAX_REFILL_ROUNDS,
		description: 'Extra AI rounds allowed to replace missions rejected as duplicates or invalid',
	},
	{
		displayName: LABELS.minimumMissions,
		name: 'minimumMissions',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: MAX_COUNT },
		default: DEFAULT_MINIMUM_MISSIONS,
		description:
			'The item fails when fewer missions than this can be delivered (for example when AI is unavailable and templates run out). At most Number of Missions.',
	},
	modelOption('text', 'The Gemini model that writes missions, from the models your Gemini credential can use'),
	{
		displayName: LABELS.progressUrl,
		name: 'progressUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://n8n.example.com/webhook/missions/progress',
		description:
			'Address that receives a POST with {jobId, current, total, message} after the template phase and after every AI batch. A failing address never fails the generation.',
	},
	{
		displayName: LABELS.progressToken,
		name: 'progressToken',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		description:
			"Secret sent in the X-Progress-Token header of every progress update (never in the address), so the receiver can tell this run's updates from forged ones",
	},
	temperatureOption(DEFAULT_TEMPERATURE),
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
	topPOption(DEFAULT_TOP_P),
];

/** Every option, in the alphabetical order n8n's panel uses. */
export const OPTIONS: INodeProperties[] = [...missionOptions, ...resilienceOptionProperties(MISSION_RESILIENCE_DEFAULTS)].sort((a, b) =>
	a.displayName.localeCompare(b.displayName),
);

const GENERATE_ONLY = { show: { operation: ['generate'] } };

export const missionGeneratorProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Generate Missions', value: 'generate', action: 'Generate missions', description: 'Templates first, Gemini for the rest (or Google\'s Batch API with Economy)' },
			{ name: 'Check Batch', value: 'checkBatch', action: 'Check an economy batch', description: 'Read a waiting Economy batch; deliver the missions once it ended' },
			{ name: 'Cancel Batch', value: 'cancelBatch', action: 'Cancel an economy batch', description: 'Cancel a waiting Economy batch at Google' },
		],
		default: 'generate',
	},
	{
		displayName: 'Batch Field',
		name: 'batchField',
		type: 'string',
		default: DEFAULT_BATCH_FIELD,
		displayOptions: { show: { operation: ['checkBatch', 'cancelBatch'] } },
		description: 'The input item\'s field holding the waiting batch: the "economy" object of a Mission Generator Report (dots for nested fields)',
	},
	{
		displayName:
			'Missions come from the built-in templates first; Gemini writes only the rest. Without a Gemini credential the node fills what it can from templates and says so in the report.',
		name: 'notice',
		displayOptions: GENERATE_ONLY,
		type: 'notice',
		default: '',
	},
	{
		displayName: LABELS.tier,
		name: 'tier',
		displayOptions: GENERATE_ONLY,
		type: 'options',
		options: MISSION_TIERS.map((tier) => ({
			name: tier.charAt(0) + tier.slice(1).toLowerCase(),
			value: tier,
		})),
		default: DEFAULT_TIER,
		description:
			'The player level. Each has built-in templates and its own XP range. Another level name can be passed with an expression; AI then writes all its missions. Case and accents are ignored.',
	},
	{
		displayName: LABELS.count,
		name: 'count',
		displayOptions: GENERATE_ONLY,
		type: 'number',
		typeOptions: { minValue: MIN_COUNT, maxValue: MAX_COUNT },
		default: DEFAULT_COUNT,
		description: `How many distinct missions to deliver for each input item (${MIN_COUNT} to ${MAX_COUNT})`,
	},
	{
		displayName: LABELS.locale,
		name: 'locale',
		displayOptions: GENERATE_ONLY,
		type: 'options',
		options: [
			{ name: 'English', value: 'en' },
			{ name: 'Portuguese (Brazil)', value: 'pt-BR' },
		],
		default: DEFAULT_LOCALE,
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
