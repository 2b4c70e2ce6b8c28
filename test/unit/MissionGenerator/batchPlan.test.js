'use strict';
// AI batch planning (issue #12): the remainder goes out in one round of parallel calls when the
// call cap and the per-call output budget allow it.
jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: jest.fn(async () => {}) }));

const { startFakeGoogle } = require('../../support/fakeGoogle');
const { executeNode } = require('../../support/executeNode');
const { DuplicateRegistry, DEFAULT_THRESHOLDS } = require('../../../nodes/MissionGenerator/engine/duplicates');
const { MissionGenerator } = require('../../../nodes/MissionGenerator/MissionGenerator.node');
const { planRound, batchLimits, OUTPUT_TOKENS_PER_MISSION } = require('../../../nodes/MissionGenerator/engine/aiPhase');

/** The seed's rule, with a fresh registry: every delivered mission must be accepted again. */
function nearDuplicates(missions) {
	const registry = new DuplicateRegistry(DEFAULT_THRESHOLDS);
	return missions.filter((m) => !registry.tryAdd({ title: m.json.title, description: m.json.description })).length;
}
const sum = (sizes) => sizes.reduce((a, b) => a + b, 0);
const limits = (callCap, maxBatch, fixedBatch = 0) => ({ callCap, maxBatch, fixedBatch });

describe('planRound', () => {
	test('20 missing, cap 3, 8 per call: one round of 3 calls, headroom trimmed to what fits', () => {
		expect(planRound(20, 0.5, limits(3, 8))).toEqual([8, 8, 8]);
	});

	test('headroom that fits is spread over the cap, not added as extra calls', () => {
		expect(planRound(20, 0.5, limits(4, 8))).toEqual([8, 8, 7, 7]);
		expect(planRound(20, 0.2, limits(4, 8))).toEqual([6, 6, 6, 6]);
		expect(planRound(20, 0, limits(10, 8))).toEqual(Array(10).fill(2));
	});

	test('never more calls than the cap in a round that fits, never a batch over the budget', () => {
		for (const missing of [1, 2, 5, 13, 20, 24, 37, 60, 200]) {
			for (const cap of [1, 2, 3, 4, 10]) {
				for (const maxBatch of [1, 4, 8, 10]) {
					for (const headroom of [0, 0.2, 0.5, 2]) {
						const sizes = planRound(missing, headroom, limits(cap, maxBatch));
						const waves = Math.ceil(missing / (cap * maxBatch));
						expect(Math.max(...sizes)).toBeLessThanOrEqual(maxBatch);
						expect(sizes.length).toBeLessThanOrEqual(waves * cap);
						expect(sum(sizes)).toBeGreaterThanOrEqual(missing);
						expect(sum(sizes)).toBeLessThanOrEqual(Math.ceil(missing * (1 + headroom)));
						expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
					}
				}
			}
		}
	});

	test('more than one wave: as few as needed, each as even as possible', () => {
		// 60 missing at 3 × 8 per wave needs 3 waves; 72 asked for = 9 calls of 8.
		expect(planRound(60, 0.2, limits(3, 8))).toEqual(Array(9).fill(8));
		// 30 missing needs 2 waves of 3 calls; the 45 wanted fit in 2 × 3 × 8 = 48, so none is trimmed.
		const sizes = planRound(30, 0.5, limits(3, 8));
		expect(sizes).toHaveLength(6);
		expect(sum(sizes)).toBe(45);
	});

	test('AI Batch Size set by hand keeps fixed batches', () => {
		expect(planRound(20, 0.5, limits(3, 8, 4))).toEqual([4, 4, 4, 4, 4, 4, 3, 3]);
		expect(planRound(0, 0.5, limits(3, 8))).toEqual([]);
	});

	test('the budget per call comes from Max Output Tokens; 0 batch size means automatic', () => {
		const ai = { batchSize: 0, maxOutputTokens: 800 };
		expect(batchLimits(ai, 3)).toEqual({ callCap: 3, maxBatch: Math.floor(800 / OUTPUT_TOKENS_PER_MISSION), fixedBatch: 0 });
		expect(batchLimits({ batchSize: 0, maxOutputTokens: 64 }, 3).maxBatch).toBe(1);
		expect(batchLimits({ batchSize: 0, maxOutputTokens: 100000 }, 3).maxBatch).toBe(10);
		expect(batchLimits({ batchSize: 5, maxOutputTokens: 800 }, undefined)).toMatchObject({ fixedBatch: 5, callCap: 4 });
	});
});

describe('the node plans one round for AI-only missions', () => {
	let fake;
	beforeEach(async () => {
		fake = await startFakeGoogle({ seed: 12, apiKeys: ['test-key'] });
	});
	afterEach(async () => {
		await fake.close();
	});
	const gemini = () => ({ geminiApi: { apiKey: 'test-key', host: fake.url, requestsPerMinute: 0 } });

	test('20 EXPERT missions with the defaults: 4 calls sent together, one round, no duplicates', async () => {
		fake.configure({ latencyMs: 150, latencyJitter: 0 });
		const { output } = await executeNode(MissionGenerator, { parameters: { tier: 'EXPERT', count: 20, locale: 'en' }, credentials: gemini() });
		const [missions, [report]] = output;
		expect(missions).toHaveLength(20);
		expect(report.json).toMatchObject({ fromAi: 20, aiRounds: 1, apiCalls: 4 });
		const requests = fake.stats().requests.filter((r) => r.route === 'generateContent');
		expect(requests.map((r) => r.body.generationConfig.responseSchema.minItems)).toEqual([6, 6, 6, 6]);
		// All four left before the first answer came back (150 ms each): one round, not several.
		expect(Math.max(...requests.map((r) => r.at)) - Math.min(...requests.map((r) => r.at))).toBeLessThan(150);
		expect(fake.stats().maxConcurrencySeen).toBe(4);
		expect(nearDuplicates(missions)).toBe(0);
	});

	test('rejections are replaced by a further round', async () => {
		let call = 0;
		fake.configure({
			generateJson: (schema) => {
				call++;
				return Array.from({ length: schema.minItems }, (_, i) => ({
					// The first call's answers all repeat one title: 5 of its 6 are rejected, 19 of 24 accepted.
					title: call === 1 ? 'Same Old Mission' : `Mission ${call} number ${i} ${'abcdefghij'[i]}${call}`,
					description: `Record ${i + 3} transactions with a note about call ${call} and item ${i}.`,
					type: 'record_transactions',
					target: i + 3,
					xpReward: 200,
				}));
			},
		});
		const { output } = await executeNode(MissionGenerator, { parameters: { tier: 'EXPERT', count: 20, locale: 'en' }, credentials: gemini() });
		const [missions, [report]] = output;
		expect(missions).toHaveLength(20);
		expect(report.json.aiRounds).toBe(2);
		expect(report.json.failedDuplicates).toBeGreaterThanOrEqual(5);
	});
});
