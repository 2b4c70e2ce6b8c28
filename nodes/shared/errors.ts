import { MS_PER_SECOND } from './units';

/**
 * Every error class of the package, in one file, matched by `instanceof` (never by `name`).
 * The transport throws the raw ones; `node/nodeError.ts` is the one place that turns them into
 * the NodeApiError / NodeOperationError n8n shows. Subclasses say how a failure is handled:
 * a DeadlineExceededError is never retried, an InvalidOutputError may be, and so on.
 */

/** The execution was stopped (or the caller went away): end now, report nothing as failed. */
export class CancelledError extends Error {
	name = 'CancelledError';

	constructor(message = 'The operation was cancelled', options?: { cause?: unknown }) {
		super(message, options);
	}
}

/** The item's deadline passed before the work could be done. Never retried. */
export class DeadlineExceededError extends Error {
	name = 'DeadlineExceededError';

	constructor(message = 'The deadline passed before the request could be sent', options?: { cause?: unknown }) {
		super(message, options);
	}
}

/** No call slot came free in time, or too little of the item deadline was left once one did. */
export class SlotWaitTimeoutError extends DeadlineExceededError {
	name = 'SlotWaitTimeoutError';

	constructor(
		readonly waitedMs: number,
		readonly limit: number,
		readonly timeLeftMs: number,
		limitName = 'Parallel Calls',
	) {
		const waited = (waitedMs / MS_PER_SECOND).toFixed(1);
		super(
			`The item waited ${waited} s for a free call slot (${limitName} is ${limit}) and only ${Math.max(0, Math.round(timeLeftMs))} ms of its deadline were left, too little to send the request. Raise "${limitName}" or "Item Deadline (Seconds)" in the node's Options, or send fewer items at once.`,
		);
	}
}

/** A caller stopped waiting for shared work (a single flight) because its own deadline passed. */
export class FlightWaitTimeoutError extends DeadlineExceededError {
	name = 'FlightWaitTimeoutError';

	constructor(waitedMs: number) {
		super(
			`The item's deadline passed after waiting ${(waitedMs / MS_PER_SECOND).toFixed(1)} s for the same job, already running for an earlier delivery`,
		);
	}
}

/** The credential's Requests per Minute would be exceeded before the item's deadline. */
export class RateLimitWaitError extends Error {
	name = 'RateLimitWaitError';
}

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

/** Audio the service sent that cannot be read or joined; retried like any unusable answer. */
export class AudioFormatError extends InvalidOutputError {
	name = 'AudioFormatError';
}

/** SSML the user gave that does not parse: theirs to fix, never retried. */
export class SsmlError extends Error {
	name = 'SsmlError';
}

/**
 * The model is shut down, deprecated away or unknown: repeating the call cannot help. The
 * message (which model, what to pick instead) is written by `gemini/modelErrors.ts`.
 */
export class ModelUnavailableError extends Error {
	name = 'ModelUnavailableError';

	constructor(
		message: string,
		readonly model: string,
		readonly statusCode: number,
		readonly googleStatus: string | undefined,
		readonly googleMessage: string,
	) {
		super(message);
	}
}

/** The call was dropped because its answer was no longer needed. Not a failure. */
export class CallNotNeededError extends Error {
	name = 'CallNotNeededError';
}

/** The abort reason given to the request that lost a hedge race: neither a failure nor timed. */
export class RaceLostError extends Error {
	name = 'RaceLostError';
}

/**
 * A Gemini batch job ended FAILED, EXPIRED or CANCELLED and the node was told to fail rather than
 * fall back to standard calls. The message carries Google's state and reason: not our bug.
 */
export class BatchEndedError extends Error {
	name = 'BatchEndedError';
}
