'use strict';

// Content Adapter Economy (issue #24): a text operation with Economy on submits every text of all
// its items as ONE Gemini batch; Check Batch reads it. Against the local Google fake, which speaks
// the Batch API (test/support/fakeBatches.js).
jest.mock('n8n-workflow', () => require('../../support/fastSleep').withFastSleep());

const C = require('../../support/fakeGoogleContent');
const { startFakeGoogle, NO_FAULTS } = require('../../support/fakeGoogle');
const { executeNode } = require('../../support/executeNode');
const { ContentAdapter } = require('../../../nodes/ContentAdapter/ContentAdapter.node');
const { textHash } = require('../../../nodes/ContentAdapter/engine/cache');
const { resetProcessState } = require('../../../nodes/shared/state');
const { DEFAULT_TEXT_MODEL } = require('../../../nodes/shared/gemini/catalog');
const { geminiCallCostUsd } = require('../../../nodes/shared/gemini/pricing');
const { checkLanguage } = require('../../../nodes/shared/text/languageCheck');
const { parseLanguageTag } = require('../../../nodes/shared/text/languages');

const inLanguage = (text, code) => {
	const tag = parseLanguageTag(code).value;
	return checkLanguage(text, tag.language, tag.script).plausible;
};

const API_KEY = 'test-key-SECRET-econ-445566';
const MODEL = DEFAULT_TEXT_MODEL;
const MASTER_A = C.scriptText(C.mulberry32(3), 'pt-BR', 120, { exact: true });
const MASTER_B = C.scriptText(C.mulberry32(4), 'pt-BR', 140, { exact: true });
let fake;

beforeAll(async () => {
	fake = await startFakeGoogle({ apiKeys: [API_KEY], seed: 8 });
});
afterAll(async () => {
	await fake.close();
});
beforeEach(() => {
	fake.reset();
	fake.configure({ latencyMs: 0, faults: NO_FAULTS, generateJson: undefined, rpmPerKey: 0, batch: { pendingMs: 0, runningMs: 0, outcome: 'succeeded', failRequests: [], failRate: 0, echoMetadata: true } });
	resetProcessState();
});

const count = (route) => fake.stats().byRoute[route] ?? 0;

async function run(parameters, { items, options = {}, continueOnFail = false } = {}) {
	const perItem = typeof parameters === 'function' ? parameters : () => parameters;
	const { output } = await executeNode(ContentAdapter, {
		parameters: (i) => ({ ...perItem(i), options: { model: { mode: 'id', value: MODEL }, ...options } }),
		items: items ?? [{}],
		credentials: { geminiApi: { apiKey: API_KEY, host: fake.url } },
		continueOnFail,
	});
	return { results: output[0].map((item) => item.json), reports: output[1].map((item) => item.json), raw: output };
}

const TITLES = ['Como guardar o primeiro salário', 'Por que orçamentos falham em março'];
const scripts = (extra = {}) => (i) => ({ operation: 'writeScript', title: TITLES[i], language: 'pt-BR', brief: { targetWords: 120 }, economy: true, ...extra });
const adaptations = (extra = {}) => (i) => ({
	operation: 'adaptToLanguages',
	text: [MASTER_A, MASTER_B][i],
	sourceLanguage: 'pt-BR',
	targetLanguages: 'en-US, pt-BR, es-ES',
	title: TITLES[i],
	economy: true,
	...extra,
});
const check = (submitted, extra = {}) => run({ operation: 'checkBatch', ...extra }, { items: [submitted] });

async function untilDone(submitted) {
	let item = submitted;
	for (let i = 0; i < 10 && item.waiting; i++) {
		const checked = await check(item);
		if (!checked.results[0]?.waiting) return checked;
		item = checked.results[0];
	}
	return await check(item);
}

describe('Submit', () => {
	test('two titles become ONE batch of two requests and one waiting item; no generateContent call', async () => {
		const { results, reports, raw } = await run(scripts(), { items: [{}, {}] });
		expect(results).toHaveLength(1);
		const [waiting] = results;
		expect(waiting).toMatchObject({ waiting: true, nextCheckSeconds: 60, batchState: 'pending', batchCounts: { requests: 2 } });
		expect(waiting.batchJob).toMatch(/^batches\//);
		expect(raw[0][0].pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
		expect(count('batchGenerateContent')).toBe(1);
		expect(count('generateContent')).toBe(0);
		expect(fake.batches()).toHaveLength(1);
		expect(fake.batches()[0].requests).toBe(2);
		expect(reports[0]).toMatchObject({ operation: 'writeScript', waiting: true, economy: { batchRequests: 2, texts: 2 } });
		expect(JSON.stringify(waiting)).not.toContain(API_KEY);
	});

	test('cached texts first: a title written before is not in the batch, and comes back cached', async () => {
		await run({ ...scripts()(0), economy: false });
		expect(count('generateContent')).toBe(1);
		const { results } = await run(scripts(), { items: [{}, {}] });
		expect(fake.batches()[0].requests).toBe(1);
		const done = await untilDone(results[0]);
		expect(done.results.map((r) => r.title)).toEqual(TITLES);
		expect(done.results.map((r) => r.cached)).toEqual([true, false]);
		expect(count('generateContent')).toBe(1);
	});

	test("entries a workflow passed on the first item count for every item's texts", async () => {
		const first = await run({ ...scripts()(1), economy: false });
		resetProcessState();
		fake.reset();
		const entries = [first.results[0].cacheEntry];
		const { results } = await run(scripts(), { items: [{ cachedEntries: entries }, {}], options: { cachedEntriesField: 'cachedEntries' } });
		expect(fake.batches()[0].requests).toBe(1);
		const done = await untilDone(results[0]);
		expect(done.results.map((r) => r.cached)).toEqual([false, true]);
	});

	test('everything cached: no batch at all, Check delivers at once without calling Google', async () => {
		await run({ ...scripts()(0), economy: false });
		const { results } = await run(scripts(), { items: [{}] });
		expect(results[0]).toMatchObject({ waiting: false, batchJob: null, nextCheckSeconds: 0 });
		expect(count('batchGenerateContent')).toBe(0);
		const done = await check(results[0]);
		expect(done.results).toHaveLength(1);
		expect(done.results[0]).toMatchObject({ title: TITLES[0], cached: true });
		expect(done.reports[0]).toMatchObject({ source: 'cache', apiCalls: 0 });
		expect(count('getBatch')).toBe(0);
	});

	test('Generate Variations needs the master script (a batch cannot write master and variations in one go)', async () => {
		await expect(run({ operation: 'generateVariations', title: 'x', language: 'pt-BR', masterScript: '', variations: 2, economy: true })).rejects.toThrow(/Master Script/);
	});
});

describe('Check Batch', () => {
	test('still running: waiting again with the next, longer interval, the state and the counts', async () => {
		fake.configure({ batch: { pendingMs: 60_000, runningMs: 0 } });
		const { results } = await run(scripts(), { items: [{}, {}] });
		const first = await check(results[0]);
		expect(first.results).toHaveLength(1);
		expect(first.results[0]).toMatchObject({ waiting: true, nextCheckSeconds: 120, batchState: 'pending', batchCounts: { requests: 2, succeeded: 0 } });
		expect(first.results[0].batchProgress).toBe('PENDING, 0 of 2 answered');
		expect(first.reports[0]).toMatchObject({ waiting: true, apiCalls: 1 });
		const second = await check(first.results[0]);
		expect(second.results[0]).toMatchObject({ waiting: true, nextCheckSeconds: 300 });
		expect(second.results[0].economy.checks).toBe(2);
	});

	test('ended: the same items the standard path gives, every answer in its language, priced at the batch rate', async () => {
		const { results } = await run(adaptations(), { items: [{}, {}] });
		expect(fake.batches()[0].requests).toBe(4); // pt-BR is the source: passed through, not requested
		const done = await untilDone(results[0]);
		expect(done.results.map((r) => [r.title, r.language])).toEqual([
			[TITLES[0], 'en-US'],
			[TITLES[0], 'pt-BR'],
			[TITLES[0], 'es-ES'],
			[TITLES[1], 'en-US'],
			[TITLES[1], 'pt-BR'],
			[TITLES[1], 'es-ES'],
		]);
		for (const r of done.results) {
			expect(r.sourceHash).toBe(textHash(r.title === TITLES[0] ? MASTER_A : MASTER_B));
			if (r.passthrough) continue;
			expect(inLanguage(r.text, r.language)).toBe(true);
			expect(r.cacheEntry.key).toMatch(/^[0-9a-f]{40}$/);
		}
		const [report] = done.reports;
		expect(report).toMatchObject({ source: 'batch', results: 6, failedResults: 0, servedTiers: { batch: 4 }, economy: { batchAnswers: 4, failedBatchRequests: 0, standardTexts: 0 } });
		expect(count('generateContent')).toBe(0);
		const expected = geminiCallCostUsd(MODEL, 'batch', { inputTokens: report.tokens.input, outputTokens: report.tokens.output, thinkingTokens: report.tokens.thinking, audioOutputTokens: 0 });
		const standard = geminiCallCostUsd(MODEL, 'standard', { inputTokens: report.tokens.input, outputTokens: report.tokens.output, thinkingTokens: report.tokens.thinking, audioOutputTokens: 0 });
		expect(report.estimatedCostUsd).toBeCloseTo(expected, 5);
		expect(report.estimatedCostUsd).toBeLessThan(standard * 0.6);

		// The same texts by the standard path: identical items but for the text itself.
		resetProcessState();
		const standardRun = await run(adaptations({ economy: false }), { items: [{}, {}] });
		expect(standardRun.results.map((r) => Object.keys(r).sort())).toEqual(done.results.map((r) => Object.keys(r).sort()));
	});

	test('answers without their metadata still find their title and language (request order)', async () => {
		fake.configure({ batch: { echoMetadata: false } });
		const { results } = await run(adaptations(), { items: [{}, {}] });
		const done = await untilDone(results[0]);
		for (const r of done.results.filter((x) => !x.passthrough)) {
			expect(inLanguage(r.text, r.language)).toBe(true);
		}
		expect(done.reports[0].economy.batchAnswers).toBe(4);
	});

	test('a request that failed inside the batch is written by an ordinary call; its siblings come from the batch', async () => {
		fake.configure({ batch: { failRequests: [1] } });
		const { results } = await run(adaptations(), { items: [{}, {}] });
		const done = await untilDone(results[0]);
		expect(done.results).toHaveLength(6);
		expect(done.results.every((r) => !r.error)).toBe(true);
		expect(count('generateContent')).toBe(1);
		expect(done.reports[0]).toMatchObject({ source: 'batch+standard', fallbackUsed: false, economy: { batchAnswers: 3, failedBatchRequests: 1, standardTexts: 1 } });
		expect(done.reports[0].servedTiers).toEqual({ batch: 3, standard: 1 });
	});

	test('an EXPIRED batch falls back to standard calls, visibly', async () => {
		fake.configure({ batch: { outcome: 'expired' } });
		const { results } = await run(scripts(), { items: [{}, {}] });
		const done = await untilDone(results[0]);
		expect(done.results.map((r) => r.title)).toEqual(TITLES);
		expect(count('generateContent')).toBe(2);
		expect(done.reports[0]).toMatchObject({ source: 'standard', fallbackUsed: true, economy: { state: 'expired' } });
		expect(done.reports[0].fallbackReason).toMatch(/ended BATCH_STATE_EXPIRED.*standard calls/);
	});

	test("a FAILED batch with When the Batch Fails = Fail fails with Google's reason", async () => {
		fake.configure({ batch: { outcome: 'failed', failMessage: 'Quota for batch jobs exhausted.' } });
		const { results } = await run(scripts({ onBatchFailure: 'fail' }), { items: [{}] });
		await expect(check(results[0])).rejects.toThrow(/FAILED: Quota for batch jobs exhausted/);
		expect(count('generateContent')).toBe(0);
	});

	test('an item that is not a submit state is refused with the field named', async () => {
		await expect(check({ economy: { hello: 1 } })).rejects.toThrow(/Batch Field "economy"/);
	});
});

describe('Cancel Batch', () => {
	test('cancels the batch at Google', async () => {
		fake.configure({ batch: { pendingMs: 60_000 } });
		const { results } = await run(scripts(), { items: [{}] });
		const cancelled = await run({ operation: 'cancelBatch' }, { items: [results[0]] });
		expect(cancelled.results[0]).toMatchObject({ cancelled: true, batchState: 'cancelled' });
		expect(fake.batches()[0].cancelled).toBe(true);
	});

	test('needs only the batch name (what a status row keeps); without one it says what to pass', async () => {
		fake.configure({ batch: { pendingMs: 60_000 } });
		const { results } = await run(scripts(), { items: [{}] });
		const cancelled = await run({ operation: 'cancelBatch' }, { items: [{ economy: { batchJob: results[0].batchJob } }] });
		expect(cancelled.results[0]).toMatchObject({ cancelled: true, batchJob: results[0].batchJob, batchState: 'cancelled' });
		expect(fake.batches()[0].cancelled).toBe(true);
		await expect(run({ operation: 'cancelBatch' }, { items: [{ economy: { state: 'pending' } }] })).rejects.toThrow(/Batch Field "economy" has no "batchJob"/);
	});
});
