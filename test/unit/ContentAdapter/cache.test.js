'use strict';

// The Content Adapter's cache (seed 001 §1.5) over real HTTP to the Google fake: hits make no
// call, misses do, entries expire and are bounded, identical requests in flight share one call,
// and a workflow can back the cache with its Data table (entries in, cacheEntry out).
jest.mock('n8n-workflow', () => require('../../support/fastSleep').withFastSleep());

const C = require('../../support/fakeGoogleContent');
const { startFakeGoogle } = require('../../support/fakeGoogle');
const { executeNode } = require('../../support/executeNode');
const { ContentAdapter } = require('../../../nodes/ContentAdapter/ContentAdapter.node');
const { resetProcessState } = require('../../../nodes/shared/state');
const { DEFAULT_TEXT_MODEL } = require('../../../nodes/shared/gemini/catalog');

const API_KEY = 'test-key-SECRET-cache-4242';
const MODEL = DEFAULT_TEXT_MODEL;
const SOURCE = C.scriptText(C.mulberry32(5), 'en-US', 80, { exact: true });
const DAY_MS = 24 * 3600 * 1000;
let fake;

beforeAll(async () => {
	fake = await startFakeGoogle({ apiKeys: [API_KEY], seed: 9 });
});
afterAll(async () => {
	await fake.close();
});
beforeEach(() => {
	fake.reset();
	fake.configure({ latencyMs: 0, generateJson: undefined });
	resetProcessState();
	jest.restoreAllMocks();
});

const calls = () => fake.stats().byRoute.generateContent ?? 0;

async function run(parameters, { items, options = {}, continueOnFail = false } = {}) {
	const perItem = typeof parameters === 'function' ? parameters : () => parameters;
	const { output } = await executeNode(ContentAdapter, {
		parameters: (i) => ({ ...perItem(i), options: { model: { mode: 'id', value: MODEL }, ...options } }),
		items: items ?? [{}],
		credentials: { geminiApi: { apiKey: API_KEY, host: fake.url } },
		continueOnFail,
	});
	return { results: output[0].map((item) => item.json), reports: output[1].map((item) => item.json) };
}

const adapt = (extra = {}) => ({ operation: 'adaptToLanguages', text: SOURCE, sourceLanguage: 'en-US', targetLanguages: 'pt-BR, es-ES', ...extra });
const script = (title, extra = {}) => ({ operation: 'writeScript', title, language: 'en-US', brief: { targetWords: 60 }, ...extra });

describe('in-process cache', () => {
	test('an identical re-run makes 0 calls and says cached: true, with the same texts', async () => {
		const first = await run(adapt());
		expect(calls()).toBe(2);
		expect(first.results.every((r) => r.cached === false)).toBe(true);
		const second = await run(adapt());
		expect(calls()).toBe(2);
		expect(second.results.map((r) => r.cached)).toEqual([true, true]);
		expect(second.results.map((r) => r.text)).toEqual(first.results.map((r) => r.text));
		expect(second.reports[0]).toMatchObject({ apiCalls: 0, cacheHits: 2, cachedResults: 2 });
	});

	test('anything in the key that changes is a miss: text, language, generation options, tolerance', async () => {
		await run(adapt({ targetLanguages: 'pt-BR' }));
		expect(calls()).toBe(1);
		await run(adapt({ targetLanguages: 'pt-BR', text: `${SOURCE} Extra sentence here.` }));
		expect(calls()).toBe(2);
		await run(adapt({ targetLanguages: 'pt-PT' }));
		expect(calls()).toBe(3);
		await run(adapt({ targetLanguages: 'pt-BR' }), { options: { temperature: 0.3 } });
		expect(calls()).toBe(4);
		await run(adapt({ targetLanguages: 'pt-BR', lengthTolerancePercent: 20 }));
		expect(calls()).toBe(5);
		await run(adapt({ targetLanguages: 'pt-BR' }));
		expect(calls()).toBe(5);
	});

	test('Use Cache off: every run calls', async () => {
		await run(adapt(), { options: { useCache: false } });
		await run(adapt(), { options: { useCache: false } });
		expect(calls()).toBe(4);
	});

	test('entries expire after the TTL (default 7 days)', async () => {
		await run(script('Expiry'));
		const realNow = Date.now.bind(Date);
		jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 6 * DAY_MS);
		await run(script('Expiry'));
		expect(calls()).toBe(1);
		Date.now.mockImplementation(() => realNow() + 7 * DAY_MS + 1000);
		const later = await run(script('Expiry'));
		expect(calls()).toBe(2);
		expect(later.results[0].cached).toBe(false);
	});

	test('a shorter Cache TTL (Hours) on the reading node counts, whoever stored the entry', async () => {
		await run(script('Short TTL'));
		const realNow = Date.now.bind(Date);
		jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 2 * 3600 * 1000);
		await run(script('Short TTL'), { options: { cacheTtlHours: 3 } });
		expect(calls()).toBe(1);
		await run(script('Short TTL'), { options: { cacheTtlHours: 1 } });
		expect(calls()).toBe(2);
	});

	test('the entry bound drops the least recently used text', async () => {
		const options = { cacheMaxEntries: 2 };
		for (const title of ['A', 'B', 'C']) await run(script(title), { options });
		expect(calls()).toBe(3);
		await run(script('C'), { options });
		await run(script('B'), { options });
		expect(calls()).toBe(3);
		await run(script('A'), { options });
		expect(calls()).toBe(4);
	});

	test('the size bound (MB) keeps memory bounded: what does not fit is not kept', async () => {
		// 60 words ≈ 400 characters ≈ 850 bytes in memory (2 per character + overhead); 0.0024 MB
		// (MB = 1,048,576 bytes, nodes/shared/units.ts) is about 2,500 bytes: two fit, not three.
		const options = { cacheMaxMb: 0.0024 };
		for (const title of ['A', 'B', 'C']) await run(script(title), { options });
		await run(script('C'), { options });
		await run(script('B'), { options });
		expect(calls()).toBe(3);
		await run(script('A'), { options });
		expect(calls()).toBe(4);
		const tiny = { cacheMaxMb: 0.0001 };
		await run(script('D'), { options: tiny });
		await run(script('D'), { options: tiny });
		expect(calls()).toBe(6);
	});
});

describe('identical requests in flight share one call', () => {
	test('two identical items of one execution: 1 call, both delivered, the second marked shared', async () => {
		fake.configure({ latencyMs: 200 });
		const { results, reports } = await run(script('Twins'), { items: [{}, {}] });
		expect(calls()).toBe(1);
		expect(results).toHaveLength(2);
		expect(results[0].script).toBe(results[1].script);
		expect(reports.map((r) => r.sharedCalls).sort()).toEqual([0, 1]);
	});

	test('two executions at the same time: 1 call', async () => {
		fake.configure({ latencyMs: 200 });
		const [a, b] = await Promise.all([run(adapt({ targetLanguages: 'es-ES' })), run(adapt({ targetLanguages: 'es-ES' }))]);
		expect(calls()).toBe(1);
		expect(a.results[0].text).toBe(b.results[0].text);
	});
});

describe('persistent cache through a Data table (entries in, cacheEntry out)', () => {
	test('each result carries a flat, storable cacheEntry; fed back after a restart it makes 0 calls', async () => {
		const first = await run(adapt());
		const entries = first.results.map((r) => r.cacheEntry);
		for (const entry of entries) {
			expect(Object.keys(entry).sort()).toEqual(['createdAt', 'key', 'kind', 'language', 'title', 'value'].sort());
			expect(Object.values(entry).every((value) => typeof value === 'string')).toBe(true);
			expect(entry.key).toMatch(/^[0-9a-f]{40}$/);
			expect(entry.kind).toBe('adaptation');
			expect(JSON.parse(entry.value).text).toBe(first.results.find((r) => r.language === entry.language).text);
		}
		resetProcessState(); // an n8n restart, or another queue-mode worker
		const second = await run(adapt(), { items: [{ cached: { rows: entries } }], options: { cachedEntriesField: 'cached.rows' } });
		expect(calls()).toBe(2);
		expect(second.results.map((r) => r.cached)).toEqual([true, true]);
		expect(second.results.map((r) => r.text)).toEqual(first.results.map((r) => r.text));
		// Now also in memory: the next run needs no entries.
		await run(adapt());
		expect(calls()).toBe(2);
	});

	test('expired, malformed or foreign entries are ignored, never trusted', async () => {
		const first = await run(adapt({ targetLanguages: 'pt-BR' }));
		const [entry] = first.results.map((r) => r.cacheEntry);
		resetProcessState();
		const old = { ...entry, createdAt: new Date(Date.now() - 8 * DAY_MS).toISOString() };
		const junk = [null, 'x', { key: entry.key }, { key: entry.key, value: '{not json', createdAt: entry.createdAt }];
		const { results } = await run(adapt({ targetLanguages: 'pt-BR' }), { items: [{ rows: [...junk, old] }], options: { cachedEntriesField: 'rows' } });
		expect(calls()).toBe(2);
		expect(results[0].cached).toBe(false);
	});

	test('Output Cache Entries off leaves the field out', async () => {
		const { results } = await run(adapt({ targetLanguages: 'pt-BR' }), { options: { outputCacheEntries: false } });
		expect(results[0].cacheEntry).toBeUndefined();
	});
});
