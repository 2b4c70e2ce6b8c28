'use strict';
// Content Adapter benchmark (issue #8): seed 001's text pipeline, 10 titles × 3 variations ×
// 3 languages (10 masters, 30 variations, 90 adaptations), against the local Google fake at a
// fixed latency with one call cap, side by side with the seed's sequential pipeline in the same
// run, then the identical batch again (the cache must answer it with 0 calls).
// Run with `npm run bench adaptation` (builds first), or `node test/bench/adaptation.js` after
// `npm run build`. Prints a table; nothing here is a pass/fail test.
process.env.GEMINI_OPS_FROM_DIST = '1';

const { startFakeGoogle } = require('../support/fakeGoogle');
const { executeNode, httpRequest } = require('../support/executeNode');
const { ContentAdapter } = require('../../dist/nodes/ContentAdapter/ContentAdapter.node');
const { resetProcessState } = require('../../dist/nodes/shared/state');
const { generateStructured } = require('../../dist/nodes/shared/gemini/generate');
const { resolveCredential } = require('../../dist/nodes/shared/credentials');
const { newAccounting } = require('../../dist/nodes/shared/transport/resilientCall');

const API_KEY = 'bench-key';
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS || 2000);
const CAP = Number(process.env.BENCH_CAP || 10);
const TITLES = 10;
const VARIATIONS = 3;
const TARGETS = ['en-US', 'es-ES', 'es-MX'];
const MASTER_LANGUAGE = 'pt-BR';
const WORDS = 300;
// The seed's sequential pipeline on fewer titles, scaled up, when set (it takes ~4 minutes whole).
const BASELINE_TITLES = Number(process.env.BENCH_BASELINE_TITLES || TITLES);
// Until the fake serves the catalog's default model, both sides use a model it knows.
const MODEL = 'gemini-2.5-flash';
const STAGES = 3;
// Enough tries that a fifth of calls answering 429 loses nothing (0.25^10 per text); no effect without faults.
const MAX_ATTEMPTS = 10; // master → variation → adaptation: the critical path of one text, in calls

const titles = Array.from({ length: TITLES }, (_, i) => `Como economizar no mês ${i + 1}: hábitos que funcionam`);

async function stage(fake, parameters, items) {
	const before = fake.stats().byRoute.generateContent || 0;
	const { output } = await executeNode(ContentAdapter, {
		parameters: (i) => ({ ...parameters(i), options: { model: { mode: 'id', value: MODEL }, parallelCalls: CAP, parallelItems: items.length, maxAttempts: MAX_ATTEMPTS } }),
		items,
		credentials: { geminiApi: { apiKey: API_KEY, host: fake.url } },
		continueOnFail: true,
	});
	const results = output[0].map((item) => item.json);
	return { results, reports: output[1].map((item) => item.json), calls: (fake.stats().byRoute.generateContent || 0) - before };
}

/** The three operations chained as a workflow chains them: each stage's results feed the next. */
async function runNode(fake) {
	const started = Date.now();
	const masters = await stage(fake, (i) => ({ operation: 'writeScript', title: titles[i], language: MASTER_LANGUAGE, brief: { targetWords: WORDS } }), titles.map(() => ({})));
	const variations = await stage(
		fake,
		(i) => ({ operation: 'generateVariations', title: titles[i], language: MASTER_LANGUAGE, masterScript: masters.results[i].script, variations: VARIATIONS }),
		titles.map(() => ({})),
	);
	const adaptations = await stage(
		fake,
		(i) => ({ operation: 'adaptToLanguages', title: variations.results[i].title, text: variations.results[i].script, sourceLanguage: MASTER_LANGUAGE, targetLanguages: TARGETS.join(', ') }),
		variations.results.map(() => ({})),
	);
	const all = [...masters.results, ...variations.results, ...adaptations.results];
	return {
		wallMs: Date.now() - started,
		counts: [masters.results.length, variations.results.length, adaptations.results.length],
		calls: masters.calls + variations.calls + adaptations.calls,
		errors: all.filter((r) => r.error).length,
		cached: all.filter((r) => r.cached).length,
		outOfTolerance: adaptations.results.filter((r) => r.lengthOutOfTolerance).length,
	};
}

/** Seed 001 as it ran: per title a master, all variations in one call, then each adaptation in turn. */
async function runSeedPipeline(fake, titleCount) {
	const ctx = { getCredentials: async () => ({ apiKey: API_KEY, host: fake.url }), getNode: () => ({ name: 'seed' }), helpers: {} };
	ctx.helpers.httpRequestWithAuthentication = async (_type, options) =>
		await httpRequest({ ...options, headers: { ...options.headers, 'x-goog-api-key': API_KEY } });
	const credential = await resolveCredential(ctx, 'geminiApi');
	const accounting = newAccounting();
	const settings = { retry: { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 8000 }, callTimeoutMs: 120000, deadlineAt: Date.now() + 3_600_000, retryInvalidOutput: true };
	const text = { type: 'OBJECT', properties: { text: { type: 'STRING' } }, required: ['text'] };
	const many = { type: 'ARRAY', minItems: VARIATIONS, maxItems: VARIATIONS, items: text };
	const call = async (prompt, schema) =>
		await generateStructured(ctx, credential, { model: MODEL, prompt, responseSchema: schema }, (v) => ({ ok: true, value: v }), settings, accounting);
	const started = Date.now();
	for (const title of titles.slice(0, titleCount)) {
		await call(`Write the master script: ${title}`, text);
		await call(`Write ${VARIATIONS} variations of the script: ${title}`, many);
		for (let v = 0; v < VARIATIONS; v++) {
			for (const language of TARGETS) await call(`Adapt variation ${v + 1} of ${title} to ${language}`, text);
		}
	}
	return { wallMs: Date.now() - started, calls: accounting.calls };
}

function row(cells) {
	console.log(`| ${cells.join(' | ')} |`);
}

async function main() {
	const fake = await startFakeGoogle({ apiKeys: [API_KEY], seed: 21, latencyMs: LATENCY_MS, latencyJitter: 0 });
	try {
		resetProcessState();
		const first = await runNode(fake);
		const maxInFlight = fake.stats().maxConcurrencySeen;
		const second = await runNode(fake);
		// The same batch again from an empty cache, with a fifth of the calls answered 429 (Retry-After 1 s)
		// and 5% malformed JSON: every text must still arrive.
		resetProcessState();
		fake.reset();
		fake.configure({ faults: { rate429: 0.2, retryAfterSeconds: 1, rateMalformed: 0.05 } });
		const faulted = await runNode(fake);
		const faultedInFlight = fake.stats().maxConcurrencySeen;
		fake.configure({ faults: { rate429: 0, rateMalformed: 0 } });
		fake.reset();
		const seed = await runSeedPipeline(fake, BASELINE_TITLES);
		const seedWallMs = (seed.wallMs * TITLES) / BASELINE_TITLES;
		const texts = TITLES * (1 + VARIATIONS + VARIATIONS * TARGETS.length);
		const calls = TITLES * (1 + VARIATIONS + VARIATIONS * TARGETS.length);
		const criticalMs = STAGES * LATENCY_MS;
		const workMs = (calls * LATENCY_MS) / CAP;
		const boundMs = Math.max(criticalMs, workMs);
		const s = (ms) => (ms / 1000).toFixed(1);

		console.log(
			`\nContent Adapter: ${TITLES} titles × ${VARIATIONS} variations × ${TARGETS.length} languages = ${first.counts.join(' + ')} texts; fake latency ${LATENCY_MS} ms, Parallel Calls ${CAP}\n`,
		);
		console.log(`bound = max(critical path ${STAGES} calls × ${s(LATENCY_MS)} s = ${s(criticalMs)} s, work ${calls} calls × ${s(LATENCY_MS)} s ÷ ${CAP} = ${s(workMs)} s) = ${s(boundMs)} s\n`);
		row(['run', 'texts delivered', 'API calls', 'max in flight', 'wall (s)', 'wall ÷ bound', 'vs seed pipeline', 'cached', 'length flagged', 'items lost']);
		row(['---', '---', '---', '---', '---', '---', '---', '---', '---', '---']);
		const seedLabel = BASELINE_TITLES === TITLES ? 'seed 001 pipeline, sequential' : `seed 001 pipeline, sequential (${BASELINE_TITLES} titles measured, ×${TITLES / BASELINE_TITLES})`;
		row([seedLabel, texts, Math.round((seed.calls * TITLES) / BASELINE_TITLES), 1, s(seedWallMs), (seedWallMs / boundMs).toFixed(2), '1.0×', 0, '–', 0]);
		for (const [name, result, inFlight, vsSeed] of [
			['node: Write Script → Generate Variations → Adapt to Languages', first, maxInFlight, `${(seedWallMs / first.wallMs).toFixed(1)}× faster`],
			['node: the identical batch again (cache)', second, 0, '–'],
			['node: empty cache, 20% 429 (Retry-After 1 s) + 5% malformed', faulted, faultedInFlight, `${(seedWallMs / faulted.wallMs).toFixed(1)}× faster`],
		]) {
			const delivered = result.counts.reduce((a, b) => a + b, 0);
			row([
				name,
				`${delivered - result.errors}/${texts}`,
				result.calls,
				inFlight,
				(result.wallMs / 1000).toFixed(result.wallMs < 1000 ? 3 : 1),
				(result.wallMs / boundMs).toFixed(3),
				vsSeed,
				result.cached,
				result.outOfTolerance,
				texts - delivered + result.errors,
			]);
		}
	} finally {
		await fake.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
