import { CallNotNeededError, CallTimeoutError, CancelledError, DeadlineExceededError, GoogleHttpError, InvalidOutputError, RateLimitWaitError } from '../errors';
import { RETRYABLE_STATUS_CODES } from './retryHints';
import type { RetryDecision } from './retryHints';

/** Which failures are worth another attempt, and which are the connection's own. */

const NETWORK_ERROR_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
	'ENOTFOUND',
	'ENETUNREACH',
	'EHOSTUNREACH',
	'UND_ERR_SOCKET',
	'ERR_CANCELED',
]);

/** System socket/DNS codes (EPROTO, EHOSTDOWN…), TLS and certificate failures, an unusable URL. */
const CONNECTION_ERROR_CODE =
	/^(?:E[A-Z]+|ERR_INVALID_URL|ERR_TLS_[A-Z_]+|ERR_SSL_[A-Z_]+|ERR_NETWORK|UND_ERR_[A-Z_]+|CERT_[A-Z_]+|[A-Z_]*SELF_SIGNED_CERT[A-Z_]*|UNABLE_TO_[A-Z_]+)$/;

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorCode(error: unknown): string | undefined {
	if (!isRecord(error)) return undefined;
	if (typeof error.code === 'string') return error.code;
	if (isRecord(error.cause) && typeof error.cause.code === 'string') return error.cause.code;
	return undefined;
}

export function isTimeout(error: unknown): boolean {
	const code = errorCode(error);
	if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') return true;
	return error instanceof Error && /timeout/i.test(error.message);
}

export function isNetworkError(error: unknown): boolean {
	const code = errorCode(error);
	return code !== undefined && NETWORK_ERROR_CODES.has(code);
}

/** Which failures are worth another attempt; see issue #2 for the rules. */
export function classifyFailure(error: unknown, retryInvalidOutput: boolean): RetryDecision {
	if (
		error instanceof CancelledError ||
		error instanceof DeadlineExceededError ||
		error instanceof CallNotNeededError
	) {
		return { retry: false };
	}
	if (error instanceof GoogleHttpError) {
		return RETRYABLE_STATUS_CODES.includes(error.statusCode)
			? { retry: true, minDelayMs: error.minDelayMs, reason: `HTTP ${error.statusCode}` }
			: { retry: false, reason: `HTTP ${error.statusCode}` };
	}
	if (error instanceof CallTimeoutError) return { retry: true, reason: 'timeout' };
	if (error instanceof InvalidOutputError) {
		return { retry: retryInvalidOutput, reason: 'invalid model output' };
	}
	if (error instanceof RateLimitWaitError) return { retry: false, reason: 'rate limit' };
	if (isNetworkError(error) || isTimeout(error)) return { retry: true, reason: 'network' };
	return { retry: false };
}

/**
 * A failure of the connection itself: a network or socket error code, a timeout, or an address
 * the HTTP client could not use (e.g. a mistyped host in the credential).
 */
export function isUnreachable(error: unknown): boolean {
	const code = errorCode(error);
	return isNetworkError(error) || isTimeout(error) || (code !== undefined && CONNECTION_ERROR_CODE.test(code));
}

