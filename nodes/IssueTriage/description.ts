import type { INodeProperties } from 'n8n-workflow';
import { temperatureOption } from '../shared/gemini/samplingOptions';

import { modelOption } from '../shared/gemini/modelOption';
import { resilienceOptionProperties } from '../shared/node/resilienceOptions';
import {
	DEFAULT_BODY_PATH,
	DEFAULT_BREAKER_COOL_DOWN_SECONDS,
	DEFAULT_BREAKER_FAILURES,
	DEFAULT_CACHE_SIMILARITY,
	DEFAULT_CACHE_TTL_HOURS,
	DEFAULT_CHANNEL_PATH,
	DEFAULT_CRITICAL_PER_MINUTE,
	DEFAULT_CUSTOMER_HANDLE_PATH,
	DEFAULT_CUSTOMER_NAME_PATH,
	DEFAULT_DETECTED_AT_PATH,
	DEFAULT_DUPLICATE_WINDOW_MINUTES,
	DEFAULT_EMBEDDING_DIMENSIONS,
	DEFAULT_EVENT_ID_PATH,
	DEFAULT_HISTORY_PATH,
	DEFAULT_ISSUE_ID_PATH,
	DEFAULT_LANGUAGE,
	DEFAULT_LANGUAGE_PATH,
	DEFAULT_MAX_OUTPUT_TOKENS,
	DEFAULT_MAX_REPLY_CHARACTERS,
	DEFAULT_PRIORITY_HINT_PATH,
	DEFAULT_REPLIES_PER_MINUTE,
	DEFAULT_REPLY_PART_CHARACTERS,
	DEFAULT_TEMPERATURE,
	DEFAULT_TITLE_PATH,
} from './parameters';

const triageOptions: INodeProperties[] = [
	{
		displayName: 'Breaker: Cool-Down (Seconds)',
		name: 'breakerCoolDownSeconds',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 3600 },
		default: DEFAULT_BREAKER_COOL_DOWN_SECONDS,
		description: 'How long Gemini is skipped (rules answer) once the breaker opened, before one probe call is tried',
	},
	{
		displayName: 'Breaker: Failures in a Row',
		name: 'breakerFailures',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 100 },
		default: DEFAULT_BREAKER_FAILURES,
		description: 'Consecutive timeouts or server errors after which Gemini is skipped for the cool-down',
	},
	{
		displayName: 'Cache: Similarity',
		name: 'cacheSimilarity',
		type: 'number',
		typeOptions: { minValue: 0.5, maxValue: 1, numberPrecision: 2 },
		default: DEFAULT_CACHE_SIMILARITY,
		description: 'A known reply is reused when its issue is at least this similar (cosine of the embeddings)',
	},
	{
		displayName: 'Cache: Time to Live (Hours)',
		name: 'cacheTtlHours',
		type: 'number',
		typeOptions: { minValue: 0.01 },
		default: DEFAULT_CACHE_TTL_HOURS,
		description: 'Known replies older than this are not reused',
	},
	{
		displayName: 'Critical Replies per Minute',
		name: 'criticalPerMinute',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: DEFAULT_CRITICAL_PER_MINUTE,
		description: 'Most critical replies per minute for this node across all executions; more go to Deferred with retryAt. 0 = no limit.',
	},
	{
		displayName: 'Default Language',
		name: 'defaultLanguage',
		type: 'string',
		default: DEFAULT_LANGUAGE,
		description: 'Language used when the input names none and it cannot be recognised from the text',
	},
	{
		displayName: 'Duplicate Window (Minutes)',
		name: 'duplicateWindowMinutes',
		type: 'number',
		typeOptions: { minValue: 0.01, maxValue: 10080 },
		default: DEFAULT_DUPLICATE_WINDOW_MINUTES,
		description: 'The same event ID, or the same issue ID with the same text, within this time goes to the Duplicate output',
	},
	{
		displayName: 'Embedding Dimensions',
		name: 'embeddingDimensions',
		type: 'number',
		typeOptions: { minValue: 32, maxValue: 3072 },
		default: DEFAULT_EMBEDDING_DIMENSIONS,
		description: 'Length of the stored embeddings; shorter is cheaper to store and still finds near-repeats',
	},
	modelOption('embedding', 'The model that turns issues into embeddings for the reply cache', 'embeddingModel', 'Embedding Model'),
	{
		displayName: 'Max Output Tokens',
		name: 'maxOutputTokens',
		type: 'number',
		typeOptions: { minValue: 128 },
		default: DEFAULT_MAX_OUTPUT_TOKENS,
	},
	{
		displayName: 'Max Reply Characters',
		name: 'maxReplyCharacters',
		type: 'number',
		typeOptions: { minValue: 50, maxValue: 4000 },
		default: DEFAULT_MAX_REPLY_CHARACTERS,
		description: 'Asked of the model for the reply; longer replies are still split into parts',
	},
	modelOption('text', 'The Gemini model that classifies and writes the reply'),
	{
		displayName: 'Reply Cache',
		name: 'replyCache',
		type: 'boolean',
		default: true,
		description: 'Whether to reuse the reply of a similar earlier issue instead of asking Gemini again (needs an embedding call per issue)',
	},
	{
		displayName: 'Reply Part Characters',
		name: 'replyPartCharacters',
		type: 'number',
		typeOptions: { minValue: 50, maxValue: 10000 },
		default: DEFAULT_REPLY_PART_CHARACTERS,
		description: 'Largest part in replyParts, for chat channels; parts end at sentence boundaries',
	},
	{
		displayName: 'Replies per Minute',
		name: 'repliesPerMinute',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: DEFAULT_REPLIES_PER_MINUTE,
		description: 'Most replies per minute of any priority for this node across all executions; more go to Deferred. 0 = no limit.',
	},
	temperatureOption(DEFAULT_TEMPERATURE),
];

const byDisplayName = (a: INodeProperties, b: INodeProperties) => a.displayName.localeCompare(b.displayName);

export const issueTriageProperties: INodeProperties[] = [
	{
		displayName:
			'One issue per item. Every item leaves through exactly one output: its priority, Deferred (over the reply budget, with retryAt) or Duplicate. Without Gemini, rules and template replies answer. With Continue On Fail, a failing item is an error item on the first output (Critical, or Triaged).',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'One Output per Priority',
		name: 'splitByPriority',
		type: 'boolean',
		default: true,
		description: 'Whether to give Critical, High, Medium and Low their own outputs, instead of one Triaged output',
	},
	{
		displayName: 'Known Replies Field',
		name: 'knownRepliesField',
		type: 'string',
		default: '',
		placeholder: 'e.g. knownReplies',
		description:
			'Input field holding replies stored earlier (e.g. rows of a Data table with ID, embedding, reply, priority, category, language). Similar issues reuse them. New AI replies come out in cacheEntry for you to store.',
	},
	{
		displayName: 'Categories',
		name: 'categories',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Category',
		description: 'Replace the built-in categories (billing, account, technical, feature_request, general). The last one is the catch-all.',
		options: [
			{
				displayName: 'Category',
				name: 'category',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'e.g. delivery' },
					{ displayName: 'Description', name: 'description', type: 'string', default: '', placeholder: 'e.g. Late, lost or damaged orders' },
					{ displayName: 'Keywords', name: 'keywords', type: 'string', default: '', placeholder: 'e.g. delivery, courier, entrega, atraso', description: 'Comma-separated words the rule-based fallback looks for' },
					{ displayName: 'Fallback Reply', name: 'reply', type: 'string', typeOptions: { rows: 2 }, default: '', description: 'Sent when Gemini cannot answer. Empty: a built-in reply.' },
				],
			},
		],
	},
	{
		displayName: 'Input Fields',
		name: 'fields',
		type: 'collection',
		placeholder: 'Change a Field',
		default: {},
		description: 'Where each part of the issue is in the input item (dotted paths), so any helpdesk JSON fits',
		options: [
			{ displayName: 'Body', name: 'body', type: 'string', default: DEFAULT_BODY_PATH, description: 'The customer message' },
			{ displayName: 'Channel', name: 'channel', type: 'string', default: DEFAULT_CHANNEL_PATH, description: 'The channel the issue came from, e.g. whatsapp, email, chat' },
			{ displayName: 'Customer Handle', name: 'customerHandle', type: 'string', default: DEFAULT_CUSTOMER_HANDLE_PATH, description: 'Phone number or handle the reply goes to' },
			{ displayName: 'Customer Language', name: 'language', type: 'string', default: DEFAULT_LANGUAGE_PATH, description: 'BCP 47 code; detected from the text when missing' },
			{ displayName: 'Customer Name', name: 'customerName', type: 'string', default: DEFAULT_CUSTOMER_NAME_PATH, description: 'Used in the greeting' },
			{ displayName: 'Detected At', name: 'detectedAt', type: 'string', default: DEFAULT_DETECTED_AT_PATH, description: 'When the issue was detected (ISO time)' },
			{ displayName: 'Event ID', name: 'eventId', type: 'string', default: DEFAULT_EVENT_ID_PATH, description: 'The delivery\'s unique ID, for duplicate detection (without one: the issue ID plus its text)' },
			{ displayName: 'History', name: 'history', type: 'string', default: DEFAULT_HISTORY_PATH, description: 'List of the last messages (strings or {text})' },
			{ displayName: 'Issue ID', name: 'issueId', type: 'string', default: DEFAULT_ISSUE_ID_PATH, description: 'The helpdesk ID of the issue' },
			{ displayName: 'Priority Hint', name: 'priorityHint', type: 'string', default: DEFAULT_PRIORITY_HINT_PATH, description: 'A priority the helpdesk already knows; used to order calls' },
			{ displayName: 'Title', name: 'title', type: 'string', default: DEFAULT_TITLE_PATH, description: 'The issue title or subject' },
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...triageOptions, ...resilienceOptionProperties()].sort(byDisplayName),
	},
];

const output = (displayName: string) => ({ type: 'main', displayName });
const SPLIT_OUTPUTS = [...['Critical', 'High', 'Medium', 'Low'].map(output), output('Deferred'), output('Duplicate'), output('Report')];
const SINGLE_OUTPUTS = [output('Triaged'), output('Deferred'), output('Duplicate'), output('Report')];

/**
 * Outputs follow "One Output per Priority": Critical, High, Medium, Low (or Triaged), Deferred,
 * Duplicate, Report. Error items (Continue On Fail) go on the first: Critical, or Triaged.
 */
export const outputsExpression: `={{${string}}}` = `={{ $parameter.splitByPriority === false ? ${JSON.stringify(SINGLE_OUTPUTS)} : ${JSON.stringify(SPLIT_OUTPUTS)} }}`;
