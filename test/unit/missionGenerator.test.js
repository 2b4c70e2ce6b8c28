'use strict';

// Mission Generator end to end inside one process: the node talks real HTTP to the local Google
// fake through the same transport it uses in n8n. Only `sleep` is sped up (backoff waits).
jest.mock('n8n-workflow', () => {
	const actual = jest.requireActual('n8n-workflow');
	return { ...actual, sleep: jest.fn(async (ms, signal) => await actual.sleep(Math.min(ms, 5), signal)) };
});

const http = require('node:http');
const { startFakeGoogle } = require('../support/fakeGoogle');
const { executeNode } = require('../support/executeNode');
const { MissionGenerator } = require('../../nodes/MissionGenerator/MissionGenerator.node');
const { BUILT_IN_TEMPLATES } = require('../../nodes/MissionGenerator/templates');
const { textSimilarity } = require('../../nodes/shared/text/similarity');
const { DuplicateRegistry, DEFAULT_THRESHOLDS } = require('../../nodes/MissionGenerator/engine/duplicates');
const { sleep } = require('n8n-workflow');

const API_KEY = 'test-key-SECRET-123456';
const NO_FAULTS = { rate429: 0, rate500: 0, rate503: 0, rateHang: 0, rateMalformed: 0, rateSchemaViolation: 0, rateEmptyCandidates: 0 };
let fake;

beforeAll(async () => {
	fake = await startFakeGoogle({ apiKeys: [API_KEY], seed: 7 });
});
afterAll(async () => {
	await fake.close();
});
beforeEach(() => {
	fake.reset();
	fake.configure({ latencyMs: 0, duplicateRate: 0, faults: NO_FAULTS, generateJson: undefined, rpmPerKey: 0 });
	sleep.mockClear();
});

const gemini = (extra = {}) => ({ geminiApi: { apiKey: API_KEY, host: fake.url, ...extra } });
const titlesOf = (missions) => missions.map((item) => item.json.title);

function templateTitles(locale, tier) {
	return BUILT_IN_TEMPLATES[locale].filter((t) => t.tier === tier).map((t) => t.title);
}

function assertNoNearDuplicates(missions) {
	const registry = new DuplicateRegistry(DEFAULT_THRESHOLDS);
	for (const { json } of missions) {
		expect(registry.tryAdd({ title: json.title, description: json.description })).toBe(true);
	}
}

describe('templates first', () => {
	test('templates alone when they cover the count: no AI call at all', async () => {
		const { output } = await executeNode(MissionGenerator, {
			parameters: { tier: 'BEGINNER', count: 20, locale: 'pt-BR' },
			credentials: gemini(),
		});
		const [missions, reports] = output;
		expect(missions).toHaveLength(20);
		expect(missions.every((m) => m.json.source === 'template')).toBe(true);
		expect(fake.stats().byRoute.generateContent ?? 0).toBe(0);
		expect(reports[0].json).toMatchObject({ totalRequested: 20, totalCreated: 20, fromTemplates: 20, fromAi: 0, apiCalls: 0 });
		assertNoNearDuplicates(missions);
		for (const m of missions) {
			expect(m.pairedItem).toEqual({ item: 0 });
			expect(m.json).toEqual(
				expect.objectContaining({ tier: 'BEGINNER', locale: 'pt-BR', id: expect.stringMatching(/^[0-9a-f]{16}$/) }),
			);
			expect(Number.isInteger(m.json.target) && m.json.target > 0).toBe(true);
		}
	});

	test('AI only for the remainder, in batches of several missions, and the prompt lists known titles', async () => {
		const all = templateTitles('en', 'INTERMEDIATE');
		const existing = all.slice(0, all.length - 12); // 12 templates stay usable
		const { output } = await executeNode(MissionGenerator, {
			parameters: { tier: 'INTERMEDIATE', count: 20, locale: 'en', existingMissionsField: 'existing' },
			items: [{ existing }],
			credentials: gemini(),
		});
		const [missions, [report]] = output;
		expect(missions).toHaveLength(20);
		expect(missions.filter((m) => m.json.source === 'template')).toHaveLength(12);
		expect(missions.filter((m) => m.json.source === 'ai')).toHaveLength(8);
		expect(report.json.fromTemplates).toBe(12);
		expect(report.json.fromAi).toBe(8);
		expect(report.json.apiCalls).toBeLessThanOrEqual(4);
		expect(report.json.avgCallLatencyMs).toBeGreaterThanOrEqual(0);
		expect(report.json.promptTokens).toBeGreaterThan(0);
		expect(report.json.outputTokens).toBeGreaterThan(0);
		for (const title of existing) expect(titlesOf(missions)).not.toContain(title);
		const requests = fake.stats().requests.filter((r) => r.route === 'generateContent');
		expect(requests.length).toBeGreaterThan(0);
		const prompt = requests[0].body.contents[0].parts[0].text;
		expect(prompt).toContain(existing[0]);
		expect(prompt).toMatch(/EXACTLY \d+ unique missions/);
		expect(requests[0].body.generationConfig).toMatchObject({ responseMimeType: 'application/json', temperature: 0.8, topP: 0.9, maxOutputTokens: 800 });
		expect(requests[0].body.generationConfig.responseSchema.minItems).toBeGreaterThan(1);
		assertNoNearDuplicates(missions);
	});

	test('custom templates are used alongside the built-in ones', async () => {
		const custom = [{ title: 'Caçador de Recibos', description: 'Fotografe {target} recibos desta semana.', type: 'record_transactions', targetRange: [3, 5], xpReward: 40 }];
		const { output } = await executeNode(MissionGenerator, {
			parameters: { tier: 'BEGINNER', count: 26, locale: 'pt-BR', customTemplates: JSON.stringify(custom) },
			credentials: undefined,
		});
		expect(titlesOf(output[0])).toContain('Caçador de Recibos');
		expect(output[1][0].json.fromTemplates).toBe(templateTitles('pt-BR', 'BEGINNER').length + 1);
	});
});

describe('near-duplicate rejection', () => {
	test("the seed's examples: a one-word change with another description is kept, the same title is not", () => {
		const registry = new DuplicateRegistry(DEFAULT_THRESHOLDS, [
			{ title: 'Seu Primeiro Orçamento', description: 'Monte um orçamento mensal com 5 categorias.' },
			{ title: 'Desvende Seus Gastos', description: 'Analise suas categorias de gasto.' },
		]);
		expect(registry.tryAdd({ title: 'Meu Primeiro Orçamento', description: 'Registre 10 despesas da semana.' })).toBe(true);
		expect(registry.tryAdd({ title: 'Desvende Seus Gastos Diários', description: 'Analise suas categorias de gasto.' })).toBe(true);
		expect(registry.tryAdd({ title: 'SEU PRIMEIRO ORCAMENTO', description: 'Outra coisa totalmente diferente.' })).toBe(false);
		expect(textSimilarity('Seu Primeiro Orçamento', 'seu primeiro orcamento')).toBe(1);
	});

	test('a close title with a close description is a duplicate', () => {
		const registry = new DuplicateRegistry(DEFAULT_THRESHOLDS, [
			{ title: 'Semana sem Delivery', description: 'Fique 7 dias sem pedir comida por aplicativo.' },
		]);
		expect(registry.tryAdd({ title: 'Semana sem Deliverys', description: 'Fique 7 dias sem pedir comida por aplicativos.' })).toBe(false);
	});

	test('a repetitive model (30% repeated strings) still yields the full count with no near-duplicates', async () => {
		fake.configure({ duplicateRate: 0.3 });
		const { output } = await executeNode(MissionGenerator, {
			parameters: { tier: 'Expert', count: 20, locale: 'en' },
			credentials: gemini(),
		});
		const [missions, [report]] = output;
		expect(missions).toHaveLength(20);
		expect(missions.every((m) => m.json.source === 'ai')).toBe(true);
		assertNoNearDuplicates(missions);
		expect(report.json.failedDuplicates).toBeGreaterThan(0);
	});
});

describe('validation and refill rounds', () => {
	test('invalid missions are counted and replaced by another round', async () => {
		let call = 0;
		fake.configure({
			generateJson: (schema, body, rng) => {
				call++;
				const n = schema.minItems;
				return Array.from({ length: n }, (_, i) => ({
					title: call === 1 && i === 0 ? 'x' : `Mission ${call}-${i} ${Math.floor(rng() * 1e9)}`,
					description: `Record ${i + 3} transactions with a note about call ${call} and item ${i}.`,
					type: call === 1 && i === 1 ? 'fly_to_the_moon' : 'record_transactions',
					target: i + 3,
					xpReward: 100,
				}));
			},
		});
		const { output } = await executeNode(MissionGenerator, {
			parameters: { tier: 'Expert', count: 6, locale: 'en', options: { headroomPercent: 0, batchSize: 3 } },
			credentials: gemini(),
		});
		const [missions, [report]] = output;
		expect(missions).toHaveLength(6);
		expect(report.json.failedValidation).toBe(2);
		expect(report.json.aiRounds).toBe(2);
	});

	test('round limit: a model that only repeats itself stops after the refill rounds', async () => {
		fake.configure({
			generateJson: (schema) =>
				Array.from({ length: schema.minItems }, () => ({ title: 'Always The Same', description: 'Record 5 transactions today please.', type: 'record_transactions', target: 5, xpReward: 50 })),
		});
		const { output } = await executeNode(MissionGenerator, {
			parameters: { tier: 'Expert', count: 5, locale: 'en', options: { maxRefillRounds: 2 } },
			credentials: gemini(),
		});
		const [missions, [report]] = output;
		expect(missions).toHaveLength(1);
		expect(report.json.aiRounds).toBe(3);
		expect(report.json.failedDuplicates).toBeGreaterThan(0);
	});
});

describe('resilience and fallback', () => {
	test('429 with Retry-After is retried and waits at least what the server asked', async () => {
		fake.script('generateContent', [{ status: 429, headers: { 'retry-after': '2' } }]);
		const { output } = await executeNode(MissionGenerator, {
			parameters: { tier: 'Expert', count: 4, locale: 'en', options: { parallelCalls: 1, headroomPercent: 0 } },
			credentials: gemini(),
		});
		expect(output[0]).toHaveLength(4);
		expect(output[1][0].json.retries).toBe(1);
		expect(sleep.mock.calls.some(([ms]) => ms >= 2000)).toBe(true);
	});

	test('no credential: templates only, said in the report', async () => {
		const { output, httpCalls } = await executeNode(MissionGenerator, {
			parameters: { tier: 'ADVANCED', count: 40, locale: 'en' },
		});
		const [missions, [report]] = output;
		expect(missions.length).toBe(templateTitles('en', 'ADVANCED').length);
		expect(report.json.fallbackUsed).toBe(true);
		expect(report.json.fallbackReason).toMatch(/No Gemini credential/);
		expect(httpCalls).toHaveLength(0);
	});

	test('a selected credential that cannot be loaded: templates, and the report says why', async () => {
		const { output } = await executeNode(MissionGenerator, {
			parameters: { tier: 'ADVANCED', count: 30, locale: 'en' },
			nodeCredentials: { geminiApi: { id: '42', name: 'Deleted Gemini account' } },
		});
		const [missions, [report]] = output;
		expect(missions.length).toBe(templateTitles('en', 'ADVANCED').length);
		expect(report.json.fallbackReason).toMatch(/"Deleted Gemini account" could not be loaded/);
	});

	test('API failing for good (401-like): templates delivered, fallback reported, key never shown', async () => {
		const { output } = await executeNode(MissionGenerator, {
			parameters: { tier: 'BEGINNER', count: 40, locale: 'pt-BR' },
			credentials: { geminiApi: { apiKey: 'wrong-key-SECRET-999', host: fake.url } },
		});
		const [missions, [report]] = output;
		expect(missions.length).toBe(templateTitles('pt-BR', 'BEGINNER').length);
		expect(report.json.fallbackUsed).toBe(true);
		expect(report.json.failedApi).toBeGreaterThan(0);
		expect(JSON.stringify(output)).not.toContain('SECRET-999');
	});

	test('fewer than Minimum Missions fails the item, with Continue On Fail as an error item', async () => {
		const run = (continueOnFail) =>
			executeNode(MissionGenerator, {
				parameters: { tier: 'Expert', count: 10, locale: 'en', options: { minimumMissions: 5 } },
				credentials: { geminiApi: { apiKey: 'wrong-key-SECRET-999', host: fake.url } },
				continueOnFail,
			});
		await expect(run(false)).rejects.toThrow(/Only 0 of 10 missions/);
		const { output } = await run(true);
		expect(output[0]).toHaveLength(0);
		expect(output[1][0].json.error.message).toMatch(/Minimum Missions is 5/);
		expect(JSON.stringify(output)).not.toContain('SECRET-999');
	});
});

test('the option defaults shown in the editor are the shared core defaults the code documents', () => {
	const { missionGeneratorProperties } = require('../../nodes/MissionGenerator/description');
	const { DEFAULT_RETRY_POLICY } = require('../../nodes/shared/transport/retry');
	const { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_ITEM_DEADLINE_MS } = require('../../nodes/shared/transport/deadline');
	const options = Object.fromEntries(missionGeneratorProperties.find((p) => p.name === 'options').options.map((o) => [o.name, o.default]));
	expect(options).toMatchObject({
		titleExactSimilarity: DEFAULT_THRESHOLDS.titleExact,
		titleHighSimilarity: DEFAULT_THRESHOLDS.titleHigh,
		descriptionSimilarity: DEFAULT_THRESHOLDS.description,
		maxAttempts: DEFAULT_RETRY_POLICY.maxAttempts,
		callTimeoutSeconds: DEFAULT_CALL_TIMEOUT_MS / 1000,
		itemDeadlineSeconds: DEFAULT_ITEM_DEADLINE_MS / 1000,
		// the seed's generation settings
		temperature: 0.8,
		topP: 0.9,
		maxOutputTokens: 800,
		batchSize: 0, // automatic: one round sized to Parallel AI Calls (issue #12)
		parallelCalls: 4,
		headroomPercent: 20,
	});
});

describe('model list', () => {
	test('the Model picker lists generative models from the API, filtered, without TTS or embedding models', async () => {
		const { result } = await executeNode(MissionGenerator, { parameters: {}, credentials: gemini(), method: ['listSearch', 'searchGenerativeModels'], args: ['flash'] });
		const values = result.results.map((r) => r.value);
		expect(values).toContain('gemini-2.5-flash');
		expect(values.every((v) => /flash/.test(v) && !/tts|embedding/.test(v))).toBe(true);
		expect(fake.stats().requests[0].path).toMatch(/^\/v1beta\/models\?/);
	});

	test('a bad key in the picker gives an actionable error without the key', async () => {
		const run = executeNode(MissionGenerator, { parameters: {}, credentials: { geminiApi: { apiKey: 'bad-SECRET-key-42', host: fake.url } }, method: ['listSearch', 'searchGenerativeModels'] });
		const error = await run.then(() => undefined, (e) => e);
		expect(error.message).toMatch(/HTTP 400/);
		expect(JSON.stringify(error) + error.message + error.description).not.toContain('bad-SECRET-key-42');
	});
});

describe('bad parameters name the parameter and what is allowed', () => {
	const cases = [
		[{ count: 0 }, /Number of Missions must be a whole number from 1 to 200/],
		[{ count: 10000 }, /Number of Missions must be a whole number from 1 to 200/],
		[{ locale: 'fr' }, /No templates exist for language "fr" and Gemini cannot be used/],
		[{ customTemplates: '[{"title": 3}]' }, /Custom Templates \(JSON\) is not usable/],
		[{ customTemplates: '{not json' }, /Custom Templates is not valid JSON/],
		[{ existingMissionsField: 'existing' }, /Existing Missions Field must be an array/],
	];
	test.each(cases)('%p', async (override, message) => {
		const parameters = { tier: 'BEGINNER', count: 5, locale: 'en', ...override };
		await expect(executeNode(MissionGenerator, { parameters, items: [{ existing: 'oops' }] })).rejects.toThrow(message);
	});

	test('with Continue On Fail the bad item carries the error and the others go on, in input order', async () => {
		const counts = [3, 0, 4];
		const { output } = await executeNode(MissionGenerator, {
			parameters: (i) => ({ tier: 'BEGINNER', count: counts[i], locale: 'en' }),
			items: [{}, {}, {}],
			continueOnFail: true,
		});
		const [missions, reports] = output;
		expect(reports.map((r) => r.pairedItem.item)).toEqual([0, 1, 2]);
		expect(reports[1].json.error.message).toMatch(/Number of Missions/);
		expect(missions.filter((m) => m.pairedItem.item === 0)).toHaveLength(3);
		expect(missions.filter((m) => m.pairedItem.item === 2)).toHaveLength(4);
	});
});

describe('concurrency, single flight, progress, cancel', () => {
	test('several items run concurrently under the shared call cap, each with its own report', async () => {
		fake.configure({ latencyMs: 60 });
		const { output } = await executeNode(MissionGenerator, {
			parameters: (i) => ({ tier: 'Expert', count: 8, locale: 'en', jobId: `job-${i}`, options: { parallelCalls: 3 } }),
			items: Array.from({ length: 5 }, () => ({})),
			credentials: gemini(),
		});
		expect(output[1]).toHaveLength(5);
		for (let i = 0; i < 5; i++) {
			expect(output[0].filter((m) => m.pairedItem.item === i)).toHaveLength(8);
			expect(output[1][i].json.jobId).toBe(`job-${i}`);
		}
		expect(fake.stats().maxConcurrencySeen).toBeLessThanOrEqual(3);
		expect(fake.stats().maxConcurrencySeen).toBeGreaterThan(1);
	});

	test('an over-asked batch still waiting for a call slot is dropped once enough missions arrived', async () => {
		const { output } = await executeNode(MissionGenerator, {
			parameters: { tier: 'Expert', count: 4, locale: 'en', options: { parallelCalls: 1, batchSize: 4, headroomPercent: 100 } },
			credentials: gemini(),
		});
		expect(output[0]).toHaveLength(4);
		expect(output[1][0].json.apiCalls).toBe(1);
		expect(output[1][0].json.failedApi).toBe(0);
		expect(fake.stats().byRoute.generateContent).toBe(1);
	});

	test('identical concurrent requests share one generation (single flight)', async () => {
		fake.configure({ latencyMs: 80 });
		const run = () =>
			executeNode(MissionGenerator, { parameters: { tier: 'Expert', count: 4, locale: 'en', options: { headroomPercent: 0, batchSize: 4 } }, credentials: gemini() });
		const [a, b] = await Promise.all([run(), run()]);
		expect(fake.stats().byRoute.generateContent).toBe(1);
		expect(titlesOf(a.output[0])).toEqual(titlesOf(b.output[0]));
		expect([a.output[1][0].json.sharedGeneration, b.output[1][0].json.sharedGeneration].sort()).toEqual([false, true]);
	});

	test('progress is posted after templates and after each AI batch; a failing progress URL never fails', async () => {
		const received = [];
		const server = http.createServer((req, res) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				received.push(JSON.parse(body));
				res.end('{}');
			});
		});
		await new Promise((r) => server.listen(0, '127.0.0.1', r));
		const url = `http://127.0.0.1:${server.address().port}/progress`;
		try {
			const { output } = await executeNode(MissionGenerator, {
				parameters: { tier: 'Expert', count: 8, locale: 'en', progressUrl: url, jobId: 'job-p', options: { batchSize: 4, headroomPercent: 0 } },
				credentials: gemini(),
			});
			expect(received[0]).toEqual({ jobId: 'job-p', current: 0, total: 8, message: expect.any(String) });
			expect(received.length).toBeGreaterThanOrEqual(4); // templates, 2 batches, done
			expect(received[received.length - 1].current).toBe(8);
			expect(output[1][0].json.progressUpdatesSent).toBe(received.length);
		} finally {
			server.close();
		}
		const { output } = await executeNode(MissionGenerator, {
			parameters: { tier: 'BEGINNER', count: 3, locale: 'en', progressUrl: 'http://127.0.0.1:1/unreachable' },
		});
		expect(output[0]).toHaveLength(3);
		expect(output[1][0].json.progressUpdatesFailed).toBeGreaterThan(0);
	});

	test('stopping the execution ends a hanging call at once', async () => {
		fake.configure({ faults: { rateHang: 1 } });
		const controller = new AbortController();
		const started = Date.now();
		const pending = executeNode(MissionGenerator, {
			parameters: { tier: 'Expert', count: 4, locale: 'en', options: { callTimeoutSeconds: 60, minimumMissions: 0 } },
			credentials: gemini(),
			signal: controller.signal,
		});
		setTimeout(() => controller.abort(), 150);
		const result = await pending.catch((error) => ({ error }));
		expect(Date.now() - started).toBeLessThan(3000);
		expect(result.output ? result.output[0] : []).toHaveLength(0);
	});
});
