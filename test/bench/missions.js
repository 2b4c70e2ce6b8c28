'use strict';
// Mission Generator benchmark (issue #3), side by side in one run against the local Google fake.
// Run with `npm run bench` (builds first), or `GEMINI_OPS_FROM_DIST=1 node test/bench/missions.js`
// after `npm run build`. Prints a table; nothing here is a pass/fail test.
process.env.GEMINI_OPS_FROM_DIST = '1';

const { startFakeGoogle, NO_FAULTS } = require('../support/fakeGoogle');
const { executeNode } = require('../support/executeNode');
const { MissionGenerator } = require('../../dist/nodes/MissionGenerator/MissionGenerator.node');
const { BUILT_IN_TEMPLATES } = require('../../dist/nodes/MissionGenerator/templates');
const { DuplicateRegistry, DEFAULT_THRESHOLDS } = require('../../dist/nodes/MissionGenerator/engine/duplicates');
const { issuedMissions } = require('../../dist/nodes/MissionGenerator/engine/issued');
const { generateStructured } = require('../../dist/nodes/shared/gemini/generate');
const { DEFAULT_TEXT_MODEL } = require('../../dist/nodes/shared/gemini/catalog');
const { resolveCredential } = require('../../dist/nodes/shared/credentials');
const { newAccounting } = require('../../dist/nodes/shared/transport/resilientCall');

const API_KEY = 'bench-key';
const REPEATS = Number(process.env.BENCH_REPEATS || 5);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS || 2000);
const COUNT = 20;
const UNUSED_TEMPLATES = 12;
const TIER = 'BEGINNER';
const LOCALE = 'pt-BR';

function existingLeaving(unused, tier = TIER, locale = LOCALE, random = Math.random) {
	const titles = BUILT_IN_TEMPLATES[locale].filter((t) => t.tier === tier).map((t) => t.title);
	const shuffled = titles.map((t) => [random(), t]).sort((a, b) => a[0] - b[0]).map(([, t]) => t);
	return shuffled.slice(unused);
}

function countDuplicates(missions) {
	const registry = new DuplicateRegistry(DEFAULT_THRESHOLDS);
	return missions.filter((m) => !registry.tryAdd({ title: m.title, description: m.description })).length;
}

async function runNode(fake, items, options = {}) {
	// Each run is a job of its own: the process remembers missions handed out for 60 s
	// (issued.ts), and a repeat would otherwise find the previous run's templates taken.
	issuedMissions.clear();
	const started = Date.now();
	const { output } = await executeNode(MissionGenerator, {
		parameters: (i) => ({ ...items[i].parameters, options }),
		items: items.map((item) => item.json),
		credentials: { geminiApi: { apiKey: API_KEY, host: fake.url, requestsPerMinute: options.rpm || 0 } },
	});
	return { wallMs: Date.now() - started, missions: output[0], reports: output[1] };
}

/** The seed's original approach: one mission per call, sequential, no templates. */
async function runBaseline(fake) {
	const ctx = {
		getCredentials: async () => ({ apiKey: API_KEY, host: fake.url }),
		getNode: () => ({ name: 'baseline' }),
		helpers: {},
	};
	// Reuse the harness's HTTP helper with authentication applied.
	const { httpRequest } = require('../support/executeNode');
	ctx.helpers.httpRequestWithAuthentication = async (_type, options) =>
		await httpRequest({ ...options, headers: { ...options.headers, 'x-goog-api-key': API_KEY } });
	const credential = await resolveCredential(ctx, 'geminiApi');
	const accounting = newAccounting();
	const registry = new DuplicateRegistry(DEFAULT_THRESHOLDS);
	const started = Date.now();
	const accepted = [];
	const settings = { retry: { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 8000 }, callTimeoutMs: 30000, deadlineAt: Date.now() + 600000, retryInvalidOutput: true };
	const schema = { type: 'OBJECT', properties: { title: { type: 'STRING' }, description: { type: 'STRING' } }, required: ['title', 'description'] };
	while (accepted.length < COUNT && accounting.calls < COUNT * 4) {
		const mission = await generateStructured(ctx, credential, { model: DEFAULT_TEXT_MODEL, prompt: 'Create one mission', responseSchema: schema }, (v) => ({ ok: true, value: v }), settings, accounting).catch(() => undefined);
		if (mission && registry.tryAdd(mission)) accepted.push(mission);
	}
	return { wallMs: Date.now() - started, created: accepted.length, calls: accounting.calls };
}

function row(cells) {
	console.log(`| ${cells.join(' | ')} |`);
}

async function main() {
	const fake = await startFakeGoogle({ apiKeys: [API_KEY], seed: 11, latencyMs: LATENCY_MS, latencyJitter: 0.2, duplicateRate: 0.3 });
	try {
		const single = [{ parameters: { tier: TIER, count: COUNT, locale: LOCALE, existingMissionsField: 'existing' }, json: { existing: existingLeaving(UNUSED_TEMPLATES) } }];

		const baseline = await runBaseline(fake);
		const scenarios = [
			['node, no faults', NO_FAULTS],
			['node, 20% 429 (Retry-After 1 s) + 5% malformed', { ...NO_FAULTS, rate429: 0.2, retryAfterSeconds: 1, rateMalformed: 0.05 }],
		];
		console.log(`\nMission Generator vs the seed's sequential baseline (fake latency ${LATENCY_MS} ms ±20%, duplicate rate 30%, ${UNUSED_TEMPLATES} templates unused; node runs repeated ${REPEATS}×, median [max])\n`);
		row(['run', 'delivered (worst)', 'duplicates in output (max)', 'AI calls', 'wall time (s)', 'wall ÷ one call', 'speed-up vs baseline (median)', 'items lost']);
		row(['---', '---', '---', '---', '---', '---', '---', '---']);
		row(['baseline: 1 mission/call, sequential, no templates', `${baseline.created}/${COUNT}`, '0', baseline.calls, (baseline.wallMs / 1000).toFixed(1), (baseline.wallMs / LATENCY_MS).toFixed(2), '1.0×', '0']);
		const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
		for (const [name, faults] of scenarios) {
			const runs = [];
			for (let i = 0; i < REPEATS; i++) {
				fake.reset();
				fake.configure({ faults });
				const single = [{ parameters: { tier: TIER, count: COUNT, locale: LOCALE, existingMissionsField: 'existing' }, json: { existing: existingLeaving(UNUSED_TEMPLATES) } }];
				const run = await runNode(fake, single);
				const missions = run.missions.map((m) => m.json);
				runs.push({ wall: run.wallMs, calls: fake.stats().byRoute.generateContent || 0, delivered: missions.length, dups: countDuplicates(missions), lost: 1 - run.reports.length });
			}
			const walls = runs.map((r) => r.wall);
			const calls = runs.map((r) => r.calls);
			row([
				name,
				`${Math.min(...runs.map((r) => r.delivered))}/${COUNT}`,
				Math.max(...runs.map((r) => r.dups)),
				`${median(calls)} [${Math.max(...calls)}]`,
				`${(median(walls) / 1000).toFixed(2)} [${(Math.max(...walls) / 1000).toFixed(2)}]`,
				`${(median(walls) / LATENCY_MS).toFixed(2)} [${(Math.max(...walls) / LATENCY_MS).toFixed(2)}]`,
				`${(baseline.wallMs / median(walls)).toFixed(1)}×`,
				runs.reduce((sum, r) => sum + r.lost, 0),
			]);
		}

		// 100 concurrent generation requests in one execution.
		const ITEMS = 100;
		const CAP = 10;
		const RPM = 3000;
		const LATENCY_C = 300;
		fake.reset();
		fake.configure({ latencyMs: LATENCY_C, latencyJitter: 0.2, duplicateRate: 0.3, faults: NO_FAULTS });
		const tiers = ['BEGINNER', 'INTERMEDIATE', 'ADVANCED'];
		const items = Array.from({ length: ITEMS }, (_, i) => ({
			parameters: { tier: tiers[i % 3], count: COUNT, locale: i % 2 ? 'en' : 'pt-BR', existingMissionsField: 'existing', jobId: `job-${i}` },
			json: { existing: existingLeaving(10, tiers[i % 3], i % 2 ? 'en' : 'pt-BR') },
		}));
		const many = await runNode(fake, items, { parallelCalls: CAP, parallelItems: ITEMS, rpm: RPM });
		const calls = fake.stats().byRoute.generateContent || 0;
		const capBound = Math.ceil(calls / CAP) * LATENCY_C;
		const rpmBound = calls <= RPM ? 0 : ((calls - RPM) / RPM) * 60000;
		const bound = Math.max(capBound, rpmBound);
		const delivered = many.missions.length;
		const lost = ITEMS - many.reports.length;
		console.log(`\n${ITEMS} concurrent requests of ${COUNT} missions in one execution (latency ${LATENCY_C} ms ±20%, Parallel Calls ${CAP}, ${RPM} requests/min)\n`);
		row(['missions delivered', 'AI calls', 'max in flight', 'wall (s)', 'bound (s) = max(⌈calls/cap⌉·latency, RPM floor)', 'wall ÷ bound', 'items lost']);
		row(['---', '---', '---', '---', '---', '---', '---']);
		row([`${delivered}/${ITEMS * COUNT}`, calls, fake.stats().maxConcurrencySeen, (many.wallMs / 1000).toFixed(2), (bound / 1000).toFixed(2), (many.wallMs / bound).toFixed(2), lost]);
	} finally {
		await fake.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
