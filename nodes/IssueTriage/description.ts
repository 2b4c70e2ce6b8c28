import type { INodeProperties } from 'n8n-workflow';

import { modelOption } from '../shared/gemini/modelOption';
import { resilienceOptionProperties } from '../shared/node/resilienceOptions';

/** Where each issue field is read from; a dotted path into the input item. */
export const FIELD_DEFAULTS = {
	issueId: 'id',
	title: 'title',
	body: 'body',
	customerName: 'customer.name',
	customerHandle: 'customer.phone',
	language: 'customer.language',
	channel: 'channel',
	history: 'history',
	eventId: 'eventId',
	detectedAt: 'detectedAt',
	priorityHint: 'priority',
} as const;

const triageOptions: INodeProperties[] = [
	{
		displayName: 'Breaker: Cool-Down (Seconds)',
		name: 'breakerCoolDownSeconds',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 3600 },
		default: 30,
		description: 'How long Gemini is skipped (rules answer) once the breaker opened, before one probe call is tried',
	},
	{
		displayName: 'Breaker: Failures in a Row',
		name: 'breakerFailures',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 100 },
		default: 3,
		description: 'Consecutive timeouts or server errors after which Gemini is skipped for the cool-down',
	},
	{
		displayName: 'Cache: Similarity',
		name: 'cacheSimilarity',
		type: 'number',
		typeOptions: { minValue: 0.5, maxValue: 1, numberPrecision: 2 },
		default: 0.8,
		description: 'A known reply is reused when its issue is at least this similar (cosine of the embeddings)',
	},
	{
		displayName: 'Cache: Time to Live (Hours)',
		name: 'cacheTtlHours',
		type: 'number',
		typeOptions: { minValue: 0.01 },
		default: 168,
		description: 'Known replies older than this are not reused',
	},
	{
		displayName: 'Critical Replies per Minute',
		name: 'criticalPerMinute',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 5,
		description: 'Most critical replies per minute for this node across all executions; more go to Deferred with retryAt. 0 = no limit.',
	},
	{
		displayName: 'Default Language',
		name: 'defaultLanguage',
		type: 'string',
		default: 'en',
		description: 'Language used when the input names none and it cannot be recognised from the text',
	},
	{
		displayName: 'Duplicate Window (Minutes)',
		name: 'duplicateWindowMinutes',
		type: 'number',
		typeOptions: { minValue: 0.01, maxValue: 10080 },
		default: 10,
		description: 'The same event ID, or the same issue ID with the same text, within this time goes to the Duplicate output',
	},
	{
		displayName: 'Embedding Dimensions',
		name: 'embeddingDimensions',
		type: 'number',
		typeOptions: { minValue: 32, maxValue: 3072 },
		default: 256,
		description: 'Length of the stored embeddings; shorter is cheaper to store and still finds near-repeats',
	},
	modelOption('embedding', 'The model that turns issues into embeddings for the reply cache', 'embeddingModel', 'Embedding Model'),
	{
		displayName: 'Max Output Tokens',
		name: 'maxOutputTokens',
		type: 'number',
		typeOptions: { minValue: 128 },
		default: 1024,
	},
	{
		displayName: 'Max Reply Characters',
		name: 'maxReplyCharacters',
		type: 'number',
		typeOptions: { minValue: 50, maxValue: 4000 },
		default: 700,
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
		default: 1000,
		description: 'Largest part in replyParts, for chat channels; parts end at sentence boundaries',
	},
	{
		displayName: 'Replies per Minute',
		name: 'repliesPerMinute',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description: 'Most replies per minute of any priority for this node across all executions; more go to Deferred. 0 = no limit.',
	},
	{
		displayName: 'Temperature',
		name: 'temperature',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 2, numberPrecision: 2 },
		default: 0.3,
	},
];

const byDisplayName = (a: INodeProperties, b: INodeProperties) => a.displayName.localeCompare(b.displayName);

export const issueTriageProperties: INodeProperties[] = [
	{
		displayName:
			'One issue per item. Every item leaves through exactly one output: its priority, Deferred (over the reply budget, with retryAt) or Duplicate. Without Gemini, rules and template replies answer.',
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
			{ displayName: 'Body', name: 'body', type: 'string', default: 'body', description: 'The customer message' },
			{ displayName: 'Channel', name: 'channel', type: 'string', default: 'channel', description: 'The channel the issue came from, e.g. whatsapp, email, chat' },
			{ displayName: 'Customer Handle', name: 'customerHandle', type: 'string', default: 'customer.phone', description: 'Phone number or handle the reply goes to' },
			{ displayName: 'Customer Language', name: 'language', type: 'string', default: 'customer.language', description: 'BCP 47 code; detected from the text when missing' },
			{ displayName: 'Customer Name', name: 'customerName', type: 'string', default: 'customer.name', description: 'Used in the greeting' },
			{ displayName: 'Detected At', name: 'detectedAt', type: 'string', default: 'detectedAt', description: 'When the issue was detected (ISO time)' },
			{ displayName: 'Event ID', name: 'eventId', type: 'string', default: 'eventId', description: 'The delivery\'s unique ID, for duplicate detection (without one: the issue ID plus its text)' },
			{ displayName: 'History', name: 'history', type: 'string', default: 'history', description: 'List of the last messages (strings or {text})' },
			{ displayName: 'Issue ID', name: 'issueId', type: 'string', default: 'id', description: 'The helpdesk ID of the issue' },
			{ displayName: 'Priority Hint', name: 'priorityHint', type: 'string', default: 'priority', description: 'A priority the helpdesk already knows; used to order calls' },
			{ displayName: 'Title', name: 'title', type: 'string', default: 'title', description: 'The issue title or subject' },
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

/** Outputs follow "One Output per Priority": Critical, High, Medium, Low (or Triaged), Deferred, Duplicate, Report. */
export const outputsExpression: `={{${string}}}` = `={{ $parameter.splitByPriority === false ? ${JSON.stringify(SINGLE_OUTPUTS)} : ${JSON.stringify(SPLIT_OUTPUTS)} }}`;
