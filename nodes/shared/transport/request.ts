import type { IDataObject, IExecuteFunctions, IHttpRequestMethods, IHttpRequestOptions, ILoadOptionsFunctions } from 'n8n-workflow';

import { SERVICE_NAMES } from '../credentials';
import type { GoogleCredentialType, ResolvedCredential } from '../credentials';
import { CallTimeoutError, CancelledError, GoogleHttpError } from '../errors';
import { isTimeout } from './classify';
import { settleOnAbort } from './deadline';
import { parseRetryAfter, parseRetryInfoDelay } from './retryHints';

/** One HTTP attempt to a Google API and nothing else: no retry, no credential loading, no mapping. */

export type RequestContext = IExecuteFunctions | ILoadOptionsFunctions;

export interface ApiCall {
	credentialType: GoogleCredentialType;
	method: IHttpRequestMethods;
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
}

export interface ApiResponse<T> {
	body: T;
	statusCode: number;
	/** Response headers as n8n's helper returns them (lower-case names). */
	headers: Record<string, unknown>;
}

const HTTP_BAD_REQUEST = 400;

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
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
	// settleOnAbort: n8n hands the helper its own cancel signal instead of ours (see deadline.ts).
	const outcome = await settleOnAbort(ctx.helpers.httpRequestWithAuthentication.call(ctx, call.credentialType, options), signal)
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
	return { body: full.body as T, statusCode, headers: isRecord(full.headers) ? full.headers : {} };
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
