import { randomBytes } from 'node:crypto';

import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { failedItem } from '../../shared/node/items';
import { checkFieldRules, JSON_TYPES } from '../../shared/validation/fieldRules';
import type { FieldRule, JsonType, RuleViolation } from '../../shared/validation/fieldRules';
import { checkJsonBounds } from '../../shared/validation/jsonBounds';

export const DEFAULT_MAX_DEPTH = 32;
export const DEFAULT_MAX_SIZE_KB = 1024;
const BYTES_PER_KB = 1024;
/** 24 random bytes: a 48-character hex token, as hard to guess as two UUIDs. */
const JOB_TOKEN_BYTES = 24;
const UUID_RANDOM_BYTES = 10;
const TIMESTAMP_HEX_DIGITS = 12;

/**
 * A UUID version 7 (RFC 9562): 48 bits of issue time in milliseconds, then 74 random bits. Being
 * time-ordered lets a workflow answer before the job row is written and still tell a job issued a
 * moment ago from an unknown id (the status webhook reads the time back from the id).
 */
export function uuidV7(now = Date.now()): string {
	const time = Math.floor(now).toString(16).padStart(TIMESTAMP_HEX_DIGITS, '0').slice(-TIMESTAMP_HEX_DIGITS);
	const random = randomBytes(UUID_RANDOM_BYTES).toString('hex');
	const variant = (0x8 | (parseInt(random[3], 16) & 0x3)).toString(16);
	return `${time.slice(0, 8)}-${time.slice(8)}-7${random.slice(0, 3)}-${variant}${random.slice(4, 7)}-${random.slice(7, 19)}`;
}
const NO_CREDENTIAL = 'Webhook Guard';

const show = { show: { operation: ['checkRequest'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Request Field',
		name: 'requestField',
		type: 'string',
		default: 'body',
		displayOptions: show,
		description: 'Field of the incoming item that holds the parsed request: "body" for a Webhook node\'s JSON body, "query" for its query string',
	},
	{
		displayName: 'Max Depth',
		name: 'maxDepth',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 32,
		displayOptions: show,
		description: 'Deepest nesting of objects and lists accepted (the request itself is level 1). Deeper requests get 400 naming the limit, before anything else reads them.',
	},
	{
		displayName: 'Max Size (KB)',
		name: 'maxSizeKb',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 1024,
		displayOptions: show,
		description: 'Largest request accepted, in kilobytes of JSON. Larger requests get 413 naming the limit.',
	},
	{
		displayName: 'Field Rules',
		name: 'rules',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		default: {},
		placeholder: 'Add Rule',
		displayOptions: show,
		description: 'Checked in this order; the first rule that fails decides the answer',
		options: [
			{
				displayName: 'Rule',
				name: 'rule',
				values: [
					{
						displayName: 'Allowed Values',
						name: 'allowed',
						type: 'string',
						default: '',
						placeholder: 'e.g. pt-BR, en',
						description: 'Comma-separated list of the only values accepted. Empty: any value.',
					},
					{
						displayName: 'Error Message',
						name: 'message',
						type: 'string',
						default: '',
						description: 'What the caller reads when this rule fails. Empty: a message generated from the rule.',
					},
					{
						displayName: 'Field',
						name: 'field',
						type: 'string',
						default: '',
						placeholder: 'e.g. tier, user.name, items[*].title',
						description: 'Path inside the request. [*] checks every element of a list.',
					},
					{
						displayName: 'Max',
						name: 'max',
						type: 'string',
						default: '',
						description: 'Largest number, longest text (characters) or longest list (items). Empty: no maximum.',
					},
					{
						displayName: 'Min',
						name: 'min',
						type: 'string',
						default: '',
						description: 'Smallest number, shortest text (characters) or shortest list (items). Empty: no minimum.',
					},
					{
						displayName: 'Pattern',
						name: 'pattern',
						type: 'string',
						default: '',
						placeholder: 'e.g. ^[A-Za-z][A-Za-z0-9_ -]*$',
						description: 'Regular expression a text must match. Checked after Max, so set Max to bound the work.',
					},
					{
						displayName: 'Required',
						name: 'required',
						type: 'boolean',
						default: false,
						description: 'Whether the field must be present',
					},
					{
						displayName: 'Types',
						name: 'types',
						type: 'multiOptions',
						options: JSON_TYPES.map((type) => ({ name: type.charAt(0).toUpperCase() + type.slice(1), value: type })),
						default: [],
						description: 'Accepted JSON types. Empty: any. Integer is a whole number; Number accepts both.',
					},
				],
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show,
		options: [
			{
				displayName: 'Add Job ID and Token',
				name: 'addJobFields',
				type: 'boolean',
				default: false,
				description:
					'Whether to add a jobId (a time-ordered UUID version 7) and a private jobToken (48 hex characters) to each valid item, for workflows that answer 202 and work in the background. Saves two Crypto nodes on the path where the caller waits.',
			},
			{
				displayName: 'Put Checked Fields In',
				name: 'outputField',
				type: 'string',
				default: 'request',
				description: 'Field of the Valid item that receives the checked top-level fields. The raw request and the headers (which may carry a secret) are not passed on.',
			},
			{
				displayName: 'Trim Texts',
				name: 'trim',
				type: 'boolean',
				default: true,
				description: 'Whether to remove spaces around texts before checking them and in the output',
			},
		],
	},
];

interface RawRule {
	field?: string;
	required?: boolean;
	types?: JsonType[];
	min?: string | number;
	max?: string | number;
	allowed?: string;
	pattern?: string;
	message?: string;
}

function bound(ctx: IExecuteFunctions, value: string | number | undefined, name: string, field: string): number | undefined {
	if (value === undefined || String(value).trim() === '') return undefined;
	const parsed = Number(value);
	if (!Number.isFinite(parsed)) {
		throw new NodeOperationError(ctx.getNode(), `Field rule "${field}": ${name} must be a number, not "${String(value)}"`);
	}
	return parsed;
}

/** Rules are read and compiled once per execution; a broken rule is the author's to fix. */
function readRules(ctx: IExecuteFunctions): FieldRule[] {
	const raw = (ctx.getNodeParameter('rules.rule', 0, []) as RawRule[]) ?? [];
	return raw.map((rule) => {
		const path = String(rule.field ?? '').trim();
		if (path === '') throw new NodeOperationError(ctx.getNode(), 'A field rule has no Field', { description: 'Name the field to check, e.g. "tier" or "items[*].title".' });
		let pattern: RegExp | undefined;
		if (rule.pattern) {
			try {
				pattern = new RegExp(rule.pattern);
			} catch (error) {
				throw new NodeOperationError(ctx.getNode(), `Field rule "${path}": the Pattern is not a valid regular expression`, {
					description: (error as Error).message,
				});
			}
		}
		const allowed = String(rule.allowed ?? '')
			.split(',')
			.map((v) => v.trim())
			.filter((v) => v !== '');
		return {
			path,
			required: Boolean(rule.required),
			types: rule.types ?? [],
			min: bound(ctx, rule.min, 'Min', path),
			max: bound(ctx, rule.max, 'Max', path),
			allowed: allowed.length > 0 ? allowed : undefined,
			pattern,
			message: rule.message ? String(rule.message) : undefined,
		};
	});
}

interface Settings {
	requestField: string;
	maxDepth: number;
	maxBytes: number;
	rules: FieldRule[];
	outputField: string;
	trim: boolean;
	addJobFields: boolean;
}

function readSettings(ctx: IExecuteFunctions): Settings {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	return {
		requestField: String(ctx.getNodeParameter('requestField', 0, 'body') || 'body'),
		maxDepth: Number(ctx.getNodeParameter('maxDepth', 0, DEFAULT_MAX_DEPTH)),
		maxBytes: Number(ctx.getNodeParameter('maxSizeKb', 0, DEFAULT_MAX_SIZE_KB)) * BYTES_PER_KB,
		rules: readRules(ctx),
		outputField: String(options.outputField ?? 'request') || 'request',
		trim: options.trim !== false,
		addJobFields: options.addJobFields === true,
	};
}

interface Rejection {
	statusCode: 400 | 413;
	body: { error: string; field: string; message: string; limit?: number };
}

function invalid(violation: RuleViolation): { rejected: Rejection } {
	return { rejected: { statusCode: 400, body: { error: 'invalid_request', ...violation } } };
}

function tooLarge(field: string, maxBytes: number): Rejection {
	const kb = Math.round(maxBytes / BYTES_PER_KB);
	return {
		statusCode: 413,
		body: { error: 'payload_too_large', field, message: `The request is larger than ${kb} KB; send less data`, limit: maxBytes },
	};
}

/** The declared Content-Length, when the client sent one: the cheapest check comes first. */
function declaredLength(json: IDataObject): number | undefined {
	const headers = json.headers as IDataObject | undefined;
	const value = Number(headers?.['content-length']);
	return Number.isFinite(value) ? value : undefined;
}

type Outcome = { valid: IDataObject } | { rejected: Rejection };

/** Everything but the raw request and the headers (which may carry the webhook secret). */
function passedOn(json: IDataObject, requestField: string): IDataObject {
	const kept: IDataObject = {};
	for (const [key, value] of Object.entries(json)) {
		if (key !== requestField && key !== 'headers') kept[key] = value;
	}
	return kept;
}

function check(json: IDataObject, settings: Settings): Outcome {
	const field = settings.requestField;
	const length = declaredLength(json);
	if (length !== undefined && length > settings.maxBytes) return { rejected: tooLarge(field, settings.maxBytes) };
	const request = json[field];
	const bounds = checkJsonBounds(request, { maxDepth: settings.maxDepth, maxBytes: settings.maxBytes });
	if (!bounds.ok && bounds.exceeded === 'size') return { rejected: tooLarge(bounds.path || field, settings.maxBytes) };
	if (!bounds.ok) {
		return invalid({
			field: bounds.path || field,
			message: `The request is nested deeper than ${settings.maxDepth} levels`,
			limit: settings.maxDepth,
		});
	}
	if (settings.rules.length > 0 && (request === null || typeof request !== 'object' || Array.isArray(request))) {
		return invalid({ field, message: `Send a JSON object in the ${field}` });
	}
	const violation = checkFieldRules(request, settings.rules, settings.trim);
	if (violation) return invalid(violation);

	const checked: IDataObject = {};
	const source = (request ?? {}) as IDataObject;
	for (const rule of settings.rules) {
		const key = rule.path.split(/[.[]/, 1)[0];
		if (!(key in source) || source[key] === undefined) continue;
		const value = source[key];
		checked[key] = settings.trim && typeof value === 'string' ? value.trim() : value;
	}
	const valid: IDataObject = { ...passedOn(json, field), [settings.outputField]: checked };
	if (settings.addJobFields) {
		valid.jobId = uuidV7();
		valid.jobToken = randomBytes(JOB_TOKEN_BYTES).toString('hex');
	}
	return { valid };
}

export async function execute(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const valid: INodeExecutionData[] = [];
	const rejected: INodeExecutionData[] = [];
	let settings: Settings;
	try {
		settings = readSettings(ctx);
	} catch (error) {
		return [[], items.map((_item, i) => failedItem(ctx, error, i, NO_CREDENTIAL))];
	}
	for (const [itemIndex, item] of items.entries()) {
		const pairedItem = { item: itemIndex };
		const outcome = check(item.json, settings);
		if ('valid' in outcome) valid.push({ json: outcome.valid, pairedItem });
		else rejected.push({ json: { ...outcome.rejected }, pairedItem });
	}
	return [valid, rejected];
}
