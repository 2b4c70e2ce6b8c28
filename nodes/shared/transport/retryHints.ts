/**
 * Pure helpers for reading Google API failures: which statuses are worth repeating, how long the
 * server asked us to wait, and how to keep keys out of anything we show to the user.
 */

/** Transient by nature: timeouts, quota, and server-side failures (Google documents all as retryable). */
export const RETRYABLE_STATUS_CODES: readonly number[] = [408, 429, 500, 502, 503, 504];

/** The request itself is wrong (bad input, key, permission or model); repeating cannot help. */
export const NEVER_RETRY_STATUS_CODES: readonly number[] = [400, 401, 403, 404];

export interface RetryDecision {
	retry: boolean;
	/** Lower bound for the next wait, usually what the server asked for. */
	minDelayMs?: number;
	reason?: string;
}

const MS_PER_SECOND = 1000;
const NANOS_PER_MS = 1_000_000;
const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

// Retry-After delta-seconds; fractions are not in RFC 9110 but some proxies send them.
const DELTA_SECONDS = /^\d+(?:\.\d+)?$/;
// All three HTTP-date forms (IMF-fixdate, RFC 850, asctime) open with a day name. Requiring it
// keeps Date.parse, which reads '5' as the year 2001, away from anything numeric.
const HTTP_DATE = /^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s/i;
// asctime dates carry no zone but are GMT by definition; Date.parse would read them as local time.
const HAS_ZONE = /\b(?:GMT|UTC)\b|[+-]\d{4}$/i;
// protobuf Duration in its JSON form: seconds with up to nine fractional digits and an 's'.
const DURATION = /^(\d+(?:\.\d{1,9})?)s$/;

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Milliseconds to wait according to a Retry-After header: delta-seconds or an HTTP-date.
 * Returns undefined for a missing, negative or unreadable value, 0 for a date already past.
 */
export function parseRetryAfter(
	value: string | string[] | undefined | null,
	nowMs: number,
): number | undefined {
	const raw = Array.isArray(value) ? value[0] : value;
	if (typeof raw !== 'string') return undefined;
	const text = raw.trim();
	if (DELTA_SECONDS.test(text)) return Math.round(Number(text) * MS_PER_SECOND);
	if (!HTTP_DATE.test(text)) return undefined;
	const at = Date.parse(HAS_ZONE.test(text) ? text : `${text} GMT`);
	if (Number.isNaN(at)) return undefined;
	return Math.max(0, at - nowMs);
}

function durationToMs(value: unknown): number | undefined {
	if (typeof value === 'string') {
		const match = DURATION.exec(value.trim());
		// Round up: waiting a fraction of a millisecond too long is harmless, too short is not.
		return match ? Math.ceil(Number(match[1]) * MS_PER_SECOND) : undefined;
	}
	// Some transcoders emit the Duration as an object instead of its canonical string.
	if (isRecord(value)) {
		const seconds = Number(value.seconds ?? 0);
		const nanos = Number(value.nanos ?? 0);
		if (!Number.isFinite(seconds) || !Number.isFinite(nanos) || seconds < 0 || nanos < 0) {
			return undefined;
		}
		return Math.ceil(seconds * MS_PER_SECOND + nanos / NANOS_PER_MS);
	}
	return undefined;
}

/**
 * Milliseconds from google.rpc.RetryInfo in a Google error body (object or JSON text).
 * Gemini sends this on 429 quota errors; it is often longer than any Retry-After header.
 */
export function parseRetryInfoDelay(body: unknown): number | undefined {
	let parsed: unknown = body;
	if (typeof parsed === 'string') {
		try {
			parsed = JSON.parse(parsed);
		} catch {
			return undefined;
		}
	}
	// Streaming endpoints wrap the error in a one-element array.
	if (Array.isArray(parsed)) parsed = parsed[0];
	if (!isRecord(parsed) || !isRecord(parsed.error)) return undefined;
	const details = parsed.error.details;
	if (!Array.isArray(details)) return undefined;
	for (const detail of details) {
		if (isRecord(detail) && detail['@type'] === RETRY_INFO_TYPE) {
			return durationToMs(detail.retryDelay);
		}
	}
	return undefined;
}

/** The longer of the two waits the server may ask for, or undefined when it asked for none. */
export function serverRequestedDelayMs(
	retryAfterHeader: string | string[] | undefined | null,
	body: unknown,
	nowMs: number,
): number | undefined {
	const fromHeader = parseRetryAfter(retryAfterHeader, nowMs);
	const fromBody = parseRetryInfoDelay(body);
	if (fromHeader === undefined) return fromBody;
	if (fromBody === undefined) return fromHeader;
	return Math.max(fromHeader, fromBody);
}

/**
 * Decide on an HTTP status alone. Statuses in neither list (e.g. 409, 422) are not retried:
 * repeating a request the server understood and refused is not safe to assume.
 */
export function classifyStatus(
	statusCode: number | undefined,
	serverDelayMs?: number,
): RetryDecision {
	if (statusCode !== undefined && RETRYABLE_STATUS_CODES.includes(statusCode)) {
		return { retry: true, minDelayMs: serverDelayMs, reason: `HTTP ${statusCode}` };
	}
	return { retry: false, reason: statusCode === undefined ? 'no HTTP status' : `HTTP ${statusCode}` };
}
