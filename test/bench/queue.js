'use strict';
// Queue mode (issue #22) in a real n8n 2.41.1: Postgres, Redis, the main and n8n workers
// (scripts/runtime/queue.cjs), the shipped mission workflows, the Google fake and n8n's floor
// webhook (test/bench/floor-webhook.json, answers on receipt), measured interleaved in one run.
// A. Scale: the same batch of small mission jobs with 1 worker (worker-2 stopped) and with 2:
//    jobs per second from the first POST until the last job's row is terminal, and the 202's
//    p50/p99 against the floor's.
// B. Soak: BENCH_QUEUE_JOBS jobs (2,000) posted 20 at a time while the fake answers 5% 429s;
//    worker-1 is SIGKILLed when 40% are posted and started again 15 s later. Then every job is
//    read through its status webhook: each must end `succeeded` or `failed` with a reason,
//    nothing may stay queued/running after the settle time, and nothing may be answered twice
//    (same job id twice, two rows for one job, a state that changes after it was terminal, an
//    execution started twice, a job marked interrupted whose worker was not the killed one).
// Run: `npm run bench -- queue` (or `node test/bench/queue.js` after a build). Tunables:
// BENCH_QUEUE_JOBS (2000), BENCH_QUEUE_CONCURRENCY (20), BENCH_QUEUE_SCALE_JOBS (300),
// BENCH_QUEUE_SETTLE_S (90), BENCH_QUEUE_KEEP=1 keeps the cluster folder, BENCH_QUEUE_DB_POOL sets
// DB_POSTGRESDB_POOL_SIZE. The machine is shared: the
// load average is printed with the numbers.
const os = require('node:os');

const { startFakeGoogle } = require('../support/fakeGoogle');
const { runtime, startQueueN8n, stopN8n } = require('../support/n8n');
const { floorWorkflow, webhookTimer, stats, row, sleep } = require('./webhookTiming');

const JOBS = Number(process.env.BENCH_QUEUE_JOBS || 2000);
const CONCURRENCY = Number(process.env.BENCH_QUEUE_CONCURRENCY || 20);
const SCALE_JOBS = Number(process.env.BENCH_QUEUE_SCALE_JOBS || 300);
// After the last 202, how long every job may take to reach a terminal state.
const SETTLE_MS = Number(process.env.BENCH_QUEUE_SETTLE_S || 90) * 1000;
const WORKERS = 2;
// Postgres connections per n8n process (n8n's default 2 when unset): BENCH_QUEUE_DB_POOL=10.
const DB_POOL = process.env.BENCH_QUEUE_DB_POOL || '';
const WARM_UP_JOBS = 10;
const KILL_AT_FRACTION = 0.4;
const VICTIM = 0; // worker-1
const RESTART_AFTER_MS = 15_000;
// A second read of every row this long after all were terminal: a late error workflow (the main
// waits 30 s for a lost job's result) or a late result would change a state already answered.
const RECHECK_AFTER_MS = 45_000;
const POLL_MS = 2000;
const STATUS_READERS = 10;
// How often the callers of the jobs accepted before the kill read their status (watchJobs).
const WATCH_MS = 5000;
const WATCH_READERS = 20;
const PAGE = 250; // n8n's largest page of Data table rows
// Small jobs: a few hundred ms of Google each, so thousands finish in minutes.
const FAKE = { latencyMs: 300, latencyJitter: 0.2 };
const SOAK_FAULTS = { rate429: 0.05, retryAfterSeconds: 1 };
const REQUESTS = [
	{ tier: 'BEGINNER', count: 5, locale: 'en' },
	{ tier: 'EXPERT', count: 5, locale: 'en' }, // no templates: every mission from the fake
	{ tier: 'INTERMEDIATE', count: 8, locale: 'pt-BR' },
	{ tier: 'ADVANCED', count: 6, locale: 'en' },
];
const TERMINAL = new Set(['succeeded', 'failed']);

const say = (message) => process.stderr.write(`[queue ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const ms = (v) => (Number.isFinite(v) ? v.toFixed(0) : '–');
const ratio = (a, b) => (Number.isFinite(a / b) ? (a / b).toFixed(2) : '–');

/** n8n's REST API answers 503 "Database is not ready!" while its database check lags under load: try again, bounded. */
async function withRetry(fn, tries = 30, waitMs = 2000) {
	for (let i = 1; ; i++) {
		try {
			return await fn();
		} catch (error) {
			if (i >= tries) throw error;
			say(`REST read failed (${String(error.message).slice(0, 160)}), try ${i + 1} of ${tries} in ${waitMs} ms`);
			await sleep(waitMs);
		}
	}
}

/** The mission job table through n8n's REST API (on the main; reads Postgres, takes no worker slot). */
async function jobTable(main) {
	const project = await main.rest.call('GET', '/projects/personal');
	const base = `/projects/${project.id}/data-tables`;
	const listed = await main.rest.call('GET', `${base}?filter=${encodeURIComponent(JSON.stringify({ name: runtime.JOB_TABLE.name }))}`);
	const table = listed.data.find((t) => t.name === runtime.JOB_TABLE.name);
	const rowsUrl = `${base}/${table.id}/rows`;
	const query = (filters, take, skip = 0) => {
		const filter = filters.length ? `&filter=${encodeURIComponent(JSON.stringify({ type: 'and', filters }))}` : '';
		return withRetry(() => main.rest.call('GET', `${rowsUrl}?take=${take}&skip=${skip}&sortBy=${encodeURIComponent('id:asc')}${filter}`));
	};
	return {
		/** Rows in all and rows not yet terminal. */
		async counts() {
			const [all, open] = await Promise.all([
				query([], 1),
				query(
					[
						{ columnName: 'state', condition: 'neq', value: 'succeeded' },
						{ columnName: 'state', condition: 'neq', value: 'failed' },
					],
					1,
				),
			]);
			return { rows: all.count, open: open.count };
		},
		/** Job ids of the rows not yet terminal. */
		async openJobIds() {
			const ids = [];
			const filters = [
				{ columnName: 'state', condition: 'neq', value: 'succeeded' },
				{ columnName: 'state', condition: 'neq', value: 'failed' },
			];
			for (let skip = 0; ; skip += PAGE) {
				const page = await query(filters, PAGE, skip);
				ids.push(...page.data.map((r) => r.jobId));
				if (page.data.length < PAGE) return ids;
			}
		},
		async all() {
			const rows = [];
			for (let skip = 0; ; skip += PAGE) {
				const page = await query([], PAGE, skip);
				rows.push(...page.data);
				if (page.data.length < PAGE) return rows;
			}
		},
	};
}

/** Executions each worker's log says it started/finished (n8n logs "Worker started execution <id> (job <n>)"). */
function executionsInLog(text, verb) {
	return [...text.matchAll(new RegExp(`Worker ${verb} execution (\\d+) \\(`, 'g'))].map((m) => m[1]);
}

/**
 * Posts `count` jobs, `concurrency` at a time; each poster posts a job, then calls the floor.
 * `onPosted(n)` runs after each accepted job. Resolves with the jobs, both latencies and the
 * answers that were not a 202 (a POST in flight when a worker dies).
 */
async function post({ timer, count, concurrency, offset, onPosted = () => {} }) {
	const jobs = [];
	const ours = [];
	const floor = [];
	const refused = [];
	let next = 0;
	const started = Date.now();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < count) {
				const i = next++;
				const request = REQUESTS[(offset + i) % REQUESTS.length];
				const postedAt = Date.now();
				const a = await timer.timed('missions/generate', request).catch((error) => ({
					ms: Date.now() - postedAt,
					res: { status: 0, text: error.message },
				}));
				if (a.res.status === 202) {
					jobs.push({
						jobId: a.res.json.jobId,
						request,
						postedAt,
						acceptedAt: Date.now(),
					});
					ours.push(a.ms);
					onPosted(jobs.length, jobs[jobs.length - 1]);
				} else {
					refused.push({
						status: a.res.status,
						text: String(a.res.text).slice(0, 200),
						at: postedAt,
					});
				}
				const f = await timer.floor().catch(() => null);
				if (f && f.res.status >= 200 && f.res.status < 300) floor.push(f.ms);
			}
		}),
	);
	return {
		jobs,
		ours,
		floor,
		refused,
		started,
		postedMs: Date.now() - started,
	};
}

/**
 * Waits until the table holds a terminal row for every job accepted so far, or the deadline;
 * then `openAtDeadline` lists the job ids whose rows were still open at the deadline.
 */
async function settle(table, expectedRows, deadline) {
	for (;;) {
		const c = await table.counts().catch(() => null);
		if (c && c.rows >= expectedRows && c.open === 0) return { settled: true, openAtDeadline: [], ...c };
		if (Date.now() > deadline) return { settled: false, openAtDeadline: await table.openJobIds(), ...(c || {}) };
		await sleep(POLL_MS);
	}
}

/** One job's status through its webhook (a non-200 answer as `{state: 'HTTP <status>'}`). */
async function readStatus(timer, main, jobId) {
	const res = await runtime
		.request(`${main.webhookUrl('missions/status')}?jobId=${jobId}`, {
			headers: timer.headers,
			timeoutMs: 120_000,
		})
		.catch((error) => ({ status: 0, text: error.message }));
	return res.status === 200 ? res.json : { state: `HTTP ${res.status}`, message: String(res.text).slice(0, 200) };
}

/**
 * The callers of the jobs accepted before the kill, polling them as a client does: every
 * WATCH_MS, the status of each of those whose row is still open (the REST list of open rows
 * says which), until every one read terminal or `stop()`. Records when each was first read
 * failed / interrupted: that is when its caller learns of the loss.
 */
function watchJobs({ timer, main, table, jobs }) {
	const watched = new Map(jobs.map((j) => [j.jobId, null]));
	const reportedAt = new Map();
	let stopped = false;
	const done = (async () => {
		while (!stopped && [...watched.values()].some((s) => !s || !TERMINAL.has(s.state))) {
			const round = Date.now();
			const listed = await table.openJobIds().catch(() => null);
			if (!listed) {
				await sleep(WATCH_MS);
				continue; // no list this round (REST busy): nothing is taken as finished
			}
			const open = new Set(listed);
			const toRead = [...watched.keys()].filter((id) => open.has(id) || !watched.get(id));
			// Each caller polls its own job: all of them at once (up to WATCH_READERS).
			await Promise.all(
				Array.from({ length: Math.min(WATCH_READERS, toRead.length) }, async () => {
					for (let id = toRead.shift(); id && !stopped; id = toRead.shift()) {
						if (!open.has(id)) {
							watched.set(id, { state: 'succeeded' }); // its row was terminal in the list
							continue;
						}
						const s = await readStatus(timer, main, id);
						watched.set(id, s);
						if (s.reason === 'interrupted' && !reportedAt.has(id)) reportedAt.set(id, Date.now());
					}
				}),
			);
			await sleep(Math.max(0, WATCH_MS - (Date.now() - round)));
		}
	})();
	return {
		reportedAt,
		async stop() {
			stopped = true;
			await done;
		},
	};
}

/** Jobs per second from the first POST to the last of their rows' final update. */
function throughput(jobs, rowsByJob, started) {
	const ends = jobs
		.map((j) => rowsByJob.get(j.jobId)?.[0])
		.filter((r) => r && TERMINAL.has(r.state))
		.map((r) => Date.parse(r.updatedAt));
	const lastEnd = Math.max(...ends);
	return {
		perSecond: ends.length / ((lastEnd - started) / 1000),
		seconds: (lastEnd - started) / 1000,
		finished: ends.length,
	};
}

function groupRows(rows) {
	const byJob = new Map();
	for (const r of rows) byJob.set(r.jobId, [...(byJob.get(r.jobId) || []), r]);
	return byJob;
}

async function scalePhase({ cluster, table, timer, fake, workers, offset, expectedBefore }) {
	const calls = fake.stats();
	const loadBefore = os.loadavg()[0];
	say(`A: ${SCALE_JOBS} jobs with ${workers} worker(s)`);
	const run = await post({
		timer,
		count: SCALE_JOBS,
		concurrency: CONCURRENCY,
		offset,
	});
	const end = await settle(table, expectedBefore + run.jobs.length, Date.now() + SETTLE_MS);
	const byJob = groupRows(await table.all());
	const t = throughput(run.jobs, byJob, run.started);
	const states = run.jobs.map((j) => byJob.get(j.jobId)?.[0]?.state || 'no row');
	const after = fake.stats();
	return {
		workers,
		...run,
		...t,
		settled: end.settled,
		succeeded: states.filter((s) => s === 'succeeded').length,
		other: states.filter((s) => s !== 'succeeded').length,
		geminiCalls: (after.byRoute.generateContent || 0) - (calls.byRoute.generateContent || 0),
		loadBefore,
		loadAfter: os.loadavg()[0],
		started: startedPerWorker(cluster),
	};
}

const startedPerWorker = (cluster) => cluster.workers.map((w) => executionsInLog(w.logText(), 'started').length);

async function statusSweep(timer, main, jobs) {
	const out = new Map();
	const pending = [...jobs];
	await Promise.all(
		Array.from({ length: STATUS_READERS }, async () => {
			for (let job = pending.shift(); job; job = pending.shift()) out.set(job.jobId, await readStatus(timer, main, job.jobId));
		}),
	);
	return out;
}

async function main() {
	const fake = await startFakeGoogle({
		apiKeys: ['bench-key'],
		seed: 22,
		...FAKE,
	});
	let cluster;
	try {
		const coldStart = Date.now();
		cluster = await startQueueN8n({
			gemini: { apiKey: 'bench-key', host: fake.url, requestsPerMinute: 0 },
			workers: WORKERS,
			extraWorkflows: [floorWorkflow()],
			env: DB_POOL ? { DB_POSTGRESDB_POOL_SIZE: DB_POOL } : {},
		});
		const coldStartS = (Date.now() - coldStart) / 1000;
		const timer = webhookTimer(cluster.main);
		const table = await jobTable(cluster.main);
		let accepted = 0;

		// Warm-up on both workers: first executions load code lazily.
		const warm = await post({
			timer,
			count: WARM_UP_JOBS,
			concurrency: 5,
			offset: 0,
		});
		accepted += warm.jobs.length;
		await settle(table, accepted, Date.now() + SETTLE_MS);

		// A. 1 worker (worker-2 stopped, SIGTERM with nothing running), then 2 (BENCH_QUEUE_SCALE_JOBS=0 skips it).
		let one = null;
		let two = null;
		if (SCALE_JOBS > 0) {
			await cluster.stopWorker(1);
			one = await scalePhase({
				cluster,
				table,
				timer,
				fake,
				workers: 1,
				offset: 0,
				expectedBefore: accepted,
			});
			accepted += one.jobs.length;
			await cluster.restartWorker(1);
			two = await scalePhase({
				cluster,
				table,
				timer,
				fake,
				workers: 2,
				offset: 1,
				expectedBefore: accepted,
			});
			accepted += two.jobs.length;
		}
		// Part A is printed at once (a later failure keeps it)
		const cores = os.cpus().length;
		console.log(
			`\nQueue mode: n8n ${runtime.N8N_VERSION}, Postgres + Redis + main + ${WORKERS} workers (concurrency ${runtime.DEFAULT_CONCURRENCY} each, Postgres pool ${DB_POOL || 'n8n default'}), cold start ${coldStartS.toFixed(0)} s; Google fake ${FAKE.latencyMs} ms ±${FAKE.latencyJitter * 100}%; ${cores} cores shared with other work (numbers are noisy)\n`,
		);
		if (one && two) {
			console.log(`A. Scale: ${SCALE_JOBS} jobs per run, ${CONCURRENCY} posters (each: a job, then the floor), no faults; jobs of ${REQUESTS.map((r) => `${r.count} ${r.tier}`).join(', ')} in turn\n`);
			row(['workers', 'jobs/s (until all terminal)', 'all terminal after (s)', 'succeeded', 'other', '202 p50 ms', '202 p99 ms', 'floor p50 ms', 'floor p99 ms', 'ours ÷ floor p50', 'ours ÷ floor p99', 'Gemini calls', 'load avg before → after']);
			row(Array(13).fill('---'));
			for (const p of [one, two]) {
				const o = stats(p.ours);
				const f = stats(p.floor);
				row([
					p.workers,
					p.perSecond.toFixed(2),
					p.seconds.toFixed(1),
					p.succeeded,
					p.other,
					ms(o.p50),
					ms(o.p99),
					ms(f.p50),
					ms(f.p99),
					ratio(o.p50, f.p50),
					ratio(o.p99, f.p99),
					p.geminiCalls,
					`${p.loadBefore.toFixed(1)} → ${p.loadAfter.toFixed(1)}`,
				]);
			}
			console.log(
				`\n2 workers ÷ 1 worker: jobs/s ${ratio(two.perSecond, one.perSecond)}, 202 p50 ${ratio(stats(two.ours).p50, stats(one.ours).p50)}, 202 p99 ${ratio(stats(two.ours).p99, stats(one.ours).p99)}; executions started per worker so far ${JSON.stringify(two.started)}`,
			);
		}

		// B. Soak with 5% 429s; worker-1 SIGKILLed mid-run and restarted.
		fake.configure({ faults: SOAK_FAULTS });
		const callsBefore = fake.stats();
		const victim = cluster.workers[VICTIM];
		const kill = {
			at: null,
			victimLogLength: 0,
			restartedAt: null,
			restartMs: null,
			postedAtKill: 0,
		};
		let restarting = null;
		let watcher = null;
		const acceptedJobs = [];
		const loadBefore = os.loadavg()[0];
		say(`B: soak of ${JOBS} jobs`);
		const soak = await post({
			timer,
			count: JOBS,
			concurrency: CONCURRENCY,
			offset: 0,
			onPosted: (n, job) => {
				acceptedJobs.push(job);
				if (kill.at || n < JOBS * KILL_AT_FRACTION) return;
				kill.at = Date.now();
				kill.postedAtKill = n;
				kill.victimLogLength = victim.logText().length;
				say(`B: SIGKILL worker-${VICTIM + 1} after ${n} jobs accepted`);
				watcher = watchJobs({ timer, main: cluster.main, table, jobs: [...acceptedJobs] });
				restarting = (async () => {
					await cluster.killWorker(VICTIM);
					await sleep(RESTART_AFTER_MS);
					kill.restartedAt = Date.now();
					await cluster.restartWorker(VICTIM);
					kill.restartMs = Date.now() - kill.restartedAt;
				})();
			},
		});
		const lastAccepted = Math.max(...soak.jobs.map((j) => j.acceptedAt));
		const loadDuring = os.loadavg()[0];
		await restarting;
		accepted += soak.jobs.length;
		say(`B: all ${soak.jobs.length} posted; waiting for every job to end`);
		const end = await settle(table, accepted, lastAccepted + SETTLE_MS);
		const openAtDeadline = new Set(end.openAtDeadline);
		await watcher?.stop();
		say(`B: ${end.settled ? 'settled' : `NOT settled (${JSON.stringify(end)})`}; reading every job's status`);
		const settledAt = Date.now();
		const settledAfterS = (settledAt - lastAccepted) / 1000;
		const firstRows = groupRows(await table.all());
		const t = throughput(soak.jobs, firstRows, soak.started);

		// Every job through its status webhook, then every row again after RECHECK_AFTER_MS.
		const statuses = await statusSweep(timer, cluster.main, soak.jobs);
		await sleep(Math.max(0, settledAt + RECHECK_AFTER_MS - Date.now()));
		const laterRows = groupRows(await table.all());
		const calls = fake.stats();

		// Which worker started which execution (the victim's log before the kill; it appends after its restart).
		const victimBefore = victim.logText().slice(0, kill.victimLogLength);
		const heldByVictim = new Set(executionsInLog(victimBefore, 'started').filter((id) => !executionsInLog(victimBefore, 'finished').includes(id)));
		const startedAll = cluster.workers.flatMap((w) => executionsInLog(w.logText(), 'started'));
		const startedTwice = startedAll.filter((id, i) => startedAll.indexOf(id) !== i);

		const byOutcome = new Map();
		const count = (key) => byOutcome.set(key, (byOutcome.get(key) || 0) + 1);
		const problems = {
			stuck: [],
			noReason: [],
			notFound: [],
			twoRows: [],
			changed: [],
			mismatch: [],
			interruptedLive: [],
		};
		const sets = new Map();
		for (const job of soak.jobs) {
			const s = statuses.get(job.jobId);
			const rows = firstRows.get(job.jobId) || [];
			const later = laterRows.get(job.jobId) || [];
			count(`${s.state}${s.reason ? ` / ${s.reason}` : ''}`);
			// Stuck: its row open when the settle time ran out, or still not terminal on the status webhook.
			if (openAtDeadline.has(job.jobId) || !rows[0] || s.state === 'queued' || s.state === 'running') problems.stuck.push({ jobId: job.jobId, atDeadline: openAtDeadline.has(job.jobId) ? 'open' : rows[0]?.state, later: s.state });
			else if (!TERMINAL.has(s.state)) problems.notFound.push(job.jobId);
			if (s.state === 'failed' && !s.reason) problems.noReason.push(job.jobId);
			if (rows.length > 1 || later.length > 1) problems.twoRows.push(job.jobId);
			if (later[0] && TERMINAL.has(s.state) && later[0].state !== s.state) problems.mismatch.push(job.jobId);
			if (rows[0] && later[0] && TERMINAL.has(rows[0].state) && (later[0].state !== rows[0].state || later[0].reason !== rows[0].reason))
				problems.changed.push({
					jobId: job.jobId,
					from: `${rows[0].state}/${rows[0].reason}`,
					to: `${later[0].state}/${later[0].reason}`,
				});
			if (s.reason === 'interrupted' && rows[0] && !heldByVictim.has(String(rows[0].executionId)))
				problems.interruptedLive.push({
					jobId: job.jobId,
					executionId: rows[0].executionId,
					message: s.message,
				});
			if (s.state === 'succeeded') {
				const key = `${job.request.tier}|${job.request.locale}|${(s.result?.missions || [])
					.map((m) => m.title)
					.sort()
					.join('\n')}`;
				sets.set(key, (sets.get(key) || 0) + 1);
			}
		}
		const jobIds = soak.jobs.map((j) => j.jobId);
		const sameJobId = jobIds.length - new Set(jobIds).size;
		const sameSet = [...sets.values()].reduce((sum, n) => sum + (n - 1), 0);
		const interrupted = soak.jobs.filter((j) => statuses.get(j.jobId)?.reason === 'interrupted');
		const messages = new Map();
		for (const j of interrupted) {
			const kind = String(statuses.get(j.jobId).message).replace(/ \(execution \d+\).*/, '');
			messages.set(kind, (messages.get(kind) || 0) + 1);
		}
		const reportedAfter = interrupted.map((j) => Date.parse(laterRows.get(j.jobId)?.[0]?.updatedAt) - kill.at).filter(Number.isFinite);
		const readAfter = [...(watcher?.reportedAt.values() || [])].map((t) => t - kill.at);
		const span = (list) => (list.length ? `${(Math.min(...list) / 1000).toFixed(0)}–${(Math.max(...list) / 1000).toFixed(0)} s` : '–');


		const o = stats(soak.ours);
		const f = stats(soak.floor);
		console.log(
			`\nB. Soak: ${JOBS} jobs, ${CONCURRENCY} posters, fake answering ${SOAK_FAULTS.rate429 * 100}% 429s (Retry-After ${SOAK_FAULTS.retryAfterSeconds} s); worker-${VICTIM + 1} SIGKILLed after ${kill.postedAtKill} jobs accepted, started again ${RESTART_AFTER_MS / 1000} s later (ready in ${ms(kill.restartMs)} ms); load average ${loadBefore.toFixed(1)} before, ${loadDuring.toFixed(1)} at the last POST\n`,
		);
		row(['webhook', 'n', 'p50 ms', 'p99 ms', 'max ms', 'ours ÷ floor p50', 'ours ÷ floor p99']);
		row(Array(7).fill('---'));
		row(['missions/generate → 202', o.n, ms(o.p50), ms(o.p99), ms(o.max), ratio(o.p50, f.p50), ratio(o.p99, f.p99)]);
		row(['floor (answers on receipt)', f.n, ms(f.p50), ms(f.p99), ms(f.max), '', '']);
		console.log('');
		row(['jobs accepted', 'POSTs not answered 202', 'posting took (s)', 'jobs/s (until all terminal)', 'all terminal after (s)', `settled within ${SETTLE_MS / 1000} s of the last 202`, 'Gemini calls (429s)']);
		row(Array(7).fill('---'));
		row([
			soak.jobs.length,
			soak.refused.length,
			(soak.postedMs / 1000).toFixed(1),
			t.perSecond.toFixed(2),
			t.seconds.toFixed(1),
			end.settled ? `yes (${settledAfterS.toFixed(0)} s)` : `NO (${end.open} open rows)`,
			`${(calls.byRoute.generateContent || 0) - (callsBefore.byRoute.generateContent || 0)} (${(calls.byStatus?.[429] || 0) - (callsBefore.byStatus?.[429] || 0)})`,
		]);
		console.log('\nEvery job through missions/status:\n');
		row(['state / reason', 'jobs']);
		row(['---', '---']);
		for (const [key, n] of [...byOutcome.entries()].sort((a, b) => b[1] - a[1])) row([key, n]);
		console.log('');
		const verdict = (n) => (n === 0 ? '0' : `**${n}**`);
		row(['check', 'count']);
		row(['---', '---']);
		row([`stuck (not terminal ${SETTLE_MS / 1000} s after the last 202)`, verdict(problems.stuck.length)]);
		row(['not found / status error', verdict(problems.notFound.length)]);
		row(['failed without a reason', verdict(problems.noReason.length)]);
		row(['answered twice: the same job id in two 202s', verdict(sameJobId)]);
		row(['answered twice: two rows for one job', verdict(problems.twoRows.length)]);
		row([`answered twice: terminal state changed ${RECHECK_AFTER_MS / 1000} s later`, verdict(problems.changed.length)]);
		row(['answered twice: an execution started twice (worker logs)', verdict(new Set(startedTwice).size)]);
		row(['status webhook ≠ job row', verdict(problems.mismatch.length)]);
		row(['interrupted, but its worker was not the killed one', verdict(problems.interruptedLive.length)]);
		row(['two jobs of one tier and locale with the same mission set', verdict(sameSet)]);
		console.log(
			`\nKilled worker held ${heldByVictim.size} executions at the kill; ${interrupted.length} jobs read failed / interrupted: rows written ${span(reportedAfter)} after the kill (${reportedAfter.filter((v) => v > 60_000).length} after more than 60 s); first read so by their polling callers (every ${WATCH_MS / 1000} s) ${span(readAfter)} after the kill (${readAfter.filter((v) => v > 60_000).length} after more than 60 s, ${readAfter.length} of ${interrupted.length}); messages ${JSON.stringify([...messages])}. POSTs not answered 202: ${JSON.stringify(soak.refused.slice(0, 5))}`,
		);
		for (const [name, list] of Object.entries(problems)) if (list.length) console.log(`${name}: ${JSON.stringify(list.slice(0, 10))}`);
		if (startedTwice.length) console.log(`executions started twice: ${JSON.stringify([...new Set(startedTwice)].slice(0, 10))}`);
		const failures = problems.stuck.length + problems.notFound.length + problems.noReason.length + sameJobId + problems.twoRows.length + problems.changed.length + startedTwice.length;
		if (failures > 0) process.exitCode = 1;
		if (failures > 0 || process.env.BENCH_QUEUE_KEEP) cluster.failed = true; // keep the folder for inspection
	} catch (error) {
		if (cluster) cluster.failed = true; // keep the folder for inspection
		throw error;
	} finally {
		await stopN8n(cluster);
		await fake.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
