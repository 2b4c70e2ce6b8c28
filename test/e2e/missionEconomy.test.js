'use strict';
// Issue #24, Mission Generator economy through the shipped mission workflows of a real n8n 2.41.1,
// the Google fake standing in for Gemini and its Batch API (PENDING → RUNNING → SUCCEEDED over a
// few seconds): a job of 100 missions asking `"economy": "auto"` waits for Google's batch in the
// workflow's Wait loop (the status shows the wait and the batch's state), then finishes exactly as
// a standard job, its report saying the missions came from the batch, priced at the batch rate.
// A restart of n8n while the job is parked in the Wait resumes it, and it finishes. The restart
// test runs first, on the shipped Settings; the loop test after it, with the checks compressed.
const path = require('node:path');

const { startFakeGoogle } = require('../support/fakeGoogle');
const { configureSettings } = require('../support/issueWorkflow');
const { runtime, startN8n, stopN8n, printLogsOnFailure, missionClient, waitUntil } = require('../support/n8n');

jest.setTimeout(240_000);

const dist = (file) => require(path.join(runtime.REPO_ROOT, 'dist/nodes', file));
const WAITING = "Waiting for Google's batch (economy)";
// EXPERT has no templates: every one of the 100 missions is the batch's (or a standard top-up's).
const JOB = { tier: 'EXPERT', count: 100, locale: 'en', economy: 'auto' };

let fake;
let n8n;
let client;
const logged = (fn) => printLogsOnFailure(() => n8n, fn);

beforeAll(async () => {
	fake = await startFakeGoogle({ latencyMs: 200, seed: 24, apiKeys: ['test-key'] });
	n8n = await startN8n({ gemini: { apiKey: 'test-key', host: fake.url, requestsPerMinute: 0 } });
	client = missionClient(n8n);
}, 900_000);

afterAll(async () => {
	await stopN8n(n8n);
	if (fake) await fake.close();
}, 60_000);

/** The finished job's report, checked as the issue asks: from the batch, at the batch rate. */
function expectBatchReport(final, batchName) {
	expect(final).toMatchObject({ state: 'succeeded', current: 100, total: 100 });
	const { missions, report } = final.result;
	expect(missions).toHaveLength(100);
	expect(report).toMatchObject({ status: 'done', totalCreated: 100, fromAi: 100, fallbackUsed: false });
	expect(report.source).toMatch(/^batch(\+standard)?$/);
	expect(report.economy).toMatchObject({ batchJob: batchName, state: 'succeeded', failedBatchRequests: 0 });
	expect(report.economy.batchMissions).toBeGreaterThan(0);
	expect(report.economy.batchMissions + report.economy.standardMissions).toBe(100);
	expect(report.servedTiers.batch).toBeGreaterThan(0);
	// The batch's tokens priced at the batch rate (half of standard: pricing.ts).
	const { geminiCallCostUsd } = dist('shared/gemini/pricing.js');
	const { DEFAULT_TEXT_MODEL } = dist('shared/gemini/catalog.js');
	const usage = { inputTokens: report.economy.batchPromptTokens, outputTokens: report.economy.batchOutputTokens, thinkingTokens: 0, audioOutputTokens: 0 };
	const atBatchRate = geminiCallCostUsd(DEFAULT_TEXT_MODEL, 'batch', usage);
	expect(report.economy.batchCostUsd).toBeGreaterThan(0);
	expect(report.economy.batchCostUsd).toBeCloseTo(atBatchRate, 5); // rounded to 6 places
	expect(report.economy.batchCostUsd).toBeCloseTo(geminiCallCostUsd(DEFAULT_TEXT_MODEL, 'standard', usage) / 2, 5);
	expect(report.estimatedCostUsd).toBeGreaterThanOrEqual(report.economy.batchCostUsd - 1e-6);
	if (report.source === 'batch') expect(report.estimatedCostUsd).toBeCloseTo(report.economy.batchCostUsd, 5);
	// The status answer shows the economy part beside the result.
	expect(final.economy).toMatchObject({ batchJob: batchName, state: 'succeeded', source: report.source });
	expect(final.message).toMatch(/^100 of 100 missions created \(0 from templates, 100 from Gemini, source: batch/);
}

test(
	'a request with an unknown economy value is refused, naming the field',
	logged(async () => {
		const res = await client.generate({ ...JOB, economy: 'sometimes' });
		expect(res.status).toBe(400);
		expect(JSON.stringify(res.json)).toContain('economy');
	}),
);

test(
	'n8n restarted while the job is parked in the Wait: the job is not marked interrupted, resumes and finishes',
	logged(async () => {
		// The shipped Settings: the first check after max(65, 60 × 1) s, a wait n8n parks in its
		// database (shorter ones it keeps in memory, where a restart loses them).
		fake.configure({ batch: { pendingMs: 1000, runningMs: 2000 } });
		const before = fake.batches().length;
		const accepted = await client.generate(JOB);
		expect(accepted.status).toBe(202);
		const { jobId } = accepted.json;
		const parked = await waitUntil('the job to wait for its batch', async () => {
			const status = (await client.status(jobId)).json;
			return status && status.economy && status.state === 'running' ? status : null;
		}, 60_000);
		expect(parked.message).toContain(WAITING);
		expect(parked.economy.nextCheckSeconds).toBe(65);
		// The Wait node parks the execution right after "Record the wait".
		await new Promise((resolve) => setTimeout(resolve, 3000));
		// For the next test: checks compressed 50-fold (a parked run keeps the Settings it read),
		// published now so the restart loads them.
		await configureSettings(n8n, 'missions-generate.json', { batchCheckFactor: 0.02, batchCheckMinSeconds: 1 });

		const pid = n8n.pid;
		n8n.killNow();
		await waitUntil('n8n to die', async () => !runtime.isAlive(pid), 10_000);
		const restarted = Date.now();
		await n8n.start();
		await n8n.waitForWebhooks();
		process.stderr.write(`[e2e] n8n back after ${Date.now() - restarted} ms\n`);

		// The restart's "Mark interrupted mission jobs" leaves the waiting job alone.
		const afterRestart = (await client.status(jobId)).json;
		expect(afterRestart).toMatchObject({ state: 'running', economy: { batchJob: parked.economy.batchJob } });
		expect(afterRestart.reason).toBeUndefined();

		const { final, seen } = await client.waitForJob(jobId, { timeoutMs: 120_000, intervalMs: 500 });
		expect(seen.map((s) => s.state)).not.toContain('failed');
		const created = fake.batches().slice(before);
		expect(created).toHaveLength(1);
		expectBatchReport(final, created[0].name);
		process.stderr.write(`[e2e] resumed job finished ${Date.now() - restarted} ms after the restart: ${final.message}\n`);
	}),
);

test(
	'"economy": "auto" with 100 missions: the job waits for the batch (PENDING → RUNNING → SUCCEEDED), then finishes from it at the batch rate',
	logged(async () => {
		// Checks at 65, 120, 300 s as shipped, here (Settings changed by the test before) 1, 2, 6 s:
		// the batch is pending at the first, running at the second and done at the third.
		fake.configure({ batch: { pendingMs: 2000, runningMs: 3000 } });
		const before = fake.batches().length;
		const generateCallsBefore = fake.stats().byRoute.generateContent || 0;
		const accepted = await client.generate(JOB);
		expect(accepted.status).toBe(202);
		const { final, seen } = await client.waitForJob(accepted.json.jobId, { timeoutMs: 90_000, intervalMs: 150 });
		process.stderr.write(`[e2e] economy job snapshots: ${JSON.stringify(seen.map((s) => [s.state, s.economy && s.economy.state, s.message.slice(0, 90)]))}\n`);

		const created = fake.batches().slice(before);
		expect(created).toHaveLength(1);
		const [batch] = created;
		expect(batch).toMatchObject({ state: 'BATCH_STATE_SUCCEEDED', cancelled: false });
		const waiting = seen.filter((s) => s.state === 'running' && s.economy);
		expect(waiting.length).toBeGreaterThan(0);
		for (const s of waiting) {
			expect(s.message).toContain(WAITING);
			expect(s.economy).toMatchObject({ batchJob: batch.name, nextCheckSeconds: expect.any(Number), nextCheckAt: expect.any(String) });
			expect(s).not.toHaveProperty('result');
		}
		// The loop saw the batch move: pending first, running later.
		const states = waiting.map((s) => s.economy.state);
		expect(waiting.map((s) => s.economy.nextCheckSeconds)).toEqual(expect.arrayContaining([1, 2]));
		expect(states[0]).toBe('pending');
		expect(states).toContain('running');
		expectBatchReport(final, batch.name);
		// Only standard top-ups (if any) went through generateContent; the batch wrote the rest.
		const topUps = (fake.stats().byRoute.generateContent || 0) - generateCallsBefore;
		if (final.result.report.economy.standardMissions === 0) expect(topUps).toBe(0);
	}),
);

test(
	'cancel: a job waiting for its batch is cancelled at Google and stays cancelled (its run stops at the next check); 409, 404, 400 and 403 otherwise',
	logged(async () => {
		// Checks compressed (1, 2, 6 s) by the test before; the batch would run for minutes.
		fake.configure({ batch: { pendingMs: 1000, runningMs: 600_000 } });
		const accepted = await client.generate(JOB);
		expect(accepted.status).toBe(202);
		const { jobId } = accepted.json;
		const parked = await waitUntil('the job to wait for its batch', async () => {
			const status = (await client.status(jobId)).json;
			return status && status.economy && status.economy.state === 'running' ? status : null;
		}, 60_000);

		const cancelled = await client.cancel(jobId);
		process.stderr.write(`[e2e] cancel answered ${cancelled.status} ${cancelled.text}\n`);
		expect(cancelled.status).toBe(200);
		expect(cancelled.json).toMatchObject({ jobId, state: 'failed', reason: 'cancelled', batchJob: parked.economy.batchJob, googleState: 'BATCH_STATE_CANCELLED' });
		const batch = fake.batches().find((b) => b.name === parked.economy.batchJob);
		expect(batch).toMatchObject({ cancelled: true, state: 'BATCH_STATE_CANCELLED' });
		const checksAtCancel = fake.stats().byRoute.getBatch || 0;
		const generateAtCancel = fake.stats().byRoute.generateContent || 0;

		// Several check intervals later: the run read its row after the Wait and stopped, so the
		// cancelled batch was not read again, no standard call replaced it, and the row stayed.
		await new Promise((resolve) => setTimeout(resolve, 8000));
		expect(fake.stats().byRoute.getBatch || 0).toBe(checksAtCancel);
		expect(fake.stats().byRoute.generateContent || 0).toBe(generateAtCancel);
		const after = (await client.status(jobId)).json;
		expect(after).toMatchObject({ state: 'failed', reason: 'cancelled' });
		expect(after.message).toMatch(/^Cancelled by the caller at .*Google's batch batches\/.* is cancelled\.$/);

		const again = await client.cancel(jobId);
		expect(again.status).toBe(409);
		expect(again.json).toMatchObject({ error: 'not_cancellable', state: 'failed' });
		expect((await client.cancel('00000000-0000-4000-8000-000000000000')).status).toBe(404);
		expect((await client.cancel('not-a-job')).status).toBe(400);
		expect((await client.cancel(jobId, { headers: {} })).status).toBe(403);
		// A standard job is not waiting for a batch: nothing to cancel (409 while it runs or after).
		const standard = await client.generate({ tier: 'BEGINNER', count: 5, locale: 'en' });
		const refused = await client.cancel(standard.json.jobId);
		expect(refused.status).toBe(409);
		expect(refused.json.error).toBe('not_cancellable');
	}),
);
