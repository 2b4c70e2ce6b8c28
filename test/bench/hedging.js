'use strict';
// Tail latency with hung calls (issue #13): hedged requests against the same runs without hangs,
// side by side in one run, over real HTTP to the local Google fake.
// Run with `npm run bench hedging` (builds first), or `node test/bench/hedging.js` after
// `npm run build`. Prints tables; nothing here is a pass/fail test, except that lost items or
// more calls in flight than the cap fail the run (exit code 1).
//
// 1. Scheduler: N calls through resilientCall (the transport every node uses), C slots,
//    5% of requests hang. Hedging off waits out the 30 s per-call timeout; on, a backup goes out
//    after max(1 s, 2 × p95).
// 2. Mission Generator, 20 and 60 missions, with and without 5% hung calls on top of 429s,
//    503s and malformed answers. Pairs use the same existing missions (seeded), so each hung run
//    asks what its hang-free twin asked; the fake draws faults per request, so the hung run
//    meets the same 429s and 503s plus the hangs.
//
// Hedging needs history (10 successful calls of that model and credential): a long-running n8n
// has it, so each part warms up with one untimed hang-free run first, as the first workflow runs
// after a restart would.
process.env.GEMINI_OPS_FROM_DIST = '1';

const { startFakeGoogle } = require('../support/fakeGoogle');
const { executeNode, httpRequest } = require('../support/executeNode');
const { MissionGenerator } = require('../../dist/nodes/MissionGenerator/MissionGenerator.node');
const { BUILT_IN_TEMPLATES } = require('../../dist/nodes/MissionGenerator/templates');
const { issuedMissions } = require('../../dist/nodes/MissionGenerator/engine/issued');
const { DEFAULT_TEXT_MODEL } = require('../../dist/nodes/shared/gemini/catalog');
const { mapWithConcurrency } = require('../../dist/nodes/shared/transport/concurrency');
const { DEFAULT_CALL_TIMEOUT_MS } = require('../../dist/nodes/shared/transport/deadline');
const { requestOnce } = require('../../dist/nodes/shared/transport/request');
const { resolveCredential } = require('../../dist/nodes/shared/credentials');
const { resilientCall, newAccounting } = require('../../dist/nodes/shared/transport/resilientCall');
const { DEFAULT_RETRY_POLICY } = require('../../dist/nodes/shared/transport/retry');
const { Semaphore } = require('../../dist/nodes/shared/transport/semaphore');

const API_KEY = 'bench-key';
const HANG_RATE = 0.05;
const TARGET_WALL_RATIO = 1.5;
const TARGET_EXTRA_CALLS = 0.1;
const failures = [];

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
const sum = (values) => values.reduce((a, b) => a + b, 0);
const seconds = (ms) => (ms / 1000).toFixed(2);
const percent = (ratio) => `${(ratio * 100).toFixed(1)}%`;
const row = (cells) => console.log(`| ${cells.join(' | ')} |`);
const header = (cells) => {
	row(cells);
	row(cells.map(() => '---'));
};

// Seeded (mulberry32), so a pair's two runs start from the same existing missions.
function seededRandom(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * 95% interval of `stat(free, hung)` over pairs resampled with replacement (seeded bootstrap):
 * twins diverge after the first hang (prompts list the titles already accepted, so later
 * requests differ and meet other faults and repeats), so a few runs' call counts and rounds
 * move the totals by several percent either way, and the point estimate alone overstates what
 * a dozen pairs can tell.
 */
function bootstrapInterval(free, hung, stat, draws = 2000) {
	const random = seededRandom(12345);
	const values = [];
	for (let d = 0; d < draws; d++) {
		const picks = free.map(() => Math.floor(random() * free.length));
		values.push(stat(picks.map((i) => free[i]), picks.map((i) => hung[i])));
	}
	values.sort((a, b) => a - b);
	return [values[Math.floor(0.025 * draws)], values[Math.ceil(0.975 * draws) - 1]];
}

// ---------------------------------------------------------------- 1. scheduler with hangs
const N = Number(process.env.BENCH_CALLS || 200);
const C = Number(process.env.BENCH_CONCURRENCY || 10);
const L = Number(process.env.BENCH_LATENCY_MS || 200);
const SEED = Number(process.env.BENCH_SEED || 1);
// BENCH_MODEL names another model than the catalog default.
const MODEL_PATH = `/v1beta/models/${process.env.BENCH_MODEL || DEFAULT_TEXT_MODEL}:generateContent`;

function benchContext(fake) {
	return {
		getNode: () => ({ name: 'bench' }),
		getCredentials: async () => ({ apiKey: API_KEY, host: fake.url }),
		helpers: {
			httpRequestWithAuthentication: async (_type, options) =>
				await httpRequest({ ...options, headers: { ...options.headers, 'x-goog-api-key': API_KEY } }),
		},
	};
}

async function runCalls(fake, { hedge, tag }) {
	const ctx = benchContext(fake);
	const credential = await resolveCredential(ctx, 'geminiApi');
	const slots = new Semaphore(C);
	const accounting = newAccounting();
	let waitedOutTimeout = 0;
	const itemTimes = [];
	let inFlight = 0;
	let maxInFlight = 0;
	const started = performance.now();
	const results = await mapWithConcurrency(
		Array.from({ length: N }, (_, i) => i),
		N,
		async (item) => {
			let firstSent;
			const settings = {
				slots,
				retry: DEFAULT_RETRY_POLICY,
				callTimeoutMs: DEFAULT_CALL_TIMEOUT_MS,
				deadlineAt: Date.now() + 10 * DEFAULT_CALL_TIMEOUT_MS,
				retryInvalidOutput: true,
				hedge,
				operation: 'bench',
			};
			// A distinct prompt per item (and per scenario), so the fake rolls its faults per request.
			const body = { contents: [{ role: 'user', parts: [{ text: `bench ${tag} item ${item}` }] }] };
			try {
				return await resilientCall(ctx, credential, settings, accounting, async (timeoutMs, signal) => {
					firstSent ??= performance.now();
					inFlight++;
					maxInFlight = Math.max(maxInFlight, inFlight);
					try {
						return await requestOnce(ctx, credential, { credentialType: 'geminiApi', method: 'POST', path: MODEL_PATH, body }, timeoutMs, signal);
					} finally {
						inFlight--;
					}
				});
			} finally {
				const took = performance.now() - (firstSent ?? performance.now());
				itemTimes.push(took);
				if (took >= DEFAULT_CALL_TIMEOUT_MS) waitedOutTimeout++;
			}
		},
	);
	const stats = fake.stats();
	return {
		makespan: performance.now() - started,
		calls: stats.calls,
		hedges: accounting.hedges,
		hedgeWins: accounting.hedgeWins,
		maxInFlight,
		maxInFlightAtFake: stats.maxConcurrencySeen,
		waitedOutTimeout,
		p99: [...itemTimes].sort((a, b) => a - b)[Math.ceil(0.99 * itemTimes.length) - 1],
		lost: results.filter((r) => r.status !== 'fulfilled').length,
	};
}

async function schedulerWithHangs() {
	const fake = await startFakeGoogle({ apiKeys: [API_KEY], latencyMs: L, latencyJitter: 0.2, seed: SEED });
	try {
		// Untimed: gives this model and credential its latency history.
		await runCalls(fake, { hedge: true, tag: 'warm-up' });
		const scenarios = [
			['(a) no hangs', 0, true],
			[`(b) ${percent(HANG_RATE)} hung, hedging off`, HANG_RATE, false],
			[`(c) ${percent(HANG_RATE)} hung, hedging on`, HANG_RATE, true],
		];
		const rows = [];
		for (const [name, rateHang, hedge] of scenarios) {
			fake.reset();
			fake.configure({ faults: { rateHang } });
			// The same tag in every scenario: the same requests, so (b)/(c) differ from (a) by the hangs.
			rows.push({ name, ...(await runCalls(fake, { hedge, tag: 'run' })) });
		}
		console.log(`\nScheduler with hung calls: N=${N} calls through resilientCall, ${C} slots, fault seed ${SEED}, latency ${L} ms ±20%, timeout per call ${DEFAULT_CALL_TIMEOUT_MS / 1000} s, default hedge policy\n`);
		header(['scenario', 'makespan (s)', 'makespan ÷ (a)', 'call p99 (s)', 'calls', 'extra calls vs (a)', 'hedges', 'hedge wins', `calls waiting out ${DEFAULT_CALL_TIMEOUT_MS / 1000} s`, 'max in flight (ours / at the fake)', 'lost']);
		for (const r of rows) {
			row([r.name, seconds(r.makespan), `${(r.makespan / rows[0].makespan).toFixed(2)}×`, seconds(r.p99), r.calls, percent(r.calls / rows[0].calls - 1), r.hedges, r.hedgeWins, r.waitedOutTimeout, `${r.maxInFlight} / ${r.maxInFlightAtFake}`, r.lost]);
			if (r.lost > 0) failures.push(`scheduler ${r.name}: ${r.lost} calls lost`);
			if (r.maxInFlight > C) failures.push(`scheduler ${r.name}: ${r.maxInFlight} in flight > ${C} slots`);
		}
		console.log('\ncall p99 = 99th percentile over calls of the time from the first request sent to the answer (retries, backups and waits included; the wait for a first slot is not).');
		console.log('max in flight: requests we had open at once (must stay ≤ the slots) / what the fake saw, which');
		console.log('can be one more for the few ms an aborted loser\'s connection takes to close on its side.');
		console.log('The fake draws faults per request and repeat, so (b) and (c) meet the same hangs; where a');
		console.log('request and its first repeat both hang, (b) retries into the second hang and (c) hedges into it.');
	} finally {
		await fake.close();
	}
}

// ---------------------------------------------------------------- 2. Mission Generator with hangs
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MISSION_MS || 2000);
// Per mission count: a 20-mission run makes only a few calls, so it needs more pairs to meet hangs.
const PAIRS = { 20: Number(process.env.BENCH_TAIL_PAIRS_20 || 12), 60: Number(process.env.BENCH_TAIL_PAIRS_60 || 12) };
const HEDGE_OFF_RUNS = Number(process.env.BENCH_HEDGE_OFF_RUNS || 2);
// How often the fake model repeats an earlier mission: rejections make refill rounds, whose number
// varies between twins; 0 isolates what the hangs themselves cost.
const DUPLICATE_RATE = Number(process.env.BENCH_TAIL_DUPLICATE_RATE ?? 0.3);
const TIER = 'BEGINNER';
const LOCALE = 'pt-BR';
const UNUSED_TEMPLATES = 12;
// The scenario: 20% 429 (Retry-After 1 s), 5% 503, 5% malformed; hung calls on top.
const BASE_FAULTS = { rate429: 0.2, retryAfterSeconds: 1, rate500: 0, rate503: 0.05, rateHang: 0, rateMalformed: 0.05, rateSchemaViolation: 0, rateEmptyCandidates: 0 };

function missionItem(count, seed) {
	const random = seededRandom(seed);
	const titles = BUILT_IN_TEMPLATES[LOCALE].filter((t) => t.tier === TIER).map((t) => t.title);
	const existing = titles.map((t) => [random(), t]).sort((a, b) => a[0] - b[0]).map(([, t]) => t).slice(UNUSED_TEMPLATES);
	return { parameters: { tier: TIER, count, locale: LOCALE, existingMissionsField: 'existing' }, json: { existing } };
}

async function runMissions(fake, count, seed, faults, options = {}) {
	fake.reset();
	// A fake seed per pair: with every built-in title already known, pairs would otherwise send
	// identical prompts and meet identical faults, one draw repeated instead of independent pairs.
	fake.configure({ faults, seed: 1000 + seed });
	const item = missionItem(count, seed);
	// Each run is a job of its own, as if no other job of this tier ran in the last minute: the
	// process remembers missions handed out for 60 s (issued.ts) and excludes them, so without
	// this the second run of a pair would find its twin's templates taken and ask Gemini for more.
	// Latency history (what hedging learns from) is kept.
	issuedMissions.clear();
	// The node draws templates and jitter from Math.random: seeding it per pair makes the twins
	// start alike (completion order still varies with timing, so later prompts may differ).
	const random = Math.random;
	Math.random = seededRandom(seed * 7919 + count);
	const started = Date.now();
	const { output } = await executeNode(MissionGenerator, {
		parameters: { ...item.parameters, options },
		items: [item.json],
		credentials: { geminiApi: { apiKey: API_KEY, host: fake.url } },
	}).finally(() => {
		Math.random = random;
	});
	const report = output[1][0] ? output[1][0].json : {};
	const stats = fake.stats();
	const answered = (status) => stats.byStatus[status] || 0;
	return {
		wall: Date.now() - started,
		calls: stats.byRoute.generateContent || 0,
		// Where the calls went: answered 200 (malformed ones included), 429, 503, and never
		// answered (hung, the loser of a race aborted before the fake answered, or a surplus call
		// dropped on the wire once enough missions had arrived).
		ok: answered(200),
		tooMany: answered(429),
		unavailable: answered(503),
		unanswered: stats.calls - Object.values(stats.byStatus).reduce((a, b) => a + b, 0),
		rounds: report.aiRounds || 0,
		duplicates: report.failedDuplicates || 0,
		delivered: output[0].length,
		lost: 1 - output[1].length,
		hedges: report.hedges || 0,
		hedgeWins: report.hedgeWins || 0,
		waitedOutTimeout: (report.maxCallLatencyMs || 0) >= DEFAULT_CALL_TIMEOUT_MS - 100 ? 1 : 0,
	};
}

async function missionsWithHangs() {
	const fake = await startFakeGoogle({ apiKeys: [API_KEY], seed: 11, latencyMs: LATENCY_MS, latencyJitter: 0.2, duplicateRate: DUPLICATE_RATE });
	const hung = { ...BASE_FAULTS, rateHang: HANG_RATE };
	try {
		await runMissions(fake, 60, 0, BASE_FAULTS);
		console.log(`\nMission Generator with ${percent(HANG_RATE)} hung calls vs the same runs without (fake latency ${LATENCY_MS} ms ±20%, 20% 429 + 5% 503 + 5% malformed in both, ${percent(DUPLICATE_RATE)} repeats, ${UNUSED_TEMPLATES} templates unused, ${PAIRS[20]}/${PAIRS[60]} pairs run alternately; hedging off: ${HEDGE_OFF_RUNS} of the hung runs that met a hang, run again)\n`);
		header(['missions', 'run', 'delivered (worst)', 'wall median (s)', 'wall mean [max] (s)', 'mean ÷ hang-free', `median ÷ hang-free`, 'AI calls (sum)', 'extra calls', 'backups ÷ calls', 'hedges / wins', `runs with a call waiting out ${DEFAULT_CALL_TIMEOUT_MS / 1000} s`, 'items lost']);
		for (const count of [20, 60]) {
			const free = [];
			const withHangs = [];
			for (let pair = 1; pair <= PAIRS[count]; pair++) {
				// Which twin runs first alternates, so neither gains from what the other leaves behind.
				const runFree = async () => free.push(await runMissions(fake, count, pair, BASE_FAULTS));
				const runHung = async () => withHangs.push({ pair, ...(await runMissions(fake, count, pair, hung)) });
				if (pair % 2) await runFree().then(runHung);
				else await runHung().then(runFree);
			}
			// Hedging off, for reference: the hung runs that met a hang (sent a backup), run again.
			const met = withHangs.filter((r) => r.hedges > 0).map((r) => r.pair);
			const offPairs = [...met, ...withHangs.map((r) => r.pair)].slice(0, HEDGE_OFF_RUNS);
			const off = [];
			for (const pair of offPairs) off.push(await runMissions(fake, count, pair, hung, { hedgeSlowCalls: false }));
			const freeMean = mean(free.map((r) => r.wall));
			const freeMedian = median(free.map((r) => r.wall));
			const freeCalls = sum(free.map((r) => r.calls));
			const line = (name, runs, calls = sum(runs.map((r) => r.calls))) => {
				const walls = runs.map((r) => r.wall);
				row([
					count,
					name,
					`${Math.min(...runs.map((r) => r.delivered))}/${count}`,
					seconds(median(walls)),
					`${seconds(mean(walls))} [${seconds(Math.max(...walls))}]`,
					`${(mean(walls) / freeMean).toFixed(2)}×`,
					`${(median(walls) / freeMedian).toFixed(2)}×`,
					calls,
					runs.length === free.length ? percent(calls / freeCalls - 1) : '–',
					percent(sum(runs.map((r) => r.hedges)) / calls),
					`${sum(runs.map((r) => r.hedges))} / ${sum(runs.map((r) => r.hedgeWins))}`,
					sum(runs.map((r) => r.waitedOutTimeout)),
					sum(runs.map((r) => r.lost)),
				]);
				const lost = sum(runs.map((r) => r.lost));
				if (lost > 0) failures.push(`${count} missions, ${name}: ${lost} items lost`);
			};
			line('no hangs', free);
			line(`${percent(HANG_RATE)} hung, hedging on`, withHangs);
			line(`${percent(HANG_RATE)} hung, hedging off`, off);
			// Where the extra calls went, summed over the runs of each kind.
			const where = (runs) => ['ok', 'tooMany', 'unavailable', 'unanswered', 'rounds', 'duplicates'].map((k) => sum(runs.map((r) => r[k])));
			const [f, h] = [where(free), where(withHangs)];
			console.log(`|  | ${count} missions, calls by answer (no hangs → hung, hedging on): 200 ${f[0]} → ${h[0]}, 429 ${f[1]} → ${h[1]}, 503 ${f[2]} → ${h[2]}, never answered ${f[3]} → ${h[3]}; AI rounds ${f[4]} → ${h[4]}, duplicates rejected ${f[5]} → ${h[5]} |`);
			if (process.env.BENCH_TAIL_VERBOSE) {
				free.forEach((f, i) => {
					const h = withHangs[i];
					console.log(`|  | pair ${h.pair}: calls ${f.calls} → ${h.calls}, rounds ${f.rounds} → ${h.rounds}, duplicates ${f.duplicates} → ${h.duplicates}, wall ${seconds(f.wall)} → ${seconds(h.wall)}, hedges ${h.hedges}, never answered ${h.unanswered} |`);
				});
			}
			// Twins in pair order (withHangs is pushed in pair order too, whichever twin ran first).
			const wallRatio = (f, h) => mean(h.map((r) => r.wall)) / mean(f.map((r) => r.wall));
			const extraCalls = (f, h) => sum(h.map((r) => r.calls)) / sum(f.map((r) => r.calls)) - 1;
			const ratio = wallRatio(free, withHangs);
			const extra = extraCalls(free, withHangs);
			const [ratioLow, ratioHigh] = bootstrapInterval(free, withHangs, wallRatio);
			const [extraLow, extraHigh] = bootstrapInterval(free, withHangs, extraCalls);
			const backups = sum(withHangs.map((r) => r.hedges)) / sum(withHangs.map((r) => r.calls));
			console.log(`|  | ${count} missions: wall ratio ${ratio.toFixed(2)}× (95% interval ${ratioLow.toFixed(2)}–${ratioHigh.toFixed(2)}×; target ≤ ${TARGET_WALL_RATIO}×: ${ratio <= TARGET_WALL_RATIO ? 'met' : 'NOT met'}), extra calls ${percent(extra)} (95% interval ${percent(extraLow)} to ${percent(extraHigh)}; target ≤ ${percent(TARGET_EXTRA_CALLS)}: ${extra <= TARGET_EXTRA_CALLS ? 'met' : 'NOT met'}; backups alone ${percent(backups)}) |`);
		}
		console.log('\nwall ratio = mean wall time with hangs ÷ mean of the hang-free twins (the mean keeps the tail; the median hides it).');
		console.log('extra calls = AI calls with hangs ÷ AI calls of the hang-free twins − 1 (a hung call plus its backup is one extra;');
		console.log('  duplicates and faults make the twins\' call counts differ by a few either way). backups ÷ calls = what hedging added.');
		console.log('The machine is shared: wall times move with its load, ratios less so as pairs run alternately.');
	} finally {
		await fake.close();
	}
}

async function main() {
	const only = process.env.BENCH_HEDGING_PART;
	if (!only || only === 'scheduler') await schedulerWithHangs();
	if (!only || only === 'missions') await missionsWithHangs();
	if (failures.length > 0) {
		console.log(`\nFAILED:\n  ${failures.join('\n  ')}`);
		process.exitCode = 1;
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
