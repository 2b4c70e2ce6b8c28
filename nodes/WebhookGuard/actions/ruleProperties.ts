import type { INodeProperties } from 'n8n-workflow';

import { JSON_TYPES } from '../../shared/validation/fieldRules';

/** The fields of one Field Rule, alphabetical as n8n's lint wants them. */
export const ruleValues: INodeProperties[] = [
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
		displayName: 'Expected Value',
		name: 'expected',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		displayOptions: { show: { mustEqual: [true] } },
		description: 'The value the field must equal, usually an expression reading a stored secret. When it is empty or missing, nothing matches.',
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
		displayName: 'Format',
		name: 'format',
		type: 'options',
		options: [
			{ name: 'Any Text', value: '' },
			{ name: 'Date and Time', value: 'dateTime', description: 'An ISO 8601 date, optionally with a time, e.g. 2026-12-01T10:00:00Z' },
		],
		default: '',
		description: 'A form a text must have, beyond its Pattern',
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
		displayName: 'Must Equal a Value',
		name: 'mustEqual',
		type: 'boolean',
		default: false,
		description: 'Whether the field must be a text equal to the Expected Value (compared in constant time, for tokens)',
	},
	{
		displayName: 'Or Field',
		name: 'orField',
		type: 'string',
		default: '',
		placeholder: 'e.g. customer.handle',
		description: 'Path checked with this rule instead when the field is missing, null or blank. Errors still name the field.',
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
];
