import { MAX_SERVER_REQUESTED_DELAY_MS } from '../transport/retry';
import { resilienceOptionProperties } from './resilienceOptions';
import { CallTimeoutError, DeadlineExceededError, GoogleHttpError, InvalidOutputError, ModelUnavailableError, RateLimitWaitError, SlotWaitTimeoutError } from '../errors';
import { isUnreachable } from '../transport/classify';
import { secondsText as seconds } from '../units';

/**
 * One line that tells a no-code operator which setting to change after a failed call, naming
 * every option exactly as the node's panel labels it (the labels are read from the option
 * definitions, so the advice cannot drift from the panel).
 */

const HTTP_BAD_REQUEST = 400;
const HTTP_UNAUTHORIZED = 401;
const HTTP_FORBIDDEN = 403;
const HTTP_NOT_FOUND = 404;
const HTTP_TOO_MANY_REQUESTS = 429;
const HTTP_SERVER_ERROR = 500;
const API_KEY_MENTION = /api[ _-]?key/i;

const LABELS: Record<string, string> = Object.fromEntries(
	resilienceOptionProperties().map((property) => [property.name, property.displayName]),
);

/** The panel label of a shared resilience option, e.g. "Parallel Calls". */
export function resilienceLabel(name: 'maxAttempts' | 'callTimeoutSeconds' | 'itemDeadlineSeconds' | 'parallelCalls' | 'parallelItems' | 'hedgeSlowCalls'): string {
	return LABELS[name] ?? name;
}

export interface AdviceContext {
	/** The credential's name as n8n shows it, e.g. "Gemini API". */
	credentialName: string;
	/** Labels of the node's own options, when it has them. */
	modelLabel?: string;
	maxOutputTokensLabel?: string;
	/** What was left of the item deadline when the failure happened. */
	remainingMs?: number;
}

function quoted(label: string): string {
	return `"${label}" in the node's Options`;
}

/** A server-requested wait that could not be honoured, said as such (not as a timeout). */
export function serverWaitTooLong(error: unknown, remainingMs?: number): string | undefined {
	if (!(error instanceof GoogleHttpError) || error.minDelayMs === undefined) return undefined;
	const asked = error.minDelayMs;
	if (asked > MAX_SERVER_REQUESTED_DELAY_MS) {
		return `Google asked to wait ${seconds(asked)} before trying again, longer than the ${seconds(MAX_SERVER_REQUESTED_DELAY_MS)} a node waits at most: the quota is used up for now.`;
	}
	if (remainingMs !== undefined && asked >= remainingMs) {
		return `Google asked to wait ${seconds(asked)} before trying again, longer than the ${seconds(remainingMs)} left of the item's ${resilienceLabel('itemDeadlineSeconds')}.`;
	}
	return undefined;
}

export function failureAdvice(error: unknown, context: AdviceContext): string {
	const credential = `the "${context.credentialName}" credential`;
	const model = context.modelLabel ? `choose another ${quoted(context.modelLabel)}` : 'choose another model';
	if (error instanceof GoogleHttpError) {
		const status = error.statusCode;
		if (status === HTTP_UNAUTHORIZED || status === HTTP_FORBIDDEN || (status === HTTP_BAD_REQUEST && API_KEY_MENTION.test(error.googleMessage))) {
			return `Fix: check the API key in ${credential}, and that the Generative Language API is enabled for its project.`;
		}
		if (status === HTTP_NOT_FOUND) return `Fix: ${model}; the list shows the models your key can use.`;
		if (status === HTTP_TOO_MANY_REQUESTS) {
			const wait = serverWaitTooLong(error, context.remainingMs);
			return `${wait ? `${wait} ` : ''}Fix: lower ${quoted(resilienceLabel('parallelCalls'))}, set Requests per Minute on ${credential} to your quota, or raise ${quoted(resilienceLabel('itemDeadlineSeconds'))}.`;
		}
		if (status >= HTTP_SERVER_ERROR) {
			return `Fix: run again later, or raise ${quoted(resilienceLabel('maxAttempts'))}.`;
		}
		return `Fix: check the node's parameters, or ${model}.`;
	}
	if (error instanceof ModelUnavailableError) {
		// The error's own message already names the replacement; this line names the option.
		return `Fix: ${model}; the list shows the models your key can use.`;
	}
	if (error instanceof SlotWaitTimeoutError) {
		return `Fix: raise ${quoted(resilienceLabel('parallelCalls'))} or ${quoted(resilienceLabel('itemDeadlineSeconds'))}, or lower ${quoted(resilienceLabel('parallelItems'))}.`;
	}
	if (error instanceof CallTimeoutError) {
		return `Fix: raise ${quoted(resilienceLabel('callTimeoutSeconds'))} or ${quoted(resilienceLabel('itemDeadlineSeconds'))}.`;
	}
	if (error instanceof DeadlineExceededError || error instanceof RateLimitWaitError) {
		return `Fix: raise ${quoted(resilienceLabel('itemDeadlineSeconds'))}, or ask for less work per item.`;
	}
	if (error instanceof InvalidOutputError) {
		const tokens = context.maxOutputTokensLabel ? `raise ${quoted(context.maxOutputTokensLabel)}, or ` : '';
		return `Fix: ${tokens}${model}.`;
	}
	if (isUnreachable(error)) return `Fix: check the host in ${credential} and the network of your n8n instance.`;
	return 'This is an error inside the node, not in your settings or at Google: please report it with this message.';
}
