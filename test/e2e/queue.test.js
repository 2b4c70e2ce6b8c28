'use strict';
// Issue #22, phase 1: the shipped mission workflows in n8n's queue mode (Postgres, Redis, the
// main and two `n8n worker` processes, started by the test runtime), driven through the webhooks
// as a user drives them. Which worker ran what comes from n8n's own records: each worker logs
// "Worker started execution <id>", and the job's row holds its execution id. One cluster serves
// the whole file (a cold start is most of its time).
const { startFakeGoogle } = require('../support/fakeGoogle');
const { startFakeGateway } = require('../support/fakeGateway');
const { runtime, startQueueN8n, stopN8n, printLogsOnFailure, missionClient } = require('../support/n8n');
const { modelAnswer, configureSettings } = require('../support/issueWorkflow');

// Slow enough that a 100-mission EXPERT job (no templates: all from the fake) runs for tens of seconds.
const FAKE_LATENCY_MS = 2000;
const REPORTED_WITHIN_MS = 60_000;
const SLOW_JOB = { tier: 'EXPERT', count: 100, locale: 'en' };
const QUICK_JOB = { tier: 'BEGINNER', count: 3, locale: 'en' };
const GATEWAY_KEY = 'gateway-queue-key-22';
// The shipped issue workflow's critical replies a minute (its Settings node), all workers together.
const CRITICAL_BUDGET = 5;
const BUDGET_WINDOW_MS = 60_000;
// Events each delivered twice at the same instant, all at once: more pairs, more chances to race.
const SIMULTANEOUS_EVENTS = 10;

jest.setTimeout(300_000);

let fake;
let gateway;
let cluster;
let client;
const logged = (fn) => printLogsOnFailure(() => cluster, fn);

beforeAll(async () => {
	fake = await startFakeGoogle({ latencyMs: FAKE_LATENCY_MS, seed: 22, apiKeys: ['test-key'] });
	gateway = await startFakeGateway({ apiKey: GATEWAY_KEY });
	process.env.GATEWAY_API_KEY = GATEWAY_KEY;
	const started = Date.now();
	cluster = await startQueueN8n({ gemini: { apiKey: 'test-key', host: fake.url, requestsPerMinute: 0 }, workers: 2 });
	process.stderr.write(`[e2e] queue cluster cold start ${Date.now() - started} ms\n`);
	client = missionClient(cluster.main);
	await configureSettings(cluster.main, 'issues-auto-response.json', { gatewayUrl: gateway.url, gatewayInstance: 'queue-e2e' });
}, 900_000);

afterAll(async () => {
	delete process.env.GATEWAY_API_KEY;
	await stopN8n(cluster);
	if (gateway) await gateway.close();
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

/** How many executions each worker has started so far (its n8n log). */
const startedPerWorker = () => cluster.workers.map((w) => (w.logText().match(/Worker started execution /g) || []).length);

let issueCounter = 0;
function issue(extra = {}) {
	issueCounter++;
	const n = issueCounter;
	return { id: `Q-${n}`, eventId: `queue-evt-${n}-${Date.now()}`, title: `Logo looks odd ${n}`, body: 'The logo is blurry on the invoice page', customer: { name: 'Ana Souza', phone: `55228888${String(n).padStart(5, '0')}` }, channel: 'whatsapp', ...extra };
}
const postIssue = (body) =>
	runtime.request(cluster.main.webhookUrl('issues'), { method: 'POST', headers: { [runtime.WEBHOOK_SECRET_HEADER]: cluster.main.webhookSecret }, body, timeoutMs: 90_000 });

describe('issue triage across workers (Data table claims in the workflow)', () => {
	// The issue prompts need the stand-in model; the mission tests after these get the fake's own answers back.
	beforeAll(() => fake.configure({ generateJson: modelAnswer }));
	afterAll(() => fake.configure({ generateJson: undefined }));

	test(
		'the same event POSTed twice at the same instant (several events at once): each triaged and answered once, the other answer says duplicate',
		logged(async () => {
			const before = startedPerWorker();
			const events = Array.from({ length: SIMULTANEOUS_EVENTS }, () => issue());
			const answers = await Promise.all(events.map((body) => Promise.all([postIssue(body), postIssue(body)])));
			const after = startedPerWorker();
			process.stderr.write(`[e2e] ${events.length} events delivered twice at once: executions started per worker ${JSON.stringify(after.map((n, i) => n - before[i]))}\n`);
			events.forEach((body, i) => {
				const pair = answers[i];
				expect({ id: body.id, statuses: pair.map((a) => a.status) }).toEqual({ id: body.id, statuses: [200, 200] });
				const triaged = pair.filter((a) => a.json.duplicate === false);
				expect({ id: body.id, triaged: triaged.length, duplicates: pair.filter((a) => a.json.duplicate === true).length }).toEqual({ id: body.id, triaged: 1, duplicates: 1 });
				expect(triaged[0].json).toMatchObject({ issueId: body.id, sent: true });
				const messages = gateway.messages().filter((m) => m.number === body.customer.phone);
				expect(messages.map((m) => m.text)).toEqual(triaged[0].json.replyParts);
			});
		}),
	);

	test(
		`${CRITICAL_BUDGET + 3} critical issues at once: at most ${CRITICAL_BUDGET} critical replies within the minute (all workers together), the rest deferred and sent later`,
		logged(async () => {
			const before = startedPerWorker();
			const criticals = Array.from({ length: CRITICAL_BUDGET + 3 }, (_, i) => issue({ title: `Checkout down ${i}`, body: 'Outage for all users' }));
			const firstPostAt = Date.now();
			const answers = await Promise.all(criticals.map((body) => postIssue(body)));
			const after = startedPerWorker();
			process.stderr.write(`[e2e] ${criticals.length} critical issues: executions started per worker ${JSON.stringify(after.map((n, i) => n - before[i]))}, answers ${JSON.stringify(answers.map((a) => a.status))}\n`);
			const answered = answers.filter((a) => a.status === 200);
			const deferred = answers.filter((a) => a.status === 202);
			expect(answered.length + deferred.length).toBe(criticals.length);
			expect(answered.length).toBeLessThanOrEqual(CRITICAL_BUDGET);
			for (const a of answered) expect(a.json).toMatchObject({ priority: 'critical', sent: true, duplicate: false });
			for (const d of deferred) {
				expect(d.json).toMatchObject({ deferred: true, priority: 'critical', reason: expect.stringContaining(`${CRITICAL_BUDGET} per minute`) });
				expect(Date.parse(d.json.retryAt)).toBeGreaterThan(Date.now());
			}
			const phones = criticals.map((c) => c.customer.phone);
			const sentTo = () => new Set(gateway.messages().filter((m) => phones.includes(m.number)).map((m) => m.number));
			expect(sentTo().size).toBeLessThanOrEqual(CRITICAL_BUDGET);
			expect(Date.now() - firstPostAt).toBeLessThan(BUDGET_WINDOW_MS);
			// The deferred ones go out when the minute has passed, still never more than the budget in any 60 s.
			await waitUntil('every critical issue to be answered', async () => sentTo().size === criticals.length, 2 * BUDGET_WINDOW_MS);
			const sendTimes = phones.map((p) => Math.min(...gateway.messages().filter((m) => m.number === p).map((m) => m.receivedAt))).sort((a, b) => a - b);
			for (let i = CRITICAL_BUDGET; i < sendTimes.length; i++) expect(sendTimes[i] - sendTimes[i - CRITICAL_BUDGET]).toBeGreaterThanOrEqual(BUDGET_WINDOW_MS - 1000);
		}),
		300_000,
	);
});

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
