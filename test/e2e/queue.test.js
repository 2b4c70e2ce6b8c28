'use strict';
// Issue #22, phase 1: the shipped mission workflows in n8n's queue mode (Postgres, Redis, the
// main and two `n8n worker` processes, started by the test runtime), driven through the webhooks
// as a user drives them. Which worker ran what comes from n8n's own records: each worker logs
// "Worker started execution <id>", and the job's row holds its execution id. One cluster serves
// the whole file (a cold start is most of its time).
const { startFakeGoogle } = require('../support/fakeGoogle');
const { runtime, startQueueN8n, stopN8n, printLogsOnFailure, missionClient } = require('../support/n8n');

// Slow enough that a 100-mission EXPERT job (no templates: all from the fake) runs for tens of seconds.
const FAKE_LATENCY_MS = 2000;
const REPORTED_WITHIN_MS = 60_000;
const SLOW_JOB = { tier: 'EXPERT', count: 100, locale: 'en' };
const QUICK_JOB = { tier: 'BEGINNER', count: 3, locale: 'en' };

jest.setTimeout(300_000);

let fake;
let cluster;
let client;
const logged = (fn) => printLogsOnFailure(() => cluster, fn);

beforeAll(async () => {
	fake = await startFakeGoogle({ latencyMs: FAKE_LATENCY_MS, seed: 22, apiKeys: ['test-key'] });
	const started = Date.now();
	cluster = await startQueueN8n({ gemini: { apiKey: 'test-key', host: fake.url, requestsPerMinute: 0 }, workers: 2 });
	process.stderr.write(`[e2e] queue cluster cold start ${Date.now() - started} ms\n`);
	client = missionClient(cluster.main);
}, 900_000);

afterAll(async () => {
	await stopN8n(cluster);
	if (fake) await fake.close();
}, 120_000);

async function waitUntil(what, probe, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe().catch(() => null);
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/** The job's state as its status webhook tells it, or null while a read fails (a worker just died). */
async function statusOf(jobId) {
	const res = await client.status(jobId).catch(() => null);
	return res?.status === 200 ? res.json : null;
}

/** n8n's execution id of each job, from the job table (written by "Save job as queued"). */
async function executionIds(jobIds) {
	const { rest } = cluster.main;
	const project = await rest.call('GET', '/projects/personal');
	const base = `/projects/${project.id}/data-tables`;
	const listed = await rest.call('GET', `${base}?filter=${encodeURIComponent(JSON.stringify({ name: runtime.JOB_TABLE.name }))}`);
	const table = listed.data.find((t) => t.name === runtime.JOB_TABLE.name);
	const rows = await rest.call('GET', `${base}/${table.id}/rows?take=1000`);
	const byJob = new Map((rows.data || rows).map((row) => [row.jobId, row.executionId]));
	return jobIds.map((jobId) => byJob.get(jobId));
}

/** Worker index that started an execution, from each worker's own n8n log. */
function workerOf(executionId) {
	const index = cluster.workers.findIndex((w) => new RegExp(`Worker started execution ${executionId} \\(`).test(w.logText()));
	return index === -1 ? undefined : index;
}

async function accept(body) {
	const res = await client.generate(body);
	expect(res.status).toBe(202);
	return res.json.jobId;
}

/** Accepts `count` slow jobs; once none is queued, the ones running, each with its worker. */
async function runningJobsByWorker(count) {
	const jobIds = await Promise.all(Array.from({ length: count }, () => accept(SLOW_JOB)));
	const states = await waitUntil('every job to start', async () => {
		const all = await Promise.all(jobIds.map(statusOf));
		return all.every((s) => s && s.state !== 'queued') ? all.map((s) => s.state) : null;
	}, 120_000);
	const ids = await executionIds(jobIds);
	return jobIds
		.map((jobId, i) => ({ jobId, executionId: ids[i], worker: workerOf(ids[i]), state: states[i] }))
		.filter((job) => job.state === 'running');
}

test(
	'mission jobs are split across both workers (n8n logs which worker started each execution)',
	logged(async () => {
		const jobIds = await Promise.all(Array.from({ length: 6 }, () => accept(QUICK_JOB)));
		for (const jobId of jobIds) {
			const { final } = await client.waitForJob(jobId);
			expect(final.state).toBe('succeeded');
			expect(final.result.missions).toHaveLength(QUICK_JOB.count);
		}
		const workers = (await executionIds(jobIds)).map(workerOf);
		process.stderr.write(`[e2e] quick jobs ran on workers ${JSON.stringify(workers)}\n`);
		expect(workers.every((w) => w === 0 || w === 1)).toBe(true);
		expect(new Set(workers).size).toBe(2);
	}),
);

test(
	"SIGKILL a worker mid-job: each job it held reads failed / interrupted within 60 s, n8n's execution ends error, a new job succeeds on the other worker",
	logged(async () => {
		const jobs = await runningJobsByWorker(4);
		process.stderr.write(`[e2e] running jobs: ${JSON.stringify(jobs.map((j) => [j.executionId, j.worker]))}\n`);
		// The worker holding more of them dies (either holds one at least: ties go to worker-2).
		const held = (w) => jobs.filter((j) => j.worker === w);
		const victim = held(0).length > held(1).length ? 0 : 1;
		const survivor = 1 - victim;
		expect(held(victim).length).toBeGreaterThan(0);

		const killedAt = Date.now();
		await cluster.killWorker(victim);
		// A job accepted after the loss runs on the survivor; then the victim comes back (for the
		// next test) while the lost jobs wait for their report.
		const after = await accept(QUICK_JOB);
		const { final: afterFinal } = await client.waitForJob(after);
		expect(afterFinal.state).toBe('succeeded');
		const [afterExecution] = await executionIds([after]);
		expect(workerOf(afterExecution)).toBe(survivor);
		const restarted = cluster.restartWorker(victim);
		const reported = await Promise.all(
			held(victim).map(async ({ jobId }) => {
				const final = await waitUntil(`job ${jobId} to be reported`, async () => {
					const status = await statusOf(jobId);
					return status?.state === 'failed' ? status : null;
				}, REPORTED_WITHIN_MS + 30_000);
				return { final, ms: Date.now() - killedAt };
			}),
		);
		await restarted;
		process.stderr.write(`[e2e] SIGKILL → failed/interrupted after ${reported.map((r) => r.ms).join(', ')} ms: ${reported[0].final.message}\n`);
		for (const { final, ms } of reported) {
			expect(final).toMatchObject({ state: 'failed', reason: 'interrupted' });
			// Found by a live worker's stall check ("worker … was lost"), or, when the killed worker is
			// restarted first, by its own crash recovery ("worker or main … was lost and restarted").
			expect(final.message).toMatch(/worker .* was lost/);
			expect(ms).toBeLessThan(REPORTED_WITHIN_MS);
		}
		// n8n's own record of each lost execution.
		for (const { executionId } of held(victim)) {
			const execution = await cluster.main.rest.call('GET', `/executions/${executionId}`);
			expect(['error', 'crashed']).toContain(execution.status);
		}
		// The survivor's jobs finish; nothing stays queued or running.
		for (const { jobId } of held(survivor)) {
			const { final } = await client.waitForJob(jobId);
			expect(final.state).toBe('succeeded');
		}
	}),
);

test(
	'SIGTERM a worker (a rolling restart): its running jobs finish, a job accepted meanwhile runs on the other worker',
	logged(async () => {
		const jobs = await runningJobsByWorker(4);
		const held = (w) => jobs.filter((j) => j.worker === w);
		const leaving = held(0).length > held(1).length ? 0 : 1;
		expect(held(leaving).length).toBeGreaterThan(0);

		const stopped = cluster.stopWorker(leaving);
		await new Promise((resolve) => setTimeout(resolve, 1000));
		const during = await accept(QUICK_JOB);
		await stopped;
		for (const { jobId } of jobs) {
			const { final } = await client.waitForJob(jobId);
			expect(final.state).toBe('succeeded');
		}
		const { final } = await client.waitForJob(during);
		expect(final.state).toBe('succeeded');
		const [executionId] = await executionIds([during]);
		expect(workerOf(executionId)).toBe(1 - leaving);
	}),
);
