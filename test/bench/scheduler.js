'use strict';
// Scheduler efficiency: how close the transport's pool, rate limiter and retry get to the
// theoretical best makespan, over real HTTP to the local Google fake.
// Run `npx tsc -p tsconfig.json` (or `npm run build`) first, then `node test/bench/scheduler.js`.
// Prints a table. Lost items or more than C calls in flight fail the run (exit code 1); a
// fault-free ratio above TARGET_RATIO only warns, since it moves with machine load.

const { startFakeGoogle } = require('../support/fakeGoogle');
const DIST = '../../dist/nodes/shared/transport';
const { mapWithConcurrency } = require(`${DIST}/concurrency`);
const { withRetry, MAX_ATTEMPTS } = require(`${DIST}/retry`);
const { RateLimiter } = require(`${DIST}/rateLimiter`);
const { classifyStatus, serverRequestedDelayMs } = require(`${DIST}/retryHints`);
const { Semaphore } = require(`${DIST}/semaphore`);

const N = Number(process.env.BENCH_CALLS || 200);
const C = Number(process.env.BENCH_CONCURRENCY || 10);
const L = Number(process.env.BENCH_LATENCY_MS || 200);
const SEED = Number(process.env.BENCH_SEED || 1);
// 1200 requests per minute, replayed in a 1 s window so it binds within seconds: the limiter
// admits R = 1200 * W / 60000 = 20 requests per W = 1000 ms, the same average rate.
const RPM = 1200;
const WINDOW_MS = 1000;
const PER_WINDOW = Math.round((RPM * WINDOW_MS) / 60_000);
// The fake enforces the same count per window, over a window shortened by the slack: a request's
// arrival lags its grant by a varying few to tens of ms when 10-20 start at once, and that skew
// is not a limiter fault. A limiter admitting more than R per (W - slack) still draws 429s.
const FAKE_WINDOW_SLACK_MS = 150;
const FAULT_RATE_429 = 0.2;
const RETRY_AFTER_S = 1;
const TARGET_RATIO = 1.1;
const API_KEY = 'bench-key';
const { DEFAULT_TEXT_MODEL } = require('../../dist/nodes/shared/gemini/catalog');
const MODEL_PATH = `/v1beta/models/${DEFAULT_TEXT_MODEL}:generateContent`;
// Ten attempts: at a 20 % fault rate the default three would lose 0.2^3 = 0.8 % of items.
const RETRY = { maxAttempts: MAX_ATTEMPTS, baseDelayMs: 500, maxDelayMs: 8000 };
// Backoff capped at the server's Retry-After, so the wait is exactly what the server asked.

class HttpStatusError extends Error {
	constructor(status, retryAfter, body) {
		super(`HTTP ${status}`);
		Object.assign(this, { status, retryAfter, body });
	}
}

function classify(error) {
	if (!(error instanceof HttpStatusError)) return { retry: false, reason: String(error) };
	return classifyStatus(error.status, serverRequestedDelayMs(error.retryAfter, error.body, Date.now()));
}

async function callGemini(url, item) {
	const response = await fetch(`${url}${MODEL_PATH}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-goog-api-key': API_KEY },
		// A distinct prompt per item, so the fake rolls its seeded faults per item and attempt.
		body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: `bench item ${item}` }] }] }),
	});
	const text = await response.text();
	if (!response.ok) throw new HttpStatusError(response.status, response.headers.get('retry-after'), text);
	return JSON.parse(text);
}

async function runScenario(fakeOptions, schedule) {
	const fake = await startFakeGoogle({ apiKeys: [API_KEY], latencyMs: L, latencyJitter: 0, seed: SEED, ...fakeOptions });
	const attempts = new Array(N).fill(0);
	const firstStart = new Array(N).fill(undefined);
	const lastEnd = new Array(N).fill(0);
	let callTime = 0;
	const call = async (item) => {
		attempts[item]++;
		const t = performance.now();
		if (firstStart[item] === undefined) firstStart[item] = t;
		try {
			return await callGemini(fake.url, item);
		} finally {
			const end = performance.now();
			callTime += end - t;
			lastEnd[item] = end;
		}
	};
	const items = Array.from({ length: N }, (_, i) => i);
	try {
		const started = performance.now();
		const results = await schedule(items, call);
		const makespan = performance.now() - started;
		const stats = fake.stats();
		const slowest = items.reduce((a, b) => (lastEnd[b] - firstStart[b] > lastEnd[a] - firstStart[a] ? b : a), 0);
		return {
			makespan,
			attempts,
			meanCall: callTime / stats.calls,
			slowest: {
				item: slowest,
				attempts: attempts[slowest],
				startedAt: firstStart[slowest] - started,
				took: lastEnd[slowest] - firstStart[slowest],
			},
			calls: stats.calls,
			status429: stats.byStatus[429] || 0,
			maxInFlight: stats.maxConcurrencySeen,
			lost: results.filter((r) => r.status !== 'fulfilled').length,
		};
	} finally {
		await fake.close();
	}
}

// Seeded jitter (mulberry32), so runs and scenarios differ only in scheduling, not in luck.
function seededRandom(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
// A prime stride keeps each item's jitter stream apart from its neighbours' for any seed.
const SEED_STRIDE = 100_003;
const retryOptions = (item, policy = RETRY) => ({ ...policy, classify, random: seededRandom(SEED * SEED_STRIDE + item) });
const retried = (call, item, policy = RETRY) => withRetry(async () => await call(item), retryOptions(item, policy));

const concurrencyBound = (calls, lat = L) => Math.ceil(calls / C) * lat;
const rpmFloor = (lat = L) => Math.floor((N - 1) / PER_WINDOW) * WINDOW_MS + lat;
// The item with the most attempts cannot finish sooner than its calls plus the waits the server
// imposed between them.
const criticalPath = (attempts, lat = L) => Math.max(...attempts.map((a) => a * lat + (a - 1) * RETRY_AFTER_S * 1000));

const SCENARIOS = [
	{
		name: '(a) no limit, no faults',
		fake: {},
		schedule: (items, call) => mapWithConcurrency(items, C, call),
		bound: (run, lat) => concurrencyBound(N, lat),
		faultFree: true,
	},
	{
		name: `(b) ${RPM} rpm (${PER_WINDOW}/${WINDOW_MS} ms)`,
		fake: { rpmPerKey: PER_WINDOW, windowMs: WINDOW_MS - FAKE_WINDOW_SLACK_MS },
		schedule: (items, call) => {
			const limiter = new RateLimiter(PER_WINDOW, { windowMs: WINDOW_MS });
			return mapWithConcurrency(items, C, (item) =>
				withRetry(async () => {
					await limiter.acquire();
					return await call(item);
				}, retryOptions(item)),
			);
		},
		bound: (run, lat) => Math.max(concurrencyBound(N, lat), rpmFloor(lat)),
		faultFree: true,
	},
	{
		name: '(c1) 20% 429, slot held in wait',
		fake: { faults: { rate429: FAULT_RATE_429, retryAfterSeconds: RETRY_AFTER_S, retryInfoDelay: `${RETRY_AFTER_S}s` } },
		schedule: (items, call) => mapWithConcurrency(items, C, (item) => retried(call, item)),
		bound: (run, lat) => Math.max(concurrencyBound(run.calls, lat), criticalPath(run.attempts, lat)),
	},
	{
		name: '(c2) 20% 429, slot per attempt (nodes)',
		fake: { faults: { rate429: FAULT_RATE_429, retryAfterSeconds: RETRY_AFTER_S, retryInfoDelay: `${RETRY_AFTER_S}s` } },
		// Every item is in progress at once; the semaphore caps calls in flight, a waiting item
		// holds no slot, but each retry rejoins the back of the semaphore's FIFO queue.
		schedule: (items, call) => {
			const slots = new Semaphore(C);
			return mapWithConcurrency(items, items.length, (item) =>
				withRetry(async () => await slots.run(async () => await call(item)), retryOptions(item)),
			);
		},
		bound: (run, lat) => Math.max(concurrencyBound(run.calls, lat), criticalPath(run.attempts, lat)),
	},
];

function printTable(rows) {
	const header = ['scenario', 'makespan ms', 'bound ms', 'ratio', 'calls', '429s', 'mean call ms', 'ratio @ mean call', 'max in flight', 'lost'];
	const cells = rows.map((r) => [
		r.name,
		r.makespan.toFixed(0),
		r.bound.toFixed(0),
		r.ratio.toFixed(3),
		String(r.calls),
		String(r.status429),
		r.meanCall.toFixed(1),
		r.measuredRatio.toFixed(3),
		String(r.maxInFlight),
		String(r.lost),
	]);
	const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
	const line = (values) => `| ${values.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join(' | ')} |`;
	console.log(line(header));
	console.log(`|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
	for (const row of cells) console.log(line(row));
}

async function main() {
	console.log(`Scheduler benchmark: N=${N} calls, concurrency C=${C}, latency L=${L} ms, fault seed ${SEED}, Node ${process.version}`);
	const rows = [];
	for (const scenario of SCENARIOS) {
		const run = await runScenario(scenario.fake, scenario.schedule);
		const bound = scenario.bound(run, L);
		// The same bound with the measured time per call: what is left is the scheduler's own cost.
		const measuredRatio = run.makespan / scenario.bound(run, run.meanCall);
		rows.push({ ...scenario, ...run, bound, ratio: run.makespan / bound, measuredRatio });
	}
	printTable(rows);
	console.log('');
	console.log('bound = max(ceil(calls/C) * L, RPM floor, critical path), a lower bound no scheduler can beat:');
	console.log(`  RPM floor (b)     = floor((N-1)/R) * W + L = floor(${N - 1}/${PER_WINDOW}) * ${WINDOW_MS} + ${L} = ${rpmFloor()} ms`);
	console.log(`                      (R = rpm * W / 60000 = ${PER_WINDOW} per W = ${WINDOW_MS} ms; the last call cannot start earlier)`);
	console.log(`  critical path (c) = max over items of attempts * L + retries * ${RETRY_AFTER_S * 1000} ms (Retry-After)`);
	console.log(`  calls in (c) include the 429s; retries use withRetry, maxAttempts ${RETRY.maxAttempts}, classify from status + Retry-After/RetryInfo`);
	console.log(`  (c1)/(c2) backoff base ${RETRY.baseDelayMs} ms, cap ${RETRY.maxDelayMs} ms, used only when the server gives no delay;`);
	console.log('  a 429 waits its Retry-After/RetryInfo plus up to 10% jitter; (c2) a waiting item frees its slot, as the nodes do');
	console.log('  mean call ms = client-side time per HTTP call (nominal L plus local HTTP and fake overhead);');
	console.log('  ratio @ mean call = makespan / the same bound computed with that measured time instead of L');
	console.log(`  (b) the fake enforces ${PER_WINDOW} per ${WINDOW_MS - FAKE_WINDOW_SLACK_MS} ms (W minus ${FAKE_WINDOW_SLACK_MS} ms transit slack); 429s there mean the limiter overshot`);
	console.log('slowest item per scenario (first call to last response):');
	for (const r of rows) {
		const s = r.slowest;
		console.log(`  ${r.name.padEnd(32)} item ${String(s.item).padStart(3)}: ${s.attempts} attempts, started at ${s.startedAt.toFixed(0)} ms, took ${s.took.toFixed(0)} ms`);
	}

	// Lost items and overshooting the concurrency cap are correctness failures and fail the run.
	// Ratios depend on machine load, so they only warn.
	const failures = [];
	const warnings = [];
	for (const row of rows) {
		if (row.lost > 0) failures.push(`${row.name}: ${row.lost} items lost`);
		if (row.maxInFlight > C) failures.push(`${row.name}: ${row.maxInFlight} calls in flight > ${C}`);
		if (row.faultFree && row.ratio > TARGET_RATIO) {
			warnings.push(`${row.name}: ratio ${row.ratio.toFixed(3)} > ${TARGET_RATIO} (at measured call time: ${row.measuredRatio.toFixed(3)})`);
		}
	}
	if (warnings.length > 0) console.log(`\nWARNING (target ratio without faults <= ${TARGET_RATIO}):\n  ${warnings.join('\n  ')}`);
	if (failures.length > 0) {
		console.log(`\nFAILED:\n  ${failures.join('\n  ')}`);
		process.exitCode = 1;
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
