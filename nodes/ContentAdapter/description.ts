import type { INodeProperties } from 'n8n-workflow';
import { temperatureOption, topPOption } from '../shared/gemini/samplingOptions';

import { modelOption } from '../shared/gemini/modelOption';
import { resilienceOptionProperties } from '../shared/node/resilienceOptions';
import * as adaptToLanguages from './actions/adaptToLanguages.operation';
import * as generateVariations from './actions/generateVariations.operation';
import * as writeScript from './actions/writeScript.operation';
import {
	DEFAULT_BATCH_FIELD,
	DEFAULT_CACHE_MAX_ENTRIES,
	DEFAULT_CACHE_MAX_MB,
	DEFAULT_CACHE_TTL_HOURS,
	DEFAULT_MAX_OUTPUT_TOKENS,
	DEFAULT_ON_BATCH_FAILURE,
	DEFAULT_OPERATION,
	DEFAULT_TEMPERATURE,
	DEFAULT_TOP_P,
} from './parameters';

const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Adapt to Languages',
			value: 'adaptToLanguages',
			action: 'Adapt a text to other languages',
			description: 'Adapt a text culturally into several languages, one call per language, in parallel',
		},
		{
			name: 'Cancel Batch',
			value: 'cancelBatch',
			action: 'Cancel a batch of texts',
			description: 'Economy: cancel at Google the Gemini batch a text operation submitted',
		},
		{
			name: 'Check Batch',
			value: 'checkBatch',
			action: 'Check a batch of texts',
			description: 'Economy: read the Gemini batch a text operation submitted; waiting again, or the texts once it ended',
		},
		{
			name: 'Generate Variations',
			value: 'generateVariations',
			action: 'Generate script variations',
			description: 'Rewrite a master script from several angles, one call per angle, in parallel',
		},
		{
			name: 'Write Script',
			value: 'writeScript',
			action: 'Write a master script',
			description: 'Write a narration script from a title and an optional brief',
		},
	],
	default: DEFAULT_OPERATION,
};

const TEXT_OPERATIONS = ['writeScript', 'generateVariations', 'adaptToLanguages'];

const economyProperties: INodeProperties[] = [
	{
		displayName: 'Economy (Batch API)',
		name: 'economy',
		type: 'boolean',
		default: false,
		displayOptions: { show: { operation: TEXT_OPERATIONS } },
		description:
			"Whether to send every text of all input items as ONE Gemini batch job (about half the price, answered within 24 hours) instead of calls. Gives one item with waiting, nextCheckSeconds and the batch's state: loop it through a Wait node (nextCheckSeconds seconds) into Check Batch until waiting is false.",
	},
	{
		displayName: 'When the Batch Fails',
		name: 'onBatchFailure',
		type: 'options',
		default: DEFAULT_ON_BATCH_FAILURE,
		displayOptions: { show: { operation: TEXT_OPERATIONS, economy: [true] } },
		options: [
			{ name: 'Standard Calls', value: 'standardCalls', description: 'An expired, failed or cancelled batch: the texts are written by ordinary calls, and the report says so' },
			{ name: 'Fail', value: 'fail', description: "Check Batch fails with Google's reason" },
		],
	},
	{
		displayName: 'Batch Field',
		name: 'batchField',
		type: 'string',
		default: DEFAULT_BATCH_FIELD,
		displayOptions: { show: { operation: ['checkBatch', 'cancelBatch'] } },
		description: 'Input field holding the JSON state the submit gave (economy); the generation options used are the submit\'s',
	},
];

const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	// Sorted by label, the shared resilience options among them, as n8n lists a collection.
	options: ([
		{
			displayName: 'Cache Max Entries',
			name: 'cacheMaxEntries',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_CACHE_MAX_ENTRIES,
			description: 'Most texts kept in memory; the least recently used go first',
		},
		{
			displayName: 'Cache Max Size (MB)',
			name: 'cacheMaxMb',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_CACHE_MAX_MB,
			description: 'Most memory the cached texts may take; the least recently used go first',
		},
		{
			displayName: 'Cache TTL (Hours)',
			name: 'cacheTtlHours',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 2 },
			default: DEFAULT_CACHE_TTL_HOURS,
			description: 'How long a generated text is reused for an identical request (168 hours = 7 days)',
		},
		{
			displayName: 'Cached Entries Field',
			name: 'cachedEntriesField',
			type: 'string',
			default: '',
			placeholder: 'e.g. cachedEntries',
			description:
				'Input field holding cache entries your workflow stored earlier (for example rows of a Data table: a list of {key, value, createdAt}). Matching entries are used without calling Gemini, across restarts and workers.',
		},
		...resilienceOptionProperties(),
		{
			displayName: 'Max Output Tokens',
			name: 'maxOutputTokens',
			type: 'number',
			typeOptions: { minValue: 256 },
			default: DEFAULT_MAX_OUTPUT_TOKENS,
			description: 'Most tokens Gemini may write per call',
		},
		modelOption('text', 'The Gemini model that writes the texts'),
		{
			displayName: 'Output Cache Entries',
			name: 'outputCacheEntries',
			type: 'boolean',
			default: true,
			description: 'Whether each result carries cacheEntry {key, kind, title, language, value, createdAt}, ready to store in a Data table',
		},
		temperatureOption(DEFAULT_TEMPERATURE),
		topPOption(DEFAULT_TOP_P),
		{
			displayName: 'Use Cache',
			name: 'useCache',
			type: 'boolean',
			default: true,
			description: 'Whether an identical request reuses the text generated before instead of calling Gemini again',
		},
	] as INodeProperties[]).sort((a, b) => a.displayName.localeCompare(b.displayName)),
};

export const contentAdapterProperties: INodeProperties[] = [
	operationProperty,
	...writeScript.description,
	...generateVariations.description,
	...adaptToLanguages.description,
	...economyProperties,
	optionsProperty,
];
