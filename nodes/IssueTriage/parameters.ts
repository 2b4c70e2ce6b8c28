import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DEFAULT_EMBEDDING_MODEL, DEFAULT_TEXT_MODEL } from '../shared/gemini/catalog';
import { readResilience } from '../shared/node/resilienceOptions';
import type { ResilienceOptions } from '../shared/node/resilienceOptions';
import { FIELD_DEFAULTS, issueTriageProperties } from './description';
import type { BudgetLimits } from './engine/budget';
import type { AiSettings } from './engine/decide';
import { parseKnownReplies } from './engine/replyCache';
import { DEFAULT_CATEGORIES } from './engine/rules';
import { isPriority } from './engine/types';
import type { CacheEntry, Category, Issue } from './engine/types';

const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MAX_TEXT_CHARACTERS = 20_000;
const MAX_HISTORY = 20;

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

const OPTION_DEFAULTS: Record<string, unknown> = Object.fromEntries(
	((issueTriageProperties.find((p) => p.name === 'options')?.options ?? []) as INodeProperties[]).map((o) => [o.name, o.default]),
);

function numberOption(options: IDataObject, name: string): number {
	const value = options[name];
	return typeof value === 'number' && Number.isFinite(value) ? value : Number(OPTION_DEFAULTS[name]);
}

function modelOption(ctx: IExecuteFunctions, name: string, fallback: string): string {
	const value = ctx.getNodeParameter(`options.${name}`, 0, fallback, { extractValue: true });
	return String(value || fallback).trim() || fallback;
}

export function readPath(source: unknown, path: string): unknown {
	let current: unknown = source;
	for (const key of path.split('.').filter((part) => part !== '')) {
		if (typeof current !== 'object' || current === null) return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}

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
			model: modelOption(ctx, 'model', DEFAULT_TEXT_MODEL),
			embeddingModel: modelOption(ctx, 'embeddingModel', DEFAULT_EMBEDDING_MODEL),
			temperature: numberOption(options, 'temperature'),
			maxOutputTokens: numberOption(options, 'maxOutputTokens'),
			maxReplyCharacters: numberOption(options, 'maxReplyCharacters'),
			cache: {
				enabled: options.replyCache !== false,
				threshold: numberOption(options, 'cacheSimilarity'),
				ttlMs: numberOption(options, 'cacheTtlHours') * MS_PER_HOUR,
				dimensions: numberOption(options, 'embeddingDimensions'),
			},
		},
		resilience: readResilience(options),
		budget: {
			criticalPerMinute: numberOption(options, 'criticalPerMinute'),
			overallPerMinute: numberOption(options, 'repliesPerMinute'),
		},
		duplicateWindowMs: numberOption(options, 'duplicateWindowMinutes') * MS_PER_MINUTE,
		breaker: {
			failureThreshold: numberOption(options, 'breakerFailures'),
			coolDownMs: numberOption(options, 'breakerCoolDownSeconds') * MS_PER_SECOND,
		},
		defaultLanguage: String(options.defaultLanguage ?? OPTION_DEFAULTS.defaultLanguage).trim() || 'en',
		partCharacters: numberOption(options, 'replyPartCharacters'),
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
export function readIssue(ctx: IExecuteFunctions, itemIndex: number): Issue {
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

export function readKnownReplies(ctx: IExecuteFunctions, itemIndex: number, field: string): CacheEntry[] {
	if (field === '') return [];
	return parseKnownReplies(readPath(ctx.getInputData()[itemIndex]?.json ?? {}, field));
}
