'use strict';

// Models of today (issue #7): the catalog's defaults and thinking settings per family, the model
// pickers, and what a retired or unknown model does to a call: never retried, a message that
// names the model and the fix, templates in the Mission Generator. Real HTTP to the Google fake.
jest.mock('n8n-workflow', () => require('../../../support/fastSleep').withFastSleep());

const { NodeApiError, NodeOperationError, sleep } = require('n8n-workflow');
const { startFakeGoogle, SHUT_DOWN_MODELS } = require('../../../support/fakeGoogle');
const C = require('../../../support/fakeGoogleContent');
const { executeNode } = require('../../../support/executeNode');
const { MissionGenerator } = require('../../../../nodes/MissionGenerator/MissionGenerator.node');
const catalog = require('../../../../nodes/shared/gemini/catalog');
const retired = require('../../../../nodes/shared/gemini/retired');
const { searchTextModels, searchSpeechModels, searchEmbeddingModels } = require('../../../../nodes/shared/gemini/models');
const { GoogleHttpError } = require('../../../../nodes/shared/errors');
const { toNodeError } = require('../../../../nodes/shared/node/nodeError');

const { DEFAULT_TEXT_MODEL, DEFAULT_TTS_MODEL, DEFAULT_EMBEDDING_MODEL, lowThinkingConfig } = catalog;
const API_KEY = 'test-key-SECRET-777';
const DAY_MS = 24 * 3600 * 1000;
const at = (isoDate) => Date.parse(`${isoDate}T12:00:00Z`);

let fake;
beforeAll(async () => {
	fake = await startFakeGoogle({ apiKeys: [API_KEY], seed: 11 });
});
afterAll(async () => {
	await fake.close();
});
beforeEach(() => {
	fake.reset();
	fake.configure({ retiredModels: [] });
	sleep.mockClear();
});
afterEach(() => {
	jest.restoreAllMocks();
});

const gemini = () => ({ geminiApi: { apiKey: API_KEY, host: fake.url } });

describe('catalog: thinking settings per model family', () => {
	const cases = [
		// 2.5: a budget, 0 where thinking can be switched off, the minimum where it cannot.
		['gemini-2.5-flash', { thinkingBudget: 0 }],
		['models/gemini-2.5-flash-lite', { thinkingBudget: 0 }],
		['gemini-2.5-flash-preview-09-2025', { thinkingBudget: 0 }],
		['gemini-2.5-pro', { thinkingBudget: 128 }],
		// 3.x: the lowest level that model takes (3.7/3.8 Flash and the Pro models have no "minimal").
		['gemini-3.8-flash', { thinkingLevel: 'low' }],
		['gemini-3.7-flash', { thinkingLevel: 'low' }],
		['gemini-3.6-flash', { thinkingLevel: 'minimal' }],
		['gemini-3.5-flash', { thinkingLevel: 'minimal' }],
		['gemini-3.5-flash-lite', { thinkingLevel: 'minimal' }],
		['gemini-3.1-flash-lite', { thinkingLevel: 'minimal' }],
		['gemini-3.1-flash-lite-preview', { thinkingLevel: 'minimal' }],
		['gemini-3-flash-preview', { thinkingLevel: 'minimal' }],
		['gemini-3-pro-preview', { thinkingLevel: 'low' }],
		['gemini-3.1-pro-preview', { thinkingLevel: 'low' }],
		// Unknown lines and models that take neither: nothing, rather than a guess that could 400.
		['gemini-3.9-flash', undefined],
		['gemini-4-flash', undefined],
		['gemini-flash-latest', undefined],
		['gemini-3.8-flash-tts', undefined],
		['gemini-3.8-flash-lite-tts', undefined],
		['gemini-2.5-flash-preview-tts', undefined],
		['gemini-2.5-flash-image', undefined],
		['gemini-3.8-live', undefined],
		['gemini-2.0-flash', undefined],
		['gemini-embedding-001', undefined],
		['gemma-3-27b-it', undefined],
		['', undefined],
	];

	test.each(cases)('%s → %j', (model, expected) => {
		expect(lowThinkingConfig(model)).toEqual(expected);
	});

	test('never both a budget and a level, for any name', () => {
		const names = [...cases.map(([m]) => m), ...C.MODELS.map((m) => m.name), 'GEMINI-3.8-FLASH', ' gemini-2.5-pro '];
		for (const name of names) {
			const config = lowThinkingConfig(name) || {};
			expect(Object.keys(config).length).toBeLessThanOrEqual(1);
		}
		expect(lowThinkingConfig('GEMINI-3.8-FLASH')).toEqual({ thinkingLevel: 'low' });
	});

	test('every text model the fake lists accepts the catalog config (a wrong level or both fields would be a 400)', async () => {
		const textModels = C.MODELS.map((m) => m.name.slice('models/'.length)).filter((m) => catalog.modelKind(m) === 'text');
		expect(textModels.length).toBeGreaterThan(8);
		for (const model of textModels) {
			const thinkingConfig = lowThinkingConfig(model);
			const res = await fetch(`${fake.url}/v1beta/models/${model}:generateContent`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-goog-api-key': API_KEY },
				body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }], generationConfig: thinkingConfig ? { thinkingConfig } : {} }),
			});
			expect([model, res.status]).toEqual([model, 200]);
		}
	});

	test('the defaults are current models the fake lists with the methods their kind needs', () => {
		const methodsOf = (id) => C.MODELS.find((m) => m.name === `models/${id}`).supportedGenerationMethods;
		expect(methodsOf(DEFAULT_TEXT_MODEL)).toContain('generateContent');
		expect(methodsOf(DEFAULT_TTS_MODEL)).toEqual(expect.arrayContaining(['generateContent']));
		expect(methodsOf(DEFAULT_EMBEDDING_MODEL)).toContain('embedContent');
		for (const model of [DEFAULT_TEXT_MODEL, DEFAULT_TTS_MODEL, DEFAULT_EMBEDDING_MODEL]) {
			expect(retired.retirementOf(model)).toBeUndefined();
		}
		expect(catalog.modelKind(DEFAULT_TTS_MODEL)).toBe('speech');
		expect(catalog.modelKind(DEFAULT_EMBEDDING_MODEL)).toBe('embedding');
		expect(lowThinkingConfig(DEFAULT_TEXT_MODEL)).toEqual({ thinkingLevel: 'low' });
	});

	test('describeModel and the retired table: replacements are current, never retired themselves', () => {
		expect(retired.describeModel('models/gemini-2.5-flash')).toMatchObject({
			name: 'gemini-2.5-flash', kind: 'text', isDefault: false,
			retirement: { shutdown: '2026-12-01', replacement: 'gemini-3.5-flash-lite' },
			lowThinking: { thinkingBudget: 0 },
		});
		expect(retired.describeModel(DEFAULT_TTS_MODEL)).toMatchObject({ kind: 'speech', isDefault: true, retirement: undefined });
		for (const [model, { replacement }] of Object.entries(retired.RETIRED_MODELS)) {
			expect([model, retired.retirementOf(replacement)]).toEqual([model, undefined]);
			expect([model, catalog.modelKind(replacement)]).toEqual([model, catalog.modelKind(model)]);
		}
		expect(retired.isShutDown('gemini-2.5-flash', at('2026-11-30'))).toBe(false);
		expect(retired.isShutDown('gemini-2.5-flash', at('2026-12-01'))).toBe(true);
		expect(retired.isShutDown('gemini-3.5-flash', at('2030-01-01'))).toBe(false); // deprecated, forwarded, no date
		expect(retired.replacementFor('gemini-9-ultra')).toBe(DEFAULT_TEXT_MODEL);
		expect(retired.replacementFor('gemini-9-flash-tts')).toBe(DEFAULT_TTS_MODEL);
	});
});

describe('model pickers', () => {
	class PickerNode {
		description = { name: 'pickerTest', defaults: { name: 'Picker Test' } };
		methods = { listSearch: { searchTextModels, searchSpeechModels, searchEmbeddingModels } };
	}
	const pick = async (method, filter, today = '2026-12-02') => {
		jest.spyOn(Date, 'now').mockReturnValue(at(today));
		const { result } = await executeNode(PickerNode, { credentials: gemini(), method: ['listSearch', method], args: filter === undefined ? [] : [filter] });
		return result.results;
	};
	const isNewestFirst = (values) => values.every((v, i) => i === 0 || catalog.compareNewestFirst(values[i - 1], v) <= 0);

	test('text: only text models, newest first, the default marked, shut-down models left out, deprecated ones marked', async () => {
		const results = await pick('searchTextModels');
		const values = results.map((r) => r.value);
		expect(values[0]).toBe('gemini-3.8-flash');
		expect(isNewestFirst(values)).toBe(true);
		expect(values.indexOf('gemini-3.8-flash')).toBeLessThan(values.indexOf('gemini-3.6-flash'));
		expect(values.indexOf('gemini-3.1-flash-lite')).toBeLessThan(values.indexOf('gemini-2.5-flash-lite'));
		expect(values.some((v) => /tts|embedding/.test(v))).toBe(false);
		expect(values).not.toContain('gemini-2.5-flash'); // shut down 2026-12-01, even if a list still carries it
		expect(values).not.toContain('gemini-2.5-pro');
		expect(values).toContain('gemini-2.5-flash-lite'); // not deprecated
		expect(results.filter((r) => /\(default\)/.test(r.name)).map((r) => r.value)).toEqual([DEFAULT_TEXT_MODEL]);
		expect(results.find((r) => r.value === DEFAULT_TEXT_MODEL).name).toBe('Gemini 3.8 Flash (gemini-3.8-flash) (default)');
		expect(results.find((r) => r.value === 'gemini-3.5-flash').name).toMatch(/deprecated, use gemini-3\.6-flash/);
	});

	test('the day before the shutdown, a retiring model is still listed, marked with its date and replacement', async () => {
		const results = await pick('searchTextModels', undefined, '2026-11-30');
		expect(results.find((r) => r.value === 'gemini-2.5-flash').name).toBe('Gemini 2.5 Flash (gemini-2.5-flash) (shuts down 2026-12-01, use gemini-3.5-flash-lite)');
	});

	test('speech: only TTS models, the 3.8 default first and marked, previews marked until 18 December, then gone', async () => {
		const results = await pick('searchSpeechModels');
		const values = results.map((r) => r.value);
		expect(values.every((v) => /tts/.test(v))).toBe(true);
		expect(values.slice(0, 2).sort()).toEqual(['gemini-3.8-flash-lite-tts', 'gemini-3.8-flash-tts']);
		expect(values[0]).toBe(DEFAULT_TTS_MODEL);
		expect(results[0].name).toMatch(/\(default\)$/);
		expect(results.find((r) => r.value === 'gemini-2.5-flash-preview-tts').name).toMatch(/shuts down 2026-12-18, use gemini-3\.8-flash-tts/);
		const later = (await pick('searchSpeechModels', undefined, '2026-12-19')).map((r) => r.value);
		expect(later).toEqual(['gemini-3.8-flash-tts', 'gemini-3.8-flash-lite-tts']);
	});

	test('embedding: only embedding models by their methods, newest first, the default marked, text-embedding-004 gone', async () => {
		const results = await pick('searchEmbeddingModels');
		expect(results.map((r) => r.value)).toEqual(['gemini-embedding-2', 'gemini-embedding-001']);
		expect(results[1].name).toBe('Gemini Embedding 001 (gemini-embedding-001) (default)');
	});

	test('a search filters by name; models the API no longer lists are not offered', async () => {
		expect((await pick('searchTextModels', 'lite')).map((r) => r.value)).toEqual(['gemini-3.5-flash-lite', 'gemini-3.1-flash-lite', 'gemini-2.5-flash-lite']);
		fake.configure({ retiredModels: ['gemini-3.7-flash'] });
		expect((await pick('searchTextModels')).map((r) => r.value)).not.toContain('gemini-3.7-flash');
	});
});

describe('a retired or unknown model', () => {
	const countGenerate = () => fake.stats().requests.filter((r) => r.route === 'generateContent').length;
	const runMissions = (model, extra = {}) =>
		executeNode(MissionGenerator, {
			parameters: { tier: 'BEGINNER', count: 40, locale: 'en', options: { model: { mode: 'id', value: model }, batchSize: 10, headroomPercent: 0 }, ...extra.parameters },
			credentials: gemini(),
			continueOnFail: extra.continueOnFail,
		});

	test('404 "no longer available": not retried; templates delivered; the report names the model and what to pick', async () => {
		fake.configure({ retiredModels: SHUT_DOWN_MODELS });
		const { output } = await runMissions('gemini-2.5-flash');
		const [missions, [report]] = output;
		expect(missions.length).toBeGreaterThan(0);
		expect(missions.every((m) => m.json.source === 'template')).toBe(true);
		expect(report.json).toMatchObject({ fallbackUsed: true, retries: 0, fromAi: 0 });
		expect(report.json.apiCalls).toBe(countGenerate()); // one attempt per batch, none repeated
		expect(countGenerate()).toBeLessThanOrEqual(2);
		expect(report.json.fallbackReason).toContain('The model "gemini-2.5-flash" is no longer available (Google shut it down on 2026-12-01)');
		expect(report.json.fallbackReason).toContain('pick "gemini-3.5-flash-lite"');
		expect(report.json.fallbackReason).toContain(`the default "${DEFAULT_TEXT_MODEL}"`);
		expect(JSON.stringify(output)).not.toContain('SECRET-777');
	});

	test("a gateway's 503 \"no available channels for model X\" is not retried either", async () => {
		fake.configure({ retiredModels: { 'gemini-2.5-pro': { status: 503, message: 'no available channels for model gemini-2.5-pro' } } });
		const { output } = await runMissions('gemini-2.5-pro');
		const report = output[1][0].json;
		expect(report.retries).toBe(0);
		expect(report.apiCalls).toBe(countGenerate());
		expect(report.fallbackReason).toMatch(/The model "gemini-2\.5-pro" is no longer available .*pick "gemini-3\.8-flash" \(Google's recommended replacement\)/);
		// A plain 503 (overload) is still retried: only the deprecation message stops it.
		fake.reset();
		fake.configure({ retiredModels: [] });
		fake.script('generateContent', [{ status: 503 }]);
		// Room for the thinking tokens 3.x models always spend, so only the 503 is retried.
		const again = await runMissions(DEFAULT_TEXT_MODEL, {
			parameters: { options: { model: { mode: 'id', value: DEFAULT_TEXT_MODEL }, batchSize: 4, headroomPercent: 0, maxOutputTokens: 4000 } },
		});
		expect(again.output[1][0].json.retries).toBe(1);
	});

	test('an unknown model (404 NOT_FOUND "is not found") names the model and the default', async () => {
		const { output } = await runMissions('gemini-9-ultra');
		const report = output[1][0].json;
		expect(report.retries).toBe(0);
		expect(report.fallbackReason).toContain('The model "gemini-9-ultra" does not exist or is not available to your key');
		expect(report.fallbackReason).toContain(`pick "${DEFAULT_TEXT_MODEL}" (the default)`);
	});

	test('AI-only tier: the item fails with that reason; with Continue On Fail it is an error item', async () => {
		fake.configure({ retiredModels: SHUT_DOWN_MODELS });
		const parameters = { tier: 'Expert', count: 5 };
		const failure = await runMissions('gemini-2.5-flash', { parameters }).then(() => undefined, (e) => e);
		expect(failure).toBeInstanceOf(NodeOperationError);
		expect(failure.description).toMatch(/"gemini-2\.5-flash" is no longer available.*"gemini-3\.5-flash-lite"/);
		const { output } = await runMissions('gemini-2.5-flash', { parameters, continueOnFail: true });
		// The error item goes on the first output (Missions), alone: no report for a failed item.
		expect(output[1]).toHaveLength(0);
		expect(output[0]).toHaveLength(1);
		expect(output[0][0]).toMatchObject({ pairedItem: { item: 0 } });
		expect(output[0][0].json.error.description).toMatch(/"gemini-2\.5-flash" is no longer available.*"gemini-3\.5-flash-lite"/);
	});

	test('toNodeError on a raw 404 (e.g. a helper that calls requestOnce itself) names the model and the fix', () => {
		const ctx = { getNode: () => ({ name: 'Test', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} }) };
		const raw = new GoogleHttpError('Gemini', 404, 'NOT_FOUND', 'This model models/gemini-2.5-flash-preview-tts is no longer available to new users. Please update your code to use a newer model for the latest features and improvements.', undefined);
		const error = toNodeError(ctx, raw, 0, [], 'Gemini API');
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Gemini answered HTTP 404 NOT_FOUND: The model "gemini-2.5-flash-preview-tts" is no longer available (Google shut it down on 2026-12-18)');
		expect(error.description).toContain('pick "gemini-3.8-flash-tts" (Google\'s recommended replacement)');
		// Other 404s keep the generic advice; other statuses are untouched.
		const other = toNodeError(ctx, new GoogleHttpError('Gemini', 404, 'NOT_FOUND', 'Not here', undefined), 0, [], 'Gemini API');
		expect(other.description).toMatch(/choose another model; the list shows the models your key can use/);
		const quota = toNodeError(ctx, new GoogleHttpError('Gemini', 429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for model gemini-2.5-flash', undefined), 0, [], 'Gemini API');
		expect(quota.message).toBe('Gemini answered HTTP 429 RESOURCE_EXHAUSTED');
	});
});

test('the fake answers a shut-down model on every route and the preset lists what Google shut down by December 2026', async () => {
	fake.configure({ retiredModels: SHUT_DOWN_MODELS });
	const send = (p, body) => fetch(fake.url + p, { method: body ? 'POST' : 'GET', headers: { 'content-type': 'application/json', 'x-goog-api-key': API_KEY }, body: body && JSON.stringify(body) }).then(async (r) => ({ status: r.status, json: await r.json() }));
	const gen = await send('/v1beta/models/gemini-2.5-pro:generateContent', { contents: [{ parts: [{ text: 'x' }] }] });
	expect(gen).toEqual({ status: 404, json: { error: { code: 404, status: 'NOT_FOUND', message: 'This model models/gemini-2.5-pro is no longer available. Please update your code to use a newer model for the latest features and improvements.' } } });
	expect((await send('/v1beta/models/text-embedding-004:embedContent', { content: { parts: [{ text: 'x' }] } })).status).toBe(404);
	expect((await send('/v1beta/models/gemini-2.5-flash')).status).toBe(404);
	const listed = (await send('/v1beta/models?pageSize=100')).json.models.map((m) => m.name);
	expect(listed).not.toContain('models/gemini-2.5-flash');
	expect(listed).toContain('models/gemini-2.5-flash-lite');
	for (const model of SHUT_DOWN_MODELS) expect(retired.isShutDown(model, at('2026-12-01') + DAY_MS)).toBe(true);
});

test("the Mission Generator's Model option shows the catalog default (n8n's lint wants a literal there)", () => {
	const { missionGeneratorProperties } = require('../../../../nodes/MissionGenerator/description');
	const find = (properties) => {
		for (const p of properties) {
			if (p.name === 'model' && p.type === 'resourceLocator') return p;
			const inner = p.options && find(p.options.filter((o) => o && typeof o === 'object' && 'name' in o));
			if (inner) return inner;
		}
		return undefined;
	};
	const model = find(missionGeneratorProperties);
	expect(model.default).toEqual({ mode: 'list', value: DEFAULT_TEXT_MODEL });
	expect(model.modes.find((m) => m.name === 'id').placeholder).toBe(`e.g. ${DEFAULT_TEXT_MODEL}`);
});
