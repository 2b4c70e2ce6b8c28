import { matchesSecret } from './secretMatch';

/**
 * Declarative checks on fields of a parsed request: required, type, min/max, allowed values,
 * pattern, a text format, equality with an expected value, and a fallback field. A rule names its field by path: `tier`, `user.name`, `items[*]` (every element of a
 * list), `items[*].title`. Paths are resolved step by step without recursion, and a step that
 * meets the wrong kind of container simply yields nothing: the rule on the parent field (its
 * type) is what rejects it, so each violation is reported once, at the field that is wrong.
 */
export const JSON_TYPES = ['array', 'boolean', 'integer', 'null', 'number', 'object', 'string'] as const;
export type JsonType = (typeof JSON_TYPES)[number];
export const TEXT_FORMATS = ['dateTime'] as const;
export type TextFormat = (typeof TEXT_FORMATS)[number];

export interface FieldRule {
	path: string;
	required: boolean;
	/** Empty: any type. */
	types: JsonType[];
	/** Numbers: the value; strings: the length in characters; lists: the number of items. */
	min?: number;
	max?: number;
	allowed?: string[];
	pattern?: RegExp;
	/** A text must also have this form. */
	format?: TextFormat;
	/**
	 * When set, the value must be a text equal to `expected` (compared in constant time, as it is
	 * usually a secret); a missing or empty expected value matches nothing.
	 */
	mustEqual?: { expected: unknown };
	/**
	 * Path checked instead when this field is missing, null or blank (e.g. `customer.phone`, else
	 * `customer.handle`); a violation is still reported at this rule's field.
	 */
	orPath?: string;
	/** Replaces the generated message for any violation of this rule. */
	message?: string;
}

export interface RuleViolation {
	field: string;
	message: string;
	limit?: number;
}

type Step = { key: string } | { each: true } | { index: number };

interface Match {
	value: unknown;
	path: string;
	present: boolean;
}

const STEP = /([^.[\]]+)|\[(\*|\d+)\]/g;

/** `items[*].title` → [{key: items}, {each}, {key: title}]. */
export function parsePath(path: string): Step[] {
	const steps: Step[] = [];
	for (const match of path.trim().matchAll(STEP)) {
		if (match[1] !== undefined) steps.push({ key: match[1] });
		else if (match[2] === '*') steps.push({ each: true });
		else steps.push({ index: Number(match[2]) });
	}
	return steps;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function resolve(root: unknown, steps: Step[]): Match[] {
	let matches: Match[] = [{ value: root, path: '', present: true }];
	for (const step of steps) {
		const next: Match[] = [];
		for (const match of matches) {
			if (!match.present) continue;
			if ('key' in step) {
				if (!isPlainObject(match.value)) continue;
				const path = match.path === '' ? step.key : `${match.path}.${step.key}`;
				const present = Object.prototype.hasOwnProperty.call(match.value, step.key) && match.value[step.key] !== undefined;
				next.push({ value: present ? match.value[step.key] : undefined, path, present });
			} else if (Array.isArray(match.value)) {
				const indexes = 'each' in step ? match.value.keys() : [step.index];
				for (const i of indexes) {
					next.push({ value: match.value[i], path: `${match.path}[${i}]`, present: i < match.value.length });
				}
			}
		}
		matches = next;
	}
	return matches;
}

export function typeOf(value: unknown): JsonType {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
	return typeof value as JsonType;
}

const TYPE_WORDS: Record<JsonType, string> = {
	array: 'a list',
	boolean: 'true or false',
	integer: 'a whole number',
	null: 'null',
	number: 'a number',
	object: 'an object',
	string: 'a text',
};

function typeMatches(actual: JsonType, wanted: JsonType[]): boolean {
	return wanted.length === 0 || wanted.includes(actual) || (actual === 'integer' && wanted.includes('number'));
}

type Measure = 'value' | 'characters' | 'items';

function measure(value: unknown): { size: number; unit: Measure } | undefined {
	if (typeof value === 'number') return { size: value, unit: 'value' };
	if (typeof value === 'string') return { size: value.length, unit: 'characters' };
	if (Array.isArray(value)) return { size: value.length, unit: 'items' };
	return undefined;
}

function rangeText({ min, max }: FieldRule, unit: Measure): string {
	const both = min !== undefined && max !== undefined;
	const span = both ? `${min} to ${max}` : min !== undefined ? `at least ${min}` : `at most ${max}`;
	if (unit === 'value') return `must be ${both ? 'from ' : ''}${span}`;
	if (unit === 'items') return `must hold ${span} items`;
	return `must be ${span} characters long`;
}

function checkValue(rule: FieldRule, match: Match, trim: boolean): RuleViolation | undefined {
	const field = match.path;
	const fail = (message: string, limit?: number): RuleViolation => ({
		field,
		message: rule.message || message,
		...(limit === undefined ? {} : { limit }),
	});
	if (!match.present) return rule.required ? fail(`${field} is required`) : undefined;

	const value = trim && typeof match.value === 'string' ? match.value.trim() : match.value;
	const actual = typeOf(value);
	if (!typeMatches(actual, rule.types)) {
		return fail(`${field} must be ${rule.types.map((t) => TYPE_WORDS[t]).join(' or ')}`);
	}
	const measured = measure(value);
	if (measured && (rule.min !== undefined || rule.max !== undefined)) {
		const text = `${field} ${rangeText(rule, measured.unit)}`;
		if (rule.min !== undefined && measured.size < rule.min) return fail(text, rule.min);
		if (rule.max !== undefined && measured.size > rule.max) return fail(text, rule.max);
	}
	if (rule.allowed && rule.allowed.length > 0 && (actual === 'string' || actual === 'number' || actual === 'integer' || actual === 'boolean')) {
		if (!rule.allowed.includes(String(value))) return fail(`${field} must be one of: ${rule.allowed.join(', ')}`);
	}
	if (rule.pattern && typeof value === 'string' && !rule.pattern.test(value)) {
		return fail(`${field} does not have the expected form`);
	}
	if (rule.format === 'dateTime' && typeof value === 'string' && !isDateTime(value)) {
		return fail(`${field} must be a date and time such as 2026-12-01T10:00:00Z`);
	}
	if (rule.mustEqual && !matchesSecret(value, rule.mustEqual.expected)) {
		return fail(`${field} does not match`);
	}
	return undefined;
}

/** ISO 8601 date, optionally with a time and offset, that is also a real day (no 2026-02-30). */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

function isDateTime(text: string): boolean {
	if (!ISO_DATE_TIME.test(text)) return false;
	const parsed = new Date(text.slice(0, 10) + 'T00:00:00Z');
	return !Number.isNaN(Date.parse(text)) && parsed.toISOString().slice(0, 10) === text.slice(0, 10);
}

/** Missing for a fallback: absent, null, or a text of spaces only. */
function isMissing(match: Match): boolean {
	return !match.present || match.value === null || (typeof match.value === 'string' && match.value.trim() === '');
}

/** The fallback field's values, reported under the field the rule names. */
function fallback(root: unknown, rule: FieldRule & { orPath: string }, at: string): Match[] {
	const matches = resolve(root, parsePath(rule.orPath)).map((match) => ({ ...match, path: at }));
	return matches.length > 0 ? matches : [{ value: undefined, path: at, present: false }];
}

/** The first violation, in rule order and then element order; undefined when all rules hold. */
export function checkFieldRules(root: unknown, rules: FieldRule[], trim: boolean): RuleViolation | undefined {
	for (const rule of rules) {
		for (const found of resolve(root, parsePath(rule.path))) {
			const matches = rule.orPath && isMissing(found) ? fallback(root, { ...rule, orPath: rule.orPath }, found.path) : [found];
			for (const match of matches) {
				const violation = checkValue(rule, match, trim);
				if (violation) return violation;
			}
		}
	}
	return undefined;
}
