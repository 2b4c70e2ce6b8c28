'use strict';

// Mission Generator Economy (issue #24): the AI remainder as one Gemini batch job, submitted by
// Generate Missions and finished by Check Batch (the workflow's Wait loop in between), over real
// HTTP to the Google fake's Batch API. Only `sleep` is sped up.
jest.mock('n8n-workflow', () => require('../../support/fastSleep').withFastSleep());

const { startFakeGoogle } = require('../../support/fakeGoogle');
const { executeNode } = require('../../support/executeNode');
const { MissionGenerator } = require('../../../nodes/MissionGenerator/MissionGenerator.node');
const { resetProcessState } = require('../../../nodes/shared/state');
const { DuplicateRegistry, DEFAULT_THRESHOLDS } = require('../../../nodes/MissionGenerator/engine/duplicates');

const API_KEY = 'economy-key-SECRET-42';
let fake;
beforeAll(async () => {
	fake = await startFakeGoogle({ apiKeys: [API_KEY], seed: 3 });
});
afterAll(() => fake.close());
beforeEach(() => {
	fake.reset();
	fake.configure({ batch: {} });
	resetProcessState();
});

const credentials = () => ({ geminiApi: { apiKey: API_KEY, host: fake.url } });
const MISSIONS = 0;
const REPORT = 1;

async function submit({ count = 100, tier = 'BEGINNER', options = {}, continueOnFail } = {}) {
	const { output } = await executeNode(MissionGenerator, {
		parameters: { tier, count, locale: 'en', options: { economy: 'largeRequests', ...options } },
		credentials: credentials(),
		continueOnFail,
	});
	return output;
}

async function check(reportJson, { operation = 'checkBatch', continueOnFail } = {}) {
	const { output } = await executeNode(MissionGenerator, {
		parameters: { operation },
		items: [reportJson],
		credentials: credentials(),
		continueOnFail,
	});
	return output;
}

const routes = () => fake.stats().byRoute;
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every delivered mission is distinct under the node's own duplicate rules. */
function expectDistinct(missions) {
	const registry = new DuplicateRegistry(DEFAULT_THRESHOLDS);
	for (const mission of missions) expect(registry.tryAdd(mission)).toBe(true);
}

test('count ≥ 100: templates first, the AI remainder goes out as ONE batch; Check Batch waits, then delivers', async () => {
	fake.configure({ batch: { runningMs: 400 } });
	const submitted = await submit();
	expect(submitted[MISSIONS]).toEqual([]);
	const [report] = submitted[REPORT];
	expect(report.json).toMatchObject({ status: 'waitingForBatch', batchJob: expect.stringMatching(/^batches\//), nextCheckSeconds: 60, totalRequested: 100, totalCreated: 0 });
	expect(report.json.notices[0]).toMatch(/Waiting for Google's batch \(economy\)/);
	expect(routes()).toEqual({ batchGenerateContent: 1 });
	const [job] = fake.batches();
	const held = report.json.economy.templateMissions.length;
	expect(held).toBeGreaterThan(0);
	// Headroom included: at least the remainder is asked for, in requests of at most 8 missions (800 tokens).
	const asked = report.json.economy.batches.reduce((sum, b) => sum + b.size, 0);
	expect(asked).toBeGreaterThanOrEqual(100 - held);
	expect(job.requests).toBe(report.json.economy.batches.length);
	expect(JSON.stringify(submitted)).not.toContain(API_KEY);

	// Still running: waiting again, with the next, longer interval.
	const early = await check(report.json);
	expect(early[MISSIONS]).toEqual([]);
	expect(early[REPORT][0].json).toMatchObject({ status: 'waitingForBatch', batchState: 'running', nextCheckSeconds: 120, economy: { checks: 1 } });

	await pause(450);
	const done = await check(early[REPORT][0].json);
	const missions = done[MISSIONS].map((item) => item.json);
	expect(missions).toHaveLength(100);
	expect(missions.filter((m) => m.source === 'template')).toHaveLength(held);
	expect(missions.filter((m) => m.source === 'ai').length).toBe(100 - held);
	expect(missions.every((m) => m.tier === 'BEGINNER' && m.locale === 'en' && m.jobId === report.json.jobId)).toBe(true);
	expectDistinct(missions);
	const final = done[REPORT][0].json;
	expect(final).toMatchObject({ status: 'done', totalCreated: 100, fallbackUsed: false, economy: { batchJob: report.json.batchJob, state: 'succeeded', checks: 2 } });
	expect(['batch', 'batch+standard']).toContain(final.source);
	expect(final.economy.batchMissions + final.economy.standardMissions).toBe(100 - held);
	expect(final.economy.batchMissions).toBeGreaterThan(0);
	expect(final.economy.batchOutputTokens).toBeGreaterThan(0);
	expect(final.outputTokens).toBeGreaterThanOrEqual(final.economy.batchOutputTokens);
	// Standard calls only for what the batch did not cover.
	if (final.source === 'batch') expect(routes().generateContent).toBeUndefined();
});

test('requests that failed inside the batch are retried as ordinary calls', async () => {
	fake.configure({ batch: { failRequests: [0, 1] } });
	// No templates (every mission from AI) and no headroom, so the failed requests' missions are missing.
	const [, [report]] = await submit({ tier: 'Expert', options: { headroomPercent: 0 } });
	const done = await check(report.json);
	expect(done[MISSIONS]).toHaveLength(100);
	expectDistinct(done[MISSIONS].map((item) => item.json));
	const final = done[REPORT][0].json;
	expect(final).toMatchObject({ source: 'batch+standard', fallbackUsed: false, economy: { failedBatchRequests: 2 } });
	expect(final.economy.standardMissions).toBeGreaterThan(0);
	expect(routes().generateContent).toBeGreaterThan(0);
});

test('an EXPIRED batch falls back to standard calls, visibly; with "Fail the Job" the item fails with the reason', async () => {
	fake.configure({ batch: { outcome: 'expired' } });
	const [, [report]] = await submit();
	const done = await check(report.json);
	expect(done[MISSIONS]).toHaveLength(100);
	const final = done[REPORT][0].json;
	expect(final).toMatchObject({ source: 'standard', fallbackUsed: true, economy: { state: 'expired', batchMissions: 0 } });
	expect(final.fallbackReason).toMatch(/ended BATCH_STATE_EXPIRED, so the missions were written by standard calls/);

	fake.configure({ batch: { outcome: 'failed', failMessage: 'Batch quota exhausted' } });
	const [, [strict]] = await submit({ options: { batchFailure: 'fail' } });
	const calledBefore = routes().generateContent;
	const failed = await check(strict.json, { continueOnFail: true });
	expect(failed[MISSIONS]).toHaveLength(1);
	expect(JSON.stringify(failed[MISSIONS][0].json.error)).toMatch(/BATCH_STATE_FAILED: Batch quota exhausted/);
	// Google's doing, not a bug of the node.
	expect(JSON.stringify(failed[MISSIONS][0].json)).not.toMatch(/Internal error|error inside the node/);
	expect(routes().generateContent).toBe(calledBefore);
});

test('Cancel Batch cancels the waiting batch at Google', async () => {
	fake.configure({ batch: { runningMs: 60000 } });
	const [, [report]] = await submit();
	const out = await check(report.json, { operation: 'cancelBatch' });
	expect(out[REPORT][0].json).toMatchObject({ status: 'cancelled', batchJob: report.json.batchJob, state: 'cancelled' });
	expect(fake.batches()[0]).toMatchObject({ cancelled: true, state: 'BATCH_STATE_CANCELLED' });
});

test('Cancel Batch needs only the batch name (what a job row keeps); without one it says what to pass', async () => {
	fake.configure({ batch: { runningMs: 60000 } });
	const [, [report]] = await submit();
	const out = await check({ economy: { batchJob: report.json.batchJob, jobId: 'job-7' } }, { operation: 'cancelBatch' });
	expect(out[REPORT][0].json).toMatchObject({ status: 'cancelled', batchJob: report.json.batchJob, jobId: 'job-7', state: 'cancelled' });
	expect(fake.batches()[0]).toMatchObject({ cancelled: true });

	const wrong = await check({ economy: { state: 'pending' } }, { operation: 'cancelBatch', continueOnFail: true });
	expect(JSON.stringify(wrong)).toMatch(/has no \\"batchJob\\"/);
	// The check still needs the whole waiting state.
	const partial = await check({ economy: { batchJob: report.json.batchJob } }, { continueOnFail: true });
	expect(JSON.stringify(partial)).toMatch(/is not the \\"economy\\" object/);
});

test('Economy stays off by default and below 100 missions; a wrong Batch Field says what to connect', async () => {
	const standard = await executeNode(MissionGenerator, { parameters: { tier: 'BEGINNER', count: 100, locale: 'en' }, credentials: credentials() });
	expect(standard.output[MISSIONS]).toHaveLength(100);
	expect(routes().batchGenerateContent).toBeUndefined();
	const small = await submit({ count: 40 });
	expect(small[MISSIONS]).toHaveLength(40);
	expect(routes().batchGenerateContent).toBeUndefined();
	const always = await submit({ count: 40, options: { economy: 'always' } });
	expect(always[REPORT][0].json.status).toBe('waitingForBatch');

	const wrong = await check({ something: 1 }, { continueOnFail: true });
	expect(JSON.stringify(wrong[MISSIONS][0].json.error)).toMatch(/Batch Field is empty or not an object/);
});
