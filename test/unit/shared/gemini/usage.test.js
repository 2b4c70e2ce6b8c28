'use strict';
const { countGeminiUsage, countCloudTtsUsage, countEmbeddingCall, EMBEDDINGS_NOT_PRICED } = require('../../../../nodes/shared/gemini/usage');
const { newAccounting } = require('../../../../nodes/shared/transport/resilientCall');
const { costReport } = require('../../../../nodes/shared/node/report');
const { geminiCallCostUsd } = require('../../../../nodes/shared/gemini/pricing');

const AT = Date.parse('2026-12-05T12:00:00Z');

describe('usage accounting behind every report', () => {
	test('a text call counts input, answer and thinking, and is priced at the tier that served it', () => {
		const a = newAccounting();
		const usage = { promptTokenCount: 1200, candidatesTokenCount: 300, thoughtsTokenCount: 50, totalTokenCount: 1550 };
		countGeminiUsage(a, 'gemini-3.8-flash', 'flex', usage, { 'x-gemini-service-tier': 'flex' }, AT);
		countGeminiUsage(a, 'gemini-3.8-flash', 'flex', usage, {}, AT);
		const report = costReport(a);
		expect(report.tokens).toEqual({ input: 2400, output: 600, thinking: 100, audioOutput: 0, characters: 0 });
		expect(a.outputTokens).toBe(700);
		expect(report.servedTiers).toEqual({ flex: 2 });
		const one = geminiCallCostUsd('gemini-3.8-flash', 'flex', { inputTokens: 1200, outputTokens: 300, thinkingTokens: 50, audioOutputTokens: 0 }, AT);
		expect(report.estimatedCostUsd).toBeCloseTo(2 * one, 5);
		expect(report.estimatedCostUsd).toBeGreaterThan(0);
		expect(report.costNotes).toEqual([]);
	});

	test('a Priority call Google downgraded is counted and priced as Standard', () => {
		const a = newAccounting();
		countGeminiUsage(a, 'gemini-3.8-flash', 'priority', { promptTokenCount: 1_000_000 }, { 'x-gemini-service-tier': 'standard' }, AT);
		expect(costReport(a)).toMatchObject({ servedTiers: { standard: 1 }, estimatedCostUsd: 0.75 });
	});

	test('speech output is audio (by modality, or all of it on a speech model without details)', () => {
		const a = newAccounting();
		countGeminiUsage(a, 'gemini-3.8-flash-tts', undefined, { promptTokenCount: 10, candidatesTokenCount: 250, candidatesTokensDetails: [{ modality: 'AUDIO', tokenCount: 250 }] }, {}, AT);
		countGeminiUsage(a, 'gemini-3.8-flash-tts', undefined, { promptTokenCount: 10, candidatesTokenCount: 250 }, {}, AT);
		const report = costReport(a);
		expect(report.tokens).toMatchObject({ input: 20, output: 0, audioOutput: 500 });
		expect(report.estimatedCostUsd).toBeCloseTo((20 * 0.5 + 500 * 9) / 1e6, 6);
	});

	test('an unknown model or a missing usageMetadata makes the estimate null and says why', () => {
		const a = newAccounting();
		countGeminiUsage(a, 'gemini-3.8-flash', undefined, { promptTokenCount: 10 }, {}, AT);
		countGeminiUsage(a, 'gemini-next-ultra', undefined, { promptTokenCount: 10 }, {}, AT);
		let report = costReport(a);
		expect(report.estimatedCostUsd).toBeNull();
		expect(report.costNotes).toEqual(['No price is known for gemini-next-ultra at the standard tier.']);
		const b = newAccounting();
		countGeminiUsage(b, 'gemini-3.8-flash', undefined, undefined, {}, AT);
		report = costReport(b);
		expect(report.estimatedCostUsd).toBeNull();
		expect(report.costNotes[0]).toMatch(/no usageMetadata/);
	});

	test('Cloud TTS counts billed characters by voice; embeddings are left out of the estimate, visibly', () => {
		const a = newAccounting();
		countCloudTtsUsage(a, 'en-US-Neural2-F', 1000);
		countEmbeddingCall(a);
		countEmbeddingCall(a);
		const report = costReport(a);
		expect(report.tokens.characters).toBe(1000);
		expect(report.estimatedCostUsd).toBeCloseTo(0.016, 6);
		expect(report.costNotes).toEqual([EMBEDDINGS_NOT_PRICED]);
		const b = newAccounting();
		countCloudTtsUsage(b, undefined, 5);
		expect(costReport(b).estimatedCostUsd).toBeNull();
	});

	test('no calls: zero tokens and a zero estimate', () => {
		expect(costReport(undefined)).toEqual({
			tokens: { input: 0, output: 0, thinking: 0, audioOutput: 0, characters: 0 }, estimatedCostUsd: 0, costNotes: [], servedTiers: {},
		});
	});
});
