'use strict';
// Every node's report carries tokens, an estimated cost and the tier that served each call, from
// real HTTP answers of the local fake (realistic usageMetadata and the x-gemini-service-tier header).
jest.mock('n8n-workflow', () => require('../../../support/fastSleep').withFastSleep());

const { startFakeGoogle, NO_FAULTS } = require('../../../support/fakeGoogle');
const { executeNode } = require('../../../support/executeNode');
const { ContentAdapter } = require('../../../../nodes/ContentAdapter/ContentAdapter.node');
const { MissionGenerator } = require('../../../../nodes/MissionGenerator/MissionGenerator.node');
const { TextToSpeech } = require('../../../../nodes/TextToSpeech/TextToSpeech.node');
const { resetProcessState } = require('../../../../nodes/shared/state');
const { DEFAULT_TEXT_MODEL, DEFAULT_TTS_MODEL } = require('../../../../nodes/shared/gemini/catalog');
const { modelPrices } = require('../../../../nodes/shared/gemini/pricing');

const API_KEY = 'cost-key-SECRET-1234';
let fake;
beforeAll(async () => {
	fake = await startFakeGoogle({ apiKeys: [API_KEY], seed: 24, ttsCharsPerSecond: 150 });
});
afterAll(async () => {
	await fake.close();
});
beforeEach(() => {
	fake.reset();
	fake.configure({ latencyMs: 0, faults: NO_FAULTS, flex: { latencyMs: 0, shedRate: 0 }, priority: { downgradeRate: 0 } });
	resetProcessState();
});

const gemini = () => ({ geminiApi: { apiKey: API_KEY, host: fake.url } });
const genRequests = () => fake.stats().requests.filter((r) => r.route === 'generateContent');
/** Standard price of a report's tokens on a text model. */
const textCost = (report, model = DEFAULT_TEXT_MODEL) => {
	const price = modelPrices(model);
	return (report.tokens.input * price.input + (report.tokens.output + report.tokens.thinking) * price.output) / 1e6;
};

async function adapt(options = {}) {
	const { output } = await executeNode(ContentAdapter, {
		parameters: {
			operation: 'generateVariations', title: 'Guardar dinheiro', language: 'pt-BR', variations: 3,
			masterScript: 'Guardar dinheiro começa com um plano simples. Anote seus gastos e corte o que não importa. Depois, poupe primeiro.',
			options: { model: { mode: 'id', value: DEFAULT_TEXT_MODEL }, ...options },
		},
		credentials: gemini(),
	});
	return output[1][0].json;
}

describe('cost on every report', () => {
	test('Content Adapter, Standard: tokens and a list-price estimate, every call served at standard', async () => {
		const report = await adapt();
		expect(genRequests().every((r) => !('serviceTier' in r.body))).toBe(true);
		expect(report.servedTiers).toEqual({ standard: report.apiCalls });
		expect(report.tokens.input).toBeGreaterThan(0);
		expect(report.tokens.output).toBeGreaterThan(0);
		expect(report.estimatedCostUsd).toBeGreaterThan(0);
		expect(report.estimatedCostUsd).toBeCloseTo(textCost(report), 5);
	});

	test('Content Adapter, Flex: asks for flex, is served at flex, costs half, and a shed 503 is retried', async () => {
		fake.configure({ flex: { latencyMs: 5, shedRate: 0.5 } });
		const report = await adapt({ serviceTier: 'flex' });
		const requests = genRequests();
		expect(requests.every((r) => r.body.serviceTier === 'flex')).toBe(true);
		const shed = requests.filter((r) => r.status === 503).length;
		expect(shed).toBeGreaterThan(0);
		expect(report.retries).toBeGreaterThanOrEqual(shed);
		expect(report.failedCalls).toBe(shed);
		const answered = requests.filter((r) => r.status === 200).length;
		expect(report.servedTiers).toEqual({ flex: answered });
		expect(report.estimatedCostUsd).toBeCloseTo(textCost(report) / 2, 5);
	});

	test('Priority: a call Google downgraded is reported as standard; a Priority-served call has no known price, so null', async () => {
		fake.configure({ priority: { downgradeRate: 1 } });
		const downgraded = await adapt({ serviceTier: 'priority' });
		expect(downgraded.servedTiers).toEqual({ standard: downgraded.apiCalls });
		expect(downgraded.estimatedCostUsd).toBeCloseTo(textCost(downgraded), 5);
		fake.reset();
		fake.configure({ priority: { downgradeRate: 0 } });
		resetProcessState();
		const served = await adapt({ serviceTier: 'priority' });
		expect(served.servedTiers).toEqual({ priority: served.apiCalls });
		expect(served.estimatedCostUsd).toBeNull();
		expect(served.costNotes.join(' ')).toMatch(/priority tier/);
	});

	test('Mission Generator: the AI part is priced, templates cost nothing', async () => {
		const { output } = await executeNode(MissionGenerator, {
			parameters: { tier: 'Expert', count: 6, locale: 'en', options: { batchSize: 6, headroomPercent: 0 } },
			credentials: gemini(),
		});
		const report = output[1][0].json;
		expect(report.fromAi).toBeGreaterThan(0);
		expect(report.tokens.input).toBe(report.promptTokens);
		expect(report.estimatedCostUsd).toBeCloseTo(textCost(report), 5);
		expect(report.servedTiers.standard).toBeGreaterThan(0);
	});

	test('Text to Speech, Gemini: audio tokens priced at the speech model’s audio price', async () => {
		const { output } = await executeNode(TextToSpeech, {
			parameters: { provider: 'gemini', text: 'Tenha um ótimo dia! Até amanhã.', model: { mode: 'id', value: DEFAULT_TTS_MODEL }, geminiVoice: 'Kore', speakers: 'auto', secondVoice: 'Puck', options: { serviceTier: 'flex' } },
			credentials: gemini(),
		});
		const report = output[1][0].json;
		expect(genRequests()[0].body.serviceTier).toBe('flex');
		expect(report.tokens.audioOutput).toBeGreaterThan(0);
		expect(report.tokens.output).toBe(0);
		const price = modelPrices(DEFAULT_TTS_MODEL);
		expect(report.estimatedCostUsd).toBeCloseTo(((report.tokens.input * price.input + report.tokens.audioOutput * price.audioOutput) / 1e6) / 2, 6);
		expect(report.servedTiers).toEqual({ flex: 1 });
	});

	test('Text to Speech, Cloud: billed characters by voice family; the default voice cannot be priced', async () => {
		const text = 'Olá! Bem-vindo à aula de hoje.';
		const run = async (voice) => (await executeNode(TextToSpeech, {
			parameters: { provider: 'googleCloud', text, textFormat: 'text', languageCode: 'pt-BR', voice: { mode: 'list', value: voice }, audioEncoding: 'mp3' },
			credentials: { googleCloudTtsApi: { apiKey: API_KEY, host: fake.url } },
		})).output[1][0].json;
		const neural = await run('pt-BR-Neural2-A');
		expect(neural.tokens.characters).toBe(Array.from(text).length);
		expect(neural.estimatedCostUsd).toBeCloseTo((Array.from(text).length * 16) / 1e6, 6);
		expect(neural.servedTiers).toEqual({});
		const byDefault = await run('');
		expect(byDefault.estimatedCostUsd).toBeNull();
		expect(byDefault.costNotes[0]).toMatch(/Cloud TTS voice/);
	});
});
