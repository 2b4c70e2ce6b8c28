import { isModelGoneAnswer, modelAdvice, modelUnavailableMessage } from './retired';
import { GoogleHttpError, ModelUnavailableError } from '../errors';

/**
 * Turns Google's answer for a shut-down, deprecated-away or unknown model into a
 * ModelUnavailableError, which the retry policy never repeats (a gateway's 503 "no available
 * channels for model X" included) and which tells the user which model to pick instead.
 * Every other error is returned unchanged. Use it around any call whose path names a model.
 */
export function asModelError(error: unknown, model: string): unknown {
	if (!(error instanceof GoogleHttpError)) return error;
	if (!isModelGoneAnswer(error.statusCode, error.googleMessage)) return error;
	const message = `${modelUnavailableMessage(model)}. ${modelAdvice(model)}`;
	return new ModelUnavailableError(message, model, error.statusCode, error.googleStatus, error.googleMessage);
}
