'use strict';
// Economy benchmark (issue #24): the same work at the Standard tier, at Flex and through Google's
// Batch API, side by side in ONE run of a real n8n 2.41.1 with the shipped workflows, against the
// local Google fake:
//   A. seed 001's script batch, 10 titles × 3 variations × 3 languages (scripts-batch.json), in
//      every `"mode"` its request contract accepts ("standard" | "flex" | "economy"; a checkout
//      whose workflow has no `mode` field runs the standard batch only and says so);
//   B. the Mission Generator, 100 missions of tiers without templates (missions-generate.json):
//      standard calls, `"serviceTier": "flex"`, and `"economy": "always"` (one batch job).
// Columns: wall time (202 → finished), estimated cost (the estimatedCostUsd of the reports: the
// mission job's report; the script batch's running cost), calls the fake answered, and the cost
// and time against standard. Writes docs/bench-economy.svg; the figures in docs/bench-economy.md
// are copied from this output by hand.
//
// Fake timings (compressed, stated in the output): a standard text call 1 s, a Flex call 1 s + 4 s
// (Google's Flex target is 1–15 minutes) with 5% shed as 503, a batch PENDING 3 s then RUNNING
// 12 s (Google's target is 24 h; small batches usually end within minutes), the batch checks at
// the node's 60/120/300/600 s compressed 60-fold (Settings → batchCheckFactor 1/60,
// batchCheckMinSeconds 1), the script batch's checks every 5 s (its Batch settings →
// batchCheckSeconds), speech 1 s.
//
//   npm run bench -- economy   (BENCH_ECONOMY_SCRIPTS=0 skips part A; BENCH_TITLES, BENCH_MISSIONS)
const fs = require('node:fs');
const path = require('node:path');

const { startFakeGoogle } = require('../support/fakeGoogle');
const { configureSettings } = require('../support/issueWorkflow');
const { runtime, startN8n, stopN8n, missionClient } = require('../support/n8n');
const { barChart } = require('./compareReport');
const { fakeCost } = require('./fakeCost');

const API_KEY = 'bench-economy-key';
const TEXT_MS = 1000;
const FLEX_EXTRA_MS = 4000;
const FLEX_SHED_RATE = 0.05;
const BATCH = { pendingMs: 3000, runningMs: 12000 };
const CHECK_FACTOR = 1 / 60;
// The script workflow's economy loop waits a fixed interval when its "Batch settings" say so.
const SCRIPT_CHECK_SECONDS = 5;
const TTS_MS = 1000;
const TITLES = Number(process.env.BENCH_TITLES || 10);
const VARIATIONS = 3;
const LANGUAGES = ['en-US', 'es-ES', 'de-DE'];
const MISSIONS = Number(process.env.BENCH_MISSIONS || 100);
const RUN_SCRIPTS = process.env.BENCH_ECONOMY_SCRIPTS !== '0';
const JOB_TIMEOUT_MS = 600_000;
const POLL_MS = 250;
const DOCS = path.join(__dirname, '..', '..', 'docs');
const COLORS = { time: '#1a73e8', cost: '#188038' };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const usd = (n) => (Number.isFinite(n) ? `$${n.toFixed(4)}` : 'n/a');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : NaN);
const x = (n) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : 'n/a');

/** Calls the fake answered since `before`, by route, and their sum. */
function callsSince(fake, before) {
	const after = fake.stats().byRoute;
	const byRoute = {};
	for (const [route, count] of Object.entries(after)) {
		const delta = count - (before[route] || 0);
		if (delta > 0) byRoute[route] = delta;
	}
	return { total: Object.values(byRoute).reduce((a, b) => a + b, 0), byRoute };
}

/** The `mode` values the checkout's script batch workflow accepts (its Webhook Guard rule), if any. */
function scriptModes() {
	const workflow = JSON.parse(fs.readFileSync(path.join(runtime.WORKFLOWS_DIR, 'scripts-batch.json'), 'utf8'));
	for (const node of workflow.nodes) {
		const rules = node.parameters && node.parameters.rules && node.parameters.rules.rule;
		const rule = Array.isArray(rules) && rules.find((r) => r.field === 'mode');
		if (rule) return String(rule.allowed || '').split(',').map((v) => v.trim()).filter(Boolean);
	}
	return [];
}

/**
 * One job; each mode gets a tier of its own without templates, so no job's prompts list the
 * missions an earlier job of the run was given (the node keeps them per tier and language, and
 * would make later prompts longer and so dearer).
 */
async function missionJob(client, fake, label, tier, extra) {
	const before = fake.stats().byRoute;
	const t0 = Date.now();
	const accepted = await client.generate({ tier, count: MISSIONS, locale: 'en', ...extra });
	if (accepted.status !== 202) throw new Error(`${label}: HTTP ${accepted.status} ${accepted.text}`);
	const { final, seen } = await client.waitForJob(accepted.json.jobId, { timeoutMs: JOB_TIMEOUT_MS, intervalMs: POLL_MS });
	const wallMs = Date.now() - t0;
	const report = (final.result && final.result.report) || {};
	const delivered = final.result && Array.isArray(final.result.missions) ? final.result.missions.length : 0;
	// The waits the workflow recorded, one per check (Settings compress them; the shipped ones are 65, 120, 300, 600 s).
	const waits = [...new Map(seen.filter((s) => s.economy && s.state === 'running').map((s) => [s.economy.checks, s.economy.nextCheckSeconds])).values()];
	return {
		part: 'missions',
		label,
		state: final.state,
		wallMs,
		costUsd: typeof report.estimatedCostUsd === 'number' ? report.estimatedCostUsd : NaN,
		tokens: report.tokens ? `${report.tokens.input} / ${report.tokens.output + (report.tokens.thinking || 0)}` : 'n/a',
		calls: callsSince(fake, before),
		detail: `${delivered}/${MISSIONS} missions, source ${report.source || 'standard'}, served ${JSON.stringify(report.servedTiers || {})}${waits.length ? `, waits ${waits.join(' + ')} s` : ''}${report.retries ? `, ${report.retries} retries` : ''}`,
	};
}

async function scriptBatch(n8n, fake, label, mode) {
	const secret = { [runtime.WEBHOOK_SECRET_HEADER]: n8n.webhookSecret, 'content-type': 'application/json' };
	// Titles of their own per mode: the script cache table would otherwise answer every text of a later mode.
	const titles = Array.from({ length: TITLES }, (_, i) => `Money habit number ${i + 1} (${label}): what to change this month`);
	const body = { titles, variations: VARIATIONS, languages: LANGUAGES, masterLanguage: 'pt-BR', words: 120, ...(mode ? { mode } : {}) };
	const before = fake.stats().byRoute;
	const batchesBefore = fake.batches().length;
	const t0 = Date.now();
	const answer = await fetch(n8n.webhookUrl('scripts/batch'), { method: 'POST', headers: secret, body: JSON.stringify(body) });
	const accepted = await answer.json();
	if (answer.status !== 202) throw new Error(`${label}: HTTP ${answer.status} ${JSON.stringify(accepted)}`);
	let status;
	for (;;) {
		status = await (await fetch(accepted.statusUrl, { headers: secret })).json();
		if (['completed', 'completed_with_failures', 'failed'].includes(status.state)) break;
		if (Date.now() - t0 > JOB_TIMEOUT_MS) throw new Error(`${label}: not finished after ${JOB_TIMEOUT_MS} ms (${status.state})`);
		await sleep(POLL_MS);
	}
	const wallMs = Date.now() - t0;
	const cost = status.estimatedCostUsd || {};
	const texts = textCost(fake, t0, batchesBefore);
	return {
		part: 'scripts',
		label,
		state: status.state,
		wallMs,
		// The texts' cost (the part the mode changes): see textCost. The batch's own running cost
		// counts speech too, and a title spoken with Google's default voice has no known price.
		costUsd: texts.usd,
		tokens: `${texts.input} / ${texts.output}`,
		calls: callsSince(fake, before),
		detail: `${status.completedJobs}/${status.totalJobs} titles completed; texts ${JSON.stringify(texts.byTier)}; the page's running cost ${usd(cost.usd)} (${cost.priced ?? 0} titles priced, ${cost.unpriced ?? 0} without a known price: default voices)`,
	};
}

/**
 * The Gemini text calls of one script batch, priced with the package's own table (fakeCost.js):
 * each answered generateContent call at the tier the fake served it, each batch answer at the
 * Batch API rate. Speech is the same in every mode and left out. Counted from the fake's records of
 * this run (requests since `since`, batches after the first `batchesBefore`).
 */
function textCost(fake, since, batchesBefore) {
	const total = fakeCost({ requests: fake.stats().requests.filter((r) => r.at >= since), batches: fake.batches().slice(batchesBefore) });
	return { ...total, usd: total.usd === null ? NaN : total.usd };
}

function chart(rows, at) {
	const standardOf = (row) => rows.find((r) => r.part === row.part && r.label === 'standard');
	const name = (row) => (row.part === 'scripts' ? `script batch: ${row.label}` : `${MISSIONS} missions: ${row.label}`);
	return barChart({
		title: `Script batch (${TITLES}×${VARIATIONS}×${LANGUAGES.length}) and ${MISSIONS} missions: time and cost against standard`,
		categories: rows.map(name),
		series: [
			{ name: "wall time ÷ standard (set by the fake's Flex delay and batch duration)", color: COLORS.time, values: rows.map((r) => ratio(r.wallMs, standardOf(r).wallMs)) },
			{ name: 'estimated cost ÷ standard', color: COLORS.cost, values: rows.map((r) => ratio(r.costUsd, standardOf(r).costUsd)) },
		],
		unit: 'ratio to the standard run of the same work in the same bench run (1.0 = same as standard)',
		reference: { value: 1, label: 'standard' },
		footer: [
			`npm run bench -- economy, ${at}, real n8n ${runtime.N8N_VERSION} on a 2-core machine, local Google fake.`,
			`Fake timings (compressed): standard call ${TEXT_MS / 1000} s; Flex call ${(TEXT_MS + FLEX_EXTRA_MS) / 1000} s, ${FLEX_SHED_RATE * 100}% shed (503); batch pending ${BATCH.pendingMs / 1000} s + running ${BATCH.runningMs / 1000} s; mission checks at the node's intervals ÷ 60, script checks every ${SCRIPT_CHECK_SECONDS} s.`,
			'Cost: missions, estimatedCostUsd of each job report; script batch, its Gemini texts priced by the same table (speech is the same in every mode). List prices, nodes/shared/gemini/pricing.ts; Flex and Batch at 50%.',
		],
	});
}

async function main() {
	const fake = await startFakeGoogle({ latencyMs: TEXT_MS, seed: 24, apiKeys: [API_KEY], maxRequestsKept: 100_000, flex: { latencyMs: FLEX_EXTRA_MS, shedRate: FLEX_SHED_RATE }, batch: BATCH });
	fake.script('text:synthesize', Array.from({ length: 3000 }, () => ({ delayMs: Math.max(0, TTS_MS - TEXT_MS) })));
	const n8n = await startN8n({
		gemini: { apiKey: API_KEY, host: fake.url, requestsPerMinute: 0 },
		tts: { apiKey: API_KEY, host: fake.url, requestsPerMinute: 0 },
	});
	const rows = [];
	try {
		await configureSettings(n8n, 'missions-generate.json', { batchCheckFactor: CHECK_FACTOR, batchCheckMinSeconds: 1 });
		const client = missionClient(n8n);
		const modes = scriptModes();
		if (modes.includes('economy')) await configureSettings(n8n, 'scripts-batch.json', { batchCheckSeconds: SCRIPT_CHECK_SECONDS }, 'Batch settings');
		if (RUN_SCRIPTS) {
			const wanted = [['standard', 'standard'], ['flex', 'flex'], ['batch', 'economy']];
			for (const [label, mode] of wanted) {
				if (modes.length === 0 && label !== 'standard') continue;
				if (modes.length > 0 && !modes.includes(mode)) continue;
				rows.push(await scriptBatch(n8n, fake, label, modes.length > 0 ? mode : undefined));
				console.log(`scripts ${label}: done`);
			}
		}
		// A first job warms n8n up (its first run loads the nodes), so standard is not charged for it.
		await missionJob(client, fake, 'warm-up', 'WARMUP', { count: 5 });
		rows.push(await missionJob(client, fake, 'standard', 'EXPERT_S', {}));
		rows.push(await missionJob(client, fake, 'flex', 'EXPERT_F', { serviceTier: 'flex' }));
		rows.push(await missionJob(client, fake, 'batch', 'EXPERT_B', { economy: 'always' }));

		const at = new Date().toISOString().replace(/:\d\d\.\d+Z$/, ' UTC').replace('T', ' ');
		console.log(`\nEconomy, one run (${at}); fake: standard call ${TEXT_MS} ms, Flex +${FLEX_EXTRA_MS} ms and ${FLEX_SHED_RATE * 100}% shed, batch PENDING ${BATCH.pendingMs} ms → RUNNING ${BATCH.runningMs} ms → SUCCEEDED, mission checks ÷ 60, script batch checks every ${SCRIPT_CHECK_SECONDS} s, speech ${TTS_MS} ms`);
		if (RUN_SCRIPTS && modes.length === 0) console.log('scripts-batch.json has no "mode" field in this checkout: only the standard script batch ran (flex and economy need the econ-scripts branch).');
		console.log('| work | mode | state | wall time (s) | estimated cost | tokens in / out | calls | time ÷ standard | cost ÷ standard | detail |');
		console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
		for (const row of rows) {
			const standard = rows.find((r) => r.part === row.part && r.label === 'standard');
			const calls = `${row.calls.total} (${Object.entries(row.calls.byRoute).map(([k, v]) => `${k} ${v}`).join(', ')})`;
			console.log(`| ${row.part === 'scripts' ? `script batch ${TITLES}×${VARIATIONS}×${LANGUAGES.length}` : `${MISSIONS} missions`} | ${row.label} | ${row.state} | ${(row.wallMs / 1000).toFixed(1)} | ${usd(row.costUsd)} | ${row.tokens} | ${calls} | ${x(ratio(row.wallMs, standard.wallMs))} | ${x(ratio(row.costUsd, standard.costUsd))} | ${row.detail} |`);
		}
		const svg = path.join(DOCS, 'bench-economy.svg');
		fs.writeFileSync(svg, chart(rows, at));
		console.log(`\nwrote ${path.relative(process.cwd(), svg)}`);
	} catch (error) {
		n8n.failed = true;
		console.error(n8n.logTail(80));
		throw error;
	} finally {
		await stopN8n(n8n);
		await fake.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
