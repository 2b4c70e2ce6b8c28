import type { IExecuteFunctions, ILoadOptionsFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { BatchEndedError, CallTimeoutError, CancelledError, DeadlineExceededError, GoogleHttpError, InvalidOutputError, ModelUnavailableError, RateLimitWaitError } from '../errors';
import { goneModelIn, modelAdvice, modelUnavailableMessage } from '../gemini/retired';
import { isUnreachable } from '../transport/classify';
import { attemptsOf } from '../transport/retry';
import { failureAdvice } from './advice';
import { redactSecrets } from '../secrets';

/**
 * The one place that turns a failure into what n8n shows: NodeApiError for the service's
 * answers, NodeOperationError for what the user must change or for cancellation. Every text is
 * passed through redactSecrets, and the raw HTTP client error (which holds request headers)
 * never reaches the NodeApiError.
 */
export function toNodeError(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
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
				`${error.googleMessage ? `Google said: ${error.googleMessage}. ` : ''}${goneModel ? modelAdvice(goneModel) : failureAdvice(error, { credentialName })}`,
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
	if (error instanceof BatchEndedError) {
		return new NodeOperationError(node, message, {
			itemIndex,
			description: 'Google ended the batch without its answers (the reason is above). Submit the job again, or let the node write the missions with standard calls when a batch ends like this.',
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
