jest.mock('n8n-workflow', () => {
	const actual = jest.requireActual('n8n-workflow');
	// Instant by default, but honours an aborted signal the way the real sleep does.
	const sleep = jest.fn(async (_ms, signal) => {
		if (signal && signal.aborted) throw signal.reason;
	});
	return { ...actual, sleep, __realSleep: actual.sleep };
});

const { sleep, __realSleep: realSleep } = require('n8n-workflow');
const { DEFAULT_RETRY_POLICY, MIN_ATTEMPTS, MAX_ATTEMPTS, MAX_SERVER_REQUESTED_DELAY_MS, backoffDelay, withRetry, attemptsOf, clampAttempts } = require('../../../../nodes/shared/transport/retry');

const POLICY = { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 8000 };
const retryable = () => ({ retry: true, reason: 'HTTP 503' });
const always = (random) => () => random;

function failingFn(makeError = (attempt) => new Error(`fail ${attempt}`)) {
	const errors = [];
	const fn = jest.fn(async (attempt) => {
		const error = makeError(attempt);
		errors.push(error);
		throw error;
	});
	return { fn, errors };
}

const { rejectionOf } = require('../../../support/assertions');
const { CancelledError, DeadlineExceededError } = require('../../../../nodes/shared/errors');

beforeEach(() => {
	sleep.mockClear();
});

describe('constants and backoff', () => {
	test('constants match the documented policy', () => {
		expect(DEFAULT_RETRY_POLICY).toEqual({ maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 8000 });
		expect([MIN_ATTEMPTS, MAX_ATTEMPTS, MAX_SERVER_REQUESTED_DELAY_MS]).toEqual([1, 10, 60_000]);
	});

	test('full jitter: random * min(max, base * 2^(attempt-1))', () => {
		expect([1, 2, 3, 4, 5, 6, 40].map((a) => backoffDelay(a, POLICY, always(1)))).toEqual([
			500, 1000, 2000, 4000, 8000, 8000, 8000,
		]);
		expect(backoffDelay(3, POLICY, always(0.25))).toBe(500);
		expect(backoffDelay(3, POLICY, always(0))).toBe(0);
	});

	test('clampAttempts keeps maxAttempts within 1..10', () => {
		expect([-5, 0, 1, 3.7, 10, 11, Infinity, NaN].map(clampAttempts)).toEqual([1, 1, 1, 3, 10, 10, 10, 3]);
	});
});

describe('withRetry', () => {
	test('returns the first success and passes the attempt number', async () => {
		const fn = jest.fn(async (attempt) => {
			if (attempt < 3) throw new Error('transient');
			return `ok on ${attempt}`;
		});
		await expect(withRetry(fn, { ...POLICY, classify: retryable, random: always(1) })).resolves.toBe('ok on 3');
		expect(fn.mock.calls.map((c) => c[0])).toEqual([1, 2, 3]);
		expect(sleep.mock.calls.map((c) => c[0])).toEqual([500, 1000]);
	});

	test('never makes more than maxAttempts attempts and throws the last error unchanged', async () => {
		const { fn, errors } = failingFn();
		const error = await rejectionOf(withRetry(fn, { ...POLICY, classify: retryable, random: always(0) }));
		expect(fn).toHaveBeenCalledTimes(3);
		expect(error).toBe(errors[2]);
		expect(attemptsOf(error)).toBe(3);
	});

	test.each([
		[50, 10],
		[0, 1],
		[-2, 1],
	])('maxAttempts %p is clamped to %p attempts', async (maxAttempts, expected) => {
		const { fn } = failingFn();
		const error = await rejectionOf(withRetry(fn, { ...POLICY, maxAttempts, classify: retryable, random: always(0) }));
		expect(fn).toHaveBeenCalledTimes(expected);
		expect(attemptsOf(error)).toBe(expected);
	});

	test('a non-retryable decision throws at once without waiting', async () => {
		const { fn, errors } = failingFn();
		const classify = jest.fn(() => ({ retry: false, reason: 'HTTP 400' }));
		const error = await rejectionOf(withRetry(fn, { ...POLICY, classify }));
		expect(error).toBe(errors[0]);
		expect(fn).toHaveBeenCalledTimes(1);
		expect(classify).toHaveBeenCalledWith(errors[0]);
		expect(sleep).not.toHaveBeenCalled();
		expect(attemptsOf(error)).toBe(1);
	});

	test('waits what the server asked plus at most 10% jitter, never less; backoff only without it', async () => {
		const { fn } = failingFn();
		const classify = jest
			.fn()
			.mockReturnValueOnce({ retry: true, minDelayMs: 3000 })
			.mockReturnValueOnce({ retry: true, minDelayMs: 100 });
		await rejectionOf(withRetry(fn, { ...POLICY, classify, random: always(1) }));
		expect(sleep.mock.calls.map((c) => c[0])).toEqual([3300, 110]);
		sleep.mockClear();
		await rejectionOf(withRetry(failingFn().fn, { ...POLICY, classify: () => ({ retry: true, minDelayMs: 3000 }), random: always(0) }));
		expect(sleep.mock.calls.map((c) => c[0])).toEqual([3000, 3000]);
		sleep.mockClear();
		await rejectionOf(withRetry(failingFn().fn, { ...POLICY, classify: () => ({ retry: true }), random: always(1) }));
		expect(sleep.mock.calls.map((c) => c[0])).toEqual([500, 1000]);
	});

	test('a server delay above the cap is not waited for: the error is thrown at once', async () => {
		const { fn, errors } = failingFn();
		const classify = () => ({ retry: true, minDelayMs: MAX_SERVER_REQUESTED_DELAY_MS + 1 });
		const error = await rejectionOf(withRetry(fn, { ...POLICY, classify }));
		expect(error).toBe(errors[0]);
		expect(fn).toHaveBeenCalledTimes(1);
		expect(sleep).not.toHaveBeenCalled();
	});

	test('a server delay exactly at the cap is waited for', async () => {
		const { fn } = failingFn();
		const classify = () => ({ retry: true, minDelayMs: MAX_SERVER_REQUESTED_DELAY_MS });
		await rejectionOf(withRetry(fn, { ...POLICY, maxAttempts: 2, classify, random: always(0) }));
		expect(sleep.mock.calls.map((c) => c[0])).toEqual([MAX_SERVER_REQUESTED_DELAY_MS]);
	});

	test('a wait that would end past the deadline is skipped and the last error thrown', async () => {
		let clock = 1_000_000;
		const { fn, errors } = failingFn();
		const classify = () => ({ retry: true, minDelayMs: 2000 });
		const options = { ...POLICY, classify, random: always(0), now: () => clock, deadlineAt: clock + 1999 };
		const error = await rejectionOf(withRetry(fn, options));
		expect(error).toBe(errors[0]);
		expect(fn).toHaveBeenCalledTimes(1);
		expect(sleep).not.toHaveBeenCalled();
	});

	test('a wait that fits before the deadline is taken', async () => {
		let clock = 1_000_000;
		sleep.mockImplementation(async (ms) => {
			clock += ms;
		});
		try {
			const { fn } = failingFn();
			const classify = () => ({ retry: true, minDelayMs: 2000 });
			const options = { ...POLICY, classify, random: always(0), now: () => clock, deadlineAt: clock + 4001 };
			await rejectionOf(withRetry(fn, options));
			// Two waits of 2000 fit (ending at +4000 < +4001), so all three attempts run.
			expect(fn).toHaveBeenCalledTimes(3);
			expect(sleep.mock.calls.map((c) => c[0])).toEqual([2000, 2000]);
		} finally {
			sleep.mockReset();
			sleep.mockImplementation(async (_ms, signal) => {
				if (signal && signal.aborted) throw signal.reason;
			});
		}
	});

	test('a deadline already past throws DeadlineExceededError without calling fn', async () => {
		const fn = jest.fn(async () => 'never');
		const error = await rejectionOf(
			withRetry(fn, { ...POLICY, classify: retryable, now: () => 5000, deadlineAt: 5000 }),
		);
		expect(error).toBeInstanceOf(DeadlineExceededError);
		expect(error.name).toBe('DeadlineExceededError');
		expect(fn).not.toHaveBeenCalled();
	});

	test('a deadline passed during a slow attempt stops retries with that attempt\'s error', async () => {
		let clock = 0;
		const error0 = new Error('slow failure');
		const fn = jest.fn(async () => {
			clock += 10_000;
			throw error0;
		});
		const error = await rejectionOf(
			withRetry(fn, { ...POLICY, classify: retryable, now: () => clock, deadlineAt: 5000 }),
		);
		expect(error).toBe(error0);
		expect(fn).toHaveBeenCalledTimes(1);
		expect(sleep).not.toHaveBeenCalled();
	});

	test('an oversleeping wait that crosses the deadline throws the last error, not DeadlineExceededError', async () => {
		let clock = 0;
		sleep.mockImplementationOnce(async (ms) => {
			clock += ms + 5000;
		});
		const { fn, errors } = failingFn();
		const error = await rejectionOf(
			withRetry(fn, { ...POLICY, classify: retryable, random: always(1), now: () => clock, deadlineAt: 1000 }),
		);
		expect(error).toBe(errors[0]);
		expect(fn).toHaveBeenCalledTimes(1);
	});

	test('an already aborted signal rejects with CancelledError without calling fn', async () => {
		const controller = new AbortController();
		controller.abort(new Error('user stopped'));
		const fn = jest.fn(async () => 'never');
		const error = await rejectionOf(withRetry(fn, { ...POLICY, classify: retryable, signal: controller.signal }));
		expect(error).toBeInstanceOf(CancelledError);
		expect(error.name).toBe('CancelledError');
		expect(error.cause).toBe(controller.signal.reason);
		expect(fn).not.toHaveBeenCalled();
	});

	test('an abort during a wait rejects immediately, not after the delay', async () => {
		sleep.mockImplementationOnce(realSleep);
		const controller = new AbortController();
		const { fn } = failingFn();
		const started = Date.now();
		const pending = withRetry(fn, {
			...POLICY,
			classify: () => ({ retry: true, minDelayMs: 30_000 }),
			random: always(0),
			signal: controller.signal,
			onRetry: () => setTimeout(() => controller.abort(), 20),
		});
		const error = await rejectionOf(pending);
		expect(error).toBeInstanceOf(CancelledError);
		expect(Date.now() - started).toBeLessThan(1000);
		expect(sleep).toHaveBeenCalledWith(30_000, controller.signal);
		expect(fn).toHaveBeenCalledTimes(1);
	});

	test('an abort between attempts stops before the next attempt', async () => {
		const controller = new AbortController();
		const { fn } = failingFn();
		const error = await rejectionOf(
			withRetry(fn, { ...POLICY, classify: retryable, signal: controller.signal, onRetry: () => controller.abort() }),
		);
		expect(error).toBeInstanceOf(CancelledError);
		expect(fn).toHaveBeenCalledTimes(1);
	});

	test('a failure caused by aborting is reported as CancelledError and not retried', async () => {
		const controller = new AbortController();
		const abortError = new Error('The operation was aborted');
		const fn = jest.fn(async () => {
			controller.abort();
			throw abortError;
		});
		const classify = jest.fn(retryable);
		const error = await rejectionOf(withRetry(fn, { ...POLICY, classify, signal: controller.signal }));
		expect(error).toBeInstanceOf(CancelledError);
		expect(error.cause).toBe(abortError);
		expect(classify).not.toHaveBeenCalled();
		expect(fn).toHaveBeenCalledTimes(1);
	});

	test('onRetry reports attempt, delay, error and reason before each wait', async () => {
		const { fn, errors } = failingFn();
		const onRetry = jest.fn();
		await rejectionOf(withRetry(fn, { ...POLICY, classify: retryable, random: always(1), onRetry }));
		expect(onRetry.mock.calls.map((c) => c[0])).toEqual([
			{ attempt: 1, delayMs: 500, error: errors[0], reason: 'HTTP 503' },
			{ attempt: 2, delayMs: 1000, error: errors[1], reason: 'HTTP 503' },
		]);
	});

	test('attemptsOf is undefined for errors withRetry did not throw and for primitives', async () => {
		expect(attemptsOf(new Error('other'))).toBeUndefined();
		expect(attemptsOf(undefined)).toBeUndefined();
		const thrown = await rejectionOf(
			withRetry(
				async () => {
					throw 'a string';
				},
				{ ...POLICY, classify: () => ({ retry: false }) },
			),
		);
		expect(thrown).toBe('a string');
		expect(attemptsOf(thrown)).toBeUndefined();
	});
});
