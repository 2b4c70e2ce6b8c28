'use strict';

// Content Adapter in one process: the node talks real HTTP to the local Google fake through the
// shared transport. Only `sleep` is sped up (backoff waits). Cache tests: contentAdapterCache.test.js.
jest.mock('n8n-workflow', () => require('../../support/fastSleep').withFastSleep());

const { sleep } = require('n8n-workflow');
const C = require('../../support/fakeGoogleContent');
const { startFakeGoogle, NO_FAULTS } = require('../../support/fakeGoogle');
const { executeNode } = require('../../support/executeNode');
const { ContentAdapter } = require('../../../nodes/ContentAdapter/ContentAdapter.node');
const { textHash } = require('../../../nodes/ContentAdapter/engine/cache');
const { resetProcessState } = require('../../../nodes/shared/state');
const { OWN_INSTRUCTIONS } = require('../../../nodes/ContentAdapter/engine/prompt');
const { DEFAULT_TEXT_MODEL, lowThinkingConfig } = require('../../../nodes/shared/gemini/catalog');
const { countWords } = require('../../../nodes/shared/text/generatedText');
const { checkLanguage } = require('../../../nodes/shared/text/languageCheck');
const { parseLanguageTag } = require('../../../nodes/shared/text/languages');

const API_KEY = 'test-key-SECRET-ca-998877';
const MODEL = DEFAULT_TEXT_MODEL;
const MASTER = C.scriptText(C.mulberry32(3), 'pt-BR', 120, { exact: true });
let fake;

beforeAll(async () => {
	fake = await startFakeGoogle({ apiKeys: [API_KEY], seed: 8 });
});
afterAll(async () => {
	await fake.close();
});
beforeEach(() => {
	fake.reset();
	fake.configure({ latencyMs: 0, faults: NO_FAULTS, generateJson: undefined, rpmPerKey: 0 });
	resetProcessState();
	sleep.mockClear();
});

const calls = () => fake.stats().byRoute.generateContent ?? 0;
const bodies = () => fake.stats().requests.filter((r) => r.route === 'generateContent').map((r) => r.body);
const promptOf = (body) => body.contents[0].parts[0].text;

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

const script = (title, extra = {}) => ({ operation: 'writeScript', title, language: 'pt-BR', ...extra });
const variations = (extra = {}) => ({ operation: 'generateVariations', title: 'Guardar dinheiro', language: 'pt-BR', masterScript: MASTER, variations: 3, ...extra });
const adapt = (extra = {}) => ({ operation: 'adaptToLanguages', text: MASTER, sourceLanguage: 'pt-BR', targetLanguages: 'en-US, es-MX, fr-FR', title: 'Guardar dinheiro', ...extra });

describe('Write Script', () => {
	test('a master script in the asked language and length, one call, the shared report shape', async () => {
		const { results, reports, raw } = await run(script('Como guardar o primeiro salário', { brief: { targetWords: 200, audience: 'jovens', tone: 'direto' } }));
		expect(results).toHaveLength(1);
		const [result] = results;
		expect(result).toMatchObject({ title: 'Como guardar o primeiro salário', language: 'pt-BR', cached: false, model: MODEL });
		expect(Math.abs(result.words - 200) / 200).toBeLessThanOrEqual(0.15);
		expect(result.words).toBe(countWords(result.script));
		expect(result.estimatedSeconds).toBe(Math.round((result.words / 150) * 60));
		expect(result.scriptHash).toBe(textHash(result.script));
		expect(checkLanguage(result.script, 'pt', 'Latin')).toEqual({ plausible: true });
		expect(raw[0][0].pairedItem).toEqual({ item: 0 });
		expect(calls()).toBe(1);
		const [body] = bodies();
		expect(promptOf(body)).toMatch(/Como guardar o primeiro salário[\s\S]*Portuguese \(Brazil\) \(pt-BR\)[\s\S]*about 200 words[\s\S]*Audience: jovens/);
		expect(body.generationConfig).toMatchObject({ responseMimeType: 'application/json', temperature: 0.8, topP: 0.95, maxOutputTokens: 8192 });
		// The least thinking the model accepts, by family (a budget for 2.5, a level for 3.x).
		expect(body.generationConfig.thinkingConfig).toEqual(lowThinkingConfig(MODEL));
		expect(body.generationConfig.responseSchema.properties.language.enum).toEqual(['pt-BR']);
		expect(reports[0]).toEqual(
			expect.objectContaining({ operation: 'writeScript', results: 1, failedResults: 0, apiCalls: 1, retries: 0, cacheHits: 0, hedges: 0, fallbackUsed: false }),
		);
		for (const field of ['promptTokens', 'outputTokens', 'avgCallLatencyMs', 'maxCallLatencyMs', 'durationSeconds', 'hedgeWins']) {
			expect(typeof reports[0][field]).toBe('number');
		}
	});

	test('Duration (Minutes) sets the length at 150 words a minute', async () => {
		await run(script('Um minuto', { brief: { durationMinutes: 1.5, targetWords: 900 } }));
		expect(promptOf(bodies()[0])).toMatch(/about 225 words/);
	});

	test('without a Model option the catalog default is asked for', async () => {
		const { output } = await executeNode(ContentAdapter, {
			parameters: script('Padrão'),
			credentials: { geminiApi: { apiKey: API_KEY, host: fake.url } },
			continueOnFail: true,
		});
		expect(fake.stats().requests[0].path).toBe(`/v1beta/models/${DEFAULT_TEXT_MODEL}:generateContent`);
		expect(output[0]).toHaveLength(1);
		expect(output[1]).toHaveLength(1);
	});
	test('thinking follows the model family: a budget of 0 for 2.5 Flash, the lowest level for a Gemini 3 model', async () => {
		const modelIn = async (model) => {
			fake.reset();
			await executeNode(ContentAdapter, {
				parameters: { ...script('Pensar'), options: { model: { mode: 'id', value: model } } },
				credentials: { geminiApi: { apiKey: API_KEY, host: fake.url } },
				continueOnFail: true,
			});
			return bodies()[0].generationConfig.thinkingConfig;
		};
		expect(await modelIn('gemini-2.5-flash')).toEqual({ thinkingBudget: 0 });
		expect(await modelIn('gemini-3.5-flash')).toEqual({ thinkingLevel: 'minimal' });
		expect(await modelIn('gemini-3.8-flash')).toEqual({ thinkingLevel: 'low' });
	});
});

describe('Generate Variations', () => {
	test('one call per aspect, in parallel under the cap, in aspect order, with the master hash', async () => {
		fake.configure({ latencyMs: 150 });
		const { results, reports } = await run(variations({ variations: 4 }), { options: { parallelCalls: 10 } });
		expect(results.map((r) => r.aspect)).toEqual(['curiosity', 'practical', 'story', 'contrarian']);
		expect(results.map((r) => r.variation)).toEqual([1, 2, 3, 4]);
		expect(calls()).toBe(4);
		expect(fake.stats().maxConcurrencySeen).toBe(4);
		for (const result of results) {
			expect(result).toMatchObject({ title: 'Guardar dinheiro', language: 'pt-BR', masterHash: textHash(MASTER), cached: false });
			expect(checkLanguage(result.script, 'pt', 'Latin').plausible).toBe(true);
			expect(result.scriptHash).toBe(textHash(result.script));
		}
		const prompts = bodies().map(promptOf);
		expect(prompts.some((p) => /angle: story \(tell it as a short story/.test(p))).toBe(true);
		expect(prompts.every((p) => p.includes(MASTER))).toBe(true);
		expect(reports[0]).toMatchObject({ operation: 'generateVariations', results: 4, masterWritten: false, masterHash: textHash(MASTER), apiCalls: 4 });
	});

	test('the node-wide cap holds across items: never more calls in flight than Parallel Calls', async () => {
		fake.configure({ latencyMs: 100 });
		const titles = ['Um', 'Dois', 'Três'];
		const { results } = await run((i) => variations({ title: titles[i] }), { items: [{}, {}, {}], options: { parallelCalls: 2 } });
		expect(results).toHaveLength(9);
		expect(results.map((r) => r.title)).toEqual(titles.flatMap((t) => [t, t, t]));
		expect(calls()).toBe(9);
		expect(fake.stats().maxConcurrencySeen).toBe(2);
	});

	test('without a master, writes it first (through the Write Script cache), then the variations', async () => {
		const { results, reports } = await run(variations({ masterScript: '', variations: 2, aspects: 'humor, urgência' }));
		expect(calls()).toBe(3);
		expect(results.map((r) => r.aspect)).toEqual(['humor', 'urgência']);
		expect(reports[0]).toMatchObject({ masterWritten: true, results: 2 });
		expect(reports[0].master.script).toEqual(expect.any(String));
		expect(results[0].masterHash).toBe(textHash(reports[0].master.script));
		const again = await run(script('Guardar dinheiro'));
		expect(calls()).toBe(3);
		expect(again.results[0]).toMatchObject({ cached: true, script: reports[0].master.script });
	});

	test('a master that cannot be written: one error item per variation, paired, nothing lost', async () => {
		fake.script('generateContent', [{ status: 400, message: 'bad request' }]);
		const { results, reports, raw } = await run(variations({ masterScript: '', variations: 3 }), { continueOnFail: true });
		expect(results).toHaveLength(3);
		expect(results.map((r) => r.error.aspect)).toEqual(['curiosity', 'practical', 'story']);
		for (const [index, result] of results.entries()) {
			expect(Object.keys(result)).toEqual(['error']);
			expect(result.error).toMatchObject({ variation: index + 1, language: 'pt-BR', masterFailed: true });
			expect(result.error.message).toMatch(/400/);
			expect(raw[0][index].pairedItem).toEqual({ item: 0 });
		}
		expect(reports[0]).toMatchObject({ results: 0, failedResults: 3, masterWritten: false });
		expect(calls()).toBe(1);
	});
});

describe('Adapt to Languages', () => {
	test('one call per language, in parallel, each in its language and within ±15% of the source', async () => {
		fake.configure({ latencyMs: 150 });
		const { results, reports } = await run(adapt({ targetLanguages: 'en-US, es-MX, fr-FR, de-DE' }), { options: { parallelCalls: 10 } });
		expect(results.map((r) => r.language)).toEqual(['en-US', 'es-MX', 'fr-FR', 'de-DE']);
		expect(calls()).toBe(4);
		expect(fake.stats().maxConcurrencySeen).toBe(4);
		const sourceWords = countWords(MASTER);
		for (const result of results) {
			expect(result).toMatchObject({ sourceLanguage: 'pt-BR', sourceHash: textHash(MASTER), sourceWords, lengthOutOfTolerance: false, cached: false });
			expect(Math.abs(result.words - sourceWords) / sourceWords).toBeLessThanOrEqual(0.15);
			const tag = parseLanguageTag(result.language).value;
			expect(checkLanguage(result.text, tag.language, tag.script)).toEqual({ plausible: true });
		}
		const prompt = promptOf(bodies().find((b) => promptOf(b).includes('(es-MX)')));
		expect(prompt).toMatch(/from Portuguese \(Brazil\) \(pt-BR\) to Spanish \(Mexico\) \(es-MX\)/);
		expect(prompt).toMatch(/cultural adaptation, not literal translation/);
		expect(prompt).toMatch(new RegExp(`between ${Math.floor(sourceWords * 0.85)} and ${Math.ceil(sourceWords * 1.15)} words`));
		expect(reports[0]).toMatchObject({ operation: 'adaptToLanguages', results: 4, failedResults: 0, lengthOutOfTolerance: 0 });
	});

	test('codes are canonicalised and de-duplicated; the source language passes through without a call', async () => {
		const { results } = await run(adapt({ targetLanguages: 'PT_br, es-mx; es-MX\nja-jp' }));
		expect(results.map((r) => r.language)).toEqual(['pt-BR', 'es-MX', 'ja-JP']);
		expect(results[0]).toMatchObject({ passthrough: true, text: MASTER });
		expect(calls()).toBe(2);
		expect(checkLanguage(results[2].text, 'ja', 'Japanese').plausible).toBe(true);
	});

	test('an answer out of tolerance is asked for again with the miss spelled out, then accepted', async () => {
		const sourceWords = countWords(MASTER);
		const lengths = [Math.round(sourceWords * 0.5), sourceWords];
		fake.configure({ generateJson: (_schema, _body, rng) => C.contentAnswer(rng, 'en-US', lengths.shift(), { exact: true }) });
		const { results, reports } = await run(adapt({ targetLanguages: 'en-US' }));
		expect(calls()).toBe(2);
		expect(results[0]).toMatchObject({ lengthOutOfTolerance: false, words: sourceWords });
		expect(promptOf(bodies()[1])).toMatch(new RegExp(`previous answer had ${Math.round(sourceWords * 0.5)} words`));
		expect(reports[0]).toMatchObject({ lengthRetries: 1, lengthOutOfTolerance: 0 });
	});

	test('still out of tolerance after the retry: delivered flagged, the closer answer kept', async () => {
		const sourceWords = countWords(MASTER);
		const lengths = [Math.round(sourceWords * 1.6), Math.round(sourceWords * 1.3)];
		fake.configure({ generateJson: (_schema, _body, rng) => C.contentAnswer(rng, 'en-US', lengths.shift(), { exact: true }) });
		const { results, reports } = await run(adapt({ targetLanguages: 'en-US' }));
		expect(calls()).toBe(2);
		expect(results[0]).toMatchObject({ lengthOutOfTolerance: true, words: Math.round(sourceWords * 1.3) });
		expect(reports[0]).toMatchObject({ results: 1, lengthOutOfTolerance: 1, lengthRetries: 1 });
	});

	test('a wider Length Tolerance (%) accepts what ±15% would not', async () => {
		const sourceWords = countWords(MASTER);
		fake.configure({ generateJson: (_schema, _body, rng) => C.contentAnswer(rng, 'en-US', Math.round(sourceWords * 1.25), { exact: true }) });
		const { results } = await run(adapt({ targetLanguages: 'en-US', lengthTolerancePercent: 30 }));
		expect(calls()).toBe(1);
		expect(results[0].lengthOutOfTolerance).toBe(false);
	});
});

describe('model output is checked and unusable answers retried', () => {
	const sequence = (answers) => {
		fake.configure({ generateJson: (schema, _body, rng) => answers.shift()(rng, C.contentRequest(schema)) });
	};
	const good = (rng, req) => C.contentAnswer(rng, req.tag, req.words);

	test.each([
		['a markdown fence', (rng, req) => ({ language: req.tag, text: `\`\`\`\n${C.scriptText(rng, req.tag, req.words)}\n\`\`\`` })],
		['an echo of the instructions', (rng, req) => ({ language: req.tag, text: `${OWN_INSTRUCTIONS[4]} ${C.scriptText(rng, req.tag, req.words)}` })],
		['a text in another language than it claims', (rng, req) => ({ language: req.tag, text: C.scriptText(rng, 'en-US', req.words) })],
		['another language named', (rng, req) => C.contentAnswer(rng, 'pt-BR', req.words)],
		['an empty text', (_rng, req) => ({ language: req.tag, text: '   ' })],
		['no text field', (_rng, req) => ({ language: req.tag })],
	])('%s is retried and the good answer delivered', async (_name, bad) => {
		sequence([bad, good]);
		const { results, reports } = await run(adapt({ targetLanguages: 'es-ES' }));
		expect(calls()).toBe(2);
		expect(results[0].error).toBeUndefined();
		expect(checkLanguage(results[0].text, 'es', 'Latin').plausible).toBe(true);
		expect(results[0].text).not.toMatch(/```/);
		expect(reports[0]).toMatchObject({ retries: 1, failedCalls: 1, results: 1 });
	});

	test('an answer that never passes fails only its own language, with the reason; the others are delivered', async () => {
		fake.configure({
			generateJson: (schema, _body, rng) => {
				const req = C.contentRequest(schema);
				const written = req.tag === 'fr-FR' ? 'en-US' : req.tag;
				return { language: req.tag, text: C.scriptText(rng, written, req.words) };
			},
		});
		const { results, reports } = await run(adapt({ targetLanguages: 'en-US, fr-FR, es-ES' }), { continueOnFail: true, options: { maxAttempts: 2 } });
		expect(results.map((r) => r.language ?? r.error.language)).toEqual(['en-US', 'fr-FR', 'es-ES']);
		expect(Object.keys(results[1])).toEqual(['error']);
		expect(results[1].error).toMatchObject({ language: 'fr-FR', sourceLanguage: 'pt-BR' });
		expect(results[1].error.message).toMatch(/French \(France\)/);
		expect(results[0].text).toEqual(expect.any(String));
		expect(results[2].text).toEqual(expect.any(String));
		expect(reports[0]).toMatchObject({ results: 2, failedResults: 1 });
		expect(calls()).toBe(4);
	});

	test('without Continue On Fail a failed text fails the node, with the reason', async () => {
		fake.configure({ generateJson: (schema, _body, rng) => ({ language: 'de-DE', text: C.scriptText(rng, 'en-US', C.contentRequest(schema).words) }) });
		await expect(run(adapt({ targetLanguages: 'de-DE' }), { options: { maxAttempts: 1 } })).rejects.toThrow(/German/);
	});
});

describe('a credential without an API key (as npm start imports it when no key is set)', () => {
	test('each item says the key is missing, and nothing is sent', async () => {
		fake.reset();
		const { output } = await executeNode(ContentAdapter, {
			parameters: script('Sem chave'),
			items: [{}, {}],
			credentials: { geminiApi: { apiKey: '  ', host: fake.url } },
			continueOnFail: true,
		});
		const errors = output.flat().filter((item) => item.json.error);
		expect(errors).toHaveLength(2);
		for (const item of errors) expect(item.json.error.message).toBe('The Gemini credential has no API key');
		expect(fake.stats().byRoute.generateContent || 0).toBe(0);
	});
});
