import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DEFAULT_EMBEDDING_MODEL, DEFAULT_TEXT_MODEL } from '../shared/gemini/catalog';
import { modelParameter, numberOption, readPath } from '../shared/node/parameters';
import { readResilience } from '../shared/node/resilienceOptions';
import type { ResilienceOptions } from '../shared/node/resilienceOptions';
import { MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND } from '../shared/units';
import type { BudgetLimits } from './engine/budget';
import type { AiSettings } from './engine/decide';
import { parseKnownReplies } from './engine/replyCache';
import { DEFAULT_CATEGORIES } from './engine/rules';
import { isPriority } from './engine/types';
import type { CacheEntry, Category, Issue } from './engine/types';

const MAX_TEXT_CHARACTERS = 20_000;
const MAX_HISTORY = 20;

/** Where each issue field is read from by default: a dotted path into the input item. */
export const DEFAULT_ISSUE_ID_PATH = 'id';
export const DEFAULT_TITLE_PATH = 'title';
export const DEFAULT_BODY_PATH = 'body';
export const DEFAULT_CUSTOMER_NAME_PATH = 'customer.name';
export const DEFAULT_CUSTOMER_HANDLE_PATH = 'customer.phone';
export const DEFAULT_LANGUAGE_PATH = 'customer.language';
export const DEFAULT_CHANNEL_PATH = 'channel';
export const DEFAULT_HISTORY_PATH = 'history';
export const DEFAULT_EVENT_ID_PATH = 'eventId';
export const DEFAULT_DETECTED_AT_PATH = 'detectedAt';
export const DEFAULT_PRIORITY_HINT_PATH = 'priority';

const FIELD_DEFAULTS = {
	issueId: DEFAULT_ISSUE_ID_PATH,
	title: DEFAULT_TITLE_PATH,
	body: DEFAULT_BODY_PATH,
	customerName: DEFAULT_CUSTOMER_NAME_PATH,
	customerHandle: DEFAULT_CUSTOMER_HANDLE_PATH,
	language: DEFAULT_LANGUAGE_PATH,
	channel: DEFAULT_CHANNEL_PATH,
	history: DEFAULT_HISTORY_PATH,
	eventId: DEFAULT_EVENT_ID_PATH,
	detectedAt: DEFAULT_DETECTED_AT_PATH,
	priorityHint: DEFAULT_PRIORITY_HINT_PATH,
} as const;

/** The Options defaults: description.ts shows these, and an unset option reads them. */
export const DEFAULT_BREAKER_COOL_DOWN_SECONDS = 30;
export const DEFAULT_BREAKER_FAILURES = 3;
export const DEFAULT_CACHE_SIMILARITY = 0.8;
export const DEFAULT_CACHE_TTL_HOURS = 168;
export const DEFAULT_CRITICAL_PER_MINUTE = 5;
export const DEFAULT_LANGUAGE = 'en';
export const DEFAULT_DUPLICATE_WINDOW_MINUTES = 10;
export const DEFAULT_EMBEDDING_DIMENSIONS = 256;
export const DEFAULT_MAX_OUTPUT_TOKENS = 1024;
export const DEFAULT_MAX_REPLY_CHARACTERS = 700;
export const DEFAULT_REPLY_PART_CHARACTERS = 1000;
export const DEFAULT_REPLIES_PER_MINUTE = 0;
export const DEFAULT_TEMPERATURE = 0.3;

const OPTION_DEFAULTS = {
	breakerCoolDownSeconds: DEFAULT_BREAKER_COOL_DOWN_SECONDS,
	breakerFailures: DEFAULT_BREAKER_FAILURES,
	cacheSimilarity: DEFAULT_CACHE_SIMILARITY,
	cacheTtlHours: DEFAULT_CACHE_TTL_HOURS,
	criticalPerMinute: DEFAULT_CRITICAL_PER_MINUTE,
	defaultLanguage: DEFAULT_LANGUAGE,
	duplicateWindowMinutes: DEFAULT_DUPLICATE_WINDOW_MINUTES,
	embeddingDimensions: DEFAULT_EMBEDDING_DIMENSIONS,
	maxOutputTokens: DEFAULT_MAX_OUTPUT_TOKENS,
	maxReplyCharacters: DEFAULT_MAX_REPLY_CHARACTERS,
	replyPartCharacters: DEFAULT_REPLY_PART_CHARACTERS,
	repliesPerMinute: DEFAULT_REPLIES_PER_MINUTE,
	temperature: DEFAULT_TEMPERATURE,
} as const;

/** Node-wide settings, read once from the first item. */
export interface ExecutionParameters {
	splitByPriority: boolean;
	categories: Category[];
	ai: AiSettings;
	resilience: ResilienceOptions;
	budget: BudgetLimits;
	duplicateWindowMs: number;
	breaker: { failureThreshold: number; coolDownMs: number };
	defaultLanguage: string;
	partCharacters: number;
	knownRepliesField: string;
}

/** One item's issue and known replies, or why the issue could not be read (the item fails). */
export type IssueRead = { ok: true; issue: Issue; knownReplies: CacheEntry[] } | { ok: false; error: unknown };

const option = (options: IDataObject, name: keyof typeof OPTION_DEFAULTS) => numberOption(options, name, OPTION_DEFAULTS);

function readCategories(ctx: IExecuteFunctions): Category[] {
	const raw = (ctx.getNodeParameter('categories', 0, {}) as IDataObject).category;
	const entries = Array.isArray(raw) ? (raw as IDataObject[]) : [];
	const categories = entries
		.filter((entry) => String(entry.name ?? '').trim() !== '')
		.map((entry) => ({
			name: String(entry.name).trim(),
			description: String(entry.description ?? '').trim() || String(entry.name).trim(),
			keywords: String(entry.keywords ?? '')
				.split(',')
				.map((word) => word.trim().toLowerCase())
				.filter((word) => word !== ''),
			replyTemplate: String(entry.reply ?? '').trim(),
		}));
	return categories.length > 0 ? categories : DEFAULT_CATEGORIES;
}

export function readExecutionParameters(ctx: IExecuteFunctions): ExecutionParameters {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	return {
		splitByPriority: ctx.getNodeParameter('splitByPriority', 0, true) !== false,
		categories: readCategories(ctx),
		ai: {
			model: modelParameter(ctx, 'options.model', 0, DEFAULT_TEXT_MODEL),
			embeddingModel: modelParameter(ctx, 'options.embeddingModel', 0, DEFAULT_EMBEDDING_MODEL),
			temperature: option(options, 'temperature'),
			maxOutputTokens: option(options, 'maxOutputTokens'),
			maxReplyCharacters: option(options, 'maxReplyCharacters'),
			cache: {
				enabled: options.replyCache !== false,
				threshold: option(options, 'cacheSimilarity'),
				ttlMs: option(options, 'cacheTtlHours') * MS_PER_HOUR,
				dimensions: option(options, 'embeddingDimensions'),
			},
		},
		resilience: readResilience(options),
		budget: {
			criticalPerMinute: option(options, 'criticalPerMinute'),
			overallPerMinute: option(options, 'repliesPerMinute'),
		},
		duplicateWindowMs: option(options, 'duplicateWindowMinutes') * MS_PER_MINUTE,
		breaker: {
			failureThreshold: option(options, 'breakerFailures'),
			coolDownMs: option(options, 'breakerCoolDownSeconds') * MS_PER_SECOND,
		},
		defaultLanguage: String(options.defaultLanguage ?? OPTION_DEFAULTS.defaultLanguage).trim() || OPTION_DEFAULTS.defaultLanguage,
		partCharacters: option(options, 'replyPartCharacters'),
		knownRepliesField: String(ctx.getNodeParameter('knownRepliesField', 0, '') ?? '').trim(),
	};
}

function textAt(json: IDataObject, path: string): string {
	const value = readPath(json, path);
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' || typeof value === 'bigint') return String(value);
	return '';
}

function historyAt(json: IDataObject, path: string): string[] {
	const value = readPath(json, path);
	if (!Array.isArray(value)) return [];
	return value
		.map((message: unknown) => {
			if (typeof message === 'string') return message;
			const record = (typeof message === 'object' && message !== null ? message : {}) as IDataObject;
			const text = record.text ?? record.body ?? record.message;
			const author = record.from ?? record.author ?? record.role;
			return typeof text === 'string' ? `${typeof author === 'string' ? `${author}: ` : ''}${text}` : '';
		})
		.filter((message) => message.trim() !== '')
		.slice(-MAX_HISTORY);
}

/** The issue in one item, read through the Input Fields mapping. Fails with the field to fix. */
function readIssue(ctx: IExecuteFunctions, itemIndex: number): Issue {
	const json = ctx.getInputData()[itemIndex]?.json ?? {};
	const fields = ctx.getNodeParameter('fields', itemIndex, {}) as IDataObject;
	const path = (name: keyof typeof FIELD_DEFAULTS) => {
		const value = fields[name];
		return typeof value === 'string' && value.trim() !== '' ? value.trim() : FIELD_DEFAULTS[name];
	};
	const title = textAt(json, path('title')).slice(0, MAX_TEXT_CHARACTERS);
	const body = textAt(json, path('body')).slice(0, MAX_TEXT_CHARACTERS);
	if (title === '' && body === '') {
		throw new NodeOperationError(ctx.getNode(), `The issue has no text: "${path('title')}" and "${path('body')}" are both empty or missing`, {
			itemIndex,
			description: 'Map Title or Body under Input Fields to the fields of your input that hold the issue text.',
		});
	}
	const hint = textAt(json, path('priorityHint')).toLowerCase();
	const handle = textAt(json, path('customerHandle')) || (fields.customerHandle ? '' : textAt(json, 'customer.handle'));
	return {
		id: textAt(json, path('issueId')),
		title,
		body,
		customerName: textAt(json, path('customerName')),
		customerHandle: handle,
		language: textAt(json, path('language')),
		channel: textAt(json, path('channel')),
		history: historyAt(json, path('history')),
		eventId: textAt(json, path('eventId')),
		detectedAt: textAt(json, path('detectedAt')),
		priorityHint: isPriority(hint) ? hint : undefined,
	};
}

function readKnownReplies(ctx: IExecuteFunctions, itemIndex: number, field: string): CacheEntry[] {
	if (field === '') return [];
	return parseKnownReplies(readPath(ctx.getInputData()[itemIndex]?.json ?? {}, field));
}

/** Every item's issue and known replies, read before any work starts (they decide the order). */
export function readIssues(ctx: IExecuteFunctions, parameters: ExecutionParameters): IssueRead[] {
	return ctx.getInputData().map((_item, itemIndex) => {
		try {
			return { ok: true, issue: readIssue(ctx, itemIndex), knownReplies: readKnownReplies(ctx, itemIndex, parameters.knownRepliesField) };
		} catch (error) {
			return { ok: false, error };
		}
	});
}
