'use strict';

// The Content Adapter under bad input and every fault the Google fake can inject: each input
// item still ends in an output item, in input order, with a clear error where it failed.
jest.mock('n8n-workflow', () => require('../../support/fastSleep').withFastSleep());

const { sleep, NodeOperationError } = require('n8n-workflow');
const C = require('../../support/fakeGoogleContent');
const { startFakeGoogle, NO_FAULTS } = require('../../support/fakeGoogle');
const { executeNode } = require('../../support/executeNode');
const { ContentAdapter } = require('../../../nodes/ContentAdapter/ContentAdapter.node');
const { resetProcessState } = require('../../../nodes/shared/state');
const { MAX_TEXT_CHARS } = require('../../../nodes/ContentAdapter/parameters');
const { DEFAULT_TEXT_MODEL } = require('../../../nodes/shared/gemini/catalog');

const API_KEY = 'test-key-SECRET-faults-1357';
const MODEL = DEFAULT_TEXT_MODEL;
const SOURCE = C.scriptText(C.mulberry32(11), 'pt-BR', 90, { exact: true });
let fake;

beforeAll(async () => {
	fake = await startFakeGoogle({ apiKeys: [API_KEY], seed: 10 });
});
afterAll(async () => {
	await fake.close();
});
beforeEach(() => {
	fake.reset();
	fake.configure({ latencyMs: 0, faults: NO_FAULTS, generateJson: undefined });
	resetProcessState();
	sleep.mockClear();
});

const calls = () => fake.stats().byRoute.generateContent ?? 0;

async function run(parameters, { items, options = {}, continueOnFail = false, signal } = {}) {
	const perItem = typeof parameters === 'function' ? parameters : () => parameters;
	const { output } = await executeNode(ContentAdapter, {
		parameters: (i) => ({ ...perItem(i), options: { model: { mode: 'id', value: MODEL }, ...options } }),
		items: items ?? [{}],
		credentials: { geminiApi: { apiKey: API_KEY, host: fake.url } },
		continueOnFail,
		signal,
	});
	return { results: output[0].map((item) => item.json), reports: output[1].map((item) => item.json), raw: output };
}

const adapt = (extra = {}) => ({ operation: 'adaptToLanguages', text: SOURCE, sourceLanguage: 'pt-BR', targetLanguages: 'en-US', ...extra });
const variations = (extra = {}) => ({ operation: 'generateVariations', title: 'T', language: 'pt-BR', masterScript: SOURCE, variations: 2, ...extra });
const script = (extra = {}) => ({ operation: 'writeScript', title: 'T', language: 'pt-BR', ...extra });

describe('bad input: a NodeOperationError naming the parameter and what is allowed', () => {
	test.each([
		['empty title', script({ title: '  ' }), /Title is empty/, /Set "Title"/],
		['empty text', adapt({ text: '' }), /Text is empty/, /Set "Text"/],
		['text over the ceiling', adapt({ text: 'palavra '.repeat(MAX_TEXT_CHARS / 4) }), new RegExp(`Text is too long: \\d+ characters, at most ${MAX_TEXT_CHARS}`), /split/],
		['more than 10 variations', variations({ variations: 11 }), /Number of Variations must be a whole number from 1 to 10, not 11/, /Number of Variations/],
		['an empty aspect list', variations({ aspects: ' , ,' }), /Aspects is empty/, /at least one angle/],
		['fewer aspects than variations', variations({ aspects: 'story', variations: 2 }), /Number of Variations is 2, but Aspects lists only 1/, /own aspect/],
		['an unknown target language', adapt({ targetLanguages: 'en-US, xx-YY' }), /Target Languages: "xx-YY": the language "xx" is not supported/, /BCP-47/],
		['an unknown region', adapt({ targetLanguages: 'pt-XX' }), /Target Languages: "pt-XX": unknown region "XX" for Portuguese \(use pt-BR, pt-PT/, /BCP-47/],
		['a malformed code', adapt({ targetLanguages: 'english' }), /Target Languages: "english" is not a language code/, /BCP-47/],
		['no target language', adapt({ targetLanguages: ' ; ' }), /Target Languages is empty/, /at least one/],
		['a bad source language', adapt({ sourceLanguage: 'br' }), /Source Language: "br": the language "br" is not supported/, /Source Language/],
		['a bad script language', script({ language: 'zh-Latn' }), /Language: "zh-Latn": Chinese is not written with the script "Latn" \(use Hans or Hant\)/, /Language/],
		['a script too long', script({ brief: { targetWords: 5000 } }), /script length must be 20 to 3000 words, not 5000/, /Length \(Words\)/],
	])('%s', async (_name, parameters, message, description) => {
		const error = await run(parameters).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(message);
		expect(error.description).toMatch(description);
		expect(calls()).toBe(0);
	});

	test('with Continue On Fail the bad item becomes an error item on Results in its input position; the others go on', async () => {
		const targets = ['es-ES', 'pt-XX', 'fr-FR'];
		const { results, reports, raw } = await run((i) => adapt({ targetLanguages: targets[i] }), { items: [{}, {}, {}], continueOnFail: true });
		expect(results).toHaveLength(3);
		expect(results.map((r) => r.language)).toEqual(['es-ES', undefined, 'fr-FR']);
		expect(Object.keys(results[1])).toEqual(['error']);
		expect(results[1].error.message).toMatch(/Target Languages: "pt-XX"/);
		expect(results[1].error.description).toMatch(/BCP-47/);
		expect(raw[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		// Reports are only for the items that ran; the failed item's one output item is its error.
		expect(raw[1].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(reports.map((r) => r.results)).toEqual([1, 1]);
		expect(reports.some((r) => 'error' in r)).toBe(false);
	});

	test('a failed text: an item on output 0 with json keys exactly [error], in its input position, paired to its input', async () => {
		fake.configure({
			generateJson: (schema, _body, rng) => {
				const req = C.contentRequest(schema);
				return { language: req.tag, text: C.scriptText(rng, req.tag === 'fr-FR' ? 'en-US' : req.tag, req.words) };
			},
		});
		const { raw } = await run((i) => adapt({ targetLanguages: ['es-ES', 'en-US, fr-FR, es-ES'][i] }), {
			items: [{}, {}],
			options: { maxAttempts: 1 },
			continueOnFail: true,
		});
		const [results, reports] = raw;
		expect(results.map((item) => item.pairedItem.item)).toEqual([0, 1, 1, 1]);
		const failed = results[2];
		expect(Object.keys(failed.json)).toEqual(['error']);
		expect(Object.keys(failed.json.error).sort()).toEqual(['description', 'language', 'message', 'sourceHash', 'sourceLanguage', 'title']);
		expect(failed.json.error).toMatchObject({ language: 'fr-FR', sourceLanguage: 'pt-BR' });
		expect(failed.pairedItem).toEqual({ item: 1 });
		expect([results[0], results[1], results[3]].map((item) => item.json.language)).toEqual(['es-ES', 'en-US', 'es-ES']);
		expect(reports.every((item) => !('error' in item.json))).toBe(true);
		expect(reports.map((item) => item.json.failedResults)).toEqual([0, 1]);
	});
});

describe('every fault the fake injects: retried, delivered, nothing lost', () => {
	test('429 with Retry-After: waits what the server asked, then delivers', async () => {
		fake.script('generateContent', [{ status: 429, headers: { 'retry-after': '2' } }]);
		const { results, reports } = await run(adapt());
		expect(results[0].text).toEqual(expect.any(String));
		expect(calls()).toBe(2);
		expect(sleep.mock.calls.some(([ms]) => ms >= 2000 && ms <= 2200)).toBe(true);
		expect(reports[0]).toMatchObject({ retries: 1, failedCalls: 1, apiCalls: 2 });
	});

	test.each([
		['500', { status: 500 }],
		['503', { status: 503 }],
		['malformed JSON', { malformed: true }],
		['a schema violation', { schemaViolation: true }],
		['empty candidates', { emptyCandidates: true }],
	])('%s once: retried and delivered', async (_name, step) => {
		fake.script('generateContent', [step]);
		const { results, reports } = await run(variations({ variations: 1 }));
		expect(results).toHaveLength(1);
		expect(results[0].error).toBeUndefined();
		expect(results[0].script).toEqual(expect.any(String));
		expect(calls()).toBe(2);
		expect(reports[0]).toMatchObject({ retries: 1, results: 1 });
	});

	test('a hung call times out at the per-call timeout and is retried', async () => {
		fake.script('generateContent', [{ hang: true }]);
		const started = Date.now();
		const { results } = await run(script(), { options: { callTimeoutSeconds: 1 } });
		expect(results[0].script).toEqual(expect.any(String));
		expect(calls()).toBe(2);
		expect(Date.now() - started).toBeLessThan(5000);
	});

	test('a fault that persists: the text fails with a clear error, the siblings are delivered', async () => {
		fake.script('models/', [{ status: 503 }, { status: 503 }]);
		const { results, reports } = await run(adapt({ targetLanguages: 'es-ES' }), { options: { maxAttempts: 2 }, continueOnFail: true });
		expect(Object.keys(results[0])).toEqual(['error']);
		expect(results[0].error.language).toBe('es-ES');
		expect(results[0].error.message).toMatch(/503/);
		expect(results[0].error.description).toMatch(/run again later/);
		expect(reports[0]).toMatchObject({ failedResults: 1, apiCalls: 2 });
	});

	test('a mix of every fault over 3 items × 4 languages: all 12 texts delivered in order, none lost', async () => {
		fake.configure({
			faults: { rate429: 0.15, retryAfterSeconds: 1, rate500: 0.08, rate503: 0.08, rateHang: 0.04, rateMalformed: 0.08, rateSchemaViolation: 0.08, rateEmptyCandidates: 0.08 },
		});
		const texts = [0, 1, 2].map((i) => C.scriptText(C.mulberry32(100 + i), 'pt-BR', 60, { exact: true }));
		const { results, reports, raw } = await run((i) => adapt({ text: texts[i], targetLanguages: 'en-US, es-ES, fr-FR, de-DE' }), {
			items: [{}, {}, {}],
			options: { maxAttempts: 10, callTimeoutSeconds: 1, parallelCalls: 6 },
			continueOnFail: true,
		});
		expect(results).toHaveLength(12);
		expect(results.filter((r) => r.error)).toEqual([]);
		expect(results.map((r) => r.language)).toEqual([0, 1, 2].flatMap(() => ['en-US', 'es-ES', 'fr-FR', 'de-DE']));
		expect(raw[0].map((item) => item.pairedItem.item)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
		expect(reports.map((r) => r.results)).toEqual([4, 4, 4]);
		const retries = reports.reduce((sum, r) => sum + r.retries, 0);
		expect(retries).toBeGreaterThan(0);
		expect(calls()).toBe(12 + retries);
	});

	test('stopping the execution ends a hanging call at once and loses no item', async () => {
		fake.script('generateContent', [{ hang: true }]);
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 200);
		const started = Date.now();
		const { results, reports } = await run(adapt(), { options: { callTimeoutSeconds: 60 }, signal: controller.signal, continueOnFail: true });
		expect(Date.now() - started).toBeLessThan(3000);
		expect(results).toHaveLength(1);
		expect(results[0].error.message).toMatch(/stopped|cancel/i);
		expect(reports).toHaveLength(1);
	});

	test('the API key never appears in an output, even in error items', async () => {
		fake.script('generateContent', [{ status: 400, message: `API key not valid: ${API_KEY}` }]);
		const { raw } = await run(adapt(), { continueOnFail: true });
		expect(JSON.stringify(raw)).not.toContain(API_KEY);
	});
});
