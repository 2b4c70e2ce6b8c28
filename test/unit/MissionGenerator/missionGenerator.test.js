'use strict';

// Mission Generator end to end inside one process: the node talks real HTTP to the local Google
// fake through the same transport it uses in n8n. Only `sleep` is sped up (backoff waits).
jest.mock('n8n-workflow', () => require('../../support/fastSleep').withFastSleep());

const http = require('node:http');
const { startFakeGoogle, NO_FAULTS } = require('../../support/fakeGoogle');
const { executeNode: executeWithParameters } = require('../../support/executeNode');
const { MissionGenerator } = require('../../../nodes/MissionGenerator/MissionGenerator.node');
const { BUILT_IN_TEMPLATES } = require('../../../nodes/MissionGenerator/templates');
const { textSimilarity } = require('../../../nodes/shared/text/similarity');
const { DuplicateRegistry, DEFAULT_THRESHOLDS } = require('../../../nodes/MissionGenerator/engine/duplicates');
const { resetProcessState } = require('../../../nodes/shared/state');
const { sleep } = require('n8n-workflow');
const { DEFAULT_TEXT_MODEL } = require('../../../nodes/shared/gemini/catalog');

const API_KEY = 'test-key-SECRET-123456';
let fake;
// The package's default text model when the fake offers it, else the first text model it lists:
// the model a user would pick from the Model list, never a name written into this test.
let textModel;

beforeAll(async () => {
	fake = await startFakeGoogle({ apiKeys: [API_KEY], seed: 7 });
	const listed = await (await fetch(`${fake.url}/v1beta/models?pageSize=1000`, { headers: { 'x-goog-api-key': API_KEY } })).json();
	const text = listed.models
		.filter((m) => m.supportedGenerationMethods.includes('generateContent') && !/tts|embedding|image/.test(m.name))
		.map((m) => m.name.replace(/^models\//, ''));
	textModel = text.includes(DEFAULT_TEXT_MODEL) ? DEFAULT_TEXT_MODEL : text[0];
});

/** Runs the node with the Model option set (unless the test sets it), like a user's workflow. */
function executeNode(NodeClass, run) {
	const withModel = (parameters = {}) => ({
		...parameters,
		options: { model: { mode: 'list', value: textModel }, ...(parameters.options || {}) },
	});
	const parameters = typeof run.parameters === 'function' ? (i) => withModel(run.parameters(i)) : withModel(run.parameters);
	return executeWithParameters(NodeClass, { ...run, parameters });
}
afterAll(async () => {
	await fake.close();
});
beforeEach(() => {
	fake.reset();
	fake.configure({ latencyMs: 0, duplicateRate: 0, faults: NO_FAULTS, generateJson: undefined, rpmPerKey: 0 });
	sleep.mockClear();
	// Missions handed out by one test must not count as "just given to another job" in the next.
	resetProcessState();
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
		expect(report.json.maxCallLatencyMs).toBeGreaterThanOrEqual(report.json.avgCallLatencyMs);
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
		expect(output[1]).toHaveLength(0);
		expect(output[0]).toHaveLength(1);
		expect(output[0][0].json.error.message).toMatch(/Minimum Missions is 5/);
		expect(JSON.stringify(output)).not.toContain('SECRET-999');
	});
});

describe('the panel', () => {
	const { missionGeneratorProperties, OPTIONS } = require('../../../nodes/MissionGenerator/description');
	const { DUPLICATE_STRICTNESS } = require('../../../nodes/MissionGenerator/engine/duplicates');
	const { resilienceOptionProperties } = require('../../../nodes/shared/node/resilienceOptions');
	const { MISSION_TIERS } = require('../../../nodes/MissionGenerator/templates');
	const description = new MissionGenerator().description;
	const visible = missionGeneratorProperties.filter((p) => p.type !== 'hidden');

	test('the option defaults shown in the editor are the defaults the code uses', () => {
		const { DEFAULT_RETRY_POLICY } = require('../../../nodes/shared/transport/retry');
		const { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_ITEM_DEADLINE_MS } = require('../../../nodes/shared/transport/deadline');
		const options = Object.fromEntries(OPTIONS.map((o) => [o.name, o.default]));
		expect(options).toMatchObject({
			duplicateStrictness: 'balanced',
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
			batchSize: 0, // automatic: one round sized to Parallel Calls (issue #12)
			parallelCalls: 4,
			headroomPercent: 20,
		});
		// The default strictness is the seed's tuning, and the expert numbers show the same.
		expect(DUPLICATE_STRICTNESS.balanced).toEqual(DEFAULT_THRESHOLDS);
	});

	test('the shared resilience options are offered exactly as every node offers them', () => {
		const { MISSION_RESILIENCE_DEFAULTS } = require('../../../nodes/MissionGenerator/parameters');
		for (const shared of resilienceOptionProperties(MISSION_RESILIENCE_DEFAULTS)) {
			expect(OPTIONS.find((o) => o.name === shared.name)).toEqual(shared);
		}
	});

	test('top level holds only what every run needs; the optional settings are under Options', () => {
		// Operation (Generate Missions by default; Check/Cancel Batch for Economy, issue #24) and the
		// Batch Field, which only the two batch operations show.
		expect(visible.map((p) => p.name)).toEqual(['operation', 'batchField', 'notice', 'tier', 'count', 'locale', 'options']);
		const generateOnly = visible.filter((p) => p.displayOptions?.show?.operation?.join() === 'generate').map((p) => p.name);
		expect(generateOnly).toEqual(['notice', 'tier', 'count', 'locale']);
		const names = OPTIONS.map((o) => o.name);
		for (const moved of ['existingMissionsField', 'customTemplates', 'progressUrl', 'progressToken', 'jobId', 'model']) {
			expect(names).toContain(moved);
		}
		expect(OPTIONS.map((o) => o.displayName)).toEqual([...OPTIONS.map((o) => o.displayName)].sort((a, b) => a.localeCompare(b)));
	});

	test('tiers are offered as options, English is the default language, the model comes from the credential\'s list', () => {
		const tier = visible.find((p) => p.name === 'tier');
		expect(tier.type).toBe('options');
		expect(tier.options.map((o) => o.value)).toEqual([...MISSION_TIERS]);
		expect(visible.find((p) => p.name === 'locale').default).toBe('en');
		const model = OPTIONS.find((o) => o.name === 'model');
		expect(model.modes[0].typeOptions.searchListMethod).toBe('searchTextModels');
		expect(model.default).toEqual({ mode: 'list', value: DEFAULT_TEXT_MODEL });
		expect(Object.keys(new MissionGenerator().methods.listSearch)).toContain('searchTextModels');
	});

	test('the docs link is used as is by n8n (no query string lands after the #section) and the README has that section', () => {
		const fs = require('node:fs');
		const path = require('node:path');
		const url = new URL(description.documentationUrl);
		expect(url.hash).toBe('#mission-generator');
		const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
		expect(readme).toMatch(/^## Mission Generator$/m);
		const codex = require('../../../nodes/MissionGenerator/MissionGenerator.node.json');
		expect(codex.resources.primaryDocumentation[0].url).toBe(description.documentationUrl);
	});

	test('usable as a tool by an AI agent, with a description that says when to use it and what it returns', () => {
		const tool = description.usableAsTool.replacements.description;
		expect(tool).toMatch(/BEGINNER, INTERMEDIATE or ADVANCED/);
		expect(tool).toMatch(/Returns one item per mission/);
		expect(tool).toMatch(/Use it when/);
	});
});

describe('tiers: one comparison everywhere', () => {
	test.each(['beginner', ' Beginner ', 'BÉGINNER', 'BEGINNER'])('"%s" gets the BEGINNER templates and XP', async (tier) => {
		const { output } = await executeNode(MissionGenerator, { parameters: { tier, count: 30, locale: 'en' } });
		const [missions, [{ json: report }]] = output;
		const { XP_RANGE_BY_TIER } = require('../../../nodes/MissionGenerator/templates');
		expect(report.templatesAvailable).toBe(templateTitles('en', 'BEGINNER').length);
		expect(missions).toHaveLength(templateTitles('en', 'BEGINNER').length);
		expect(report.tier).toBe('BEGINNER');
		for (const { json } of missions) {
			expect(json.tier).toBe('BEGINNER');
			expect(json.xpReward).toBeGreaterThanOrEqual(XP_RANGE_BY_TIER.BEGINNER.min);
			expect(json.xpReward).toBeLessThanOrEqual(XP_RANGE_BY_TIER.BEGINNER.max);
		}
	});

	test('a lower-case tier asks AI with the tier\'s XP range, like the upper-case one', async () => {
		const { XP_RANGE_BY_TIER } = require('../../../nodes/MissionGenerator/templates');
		await executeNode(MissionGenerator, {
			parameters: { tier: 'advanced', count: 30, locale: 'en', options: { headroomPercent: 0 } },
			credentials: gemini(),
		});
		const [request] = fake.stats().requests.filter((r) => r.route === 'generateContent');
		expect(request.body.contents[0].parts[0].text).toContain('level ADVANCED');
		expect(request.body.generationConfig.responseSchema.items.properties.xpReward).toMatchObject({
			minimum: XP_RANGE_BY_TIER.ADVANCED.min,
			maximum: XP_RANGE_BY_TIER.ADVANCED.max,
		});
	});

	test('a custom template for "intermediate" applies to INTERMEDIATE', async () => {
		const custom = [{ title: 'Receipt Hunter', description: 'Photograph {target} receipts this week.', type: 'record_transactions', target: 4, xpReward: 60, tier: 'intermediate', locale: 'en' }];
		const { output } = await executeNode(MissionGenerator, {
			parameters: { tier: 'INTERMEDIATE', count: 40, locale: 'en', options: { customTemplates: JSON.stringify(custom) } },
		});
		expect(titlesOf(output[0])).toContain('Receipt Hunter');
		expect(output[1][0].json.templatesAvailable).toBe(templateTitles('en', 'INTERMEDIATE').length + 1);
	});

	test('an unknown tier is named in the report (templatesAvailable 0) and in a notice', async () => {
		const { output } = await executeNode(MissionGenerator, {
			parameters: { tier: 'Beginer', count: 4, locale: 'en', options: { headroomPercent: 0 } },
			credentials: gemini(),
		});
		const [report] = output[1];
		expect(report.json).toMatchObject({ tier: 'Beginer', templatesAvailable: 0, fromTemplates: 0 });
		expect(report.json.notices.join(' ')).toMatch(/Tier "Beginer" is not a built-in tier \(BEGINNER, INTERMEDIATE, ADVANCED/);
	});

	test('an unknown tier without a credential fails with a message that says what to do', async () => {
		const run = executeNode(MissionGenerator, { parameters: { tier: 'Beginer', count: 4, locale: 'en' } });
		const error = await run.then(() => undefined, (e) => e);
		expect(error.message).toBe('Tier "Beginer" has no templates and Gemini cannot be used');
		expect(error.description).toMatch(/Choose BEGINNER, INTERMEDIATE or ADVANCED/);
	});
});

describe('options', () => {
	test('optional settings are read from Options (and still from the old top-level names)', async () => {
		const existing = templateTitles('en', 'ADVANCED').slice(0, 3);
		const fromOptions = await executeNode(MissionGenerator, {
			parameters: { tier: 'ADVANCED', count: 40, locale: 'en', options: { existingMissionsField: 'body.old', jobId: 'job-opt' } },
			items: [{ body: { old: existing } }],
		});
		const fromTopLevel = await executeNode(MissionGenerator, {
			parameters: { tier: 'ADVANCED', count: 40, locale: 'en', existingMissionsField: 'body.old', jobId: 'job-top' },
			items: [{ body: { old: existing } }],
		});
		for (const [run, jobId] of [[fromOptions, 'job-opt'], [fromTopLevel, 'job-top']]) {
			expect(run.output[1][0].json.jobId).toBe(jobId);
			for (const title of existing) expect(titlesOf(run.output[0])).not.toContain(title);
		}
	});

	test('Duplicate Strictness decides what counts as a repeat; an expert number overrides it', async () => {
		const { DUPLICATE_STRICTNESS } = require('../../../nodes/MissionGenerator/engine/duplicates');
		// A title one letter longer than a template's: alike enough for Strict, not for Lenient.
		const template = BUILT_IN_TEMPLATES.en.find((t) => {
			const score = textSimilarity(t.title, `${t.title}s`);
			return t.tier === 'ADVANCED' && !t.title.includes('{target}') && score >= DUPLICATE_STRICTNESS.strict.titleExact && score < DUPLICATE_STRICTNESS.lenient.titleExact;
		});
		const altered = `${template.title}s`;
		const score = textSimilarity(template.title, altered);
		expect(score).toBeGreaterThanOrEqual(DUPLICATE_STRICTNESS.strict.titleExact);
		expect(score).toBeLessThan(DUPLICATE_STRICTNESS.lenient.titleExact);
		const run = (options) =>
			executeNode(MissionGenerator, {
				parameters: { tier: 'ADVANCED', count: 40, locale: 'en', existingMissionsField: 'old', options },
				items: [{ old: [altered] }],
			}).then(({ output }) => titlesOf(output[0]));
		expect(await run({ duplicateStrictness: 'lenient' })).toContain(template.title);
		expect(await run({ duplicateStrictness: 'strict' })).not.toContain(template.title);
		expect(await run({ duplicateStrictness: 'strict', titleExactSimilarity: 1, titleHighSimilarity: 1 })).toContain(template.title);
	});
});

describe('bounds at the door name the option', () => {
	test.each([
		[{ count: 5, options: { minimumMissions: 6 } }, /^Minimum Missions must be a whole number from 0 to 5, not 6$/, /"Minimum Missions".*"Number of Missions" \(5\)/],
		[{ count: 5, options: { batchSize: -1 } }, /^AI Batch Size must be a whole number from 0 to 10, not -1$/, /"AI Batch Size"/],
		[{ count: 5, options: { batchSize: 2.5 } }, /^AI Batch Size must be a whole number/, /"AI Batch Size"/],
	])('%p', async (override, message, description) => {
		const parameters = { tier: 'BEGINNER', locale: 'en', ...override };
		const error = await executeNode(MissionGenerator, { parameters }).then(() => undefined, (e) => e);
		expect(error.message).toMatch(message);
		expect(error.description).toMatch(description);
	});
});

describe('when AI fails, the report says what Google said and what to change', () => {
	test('a key the API refuses: Google\'s status and message, and the credential to fix', async () => {
		fake.script('generateContent', [{ status: 400, body: { error: { code: 400, status: 'INVALID_ARGUMENT', message: 'API key not valid. Please pass a valid API key.' } } }]);
		const { output } = await executeNode(MissionGenerator, {
			// One AI call (no headroom): the scripted refusal is its answer.
			parameters: { tier: 'BEGINNER', count: templateTitles('en', 'BEGINNER').length + 1, locale: 'en', options: { headroomPercent: 0 } },
			credentials: gemini(),
		});
		const { fallbackReason } = output[1][0].json;
		expect(fallbackReason).toMatch(/HTTP 400 INVALID_ARGUMENT/);
		expect(fallbackReason).toContain('API key not valid. Please pass a valid API key.');
		expect(fallbackReason).toMatch(/Fix: check the API key in the "Gemini API" credential/);
	});

	test('a model the key cannot use: the advice names the option as the panel labels it', async () => {
		const { OPTIONS } = require('../../../nodes/MissionGenerator/description');
		const label = OPTIONS.find((o) => o.name === 'model').displayName;
		const { output } = await executeNode(MissionGenerator, {
			parameters: { tier: 'Expert', count: 2, locale: 'en', options: { minimumMissions: 0, model: { mode: 'id', value: 'no-such-model' } } },
			credentials: gemini(),
		});
		const { fallbackReason } = output[1][0].json;
		expect(fallbackReason).toMatch(/HTTP 404 NOT_FOUND/);
		expect(fallbackReason).toContain('models/no-such-model is not found');
		expect(fallbackReason).toContain(`choose another "${label}" in the node's Options`);
	});

	test('a server-requested wait longer than what is left of the deadline is reported as such, not as a timeout', async () => {
		fake.script('generateContent', [{ status: 429, headers: { 'retry-after': '30' }, body: { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded.' } } }]);
		const { output } = await executeNode(MissionGenerator, {
			parameters: { tier: 'Expert', count: 2, locale: 'en', options: { minimumMissions: 0, itemDeadlineSeconds: 10, headroomPercent: 0, batchSize: 4 } },
			credentials: gemini(),
		});
		const { fallbackReason } = output[1][0].json;
		expect(fallbackReason).toMatch(/HTTP 429 RESOURCE_EXHAUSTED/);
		expect(fallbackReason).toMatch(/Google asked to wait 30 s before trying again, longer than the (10|9) s left of the item's Item Deadline \(Seconds\)/);
		expect(fallbackReason).not.toMatch(/did not answer within/);
		expect(fake.stats().byRoute.generateContent).toBe(1);
	});
});

describe('model list', () => {
	test('the Model picker lists generative models from the API, filtered, without TTS or embedding models', async () => {
		const { result } = await executeNode(MissionGenerator, { parameters: {}, credentials: gemini(), method: ['listSearch', 'searchGenerativeModels'], args: ['flash'] });
		const values = result.results.map((r) => r.value);
		expect(values).toContain(require('../../../nodes/shared/gemini/catalog').DEFAULT_TEXT_MODEL);
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
		expect(reports.map((r) => r.pairedItem.item)).toEqual([0, 2]);
		expect(missions.map((m) => m.pairedItem.item)).toEqual([0, 0, 0, 1, 2, 2, 2, 2]);
		expect(missions[3].json.error.message).toMatch(/Number of Missions/);
	});

	test('an error item sits on Missions (output 0) in its input position, with only `error`, paired to its input', async () => {
		const counts = [2, 0, 3];
		const { output } = await executeNode(MissionGenerator, {
			parameters: (i) => ({ tier: 'BEGINNER', count: counts[i], locale: 'en' }),
			items: [{ a: 1 }, { b: 2 }, { c: 3 }],
			continueOnFail: true,
		});
		const [missions, reports] = output;
		const failed = missions.filter((m) => m.json.error !== undefined);
		expect(failed).toHaveLength(1);
		expect(missions.indexOf(failed[0])).toBe(2); // after item 0's two missions, before item 2's
		expect(Object.keys(failed[0].json)).toEqual(['error']);
		expect(Object.keys(failed[0].json.error).sort()).toEqual(['description', 'message']);
		expect(failed[0].pairedItem).toEqual({ item: 1 });
		expect(reports.every((r) => r.json.error === undefined)).toBe(true);
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

	test('once enough missions arrived, an over-asked call still on the wire is dropped, not waited for or counted as failed', async () => {
		// Two batches of 4 for 4 missions, side by side: one answers, the other hangs. Without the
		// drop the job would wait out Timeout per Call (60 s) for missions it would discard.
		fake.configure({ latencyMs: 100 });
		fake.script('generateContent', [{}, { hang: true }]);
		const started = Date.now();
		const { output } = await executeNode(MissionGenerator, {
			parameters: { tier: 'Expert', count: 4, locale: 'en', options: { parallelCalls: 2, batchSize: 4, headroomPercent: 100, callTimeoutSeconds: 60, hedgeSlowCalls: false } },
			credentials: gemini(),
		});
		expect(Date.now() - started).toBeLessThan(20_000);
		expect(output[0]).toHaveLength(4);
		expect(output[0].every((m) => m.json.source === 'ai')).toBe(true);
		expect(fake.stats().byRoute.generateContent).toBe(2);
		expect(output[1][0].json).toMatchObject({ apiCalls: 2, failedCalls: 0, failedApi: 0, fromAi: 4, fallbackUsed: false });
	});

	test('two jobs with identical requests get different missions; the later prompt lists the missions the other job got', async () => {
		fake.configure({ latencyMs: 40 });
		const run = () =>
			executeNode(MissionGenerator, { parameters: { tier: 'BEGINNER', count: 20, locale: 'en' }, credentials: gemini() });
		const [a, b] = await Promise.all([run(), run()]);
		const reports = [a.output[1][0].json, b.output[1][0].json];
		expect(reports[0].jobId).not.toBe(reports[1].jobId);
		expect(reports.map((r) => r.sharedGeneration)).toEqual([false, false]);
		expect(a.output[0]).toHaveLength(20);
		expect(b.output[0]).toHaveLength(20);
		// No mission of one job repeats (or nearly repeats) a mission of the other.
		assertNoNearDuplicates([...a.output[0], ...b.output[0]]);
		// One job took 20 of the tier's templates, so the other had to ask AI for most of its
		// missions, and its prompts named the first job's missions as already taken.
		const [first, second] = reports[0].fromAi === 0 ? [a, b] : [b, a];
		expect(second.output[1][0].json.fromAi).toBeGreaterThan(0);
		const prompts = fake.stats().requests.filter((r) => r.route === 'generateContent').map((r) => r.body.contents[0].parts[0].text);
		expect(prompts.length).toBeGreaterThan(0);
		for (const title of titlesOf(first.output[0])) expect(prompts[0]).toContain(title);
	});

	test('a job that cannot use AI reuses another job\'s templates only for what it cannot fill, and says so', async () => {
		const first = await executeNode(MissionGenerator, { parameters: { tier: 'BEGINNER', count: 20, locale: 'en' } });
		const second = await executeNode(MissionGenerator, { parameters: { tier: 'BEGINNER', count: 20, locale: 'en' } });
		const available = templateTitles('en', 'BEGINNER').length;
		const report = second.output[1][0].json;
		expect(second.output[0]).toHaveLength(20);
		expect(report.repeatedFromOtherJobs).toBe(20 - (available - 20));
		expect(report.notices.join(' ')).toMatch(/repeat ones handed to another job/);
		expect(first.output[1][0].json.repeatedFromOtherJobs).toBe(0);
	});

	test('a repeated delivery of the same job while it runs shares the generation; calls and tokens are counted once', async () => {
		fake.configure({ latencyMs: 80 });
		const run = () =>
			executeNode(MissionGenerator, {
				parameters: { tier: 'Expert', count: 4, locale: 'en', options: { headroomPercent: 0, batchSize: 4, jobId: 'job-same' } },
				credentials: gemini(),
			});
		const [a, b] = await Promise.all([run(), run()]);
		expect(fake.stats().byRoute.generateContent).toBe(1);
		expect(titlesOf(a.output[0])).toEqual(titlesOf(b.output[0]));
		const reports = [a.output[1][0].json, b.output[1][0].json].sort((x, y) => Number(x.sharedGeneration) - Number(y.sharedGeneration));
		expect(reports.map((r) => r.sharedGeneration)).toEqual([false, true]);
		expect(reports[0]).toMatchObject({ apiCalls: 1, promptTokens: expect.any(Number) });
		expect(reports[0].promptTokens).toBeGreaterThan(0);
		expect(reports[1]).toMatchObject({ apiCalls: 0, promptTokens: 0, outputTokens: 0, retries: 0 });
		expect(reports[1].notices.join(' ')).toMatch(/shares that generation/);
		// Summed over both reports, the one call is counted once.
		expect(reports[0].apiCalls + reports[1].apiCalls).toBe(fake.stats().byRoute.generateContent);
	});

	test('a shared generation goes on for a second delivery when the first delivery is stopped', async () => {
		fake.configure({ latencyMs: 300 });
		const stopFirst = new AbortController();
		const parameters = { tier: 'Expert', count: 4, locale: 'en', options: { headroomPercent: 0, batchSize: 4, jobId: 'job-stop', minimumMissions: 0 } };
		const first = executeNode(MissionGenerator, { parameters, credentials: gemini(), signal: stopFirst.signal, continueOnFail: true });
		await new Promise((resolve) => setTimeout(resolve, 20));
		const second = executeNode(MissionGenerator, { parameters, credentials: gemini() });
		await new Promise((resolve) => setTimeout(resolve, 50));
		stopFirst.abort();
		const stopped = await first.catch((error) => ({ error }));
		expect(stopped.error ? stopped.error.message : stopped.output[0][0].json.error.message).toMatch(/stopped|cancel/i);
		const { output } = await second;
		expect(output[0]).toHaveLength(4);
		expect(output[1][0].json.sharedGeneration).toBe(true);
		// n8n cancels the stopped delivery's request whatever signal the node gives it (the harness
		// does the same), so the generation is made again through the second delivery: two calls.
		expect(fake.stats().byRoute.generateContent).toBe(2);
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

	test('waiting for a call slot counts against the item deadline: no request is sent with too little time left', async () => {
		fake.configure({ latencyMs: 1500 });
		const { output } = await executeNode(MissionGenerator, {
			parameters: (i) => ({
				tier: 'Expert',
				count: 4,
				locale: 'en',
				options: { jobId: `slot-${i}`, parallelCalls: 1, batchSize: 4, headroomPercent: 0, itemDeadlineSeconds: 2, minimumMissions: 0 },
			}),
			items: [{}, {}],
			credentials: gemini(),
		});
		const reports = output[1].map((r) => r.json);
		const waited = reports.find((r) => r.fromAi === 0);
		expect(reports.find((r) => r.fromAi === 4)).toBeDefined();
		expect(waited.apiCalls).toBe(0);
		expect(waited.fallbackReason).toMatch(/waited 1\.\d s for a free call slot \(Parallel Calls is 1\)/);
		expect(waited.fallbackReason).toMatch(/raise "Parallel Calls" in the node's Options or "Item Deadline \(Seconds\)"/);
		expect(fake.stats().byRoute.generateContent).toBe(1);
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

describe('the registry of missions handed out (per tier and language, bounded)', () => {
	const { IssuedMissions, ISSUED_TTL_MS, MAX_ISSUED_PER_SCOPE, MAX_SCOPES } = require('../../../nodes/MissionGenerator/engine/issued');
	const mission = (n) => ({ title: `Mission ${n}`, description: `Do thing ${n}.` });

	test('another job sees the missions; the job itself does not; tiers compare like everywhere else', () => {
		const issued = new IssuedMissions();
		issued.record('BEGINNER', 'en', 'job-a', mission(1));
		expect(issued.othersOf('béginner ', 'EN', 'job-b')).toEqual([mission(1)]);
		expect(issued.othersOf('BEGINNER', 'en', 'job-a')).toEqual([]);
		expect(issued.othersOf('ADVANCED', 'en', 'job-b')).toEqual([]);
		expect(issued.othersOf('BEGINNER', 'pt-BR', 'job-b')).toEqual([]);
	});

	test('entries expire, and each scope and the number of scopes are capped', () => {
		let now = 1_000_000;
		const issued = new IssuedMissions(() => now);
		issued.record('BEGINNER', 'en', 'job-a', mission(0));
		now += ISSUED_TTL_MS;
		expect(issued.othersOf('BEGINNER', 'en', 'job-b')).toEqual([]);
		for (let n = 0; n < MAX_ISSUED_PER_SCOPE + 5; n++) issued.record('BEGINNER', 'en', 'job-a', mission(n));
		const kept = issued.othersOf('BEGINNER', 'en', 'job-b');
		expect(kept).toHaveLength(MAX_ISSUED_PER_SCOPE);
		expect(kept[0]).toEqual(mission(5));
		for (let n = 0; n < MAX_SCOPES; n++) issued.record(`TIER${n}`, 'en', 'job-a', mission(n));
		expect(issued.othersOf('BEGINNER', 'en', 'job-b')).toEqual([]);
		expect(issued.othersOf(`TIER${MAX_SCOPES - 1}`, 'en', 'job-b')).toHaveLength(1);
	});
});
