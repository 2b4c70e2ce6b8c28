import { checkFieldRules } from './fieldRules';
import type { FieldRule, RuleViolation } from './fieldRules';
import { checkJsonBounds } from './jsonBounds';

/**
 * The whole check of one parsed request, cheapest first: the declared size, then size and depth
 * measured without recursion, then (when there are rules) that it is an object, that its texts
 * arrived as valid UTF-8, and the field rules in order. The first failure decides the answer.
 */
export interface RequestPolicy {
	/** Names the request in answers ("body", "query"). */
	field: string;
	maxDepth: number;
	maxBytes: number;
	rules: FieldRule[];
	trim: boolean;
	/** Refuse texts holding U+FFFD, the character a server substitutes for bytes that were not UTF-8. */
	rejectBrokenText: boolean;
	notObjectMessage?: string;
	tooLargeMessage?: string;
}

export interface Rejection {
	statusCode: 400 | 413;
	body: { error: 'invalid_request' | 'payload_too_large'; field: string; message: string; limit?: number };
}

const BYTES_PER_KB = 1024;
const REPLACEMENT_CHARACTER = '\ufffd';

function invalid(violation: RuleViolation): Rejection {
	return { statusCode: 400, body: { error: 'invalid_request', ...violation } };
}

function tooLarge(field: string, policy: RequestPolicy): Rejection {
	const kb = Math.round(policy.maxBytes / BYTES_PER_KB);
	const message = policy.tooLargeMessage || `The request is larger than ${kb} KB; send less data`;
	return { statusCode: 413, body: { error: 'payload_too_large', field, message, limit: policy.maxBytes } };
}

function isObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Undefined when the request passes; `declaredBytes` is the client's Content-Length, if any. */
export function checkRequest(request: unknown, policy: RequestPolicy, declaredBytes?: number): Rejection | undefined {
	const { field } = policy;
	if (declaredBytes !== undefined && declaredBytes > policy.maxBytes) return tooLarge(field, policy);
	const bounds = checkJsonBounds(request, { maxDepth: policy.maxDepth, maxBytes: policy.maxBytes });
	if (!bounds.ok && bounds.exceeded === 'size') return tooLarge(bounds.path || field, policy);
	if (!bounds.ok) {
		return invalid({ field: bounds.path || field, message: `The request is nested deeper than ${policy.maxDepth} levels`, limit: policy.maxDepth });
	}
	if (policy.rules.length > 0 && !isObject(request)) {
		return invalid({ field, message: policy.notObjectMessage || `Send a JSON object in the ${field}` });
	}
	// Bounded by maxBytes above, so encoding it once is cheap.
	if (policy.rejectBrokenText && JSON.stringify(request ?? null).includes(REPLACEMENT_CHARACTER)) {
		return invalid({ field, message: 'The request is not valid UTF-8 text' });
	}
	const violation = checkFieldRules(request, policy.rules, policy.trim);
	return violation ? invalid(violation) : undefined;
}

/** The top-level fields the rules name, texts trimmed when asked: what a valid request passes on. */
export function checkedFields(request: unknown, rules: FieldRule[], trim: boolean): Record<string, unknown> {
	const checked: Record<string, unknown> = {};
	if (!isObject(request)) return checked;
	for (const rule of rules) {
		const key = rule.path.split(/[.[]/, 1)[0];
		if (!Object.prototype.hasOwnProperty.call(request, key) || request[key] === undefined) continue;
		const value = request[key];
		checked[key] = trim && typeof value === 'string' ? value.trim() : value;
	}
	return checked;
}
