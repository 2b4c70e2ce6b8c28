'use strict';
// Webhook path soak (issue #16) in a real n8n 2.41.1: the mission webhook's 202 against n8n's own
// floor (a webhook that answers on receipt, test/bench/floor-webhook.json), measured interleaved
// in the same run, at rest and under a soak of 1,000 jobs posted 20 at a time while the Google
// fake answers in 300 ms with 5% 429s. Every job is then followed to its end: none may be lost.
// Run: `node test/bench/webhook-soak.js` (or `npm run bench -- webhook-soak`). Prints a table.
// Tunables: SOAK_JOBS (1000), SOAK_CONCURRENCY (20), REST_PAIRS (100). The machine is shared:
// the load average is printed with the numbers.
const fs = require('node:fs');
const os = require('node:os');

const { startFakeGoogle } = require('../support/fakeGoogle');
const { runtime, startN8n, stopN8n } = require('../support/n8n');
const { floorWorkflow, webhookTimer, stats, row, sleep } = require('./webhookTiming');

const JOBS = Number(process.env.SOAK_JOBS || 1000);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY || 20);
const REST_PAIRS = Number(process.env.REST_PAIRS || 100);
// "At rest": one call at a time with the instance idle between calls, i.e. the previous job's
// background work (a few hundred ms of generation, progress and saving) has finished.
const REST_PAUSE_MS = 400;
const FAKE = { latencyMs: 300, latencyJitter: 0.2, faults: { rate429: 0.05, retryAfterSeconds: 1 } };
const TARGET_REST_P98 = 1.5;
const TARGET_SOAK_P50 = 1.5;
const DRAIN_TIMEOUT_MS = 30 * 60 * 1000;
const REQUESTS = [
	{ tier: 'BEGINNER', count: 10, locale: 'en' },
	{ tier: 'INTERMEDIATE', count: 10, locale: 'pt-BR' },
	{ tier: 'EXPERT', count: 6, locale: 'en' }, // no templates: every mission from the fake
	{ tier: 'ADVANCED', count: 10, locale: 'en' },
];

/** RSS (MB) of n8n's main process and of its task runner, from /proc (Linux). */
function memory(guardianPid) {
	const children = (pid) =>
		fs
			.readdirSync('/proc')
			.filter((d) => /^\d+$/.test(d))
			.filter((d) => {
				try {
					return fs.readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ')[1] === String(pid);
				} catch {
					return false;
				}
			})
			.map(Number);
	const rss = (pid) => {
		try {
			const kb = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
			return kb ? Math.round(Number(kb[1]) / 1024) : 0;
		} catch {
			return 0;
		}
	};
	const [main] = children(guardianPid);
	const runners = main ? children(main) : [];
	return { n8n: rss(main), runners: runners.reduce((sum, pid) => sum + rss(pid), 0) };
}

async function main() {
	const fake = await startFakeGoogle({ apiKeys: ['bench-key'], seed: 16, ...FAKE });
	let n8n;
	try {
		n8n = await startN8n({ gemini: { apiKey: 'bench-key', host: fake.url, requestsPerMinute: 0 }, extraWorkflows: [floorWorkflow()] });
		const { headers, timed, floor } = webhookTimer(n8n);
		const ours = (i) => timed('missions/generate', REQUESTS[i % REQUESTS.length]);
		const jobs = [];
		const accept = (i, { res }) => {
			if (res.status === 202) jobs.push({ jobId: res.json.jobId, request: REQUESTS[i % REQUESTS.length] });
			else throw new Error(`job ${i}: HTTP ${res.status} ${res.text}`);
		};

		// Warm-up: first executions load code lazily.
		for (let i = 0; i < 10; i++) {
			accept(i, await ours(i));
			await floor();
		}
		await sleep(2000);
		const memBefore = memory(n8n.pid);

		// At rest: pairs, order alternated so neither side always goes first.
		const rest = { ours: [], floor: [] };
		for (let i = 0; i < REST_PAIRS; i++) {
			const first = i % 2 === 0;
			if (first) {
				const a = await ours(i);
				accept(i, a);
				rest.ours.push(a.ms);
			}
			rest.floor.push((await floor()).ms);
			if (!first) {
				const a = await ours(i);
				accept(i, a);
				rest.ours.push(a.ms);
			}
			await sleep(REST_PAUSE_MS);
		}

		// Soak: CONCURRENCY workers, each posting a job then a floor call, until JOBS are posted.
		const soak = { ours: [], floor: [] };
		const loadBefore = os.loadavg()[0];
		let next = 0;
		const soakStarted = Date.now();
		await Promise.all(
			Array.from({ length: CONCURRENCY }, async () => {
				while (next < JOBS) {
					const i = next++;
					const a = await ours(i);
					accept(i, a);
					soak.ours.push(a.ms);
					soak.floor.push((await floor()).ms);
				}
			}),
		);
		const postedMs = Date.now() - soakStarted;
		const loadDuring = os.loadavg()[0];

		// Follow every job to its end.
		const outcome = { succeeded: 0, failed: 0, lost: 0, short: 0 };
		const pending = [...jobs];
		const drainDeadline = Date.now() + DRAIN_TIMEOUT_MS;
		await Promise.all(
			Array.from({ length: 10 }, async () => {
				for (let job = pending.shift(); job; job = pending.shift()) {
					for (;;) {
						const res = await runtime.request(`${n8n.webhookUrl('missions/status')}?jobId=${job.jobId}`, { headers, timeoutMs: 120_000 });
						const state = res.json?.state;
						if (state === 'succeeded' || state === 'failed') {
							outcome[state]++;
							if (state === 'succeeded' && res.json.result.missions.length < job.request.count) outcome.short++;
							break;
						}
						if (res.status !== 200 || Date.now() > drainDeadline) {
							outcome.lost++;
							break;
						}
						await sleep(500);
					}
				}
			}),
		);
		const drainedMs = Date.now() - soakStarted;
		await sleep(5000);
		const memAfter = memory(n8n.pid);
		const runnerTrouble = n8n.logText().split('\n').filter((l) => /Maximum call stack|\[runner:js\].*timed out|runner.*(unresponsive|restart)/i.test(l)).length;
		const f = fake.stats();

		const r = { ours: stats(rest.ours), floor: stats(rest.floor) };
		const s = { ours: stats(soak.ours), floor: stats(soak.floor) };
		const ms = (v) => v.toFixed(0);
		console.log(`\nWebhook path soak: n8n ${runtime.N8N_VERSION}, Google fake ${FAKE.latencyMs} ms ±20% with ${FAKE.faults.rate429 * 100}% 429s; ${os.cpus().length} cores, load average ${loadBefore.toFixed(1)} before the soak, ${loadDuring.toFixed(1)} at its end\n`);
		row(['phase', 'webhook', 'n', 'p50 ms', 'p98 ms', 'p99 ms', 'max ms', 'ours ÷ floor p50', 'ours ÷ floor p98', 'target']);
		row(['---', '---', '---', '---', '---', '---', '---', '---', '---', '---']);
		for (const [phase, m, target] of [
			['at rest (sequential pairs)', r, `p98 ≤ ${TARGET_REST_P98}× floor: ${r.ours.p98 / r.floor.p98 <= TARGET_REST_P98 ? 'met' : 'MISSED'}`],
			[`soak (${JOBS} jobs, ${CONCURRENCY} at a time)`, s, `p50 ≤ ${TARGET_SOAK_P50}× floor: ${s.ours.p50 / s.floor.p50 <= TARGET_SOAK_P50 ? 'met' : 'MISSED'}`],
		]) {
			row([phase, 'missions/generate → 202', m.ours.n, ms(m.ours.p50), ms(m.ours.p98), ms(m.ours.p99), ms(m.ours.max), (m.ours.p50 / m.floor.p50).toFixed(2), (m.ours.p98 / m.floor.p98).toFixed(2), target]);
			row([phase, 'floor (answers on receipt)', m.floor.n, ms(m.floor.p50), ms(m.floor.p98), ms(m.floor.p99), ms(m.floor.max), '', '', '']);
		}
		console.log('');
		row(['jobs accepted', 'succeeded', 'failed', 'lost', 'short of missions', 'posting took (s)', 'all finished after (s)', 'Gemini calls (429s)', 'runner trouble lines', 'n8n RSS before → after (MB)', 'runner RSS before → after (MB)']);
		row(['---', '---', '---', '---', '---', '---', '---', '---', '---', '---', '---']);
		row([
			jobs.length,
			outcome.succeeded,
			outcome.failed,
			outcome.lost,
			outcome.short,
			(postedMs / 1000).toFixed(1),
			(drainedMs / 1000).toFixed(1),
			`${f.byRoute.generateContent || 0} (${f.byStatus?.[429] ?? '?'})`,
			runnerTrouble,
			`${memBefore.n8n} → ${memAfter.n8n}`,
			`${memBefore.runners} → ${memAfter.runners}`,
		]);
	} finally {
		await stopN8n(n8n);
		await fake.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
