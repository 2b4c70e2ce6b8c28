import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { FieldRule, JsonType, TextFormat } from '../shared/validation/fieldRules';
import type { RequestPolicy } from '../shared/validation/requestCheck';

export const DEFAULT_MAX_DEPTH = 32;
export const DEFAULT_MAX_SIZE_KB = 1024;
export const DEFAULT_REQUEST_FIELD = 'body';
export const DEFAULT_OUTPUT_FIELD = 'request';
export const BYTES_PER_KB = 1024;

export type RequestSource = 'field' | 'value';

interface RawRule {
	field?: string;
	required?: boolean;
	types?: JsonType[];
	min?: string | number;
	max?: string | number;
	allowed?: string;
	pattern?: string;
	format?: TextFormat | '';
	mustEqual?: boolean;
	expected?: unknown;
	orField?: string;
	message?: string;
}

export interface Settings {
	source: RequestSource;
	policy: RequestPolicy;
	outputField: string;
	addJobFields: boolean;
}

function bound(ctx: IExecuteFunctions, value: string | number | undefined, name: string, field: string, itemIndex: number): number | undefined {
	if (value === undefined || String(value).trim() === '') return undefined;
	const parsed = Number(value);
	if (!Number.isFinite(parsed)) {
		throw new NodeOperationError(ctx.getNode(), `Field rule "${field}": ${name} must be a number, not "${String(value)}"`, { itemIndex });
	}
	return parsed;
}

function compile(ctx: IExecuteFunctions, pattern: string, field: string, itemIndex: number): RegExp {
	try {
		return new RegExp(pattern);
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), `Field rule "${field}": the Pattern is not a valid regular expression`, {
			description: (error as Error).message,
			itemIndex,
		});
	}
}

/** A rule's fields as typed; a broken rule is the workflow author's to fix, so it is an error. */
function readRules(ctx: IExecuteFunctions, itemIndex: number): FieldRule[] {
	const raw = (ctx.getNodeParameter('rules.rule', itemIndex, []) as RawRule[]) ?? [];
	return raw.map((rule) => {
		const path = String(rule.field ?? '').trim();
		if (path === '') {
			throw new NodeOperationError(ctx.getNode(), 'A field rule has no Field', {
				description: 'Name the field to check, e.g. "tier" or "items[*].title".',
				itemIndex,
			});
		}
		const allowed = String(rule.allowed ?? '')
			.split(',')
			.map((v) => v.trim())
			.filter((v) => v !== '');
		const orPath = String(rule.orField ?? '').trim();
		return {
			path,
			required: Boolean(rule.required),
			types: rule.types ?? [],
			min: bound(ctx, rule.min, 'Min', path, itemIndex),
			max: bound(ctx, rule.max, 'Max', path, itemIndex),
			allowed: allowed.length > 0 ? allowed : undefined,
			pattern: rule.pattern ? compile(ctx, rule.pattern, path, itemIndex) : undefined,
			format: rule.format ? rule.format : undefined,
			mustEqual: rule.mustEqual ? { expected: rule.expected } : undefined,
			orPath: orPath === '' ? undefined : orPath,
			message: rule.message ? String(rule.message) : undefined,
		};
	});
}

/** Read per item: a rule may compare with a value that an expression finds for this item. */
export function readSettings(ctx: IExecuteFunctions, itemIndex: number): Settings {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const source = ctx.getNodeParameter('source', itemIndex, 'field') as RequestSource;
	const field = source === 'value' ? 'request' : String(ctx.getNodeParameter('requestField', itemIndex, DEFAULT_REQUEST_FIELD) || DEFAULT_REQUEST_FIELD);
	return {
		source,
		policy: {
			field,
			maxDepth: Number(ctx.getNodeParameter('maxDepth', itemIndex, DEFAULT_MAX_DEPTH)),
			maxBytes: Number(ctx.getNodeParameter('maxSizeKb', itemIndex, DEFAULT_MAX_SIZE_KB)) * BYTES_PER_KB,
			rules: readRules(ctx, itemIndex),
			trim: options.trim !== false,
			rejectBrokenText: options.rejectBrokenText === true,
			notObjectMessage: options.notObjectMessage ? String(options.notObjectMessage) : undefined,
			tooLargeMessage: options.tooLargeMessage ? String(options.tooLargeMessage) : undefined,
		},
		outputField: String(options.outputField ?? DEFAULT_OUTPUT_FIELD) || DEFAULT_OUTPUT_FIELD,
		addJobFields: options.addJobFields === true,
	};
}

/** The request given below: an object from an expression, or JSON text. */
export function readRequestValue(ctx: IExecuteFunctions, itemIndex: number): unknown {
	const value = ctx.getNodeParameter('request', itemIndex, {}) as unknown;
	if (typeof value !== 'string') return value;
	try {
		return JSON.parse(value) as unknown;
	} catch {
		throw new NodeOperationError(ctx.getNode(), 'The Request is not valid JSON', {
			description: 'Give an expression that returns an object, e.g. {{ $("Webhook").first().json.query }}.',
			itemIndex,
		});
	}
}
