const { getEventListeners } = require('node:events');
const { RateLimiter, DEFAULT_WINDOW_MS, getSharedRateLimiter } = require('../../../../nodes/shared/transport/rateLimiter');

// Real timers: the limiter's whole job is waiting. Windows are short so every test stays < 1 s.
// Timers may fire a millisecond or two late, never meaningfully early.
const TIMER_SLACK_MS = 2;

const { rejectionOf } = require('../../../support/assertions');
const { RateLimitWaitError, CancelledError } = require('../../../../nodes/shared/errors');
const { credentialKey } = require('../../../../nodes/shared/credentials');

/** Every run of limit+1 consecutive grants must span at least one window. */
function expectSlidingWindowRespected(times, limit, windowMs) {
	for (let i = limit; i < times.length; i++) {
		expect(times[i] - times[i - limit]).toBeGreaterThanOrEqual(windowMs - TIMER_SLACK_MS);
	}
}

describe('RateLimiter', () => {
	test('12 acquisitions at 5 per 300 ms window complete in 3 windows', async () => {
		const windowMs = 300;
		const limiter = new RateLimiter(5, { windowMs });
		const start = Date.now();
		const times = await Promise.all(
			Array.from({ length: 12 }, () => limiter.acquire().then(() => Date.now() - start)),
		);
		times.sort((a, b) => a - b);
		expect(times.slice(0, 5).every((t) => t < 50)).toBe(true);
		expect(times.slice(5, 10).every((t) => t >= windowMs - TIMER_SLACK_MS && t < 2 * windowMs)).toBe(true);
		expect(times.slice(10).every((t) => t >= 2 * windowMs - TIMER_SLACK_MS && t < 3 * windowMs)).toBe(true);
		expectSlidingWindowRespected(times, 5, windowMs);
	});

	test('serves waiters first come, first served', async () => {
		const limiter = new RateLimiter(2, { windowMs: 60 });
		const order = [];
		await Promise.all(
			['a', 'b', 'c', 'd', 'e', 'f'].map((name) => limiter.acquire().then(() => order.push(name))),
		);
		expect(order).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
	});

	test('rejects at once a waiter whose turn would come after its deadline', async () => {
		const limiter = new RateLimiter(1, { windowMs: 200 });
		await limiter.acquire();
		const second = limiter.acquire(undefined, Date.now() + 500);
		// Third in line: its turn is ~400 ms away, beyond a 250 ms deadline.
		const started = Date.now();
		const error = await rejectionOf(limiter.acquire(undefined, Date.now() + 250));
		expect(Date.now() - started).toBeLessThan(50);
		expect(error).toBeInstanceOf(RateLimitWaitError);
		expect(error.name).toBe('RateLimitWaitError');
		expect(error.message).toMatch(/rate limit would be exceeded before the deadline/i);
		await expect(second).resolves.toBeUndefined();
		expect(limiter.pending).toBe(0);
	});

	test('does not reject a waiter when the limit allows it at once, whatever the deadline', async () => {
		const limiter = new RateLimiter(2, { windowMs: 10_000 });
		await expect(limiter.acquire(undefined, Date.now())).resolves.toBeUndefined();
	});

	test('an abort rejects a waiter at once with CancelledError and releases its place', async () => {
		const limiter = new RateLimiter(1, { windowMs: 150 });
		await limiter.acquire();
		const controller = new AbortController();
		const order = [];
		const cancelled = limiter.acquire(controller.signal);
		const next = limiter.acquire().then(() => order.push('next'));
		const started = Date.now();
		setTimeout(() => controller.abort(new Error('stopped')), 10);
		const error = await rejectionOf(cancelled);
		expect(Date.now() - started).toBeLessThan(100);
		expect(error).toBeInstanceOf(CancelledError);
		expect(error.cause).toBe(controller.signal.reason);
		expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
		await next;
		expect(order).toEqual(['next']);
	});

	test('an already aborted signal rejects without taking a slot', async () => {
		const limiter = new RateLimiter(1, { windowMs: 10_000 });
		const controller = new AbortController();
		controller.abort();
		await expect(limiter.acquire(controller.signal)).rejects.toBeInstanceOf(CancelledError);
		await expect(limiter.acquire(undefined, Date.now())).resolves.toBeUndefined();
	});

	test('a granted waiter leaves no abort listener behind', async () => {
		const limiter = new RateLimiter(1, { windowMs: 30 });
		const controller = new AbortController();
		await limiter.acquire(controller.signal);
		await limiter.acquire(controller.signal);
		expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
	});

	test.each([0, -1, NaN])('requestsPerMinute %p means unlimited', async (rpm) => {
		const limiter = new RateLimiter(rpm, { windowMs: 10_000 });
		const started = Date.now();
		await Promise.all(Array.from({ length: 1000 }, () => limiter.acquire()));
		expect(Date.now() - started).toBeLessThan(100);
		expect(limiter.requestsPerWindow).toBe(Infinity);
	});

	test('raising the limit serves waiting callers without waiting for the window', async () => {
		const limiter = new RateLimiter(1, { windowMs: 10_000 });
		await limiter.acquire();
		const started = Date.now();
		const waiting = Promise.all([limiter.acquire(), limiter.acquire()]);
		limiter.setRequestsPerMinute(3);
		await waiting;
		expect(Date.now() - started).toBeLessThan(100);
	});

	test('uses the injected clock to decide what is inside the window', async () => {
		let clock = 0;
		const limiter = new RateLimiter(2, { windowMs: 1000, now: () => clock });
		await limiter.acquire();
		await limiter.acquire();
		clock = 999;
		// Both grants at 0 leave the window at 1000: a deadline of 999 cannot be met, 1000 can.
		await expect(limiter.acquire(undefined, 999)).rejects.toBeInstanceOf(RateLimitWaitError);
		const admitted = limiter.acquire(undefined, 1000);
		expect(limiter.pending).toBe(1);
		clock = 1000;
		await expect(admitted).resolves.toBeUndefined();
		expect(limiter.pending).toBe(0);
	});

	test('the default window is one minute', () => {
		expect(DEFAULT_WINDOW_MS).toBe(60_000);
	});
});

describe('shared registry', () => {
	test('returns the same limiter for a key and a different one for another key', () => {
		const a = getSharedRateLimiter('test-key-a', 60);
		expect(getSharedRateLimiter('test-key-a', 60)).toBe(a);
		expect(getSharedRateLimiter('test-key-b', 60)).not.toBe(a);
	});

	test('a new requests-per-minute value updates the shared limiter in place', () => {
		const limiter = getSharedRateLimiter('test-key-c', 60);
		expect(getSharedRateLimiter('test-key-c', 15)).toBe(limiter);
		expect(limiter.requestsPerWindow).toBe(15);
		getSharedRateLimiter('test-key-c', 0);
		expect(limiter.requestsPerWindow).toBe(Infinity);
	});

	test('credentialKey is a 16-character sha256 prefix that never contains the key', () => {
		const apiKey = 'AIzaSyTestKey1234567890';
		const key = credentialKey([apiKey, 'https://generativelanguage.googleapis.com']);
		expect(key).toMatch(/^[0-9a-f]{16}$/);
		expect(key).toBe(
			require('node:crypto')
				.createHash('sha256')
				.update(`${apiKey}\u0000https://generativelanguage.googleapis.com`)
				.digest('hex')
				.slice(0, 16),
		);
		expect(key).not.toContain(apiKey.slice(0, 8));
		expect(credentialKey(['ab', 'c'])).not.toBe(credentialKey(['a', 'bc']));
		expect(credentialKey([apiKey])).toBe(credentialKey([apiKey]));
	});
});
