import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { goneModelIn, modelAdvice, ModelUnavailableError, modelUnavailableMessage } from '../gemini/retired';
import { parseRetryAfter, parseRetryInfoDelay, redactSecrets, RETRYABLE_STATUS_CODES } from './errors';
import type { RetryDecision } from './errors';
import { attemptsOf, CancelledError, DeadlineExceededError } from './retry';
import { RateLimitWaitError } from './rateLimiter';

export type GoogleCredentialType = 'geminiApi' | 'googleCloudTtsApi';

export type RequestContext = IExecuteFunctions | ILoadOptionsFunctions;

export interface ApiCall {
	credentialType: GoogleCredentialType;
	method: IHttpRequestMethods;
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
}

export interface ResolvedCredential {
	host: string;
	requestsPerMinute: number;
	/** Values that must never reach output, errors or logs. */
	secrets: string[];
	/** Identifies the credential for the shared rate limiter without containing the key. */
	identity: string[];
}

export interface ApiResponse<T> {
	body: T;
	statusCode: number;
}

const SERVICE_NAMES: Record<GoogleCredentialType, string> = {
	geminiApi: 'Gemini',
	googleCloudTtsApi: 'Google Cloud Text-to-Speech',
};

const DEFAULT_HOSTS: Record<GoogleCredentialType, string> = {
	geminiApi: 'https://generativelanguage.googleapis.com',
	googleCloudTtsApi: 'https://texttospeech.googleapis.com',
};

const MS_PER_SECOND = 1000;
const HTTP_BAD_REQUEST = 400;
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

/** A response with an HTTP error status, kept raw until it is mapped for the user. */
export class GoogleHttpError extends Error {
	name = 'GoogleHttpError';

	constructor(
		readonly service: string,
		readonly statusCode: number,
		readonly googleStatus: string | undefined,
		readonly googleMessage: string,
		readonly minDelayMs: number | undefined,
	) {
		super(`${service} answered HTTP ${statusCode}${googleStatus ? ` ${googleStatus}` : ''}`);
	}
}

/** No answer within the per-call timeout (our own abort or the HTTP client's). */
export class CallTimeoutError extends Error {
	name = 'CallTimeoutError';

	constructor(
		readonly service: string,
		readonly timeoutMs: number,
	) {
		super(`${service} did not answer within ${Math.round(timeoutMs / MS_PER_SECOND)} s`);
	}
}

/** The model answered, but not with something we can use (bad JSON, schema mismatch, blocked). */
export class InvalidOutputError extends Error {
	name = 'InvalidOutputError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function trimSlash(url: string): string {
	return url.replace(/\/+$/, '');
}

/**
 * The credential's host, key and rate limit. A credential without an API key is refused with a
 * message that says so, unless `allowEmptyKey` (nodes that work without AI check it themselves).
 */
export async function resolveCredential(
	ctx: RequestContext,
	credentialType: GoogleCredentialType,
	itemIndex?: number,
	{ allowEmptyKey = false }: { allowEmptyKey?: boolean } = {},
): Promise<ResolvedCredential> {
	// n8n throws a plain Error for a credential that is missing, deleted or not shared: that is
	// the user's setting to fix, never an internal error.
	const loaded = await ctx.getCredentials(credentialType, itemIndex).then(
		(value) => ({ value }),
		(error: unknown) => ({ error }),
	);
	if ('error' in loaded) {
		if (loaded.error instanceof NodeOperationError || loaded.error instanceof NodeApiError) throw loaded.error;
		const reason = loaded.error instanceof Error ? loaded.error.message : String(loaded.error);
		throw new NodeOperationError(ctx.getNode(), `The ${SERVICE_NAMES[credentialType]} credential could not be loaded: ${reason}`, {
			itemIndex,
			description: 'Open the node, select a credential in its Credential field (or create one), and save the workflow.',
		});
	}
	const data = loaded.value;
	const apiKey = typeof data.apiKey === 'string' ? data.apiKey.trim() : '';
	if (apiKey === '' && !allowEmptyKey) {
		throw new NodeOperationError(ctx.getNode(), `The ${SERVICE_NAMES[credentialType]} credential has no API key`, {
			itemIndex,
			description: 'Open the credential selected in this node and paste your API key (see the README, section Credentials).',
		});
	}
	const host = trimSlash(
		typeof data.host === 'string' && data.host.trim() !== ''
			? data.host.trim()
			: DEFAULT_HOSTS[credentialType],
	);
	const requestsPerMinute = Number(data.requestsPerMinute ?? 0);
	return {
		host,
		requestsPerMinute: Number.isFinite(requestsPerMinute) ? requestsPerMinute : 0,
		secrets: apiKey ? [apiKey] : [],
		identity: [credentialType, host, apiKey],
	};
}

function googleError(body: unknown): { status?: string; message: string } {
	let parsed = body;
	if (typeof body === 'string') {
		try {
			parsed = JSON.parse(body) as unknown;
		} catch {
			return { message: body.slice(0, 300) };
		}
	}
	if (isRecord(parsed) && isRecord(parsed.error)) {
		const { status, message } = parsed.error;
		return {
			status: typeof status === 'string' ? status : undefined,
			message: typeof message === 'string' ? message : '',
		};
	}
	return { message: '' };
}

function headerValue(headers: unknown, name: string): string | undefined {
	if (!isRecord(headers)) return undefined;
	const value = headers[name] ?? headers[name.toLowerCase()];
	return typeof value === 'string' ? value : Array.isArray(value) ? String(value[0]) : undefined;
}

/**
 * One HTTP attempt through n8n's authenticated request helper. The key travels only in the
 * header the credential defines; HTTP error statuses come back as GoogleHttpError so the
 * retry policy can read Retry-After and RetryInfo before anything is shown to the user.
 */
export async function requestOnce<T>(
	ctx: RequestContext,
	credential: ResolvedCredential,
	call: ApiCall,
	timeoutMs: number,
	signal: AbortSignal | undefined,
): Promise<ApiResponse<T>> {
	const service = SERVICE_NAMES[call.credentialType];
	const options: IHttpRequestOptions = {
		method: call.method,
		url: `${credential.host}${call.path}`,
		json: true,
		timeout: Math.max(1, Math.round(timeoutMs)),
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		headers: { 'content-type': 'application/json' },
	};
	if (call.body !== undefined) options.body = call.body;
	if (call.qs !== undefined) options.qs = call.qs;
	if (signal) options.abortSignal = signal;

	// Settled without a catch block: what is thrown is chosen below, once, for the retry policy.
	const outcome = await ctx.helpers.httpRequestWithAuthentication
		.call(ctx, call.credentialType, options)
		.then(
			(value: unknown) => ({ ok: true as const, value }),
			(error: unknown) => ({ ok: false as const, error }),
		);
	if (!outcome.ok) throw transportFailure(outcome.error, signal, service, timeoutMs);
	const response = outcome.value;
	const full = isRecord(response) ? response : {};
	const statusCode = Number(full.statusCode ?? 200);
	if (statusCode >= HTTP_BAD_REQUEST) {
		const { status, message } = googleError(full.body);
		const now = Date.now();
		const fromHeader = parseRetryAfter(headerValue(full.headers, 'retry-after'), now);
		const fromBody = parseRetryInfoDelay(full.body);
		const minDelayMs =
			fromHeader === undefined && fromBody === undefined
				? undefined
				: Math.max(fromHeader ?? 0, fromBody ?? 0);
		throw new GoogleHttpError(service, statusCode, status, message, minDelayMs);
	}
	return { body: full.body as T, statusCode };
}

function transportFailure(
	error: unknown,
	signal: AbortSignal | undefined,
	service: string,
	timeoutMs: number,
): unknown {
	if (signal?.aborted) {
		const reason: unknown = signal.reason;
		// By name, not instanceof: AbortSignal.timeout's DOMException may come from another realm.
		if (isRecord(reason) && reason.name === 'TimeoutError') {
			return new CallTimeoutError(service, timeoutMs);
		}
		return new CancelledError('The execution was stopped', { cause: reason });
	}
	return isTimeout(error) ? new CallTimeoutError(service, timeoutMs) : error;
}

function errorCode(error: unknown): string | undefined {
	if (!isRecord(error)) return undefined;
	if (typeof error.code === 'string') return error.code;
	if (isRecord(error.cause) && typeof error.cause.code === 'string') return error.cause.code;
	return undefined;
}

function isTimeout(error: unknown): boolean {
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
		(error instanceof Error && error.name === 'CallNotNeededError')
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

function advice(error: GoogleHttpError, credentialName: string): string {
	// A model that is gone (404, or the deprecation message under any status): name the fix.
	const goneModel = goneModelIn(error.statusCode, error.googleMessage);
	if (goneModel) return modelAdvice(goneModel);
	switch (error.statusCode) {
		case 400:
			return `Check the node's parameters (model, prompt size, options). If the message mentions an API key, check the "${credentialName}" credential.`;
		case 401:
		case 403:
			return `Open the "${credentialName}" credential and check the API key, and that the API is enabled for its project.`;
		case 404:
			return 'Pick another model from the list: this one does not exist or is not available to your key.';
		case 429:
			return `Your quota is exhausted. Lower Parallel Calls or set Requests per Minute on the "${credentialName}" credential to your quota, or raise the quota.`;
		default:
			return 'The service had a temporary problem. Run the workflow again later, or raise Max Attempts.';
	}
}

/**
 * The one place that turns a failure into what n8n shows: NodeApiError for the service's
 * answers, NodeOperationError for what the user must change or for cancellation. Every text is
 * passed through redactSecrets, and the raw HTTP client error (which holds request headers)
 * never reaches the NodeApiError.
 */
export function toNodeError(
	ctx: RequestContext,
	error: unknown,
	itemIndex: number,
	secrets: readonly string[],
	credentialName: string,
): NodeApiError | NodeOperationError {
	const node = ctx.getNode();
	const clean = (text: string) => redactSecrets(text, secrets);
	const attempts = attemptsOf(error);
	const afterAttempts = attempts && attempts > 1 ? ` after ${attempts} attempts` : '';

	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof ModelUnavailableError) {
		// Something the user must change (the model), so not an API error; Google's words kept.
		return new NodeOperationError(node, clean(error.message), {
			itemIndex,
			description: clean(
				`Google answered HTTP ${error.statusCode}${error.googleStatus ? ` ${error.googleStatus}` : ''}${error.googleMessage ? `: ${error.googleMessage}` : ''}`,
			),
		});
	}
	if (error instanceof GoogleHttpError) {
		const response: JsonObject = {
			httpCode: String(error.statusCode),
			status: error.googleStatus ?? null,
			message: clean(error.googleMessage),
		};
		const goneModel = goneModelIn(error.statusCode, error.googleMessage);
		return new NodeApiError(node, response, {
			itemIndex,
			httpCode: String(error.statusCode),
			message: clean(
				`${error.message}${afterAttempts}${goneModel ? `: ${modelUnavailableMessage(goneModel)}` : ''}`,
			),
			description: clean(
				`${error.googleMessage ? `Google said: ${error.googleMessage}. ` : ''}${advice(error, credentialName)}`,
			),
		});
	}
	if (error instanceof CancelledError) {
		return new NodeOperationError(node, 'The execution was stopped, so the request was cancelled', {
			itemIndex,
		});
	}
	const message = error instanceof Error ? clean(error.message) : clean(String(error));
	if (error instanceof CallTimeoutError || error instanceof DeadlineExceededError) {
		return new NodeOperationError(node, `${message}${afterAttempts}`, {
			itemIndex,
			description:
				'Raise Timeout per Call or the Item Deadline in the node options, or ask for less work per call.',
		});
	}
	if (error instanceof InvalidOutputError) {
		return new NodeOperationError(node, `The model's answer could not be used${afterAttempts}: ${message}`, {
			itemIndex,
			description: 'Try again, raise Max Output Tokens, or pick a stronger model.',
		});
	}
	if (error instanceof RateLimitWaitError) {
		return new NodeOperationError(node, message, {
			itemIndex,
			description: `Raise Requests per Minute on the "${credentialName}" credential or the Item Deadline.`,
		});
	}
	if (isUnreachable(error)) {
		return new NodeOperationError(node, `Could not reach the service${afterAttempts}: ${message}`, {
			itemIndex,
			description: `Check the host in the "${credentialName}" credential and the network of your n8n instance.`,
		});
	}
	// Anything else is our own fault (a bug, an unexpected value): say so, never blame the network.
	const kind = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : '';
	return new NodeOperationError(node, `Internal error in the node: ${kind}${message}`, {
		itemIndex,
		description:
			'This is an error inside the node, not in your settings or at the service. Please report it with this message; running again may not help.',
	});
}

/**
 * A failure of the connection itself: a network or socket error code, a timeout, or an address
 * the HTTP client could not use (e.g. a mistyped host in the credential).
 */
export function isUnreachable(error: unknown): boolean {
	const code = errorCode(error);
	return isNetworkError(error) || isTimeout(error) || (code !== undefined && CONNECTION_ERROR_CODE.test(code));
}
