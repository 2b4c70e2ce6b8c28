const { classifyFailure, isUnreachable } = require('../../../../nodes/shared/transport/classify');
const { toNodeError } = require('../../../../nodes/shared/node/nodeError');
const { GoogleHttpError, CallTimeoutError, InvalidOutputError, CancelledError, DeadlineExceededError, RateLimitWaitError, SlotWaitTimeoutError } = require('../../../../nodes/shared/errors');
const { RETRYABLE_STATUS_CODES, NEVER_RETRY_STATUS_CODES } = require('../../../../nodes/shared/transport/retryHints');
'use strict';

// classifyFailure decides what is retried; toNodeError decides what the user reads. Both are
// tested directly here, one failure kind at a time, instead of only through a node run.

const http = (status, delayMs) => new GoogleHttpError('Gemini', status, 'STATUS', 'message from Google', delayMs);
const systemError = (code) => Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code });
const ctx = { getNode: () => ({ name: 'Node', type: 'test', typeVersion: 1, parameters: {} }) };

describe('classifyFailure', () => {
	test.each(RETRYABLE_STATUS_CODES)('HTTP %i is retried', (status) => {
		expect(classifyFailure(http(status), false)).toMatchObject({ retry: true, reason: `HTTP ${status}` });
	});

	test.each(NEVER_RETRY_STATUS_CODES)('HTTP %i is not retried', (status) => {
		expect(classifyFailure(http(status), true).retry).toBe(false);
	});

	test('the server-requested delay is passed on', () => {
		expect(classifyFailure(http(429, 7000), false)).toMatchObject({ retry: true, minDelayMs: 7000 });
	});

	test('timeouts and network errors are retried', () => {
		expect(classifyFailure(new CallTimeoutError('Gemini', 1000), false)).toMatchObject({ retry: true, reason: 'timeout' });
		for (const code of ['ECONNRESET', 'ECONNREFUSED', 'EAI_AGAIN', 'UND_ERR_SOCKET']) {
			expect(classifyFailure(systemError(code), false)).toMatchObject({ retry: true, reason: 'network' });
		}
	});

	test('an unusable answer is retried only when the caller allows it', () => {
		const error = new InvalidOutputError('not JSON');
		expect(classifyFailure(error, true).retry).toBe(true);
		expect(classifyFailure(error, false).retry).toBe(false);
	});

	test('cancellation, deadlines, slot waits, rate-limit waits and our own bugs are never retried', () => {
		for (const error of [
			new CancelledError(),
			new DeadlineExceededError(),
			new SlotWaitTimeoutError(1000, 3, 0),
			new RateLimitWaitError('wait too long'),
			Object.assign(new Error('no longer needed'), { name: 'CallNotNeededError' }),
			new TypeError("Cannot read properties of undefined (reading 'length')"),
		]) {
			expect(classifyFailure(error, true).retry).toBe(false);
		}
	});
});

describe('toNodeError: what the user reads', () => {
	test('an unexpected internal error is reported as one, never as "Could not reach the service"', () => {
		const error = toNodeError(ctx, new TypeError("Cannot read properties of undefined (reading 'length')"), 0, [], 'Gemini API');
		expect(error.message).toBe("Internal error in the node: TypeError: Cannot read properties of undefined (reading 'length')");
		expect(error.message).not.toMatch(/reach/i);
		expect(error.description).toMatch(/error inside the node, not in your settings/);
	});

	test('a connection failure is reported as unreachable, naming the credential to check', () => {
		for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EPROTO', 'ERR_INVALID_URL', 'CERT_HAS_EXPIRED']) {
			const error = toNodeError(ctx, systemError(code), 0, [], 'Gemini API');
			// n8n rewords some codes ("The service refused the connection…"); never as our bug.
			expect({ code, message: error.message }).toEqual({ code, message: expect.not.stringMatching(/Internal error/) });
			expect({ code, description: error.description }).toEqual({ code, description: expect.stringMatching(/host in the "Gemini API" credential/) });
		}
	});

	test('Node errors that carry an own code (an argument bug) are internal, not network', () => {
		const bug = Object.assign(new TypeError('The "data" argument must be of type string'), { code: 'ERR_INVALID_ARG_TYPE' });
		expect(isUnreachable(bug)).toBe(false);
		expect(toNodeError(ctx, bug, 0, [], 'Gemini API').message).toMatch(/^Internal error in the node/);
	});

	test('secrets are removed from an internal error too', () => {
		const error = toNodeError(ctx, new Error('bad state for key AIzaSECRET-123456'), 0, ['AIzaSECRET-123456'], 'Gemini API');
		expect(error.message).not.toContain('AIzaSECRET-123456');
		expect(error.message).toContain('[redacted]');
	});
});
