'use strict';
const { NodeOperationError } = require('n8n-workflow');
const { callReport, round2 } = require('../../../../nodes/shared/node/report');
const { newAccounting } = require('../../../../nodes/shared/transport/resilientCall');

describe('callReport: the call part of every node report', () => {
	test('counts, latencies, hedges and cache hits come from the accounting and extras', () => {
		const accounting = { ...newAccounting(), calls: 5, retries: 2, failedCalls: 1, promptTokens: 100, outputTokens: 40, latenciesMs: [100, 300, 200], hedges: 1, hedgeWins: 1 };
		const report = callReport(accounting, { startedAt: 1000, now: 3456, cacheHits: 3 });
		expect(report).toEqual({
			apiCalls: 5, retries: 2, failedCalls: 1, promptTokens: 100, outputTokens: 40,
			tokens: { input: 100, output: 40, thinking: 0, audioOutput: 0, characters: 0 },
			estimatedCostUsd: 0, costNotes: [], servedTiers: {},
			avgCallLatencyMs: 200, maxCallLatencyMs: 300, hedges: 1, hedgeWins: 1, cacheHits: 3,
			durationSeconds: 2.46, fallbackUsed: false, fallbackReason: null,
		});
	});

	test('without accounting (no call possible) every count is zero and a fallback is visible', () => {
		const report = callReport(undefined, { startedAt: 0, now: 500, fallbackReason: 'No credential' });
		expect(report.apiCalls).toBe(0);
		expect(report.avgCallLatencyMs).toBe(0);
		expect(report.fallbackUsed).toBe(true);
		expect(report.fallbackReason).toBe('No credential');
	});

	test('round2 keeps two decimals', () => {
		expect(round2(1.23456)).toBe(1.23);
		expect(round2(2.005 * 100) / 100).toBeCloseTo(2.01, 2);
	});
});

describe('shared resilience options', () => {
	const { resilienceOptionProperties, readResilience, resilienceSettings } = require('../../../../nodes/shared/node/resilienceOptions');
	const { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_ITEM_DEADLINE_MS } = require('../../../../nodes/shared/transport/deadline');
	const { DEFAULT_RETRY_POLICY } = require('../../../../nodes/shared/transport/retry');

	test('the panel defaults are the code defaults', () => {
		const defaults = Object.fromEntries(resilienceOptionProperties().map((p) => [p.name, p.default]));
		const read = readResilience({});
		expect(defaults.maxAttempts).toBe(DEFAULT_RETRY_POLICY.maxAttempts);
		expect(defaults.callTimeoutSeconds * 1000).toBe(DEFAULT_CALL_TIMEOUT_MS);
		expect(defaults.itemDeadlineSeconds * 1000).toBe(DEFAULT_ITEM_DEADLINE_MS);
		expect(read).toEqual({
			maxAttempts: defaults.maxAttempts, callTimeoutMs: DEFAULT_CALL_TIMEOUT_MS, itemDeadlineMs: DEFAULT_ITEM_DEADLINE_MS,
			parallelCalls: defaults.parallelCalls, parallelItems: defaults.parallelItems, hedge: true,
			serviceTier: 'standard', defaultAttempts: true,
		});
		expect(defaults.serviceTier).toBe('standard');
	});

	test('a node can override a default, and the reader follows it', () => {
		const props = resilienceOptionProperties({ parallelCalls: 7, service: 'Text-to-Speech' });
		expect(props.find((p) => p.name === 'parallelCalls').default).toBe(7);
		expect(props.find((p) => p.name === 'parallelCalls').description).toContain('Text-to-Speech');
		expect(readResilience({}, { parallelCalls: 7 }).parallelCalls).toBe(7);
		expect(readResilience({ parallelCalls: 2, hedgeSlowCalls: false }, { parallelCalls: 7 })).toMatchObject({ parallelCalls: 2, hedge: false });
	});

	test('a node can say what Parallel Calls trades on it; without a note the description stays plain', () => {
		const withNote = resilienceOptionProperties({ parallelCallsNote: 'Raise it for speed.' }).find((p) => p.name === 'parallelCalls');
		expect(withNote.description).toMatch(/across all items of this node\. Raise it for speed\.$/);
		const plain = resilienceOptionProperties().find((p) => p.name === 'parallelCalls');
		expect(plain.description).toMatch(/across all items of this node$/);
		const { MISSION_RESILIENCE_DEFAULTS } = require('../../../../nodes/MissionGenerator/parameters');
		expect(MISSION_RESILIENCE_DEFAULTS.parallelCallsNote).toMatch(/raise it for speed/);
	});

	test('settings carry the deadline from now and the hedge switch', () => {
		const settings = resilienceSettings(readResilience({ maxAttempts: 5, itemDeadlineSeconds: 10, hedgeSlowCalls: false }), undefined, false, 1000);
		expect(settings).toMatchObject({ deadlineAt: 11000, retryInvalidOutput: false, hedge: false, retry: { maxAttempts: 5 } });
	});
});
