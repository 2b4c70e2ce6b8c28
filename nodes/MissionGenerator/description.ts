import type { INodeProperties } from 'n8n-workflow';

import { MISSION_THEMES } from './templates/types';

export const DEFAULT_THEMES = [
	{ name: 'habits', focus: 'Building the habit of recording expenses', keywords: 'diary, routine, consistency' },
	{ name: 'categories', focus: 'Organising spending by category', keywords: 'categorise, separate, organise' },
	{ name: 'saving', focus: 'Controlling spending and saving money', keywords: 'save, reduce, cut' },
	{ name: 'goals', focus: 'Setting financial goals', keywords: 'goal, objective, plan' },
	{ name: 'analysis', focus: 'Analysing and understanding personal finances', keywords: 'analyse, understand, discover' },
];

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
		type: 'string',
		default: 'BEGINNER',
		required: true,
		description:
			'The player level: BEGINNER, INTERMEDIATE or ADVANCED have built-in templates; any other name gets missions written by AI only',
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
			{ name: 'Portuguese (Brazil)', value: 'pt-BR' },
			{ name: 'English', value: 'en' },
		],
		default: 'pt-BR',
		description:
			'Language of the missions. Built-in templates exist for these two; with an expression you may pass another locale such as "es", which AI then writes alone.',
	},
	{
		displayName: 'Existing Missions Field',
		name: 'existingMissionsField',
		type: 'string',
		default: '',
		placeholder: 'e.g. body.existingMissions',
		description:
			'Field of the input item holding missions that already exist (a list of titles, or of objects with title and description). New missions will not repeat them. Leave empty for none.',
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
		displayName: 'Progress URL',
		name: 'progressUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://n8n.example.com/webhook/missions/progress',
		description:
			'Optional address that receives a POST with {jobId, current, total, message} after the template phase and after every AI batch. A failing address never fails the generation.',
	},
	{
		displayName: 'Job ID',
		name: 'jobId',
		type: 'string',
		default: '',
		description: 'Identifier sent with progress updates and copied to the report. Left empty, one is generated.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'AI Batch Size',
				name: 'batchSize',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 10 },
				default: 4,
				description: 'Missions asked for in one Gemini call (1 to 10)',
			},
			{
				displayName: 'Extra AI Missions (%)',
				name: 'headroomPercent',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 200 },
				default: 50,
				description:
					'Ask Gemini for this much more than is missing, so rejected duplicates rarely need another round. Surplus missions are discarded.',
			},
			{
				displayName: 'Hedge Slow Calls',
				name: 'hedgeSlowCalls',
				type: 'boolean',
				default: true,
				description:
					'Whether to send one backup request when a Gemini call runs far past its usual time, and use whichever answers first (at most about 5% extra calls)',
			},
			{
				displayName: 'Item Deadline (Seconds)',
				name: 'itemDeadlineSeconds',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 3600 },
				default: 100,
				description:
					'Most time one input item may take, all retries included. What is ready by then is delivered.',
			},
			{
				displayName: 'Max Attempts per Call',
				name: 'maxAttempts',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 10 },
				default: 3,
				description:
					'Tries for each Gemini call on rate limits, server errors, timeouts or unusable answers (1 to 10)',
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
				typeOptions: { minValue: 0 },
				default: 1,
				description:
					'The item fails when fewer missions than this can be delivered (for example when AI is unavailable and templates run out)',
			},
			{
				displayName: 'Model',
				name: 'model',
				type: 'resourceLocator',
				default: { mode: 'list', value: 'gemini-2.5-flash' },
				modes: [
					{
						displayName: 'From List',
						name: 'list',
						type: 'list',
						typeOptions: { searchListMethod: 'searchGenerativeModels', searchable: true },
					},
					{
						displayName: 'ID',
						name: 'id',
						type: 'string',
						placeholder: 'e.g. gemini-2.5-flash',
					},
				],
				description: 'The Gemini model that writes missions',
			},
			{
				displayName: 'Parallel AI Calls',
				name: 'parallelCalls',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 20 },
				default: 3,
				description: 'Most Gemini calls this node runs at the same time, across all items',
			},
			{
				displayName: 'Parallel Items',
				name: 'parallelItems',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 100 },
				default: 10,
				description: 'Input items generated at the same time',
			},
			{
				displayName: 'Similarity: Close Title',
				name: 'titleHighSimilarity',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
				default: 0.85,
				description: 'Titles at least this similar are duplicates when the descriptions are similar too',
			},
			{
				displayName: 'Similarity: Description',
				name: 'descriptionSimilarity',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
				default: 0.8,
				description:
					'With a close title (see Similarity: Close Title), descriptions at least this similar make a duplicate',
			},
			{
				displayName: 'Similarity: Same Title',
				name: 'titleExactSimilarity',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
				default: 0.95,
				description: 'Titles at least this similar (ignoring case and accents) are always duplicates',
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
				displayName: 'Timeout per Call (Seconds)',
				name: 'callTimeoutSeconds',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 300 },
				default: 30,
				description: 'Most time one Gemini call may take before it is retried',
			},
			{
				displayName: 'Top P',
				name: 'topP',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
				default: 0.9,
				description: 'Nucleus sampling: lower keeps to likelier words',
			},
		],
	},
];
