import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { checkedFields, checkRequest } from '../../shared/validation/requestCheck';
import type { Rejection } from '../../shared/validation/requestCheck';
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_SIZE_KB, DEFAULT_OUTPUT_FIELD, DEFAULT_REQUEST_FIELD, readRequestValue, readSettings } from '../parameters';
import type { Settings } from '../parameters';
import { jobToken, uuidV7 } from '../../shared/jobIds';
import { ruleValues } from './ruleProperties';

const show = { show: { operation: ['checkRequest'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Request',
		name: 'source',
		type: 'options',
		options: [
			{ name: 'From a Field of the Item', value: 'field', description: 'The usual case: the item comes from a Webhook node' },
			{
				name: 'Given Below',
				value: 'value',
				description: 'An expression names the request, e.g. when the item is a row looked up after the Webhook',
			},
		],
		default: 'field',
		displayOptions: show,
	},
	{
		displayName: 'Request Field',
		name: 'requestField',
		type: 'string',
		default: DEFAULT_REQUEST_FIELD,
		displayOptions: { show: { ...show.show, source: ['field'] } },
		description: 'Field of the incoming item that holds the parsed request: "body" for a Webhook node\'s JSON body, "query" for its query string',
	},
	{
		displayName: 'Request (JSON)',
		name: 'request',
		type: 'json',
		default: '{}',
		displayOptions: { show: { ...show.show, source: ['value'] } },
		description: 'The request to check, usually an expression returning the query of the Webhook node',
	},
	{
		displayName: 'Max Depth',
		name: 'maxDepth',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_MAX_DEPTH,
		displayOptions: show,
		description: 'Deepest nesting of objects and lists accepted (the request itself is level 1). Deeper requests get 400 naming the limit, before anything else reads them.',
	},
	{
		displayName: 'Max Size (KB)',
		name: 'maxSizeKb',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_MAX_SIZE_KB,
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
		options: [{ displayName: 'Rule', name: 'rule', values: ruleValues }],
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
				displayName: 'Message When Not an Object',
				name: 'notObjectMessage',
				type: 'string',
				default: '',
				description: 'What the caller reads when the request is not a JSON object, e.g. an example of the expected request. Empty: a generated message.',
			},
			{
				displayName: 'Message When Too Large',
				name: 'tooLargeMessage',
				type: 'string',
				default: '',
				description: 'What the caller reads with the 413. Empty: a message naming the limit.',
			},
			{
				displayName: 'Put Checked Fields In',
				name: 'outputField',
				type: 'string',
				default: DEFAULT_OUTPUT_FIELD,
				description: 'Field of the Valid item that receives the checked top-level fields. The raw request and the headers (which may carry a secret) are not passed on.',
			},
			{
				displayName: 'Reject Broken Text',
				name: 'rejectBrokenText',
				type: 'boolean',
				default: false,
				description:
					'Whether to answer 400 "not valid UTF-8" when a text holds U+FFFD, the character the server puts where the bytes sent were not UTF-8',
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

export type Outcome = { valid: IDataObject } | { rejected: Rejection };

/** The declared Content-Length, when the client sent one: the cheapest check comes first. */
function declaredLength(json: IDataObject): number | undefined {
	const headers = json.headers as IDataObject | undefined;
	const value = Number(headers?.['content-length']);
	return Number.isFinite(value) ? value : undefined;
}

/** Everything but the raw request and the headers (which may carry the webhook secret). */
function passedOn(json: IDataObject, settings: Settings): IDataObject {
	const kept: IDataObject = {};
	for (const [key, value] of Object.entries(json)) {
		const isRequest = settings.source === 'field' && key === settings.policy.field;
		if (!isRequest && key !== 'headers') kept[key] = value;
	}
	return kept;
}

/** Checks one item's request; a rejected request is an answer for the caller, not an error. */
export function execute(ctx: IExecuteFunctions, itemIndex: number): Outcome {
	const settings = readSettings(ctx, itemIndex);
	const { json } = ctx.getInputData()[itemIndex];
	const fromField = settings.source === 'field';
	const request = fromField ? json[settings.policy.field] : readRequestValue(ctx, itemIndex);
	const rejected = checkRequest(request, settings.policy, fromField ? declaredLength(json) : undefined);
	if (rejected) return { rejected };
	const valid: IDataObject = {
		...passedOn(json, settings),
		[settings.outputField]: checkedFields(request, settings.policy.rules, settings.policy.trim) as IDataObject,
	};
	if (settings.addJobFields) {
		valid.jobId = uuidV7();
		valid.jobToken = jobToken();
	}
	return { valid };
}
