'use strict';
// `npm run bench:compare` (issue #12): the shipped mission workflow against what a user builds
// today from built-in nodes (test/bench/builtin-missions.workflow.json), side by side in one real
// n8n, both calling the local Google fake under the token latency model, under five conditions.
// Writes docs/benchmarks.md and docs/bench-*.svg (test/bench/compareReport.js).
//
// `npm run bench` runs every test/bench/*.js; this one only runs when BENCH_COMPARE=1 (set by
// scripts/bench-compare.mjs), since it starts n8n and takes minutes.
// Environment: BENCH_RUNS (runs per condition and workflow, default 5), BENCH_COUNT (missions per
// request, default 20), BENCH_DUPLICATE_RATE (the fake model repeating itself, default 0.05),
// BENCH_SCHEDULER_CALLS (calls in the scheduler benchmark, default 100), BENCH_CONDITIONS (ids to
// run, comma-separated, e.g. none,429; default all). Raw results go to <tmpdir>/gemini-ops-bench-
// compare.json; `BENCH_REPORT_FROM=<that file> node test/bench/compare.js` rewrites the page only.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { NO_FAULTS } = require('../support/fakeGoogle');

const ROOT = path.join(__dirname, '..', '..');
const RUNS = Number(process.env.BENCH_RUNS || 5);
const COUNT = Number(process.env.BENCH_COUNT || 20);
const DUPLICATE_RATE = Number(process.env.BENCH_DUPLICATE_RATE ?? 0.05);
const SCHEDULER_CALLS = Number(process.env.BENCH_SCHEDULER_CALLS || 100);
const TIER = 'EXPERT'; // no templates: every mission is written by AI
const LOCALE = 'en';
const API_KEY = 'bench-key';
const BUILTIN_PATH = 'bench/builtin-missions';
const REQUEST_TIMEOUT_MS = 300_000;
const POLL_MS = 100;
const QUOTA_RPM = 30;
const RESULTS_FILE = path.join(os.tmpdir(), 'gemini-ops-bench-compare.json');
// Parallel Calls of the "speed" variant of our workflow (the shipped default is 4).
const FAST_PARALLEL_CALLS = Number(process.env.BENCH_FAST_PARALLEL_CALLS || 8);
const FAST_PATH = 'bench/missions-fast/generate';

/** Each condition: how the fake misbehaves, and how many back-to-back requests make one run. */
const CONDITIONS = [
	{ id: 'none', name: 'no faults', fake: {}, bursts: 1 },
	{ id: '429', name: '20% 429 (Retry-After 1 s)', fake: { faults: { rate429: 0.2, retryAfterSeconds: 1 } }, bursts: 1 },
	{ id: 'quota', name: `${QUOTA_RPM}/min quota, two bursts`, fake: { rpmPerKey: QUOTA_RPM, windowMs: 60_000 }, bursts: 2 },
	{ id: 'first429', name: 'one 429 on the first call', fake: {}, script: [{ status: 429, headers: { 'retry-after': '1' } }], bursts: 1 },
	{ id: 'hang', name: '2% of calls hang', fake: { faults: { rateHang: 0.02 } }, bursts: 1 },
	// The built-in workflow as a user who knows to switch thinking off would send it.
	{ id: 'noThinking', name: 'no faults, built-in with thinking off', fake: {}, bursts: 1, builtin: 'thinkingOff' },
	// The speed setting: ours with Parallel Calls raised (FAST_PARALLEL_CALLS), so the automatic
	// batches are smaller and the one round shorter, at more calls; against both built-in variants.
	{ id: 'fast', name: `no faults, Mission Generator with Parallel Calls ${FAST_PARALLEL_CALLS}`, fake: {}, bursts: 1, ours: 'fast' },
	{ id: 'fastNoThinking', name: `no faults, Parallel Calls ${FAST_PARALLEL_CALLS}, built-in with thinking off`, fake: {}, bursts: 1, ours: 'fast', builtin: 'thinkingOff' },
];

function machine() {
	const cpus = os.cpus();
	return {
		cpu: cpus[0] ? cpus[0].model.replace(/\s+/g, ' ').trim() : 'unknown',
		cores: cpus.length,
		node: process.version,
		platform: `${os.type()} ${os.release()} ${os.arch()}`,
		loadAtStart: os.loadavg().map((l) => l.toFixed(2)).join(' / '),
		date: new Date().toISOString(),
	};
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Creates the built-in workflow's Header Auth credential (once) and the workflow, published.
 * `thinkingOff` also sends the least thinking the model accepts (the catalog's lowThinkingConfig,
 * as the Mission Generator does: a budget of 0 on 2.5, the lowest level on 3.x), on its own path.
 */
async function installBuiltIn(instance, runtime, fakeUrl, model, { thinkingOff = false } = {}) {
	const rest = instance.rest;
	installBuiltIn.credential =
		installBuiltIn.credential ||
		(await rest.call('POST', '/credentials', {
			name: 'Gemini API key (header)',
			type: 'httpHeaderAuth',
			data: { name: 'x-goog-api-key', value: API_KEY },
		}));
	let text = fs
		.readFileSync(path.join(__dirname, 'builtin-missions.workflow.json'), 'utf8')
		.replace(/__GEMINI_HOST__/g, fakeUrl)
		.replace(/__MODEL__/g, model)
		.replace(/__CREDENTIAL_ID__/g, installBuiltIn.credential.id);
	const hookPath = thinkingOff ? `${BUILTIN_PATH}-thinking-off` : BUILTIN_PATH;
	if (thinkingOff) {
		const { lowThinkingConfig } = require('../../dist/nodes/shared/gemini/catalog');
		const thinking = JSON.stringify(lowThinkingConfig(model) || {}).replace(/"(\w+)":/g, '$1: ').replace(/"/g, "'");
		text = text.replace(/generationConfig: \{ /, `generationConfig: { thinkingConfig: ${thinking}, `);
	}
	const workflow = JSON.parse(text);
	const webhook = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.webhook');
	webhook.parameters.path = hookPath;
	webhook.webhookId = thinkingOff ? `${webhook.webhookId.slice(0, -1)}3` : webhook.webhookId;
	const name = thinkingOff ? `${workflow.name} (thinking off)` : workflow.name;
	const created = await rest.call('POST', '/workflows', { name, nodes: workflow.nodes, connections: workflow.connections, settings: workflow.settings });
	await rest.call('POST', `/workflows/${created.id}/activate`, { versionId: created.versionId });
	const url = `${instance.baseUrl}/webhook/${hookPath}`;
	await instance.waitFor(`webhook ${url}`, 60_000, async () => {
		const res = await runtime.request(url, { method: 'PUT', timeoutMs: 2000 }).catch(() => null);
		return res !== null && res.text.includes('Did you mean to make a POST request');
	});
	return url;
}

function missionsOf(items) {
	return items.filter((m) => m && typeof m.title === 'string' && typeof m.description === 'string');
}

async function runBuiltIn(ctx) {
	const started = Date.now();
	const res = await ctx.runtime.request(ctx.builtinUrls[ctx.variant || 'default'], { method: 'POST', body: { tier: TIER, count: COUNT, locale: LOCALE }, timeoutMs: REQUEST_TIMEOUT_MS }).catch((error) => ({ status: 0, error }));
	const ms = Date.now() - started;
	const items = Array.isArray(res.json) ? res.json : res.json ? [res.json] : [];
	return { ms, missions: missionsOf(items), answered: res.status === 200 };
}

/**
 * The shipped generate workflow exactly as `npm start` imports it, with only Parallel Calls
 * raised and its own webhook path: what a user gets by changing that one option.
 */
function fastWorkflow(runtime) {
	const [workflow] = runtime.prepareWorkflows({ files: [path.join(runtime.WORKFLOWS_DIR, 'missions-generate.json')] });
	workflow.id = 'benchFastMission';
	workflow.name = `${workflow.name} (bench: Parallel Calls ${FAST_PARALLEL_CALLS})`;
	const webhook = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.webhook');
	webhook.parameters.path = FAST_PATH;
	webhook.webhookId = 'e7d5b1c4-0f6a-4b52-9e9b-4a6c2f8d3e05';
	const generator = workflow.nodes.find((n) => /missionGenerator$/i.test(n.type));
	generator.parameters.options = { ...generator.parameters.options, parallelCalls: FAST_PARALLEL_CALLS };
	return workflow;
}

async function runOurs(ctx) {
	const started = Date.now();
	const res = await ctx.client.generate({ tier: TIER, count: COUNT, locale: LOCALE }, ctx.variant === 'fast' ? { path: FAST_PATH } : {});
	if (res.status !== 202) return { ms: Date.now() - started, missions: [], answered: false };
	let final;
	try {
		({ final } = await ctx.client.waitForJob(res.json.jobId, { timeoutMs: REQUEST_TIMEOUT_MS, intervalMs: POLL_MS }));
	} catch {
		return { ms: Date.now() - started, missions: [], answered: false };
	}
	const ms = Date.now() - started;
	const { missions = [], report = {} } = final.result || {};
	const slowestCallMs = report.maxCallLatencyMs || 0;
	return { ms, missions: missionsOf(missions), answered: final.state === 'succeeded', nodeMs: (report.durationSeconds || 0) * 1000, slowestCallMs };
}

async function measure(ctx, condition, which, run) {
	const { fake } = ctx;
	fake.reset();
	fake.configure({ seed: 1000 + run, rpmPerKey: 0, ...condition.fake, faults: { ...NO_FAULTS, ...(condition.fake.faults || {}) } });
	if (condition.script) fake.script('generateContent', condition.script);
	const bursts = [];
	const run1 = () => (which === 'ours' ? runOurs({ ...ctx, variant: condition.ours }) : runBuiltIn({ ...ctx, variant: condition.builtin }));
	for (let b = 0; b < condition.bursts; b++) bursts.push(await run1());
	const missions = bursts.flatMap((b) => b.missions);
	const requested = COUNT * condition.bursts;
	return {
		condition: condition.id,
		which,
		run,
		ms: bursts.reduce((sum, b) => sum + b.ms, 0),
		requested,
		delivered: missions.length,
		lost: requested - missions.length,
		// Per request, as the seed counts them: two bursts are two users' requests.
		nearDuplicates: bursts.reduce((sum, b) => sum + ctx.nearDuplicates(b.missions), 0),
		calls: fake.stats().byRoute.generateContent || 0,
		nodeMs: bursts.reduce((sum, b) => sum + (b.nodeMs || 0), 0),
		slowestCallMs: Math.max(0, ...bursts.map((b) => b.slowestCallMs || 0)),
		costUsd: ctx.costOf(fake.stats().requests),
	};
}

/** Runs test/bench/scheduler.js (owned by its benchmark) and reads its table: scenario → ratio. */
function schedulerRatios() {
	const started = Date.now();
	try {
		const out = execFileSync(process.execPath, [path.join(__dirname, 'scheduler.js')], {
			cwd: ROOT,
			env: { ...process.env, BENCH_CALLS: String(SCHEDULER_CALLS) },
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		return { ...parseSchedulerTable(out), seconds: (Date.now() - started) / 1000 };
	} catch (error) {
		const out = String(error.stdout || '');
		const parsed = parseSchedulerTable(out);
		return { ...parsed, seconds: (Date.now() - started) / 1000, note: `scheduler.js exited with ${error.status}` };
	}
}

function parseSchedulerTable(out) {
	const lines = out.split('\n').filter((l) => l.startsWith('|'));
	if (lines.length < 3) return { rows: [], header: out.split('\n')[0] || '' };
	const cells = (l) => l.split('|').slice(1, -1).map((c) => c.trim());
	const head = cells(lines[0]);
	const at = (name) => head.indexOf(name);
	const rows = lines.slice(2).map(cells).map((c) => ({ scenario: c[at('scenario')], ratio: Number(c[at('ratio')]), makespanMs: Number(c[at('makespan ms')]), boundMs: Number(c[at('bound ms')]) }));
	return { rows: rows.filter((r) => r.scenario && Number.isFinite(r.ratio)), header: out.split('\n')[0] || '' };
}

async function main() {
	const { startFakeGoogle, LATENCY_DEFAULTS } = require('../support/fakeGoogle');
	const { startN8n, stopN8n, missionClient, runtime } = require('../support/n8n');
	const { DuplicateRegistry, DEFAULT_THRESHOLDS } = require('../../dist/nodes/MissionGenerator/engine/duplicates');
	const { DEFAULT_TEXT_MODEL } = require('../../dist/nodes/shared/gemini/catalog');
	const { fakeCost } = require('./fakeCost');
	const { writeReport } = require('./compareReport');
	const nearDuplicates = (missions) => {
		const registry = new DuplicateRegistry(DEFAULT_THRESHOLDS);
		return missions.filter((m) => !registry.tryAdd({ title: m.title, description: m.description })).length;
	};

	const info = machine();
	const started = Date.now();
	const latency = { ...LATENCY_DEFAULTS, latencyModel: 'tokens' };
	const fake = await startFakeGoogle({ apiKeys: [API_KEY], duplicateRate: DUPLICATE_RATE, maxRequestsKept: 5000, ...latency });
	let instance;
	const results = [];
	try {
		instance = await startN8n({ gemini: { apiKey: API_KEY, host: fake.url, requestsPerMinute: 0 }, extraWorkflows: [fastWorkflow(runtime)] });
		const ctx = { fake, runtime, client: missionClient(instance), nearDuplicates, costOf: (requests) => fakeCost({ requests }).usd };
		// One warm-up each, not recorded: n8n compiles and caches on first use. Ours goes first so
		// the built-in workflow asks for the very model the Mission Generator used.
		await measure(ctx, CONDITIONS[0], 'ours', 0);
		const model = (fake.stats().requests.find((r) => r.route === 'generateContent') || {}).model || DEFAULT_TEXT_MODEL;
		ctx.builtinUrls = {
			default: await installBuiltIn(instance, runtime, fake.url, model),
			thinkingOff: await installBuiltIn(instance, runtime, fake.url, model, { thinkingOff: true }),
		};
		await measure(ctx, CONDITIONS[0], 'builtin', 0);
		const only = (process.env.BENCH_CONDITIONS || '').split(',').filter(Boolean);
		for (const condition of CONDITIONS.filter((c) => only.length === 0 || only.includes(c.id))) {
			for (let run = 1; run <= RUNS; run++) {
				// Alternate who goes first, so neither always runs on a warmer machine.
				const order = run % 2 ? ['builtin', 'ours'] : ['ours', 'builtin'];
				for (const which of order) {
					const r = await measure(ctx, condition, which, run);
					results.push(r);
					process.stderr.write(`[compare] ${condition.name} ${which} run ${run}: ${(r.ms / 1000).toFixed(2)} s, ${r.delivered}/${r.requested}, ${r.nearDuplicates} near-dup, ${r.calls} calls\n`);
				}
			}
		}
	} finally {
		if (instance) await stopN8n(instance);
		await fake.close();
	}
	const scheduler = schedulerRatios();
	const input = {
		machine: { ...info, loadAtEnd: os.loadavg().map((l) => l.toFixed(2)).join(' / '), n8n: runtime.N8N_VERSION, n8nNode: runtime.NODE_VERSION },
		settings: { runs: RUNS, count: COUNT, tier: TIER, locale: LOCALE, duplicateRate: DUPLICATE_RATE, latency, pollMs: POLL_MS, quotaRpm: QUOTA_RPM, schedulerCalls: SCHEDULER_CALLS, fastParallelCalls: FAST_PARALLEL_CALLS },
		conditions: CONDITIONS.filter((c) => results.some((r) => r.condition === c.id)).map(({ id, name, bursts, ours, builtin }) => ({ id, name, bursts, ours, builtin })),
		results,
		scheduler,
		totalSeconds: (Date.now() - started) / 1000,
	};
	// The raw results, so the page can be regenerated without rerunning (BENCH_REPORT_FROM=<file>).
	fs.writeFileSync(RESULTS_FILE, JSON.stringify(input, null, 1));
	const files = writeReport(input);
	process.stderr.write(`[compare] raw results in ${RESULTS_FILE}\n`);
	process.stderr.write(`[compare] wrote ${files.join(', ')} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

module.exports = { CONDITIONS, parseSchedulerTable, machine };

if (require.main === module) {
	if (process.env.BENCH_REPORT_FROM) {
		const files = require('./compareReport').writeReport(JSON.parse(fs.readFileSync(process.env.BENCH_REPORT_FROM, 'utf8')));
		console.log(`wrote ${files.join(', ')}`);
	} else if (process.env.BENCH_COMPARE !== '1') {
		console.log('compare.js starts n8n and takes minutes: run it with `npm run bench:compare`.');
	} else {
		main().catch((error) => {
			console.error(error);
			process.exitCode = 1;
		});
	}
}
