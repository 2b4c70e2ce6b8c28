'use strict';

const { LatencyWindow, LATENCY_WINDOW_SIZE, latencyKey, latencyWindowFor } = require('../../../../nodes/shared/transport/latencyTracker');
const { HedgeBudget, hedgeDelayMs, DEFAULT_HEDGE_POLICY } = require('../../../../nodes/shared/transport/hedge');
const { resetProcessState } = require('../../../../nodes/shared/state');

function windowOf(samples, size) {
	const window = new LatencyWindow(size);
	for (const sample of samples) window.record(sample);
	return window;
}

describe('LatencyWindow', () => {
	test('nearest-rank percentiles over the samples in the window', () => {
		// 1..20 shuffled: p50 is the 10th smallest, p95 the 19th, p100 the largest.
		const window = windowOf([7, 19, 3, 12, 1, 20, 15, 9, 4, 11, 2, 18, 6, 14, 10, 17, 5, 16, 8, 13]);
		expect(window.count).toBe(20);
		expect(window.percentile(0.5)).toBe(10);
		expect(window.percentile(0.95)).toBe(19);
		expect(window.percentile(1)).toBe(20);
		expect(window.percentile(0)).toBe(1);
		expect(new LatencyWindow().percentile(0.95)).toBeNaN();
	});

	test('keeps only the most recent samples, the oldest overwritten first', () => {
		const window = windowOf([1000, 1000, 1000, 10, 20, 30], 3);
		expect(window.count).toBe(3);
		expect(window.percentile(1)).toBe(30);
		expect(window.percentile(0)).toBe(10);
		// One more sample replaces the oldest of the three (10).
		window.record(5);
		expect(window.percentile(0)).toBe(5);
		expect(window.percentile(0.5)).toBe(20);
	});

	test('ignores negative and non-finite samples', () => {
		const window = windowOf([-1, NaN, Infinity, 40]);
		expect(window.count).toBe(1);
		expect(window.percentile(0.95)).toBe(40);
	});

	test(`defaults to a window of ${LATENCY_WINDOW_SIZE}`, () => {
		const window = windowOf(Array.from({ length: LATENCY_WINDOW_SIZE + 25 }, (_, i) => i));
		expect(window.count).toBe(LATENCY_WINDOW_SIZE);
		expect(window.percentile(0)).toBe(25);
	});
});

describe('latency history registry', () => {
	afterEach(() => resetProcessState());

	test('one window per credential and operation, keyed by a hash without the API key', () => {
		const identity = ['geminiApi', 'https://example.test', 'AIzaSECRET-key-123'];
		const key = latencyKey(identity, '/v1beta/models/m:generateContent');
		expect(key).toMatch(/^[0-9a-f]{16}$/);
		expect(key).not.toContain('SECRET');
		expect(latencyKey(identity, '/v1beta/models/other:generateContent')).not.toBe(key);
		expect(latencyKey(['geminiApi', 'https://example.test', 'another-key'], '/v1beta/models/m:generateContent')).not.toBe(key);

		latencyWindowFor(key).record(120);
		expect(latencyWindowFor(key).count).toBe(1);
		expect(latencyWindowFor(latencyKey(identity, 'x')).count).toBe(0);
		resetProcessState();
		expect(latencyWindowFor(key).count).toBe(0);
	});
});

describe('hedgeDelayMs', () => {
	const policy = { ...DEFAULT_HEDGE_POLICY, minDelayMs: 100 };

	test('a cold start (fewer than minSamples successes) hedges on the prior: 15% of the timeout', () => {
		const empty = windowOf([]);
		expect(hedgeDelayMs(empty, 30_000, policy)).toBe(4500);
		expect(hedgeDelayMs(empty, 30_000)).toBe(4500);
		// A slow call already seen pushes the prior out (2 × 3000 ms), so slow-by-nature calls wait.
		const slow = windowOf([3000, 50]);
		expect(hedgeDelayMs(slow, 30_000, policy)).toBe(6000);
		// Past half the timeout there is no backup, cold or warm.
		expect(hedgeDelayMs(windowOf([9000]), 30_000, policy)).toBeUndefined();
		// Warm from the tenth success on: the percentile rule, no prior.
		const window = windowOf(Array(policy.minSamples - 1).fill(50));
		expect(hedgeDelayMs(window, 30_000, policy)).toBe(4500);
		window.record(50);
		expect(hedgeDelayMs(window, 30_000, policy)).toBe(100);
	});

	test('multiplier × the percentile, floored at the minimum delay', () => {
		// 19 samples of 200 ms and one of 1000: p95 is 200, so the backup is due at 400 ms.
		const window = windowOf([...Array(19).fill(200), 1000]);
		expect(hedgeDelayMs(window, 30_000, policy)).toBe(400);
		expect(hedgeDelayMs(window, 30_000, { ...policy, minDelayMs: 1000 })).toBe(1000);
		expect(hedgeDelayMs(window, 30_000, { ...policy, multiplier: 3 })).toBe(600);
		// The default policy: 2 × p95, at least 1 s.
		expect(hedgeDelayMs(windowOf(Array(10).fill(2000)), 30_000)).toBe(4000);
		expect(hedgeDelayMs(windowOf(Array(10).fill(100)), 30_000)).toBe(1000);
	});

	test('no backup when it would not get as long as the first request had within the timeout', () => {
		const window = windowOf(Array(10).fill(2000));
		expect(hedgeDelayMs(window, 8000, policy)).toBe(4000);
		expect(hedgeDelayMs(window, 7999, policy)).toBeUndefined();
	});
});

describe('HedgeBudget', () => {
	test('at most 10 backups in any 200 consecutive calls (5%) by default', () => {
		const budget = new HedgeBudget(DEFAULT_HEDGE_POLICY.budgetHedges, DEFAULT_HEDGE_POLICY.budgetWindowCalls);
		let granted = 0;
		const grantedAt = [];
		for (let call = 1; call <= 1000; call++) {
			budget.noteCall();
			// A slow provider: every call asks for a backup.
			if (budget.tryTake() !== undefined) {
				granted++;
				grantedAt.push(call);
			}
		}
		expect(granted).toBe(50);
		for (let i = 10; i < grantedAt.length; i++) expect(grantedAt[i] - grantedAt[i - 10]).toBeGreaterThanOrEqual(200);
	});

	test('a refunded backup (never sent) does not count', () => {
		const budget = new HedgeBudget(1, 100);
		budget.noteCall();
		const ticket = budget.tryTake();
		expect(ticket).toBeDefined();
		expect(budget.tryTake()).toBeUndefined();
		budget.refund(ticket);
		expect(budget.tryTake()).toBeDefined();
	});
});
