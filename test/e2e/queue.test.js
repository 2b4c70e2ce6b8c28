'use strict';
// Issue #22, phase 1: the shipped mission workflows in n8n's queue mode (Postgres, Redis, the
// main and two `n8n worker` processes, started by the test runtime), driven through the webhooks
// as a user drives them. Which worker ran what comes from n8n's own records: each worker logs
// "Worker started execution <id>", and the job's row holds its execution id. One cluster serves
// the whole file (a cold start is most of its time).
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const { decode } = require('../support/audio');
const { startFakeGoogle } = require('../support/fakeGoogle');
const { startFakeGateway } = require('../support/fakeGateway');
const { runtime, startQueueN8n, stopN8n, printLogsOnFailure, missionClient, waitUntil: waitFor } = require('../support/n8n');
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
	cluster = await startQueueN8n({
		gemini: { apiKey: 'test-key', host: fake.url, requestsPerMinute: 0 },
		tts: { apiKey: 'test-key', host: fake.url, requestsPerMinute: 0 },
		workers: 2,
	});
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

const waitUntil = (what, probe, timeoutMs) => waitFor(what, probe, timeoutMs, { intervalMs: 250, ignoreErrors: true });

/** The job's state as its status webhook tells it, or null while a read fails (a worker just died). */
async function statusOf(jobId) {
	const res = await client.status(jobId).catch(() => null);
	return res?.status === 200 ? res.json : null;
}

/** A Data table's REST route (`/projects/<id>/data-tables/<id>`), through n8n's REST API. */
async function tableRoute(name) {
	const { rest } = cluster.main;
	const project = await rest.call('GET', '/projects/personal');
	const base = `/projects/${project.id}/data-tables`;
	const listed = await rest.call('GET', `${base}?filter=${encodeURIComponent(JSON.stringify({ name }))}`);
	const table = listed.data.find((t) => t.name === name);
	return `${base}/${table.id}`;
}

const PAGE = 250; // n8n answers at most 250 rows a read

/** Every row of a Data table, page by page. */
async function tableRows(name) {
	const route = await tableRoute(name);
	const rows = [];
	for (let skip = 0; ; skip += PAGE) {
		const page = await cluster.main.rest.call('GET', `${route}/rows?take=${PAGE}&skip=${skip}&sortBy=${encodeURIComponent('id:asc')}`);
		rows.push(...page.data);
		if (page.data.length < PAGE) return rows;
	}
}

/** n8n's execution id of each job, from the job table (written by "Save job as queued"). */
async function executionIds(jobIds) {
	const byJob = new Map((await tableRows(runtime.JOB_TABLE.name)).map((row) => [row.jobId, row.executionId]));
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
		'the same event POSTed twice at the same instant (several events at once): each triaged and answered once, the other answer says duplicate (or pending)',
		logged(async () => {
			const before = startedPerWorker();
			const events = Array.from({ length: SIMULTANEOUS_EVENTS }, () => issue());
			const answers = await Promise.all(events.map((body) => Promise.all([postIssue(body), postIssue(body)])));
			const after = startedPerWorker();
			process.stderr.write(`[e2e] ${events.length} events delivered twice at once: executions started per worker ${JSON.stringify(after.map((n, i) => n - before[i]))}\n`);
			events.forEach((body, i) => {
				const pair = answers[i];
				expect({ id: body.id, statuses: pair.map((a) => a.status) }).toEqual({ id: body.id, statuses: [200, 200] });
				// The other answer is `duplicate`, or `pending` when it found the first delivery's row before its reply went out.
				const triaged = pair.filter((a) => a.json.duplicate === false && a.json.pending !== true);
				const repeats = pair.filter((a) => a.json.duplicate === true || a.json.pending === true);
				expect({ id: body.id, triaged: triaged.length, repeats: repeats.length }).toEqual({ id: body.id, triaged: 1, repeats: 1 });
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

const scriptHeaders = () => ({ [runtime.WEBHOOK_SECRET_HEADER]: cluster.main.webhookSecret });
// Three titles alike in each batch: every job of both batches writes the same cache keys.
const SCRIPT_BATCH = { titles: ['Saving on groceries', 'Saving on groceries', 'Saving on groceries'], variations: 1, languages: ['en-US'], masterLanguage: 'en-US', words: 60 };
const BATCH_DONE = ['completed', 'completed_with_failures', 'failed'];

async function startBatch(body) {
	const res = await runtime.request(cluster.main.webhookUrl('scripts/batch'), { method: 'POST', headers: scriptHeaders(), body, timeoutMs: 30_000 });
	expect(res.status).toBe(202);
	return res.json;
}

async function batchStatus(batchId) {
	const res = await runtime.request(`${cluster.main.webhookUrl('scripts/status')}?batchId=${batchId}`, { headers: scriptHeaders() }).catch(() => null);
	return res?.status === 200 ? res.json : null;
}

/** n8n's latest executions of a shipped workflow file. */
async function recentRuns(file, limit = 20) {
	const workflowId = runtime.workflowIdFor(file);
	const listed = await cluster.main.rest.call('GET', `/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}&limit=${limit}`);
	return listed.results || [];
}

/** Whether any run of a shipped workflow file is still going. */
async function runsInFlight(file) {
	return (await recentRuns(file)).some((e) => ['new', 'running'].includes(e.status));
}

/** GET with the raw body (the ZIP). */
function getBytes(address) {
	return new Promise((resolve, reject) => {
		const req = http.get(address, { timeout: 60_000 }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
		});
		req.on('timeout', () => req.destroy(new Error(`GET ${address} timed out`)));
		req.on('error', reject);
	});
}

/** The MP3 files of a ZIP, unpacked with the system's unzip: [{name, bytes}]. */
function mp3sIn(zip) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'queue-zip-'));
	try {
		fs.writeFileSync(path.join(dir, 'batch.zip'), zip);
		const result = spawnSync('unzip', ['-q', 'batch.zip', '-d', 'out'], { cwd: dir, encoding: 'utf8' });
		if (result.status !== 0) throw new Error(`unzip failed: ${result.stderr}`);
		return fs.readdirSync(path.join(dir, 'out'), { recursive: true })
			.filter((f) => f.endsWith('.mp3'))
			.map((name) => ({ name, bytes: fs.readFileSync(path.join(dir, 'out', name)) }));
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

test(
	'two identical script batches at once: each ZIP decodes (files written by any worker), and the content cache holds one row per key',
	logged(async () => {
		const batches = await Promise.all([startBatch(SCRIPT_BATCH), startBatch(SCRIPT_BATCH)]);
		const finals = await Promise.all(
			batches.map(({ batchId }) =>
				waitUntil(`batch ${batchId} to finish`, async () => {
					const status = await batchStatus(batchId);
					return status && BATCH_DONE.includes(status.state) ? status : null;
				}, 180_000),
			),
		);
		const rows = await tableRows(runtime.SCRIPT_JOB_TABLE.name);
		const workers = batches.map(({ batchId }) => workerOf(rows.find((r) => r.batchId === batchId && r.kind === 'batch').executionId));
		process.stderr.write(`[e2e] two script batches ran on workers ${JSON.stringify(workers)}\n`);
		for (const final of finals) expect(final).toMatchObject({ state: 'completed', completedJobs: SCRIPT_BATCH.titles.length });
		for (const { downloadUrl } of batches) {
			const res = await getBytes(downloadUrl);
			expect(res.status).toBe(200);
			expect(res.headers['content-type']).toMatch(/^application\/zip/);
			const mp3s = mp3sIn(res.body);
			expect(mp3s).toHaveLength(SCRIPT_BATCH.titles.length);
			for (const { name, bytes } of mp3s) {
				const decoded = decode(bytes, 'mp3');
				expect({ name, codec: decoded.codec, errors: decoded.errors }).toEqual({ name, codec: 'mp3', errors: '' });
			}
		}
		// A title reads completed before its run stores its texts: wait for the runs to end.
		await waitUntil('the title runs to end', async () => !(await runsInFlight('scripts-job-steps.json')), 60_000);
		// Six jobs wrote the same texts; the claim (insert, then look for an earlier row) keeps one row per key.
		const cache = (await tableRows(runtime.SCRIPT_CACHE_TABLE.name)).filter((r) => r.title === SCRIPT_BATCH.titles[0]);
		const perKey = new Map();
		for (const row of cache) perKey.set(row.key, (perKey.get(row.key) || 0) + 1);
		const ids = cache.map((r) => r.id);
		process.stderr.write(`[e2e] cache: ${perKey.size} keys, ${cache.length} rows; ids ${Math.min(...ids)}..${Math.max(...ids)} (gaps are copies removed by the claim)\n`);
		expect(perKey.size).toBeGreaterThan(0);
		expect([...perKey.entries()].filter(([, n]) => n > 1)).toEqual([]);
	}),
	240_000,
);

test(
	'SIGKILL the worker running a script batch: every title job it held reads failed / interrupted within 60 s and the batch ends failed',
	logged(async () => {
		const { batchId } = await startBatch({ ...SCRIPT_BATCH, titles: ['Your first emergency fund', 'Paying off a card', 'Rent or buy'] });
		await waitUntil('the title jobs to run', async () => (await batchStatus(batchId))?.runningJobs > 0, 60_000);
		const batchRow = (await tableRows(runtime.SCRIPT_JOB_TABLE.name)).find((r) => r.batchId === batchId && r.kind === 'batch');
		const victim = workerOf(batchRow.executionId);
		expect([0, 1]).toContain(victim);
		const killedAt = Date.now();
		await cluster.killWorker(victim);
		const final = await waitUntil('the batch to be reported failed', async () => {
			const status = await batchStatus(batchId);
			return status && BATCH_DONE.includes(status.state) ? status : null;
		}, REPORTED_WITHIN_MS + 30_000);
		const reportedMs = Date.now() - killedAt;
		process.stderr.write(`[e2e] script batch: SIGKILL → reported after ${reportedMs} ms: ${JSON.stringify(final.jobs.map((j) => [j.state, j.error]))}\n`);
		await cluster.restartWorker(victim);
		expect(final).toMatchObject({ state: 'failed', totalJobs: 3, failedJobs: 3, runningJobs: 0, queuedJobs: 0 });
		for (const job of final.jobs) expect(job.error).toMatch(/^interrupted: the n8n worker (or main )?running it was lost.* Start a new batch for this title\.$/);
		expect(reportedMs).toBeLessThan(REPORTED_WITHIN_MS);
		const execution = await cluster.main.rest.call('GET', `/executions/${batchRow.executionId}`);
		expect(['error', 'crashed']).toContain(execution.status);
		// The status webhook asks n8n about the batch's run itself (the error workflow may wait
		// minutes for a worker slot under load): a fresh batch whose rows still say running, for
		// this lost run, reads failed / interrupted without the error workflow.
		const orphan = crypto.randomUUID();
		const row = { batchId: orphan, token: 'x', slug: '', step: 'Writing', audios: '[]', files: '[]', error: '', request: '{}', folder: batchRow.folder, executionId: String(batchRow.executionId) };
		await cluster.main.rest.call('POST', `${await tableRoute(runtime.SCRIPT_JOB_TABLE.name)}/insert`, {
			data: [
				{ ...row, kind: 'batch', title: '', state: 'queued' },
				{ ...row, kind: 'job', title: 'Rent or buy', slug: 'rent-or-buy', state: 'running' },
			],
			returnType: 'id',
		});
		const orphanStatus = await batchStatus(orphan);
		expect(orphanStatus).toMatchObject({ state: 'failed', failedJobs: 1, runningJobs: 0 });
		expect(orphanStatus.jobs[0].error).toMatch(/^interrupted: the n8n worker (or main )?running it was lost/);
	}),
	180_000,
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
		// The status webhook itself asks n8n about the run (under load the error workflow waits
		// behind every webhook run for a worker slot): a row still `running` whose execution n8n
		// ended reads failed / interrupted without the error workflow. A fresh row for a lost
		// execution (the error workflow ran for it already) stands in for one it has not reached.
		const orphan = crypto.randomUUID();
		await cluster.main.rest.call('POST', `${await tableRoute(runtime.JOB_TABLE.name)}/insert`, {
			data: [{ jobId: orphan, token: 'x', state: 'running', current: 1, total: 100, message: 'Generating', request: JSON.stringify(SLOW_JOB), executionId: String(held(victim)[0].executionId) }],
			returnType: 'id',
		});
		const orphanStatus = await statusOf(orphan);
		expect(orphanStatus).toMatchObject({ state: 'failed', reason: 'interrupted' });
		expect(orphanStatus.message).toMatch(/worker .* was lost/);
		expect((await tableRows(runtime.JOB_TABLE.name)).find((row) => row.jobId === orphan)).toMatchObject({ state: 'failed', reason: 'interrupted' });
		// The survivor's jobs finish; nothing stays queued or running.
		for (const { jobId } of held(survivor)) {
			const { final } = await client.waitForJob(jobId);
			expect(final.state).toBe('succeeded');
		}
	}),
);

/** Whether the *Job tables and restarts* workflow has run to success since `sinceMs` (its "Instance started" run). */
async function restartRunSince(sinceMs) {
	return (await recentRuns('missions-jobs.json')).some((e) => e.status === 'success' && Date.parse(e.startedAt) >= sinceMs);
}

test(
	'SIGKILL and restart the main while a worker runs a job: the job is never marked interrupted and succeeds',
	logged(async () => {
		const jobId = await accept(SLOW_JOB);
		await waitUntil('the job to run', async () => (await statusOf(jobId))?.state === 'running', 60_000);
		const seen = [];
		const observe = async () => {
			const status = await statusOf(jobId);
			if (status && seen[seen.length - 1] !== status.state) seen.push(status.state);
			return status;
		};
		// From here Google answers slowly (under the 30 s call timeout): the job is still running
		// on its worker while the main is away and when its "Instance started" run looks at the rows.
		fake.configure({ latencyMs: 20_000 });
		try {
			const { main } = cluster;
			const pid = main.pid;
			main.killNow();
			await waitUntil('the main to die', async () => !runtime.isAlive(pid), 10_000);
			const restarted = Date.now();
			await main.start();
			await main.waitForWebhooks();
			await main.rest.login(main.owner.email, main.owner.password);
			await waitUntil("the restart's run of Job tables and restarts", () => restartRunSince(restarted), 60_000);
			await observe();
			process.stderr.write(`[e2e] main back and its restart run done after ${Date.now() - restarted} ms; the job reads ${JSON.stringify(seen)}\n`);
		} finally {
			fake.configure({ latencyMs: FAKE_LATENCY_MS });
		}
		const final = await waitUntil('the job to finish', async () => {
			const status = await observe();
			return status && ['succeeded', 'failed'].includes(status.state) ? status : null;
		}, 240_000);
		process.stderr.write(`[e2e] the job's states after the main's restart: ${JSON.stringify(seen)}\n`);
		expect(seen[0]).toBe('running'); // it spanned the restart
		expect(seen).not.toContain('failed');
		expect(final).toMatchObject({ state: 'succeeded' });
		expect(final.reason).toBeUndefined();
	}),
	300_000,
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
