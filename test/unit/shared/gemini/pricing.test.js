'use strict';
const {
	geminiCallCostUsd, cloudTtsCostUsd, cloudVoiceFamily, billedCharacters, modelPrices, roundUsd,
} = require('../../../../nodes/shared/gemini/pricing');
const { DEFAULT_TEXT_MODEL, DEFAULT_TTS_MODEL } = require('../../../../nodes/shared/gemini/catalog');

const DEC_2026 = Date.parse('2026-12-05T12:00:00Z');
const JAN_2027 = Date.parse('2027-01-01T00:00:01Z');
const usage = (inputTokens, outputTokens, thinkingTokens = 0, audioOutputTokens = 0) => ({ inputTokens, outputTokens, thinkingTokens, audioOutputTokens });

describe('price table', () => {
	test('the default text model is priced per 1M tokens, thinking billed as output', () => {
		// $0.75 in, $3.75 out per 1M until 2026-12-31: 1M in + 200k out + 800k thinking = 0.75 + 3.75.
		expect(geminiCallCostUsd(DEFAULT_TEXT_MODEL, 'standard', usage(1_000_000, 200_000, 800_000), DEC_2026)).toBeCloseTo(4.5, 9);
		expect(geminiCallCostUsd(`models/${DEFAULT_TEXT_MODEL}`, 'standard', usage(1000, 0), DEC_2026)).toBeCloseTo(0.00075, 12);
	});

	test('a price change on a date applies from that day on', () => {
		expect(modelPrices(DEFAULT_TEXT_MODEL, DEC_2026)).toMatchObject({ input: 0.75, output: 3.75 });
		expect(modelPrices(DEFAULT_TEXT_MODEL, JAN_2027)).toMatchObject({ input: 1.5, output: 7.5 });
		expect(geminiCallCostUsd(DEFAULT_TEXT_MODEL, 'standard', usage(1_000_000, 0), JAN_2027)).toBeCloseTo(1.5, 9);
	});

	test('Flex and Batch are half of Standard; Priority has no published per-model price, so null', () => {
		const u = usage(12_345, 678, 90);
		const standard = geminiCallCostUsd(DEFAULT_TEXT_MODEL, 'standard', u, DEC_2026);
		expect(standard).toBeGreaterThan(0);
		expect(geminiCallCostUsd(DEFAULT_TEXT_MODEL, 'flex', u, DEC_2026)).toBeCloseTo(standard / 2, 12);
		expect(geminiCallCostUsd(DEFAULT_TEXT_MODEL, 'batch', u, DEC_2026)).toBeCloseTo(standard / 2, 12);
		expect(geminiCallCostUsd(DEFAULT_TEXT_MODEL, 'priority', u, DEC_2026)).toBeNull();
	});

	test('an unknown model is null, never a guess', () => {
		expect(geminiCallCostUsd('gemini-9-ultra', 'standard', usage(10, 10), DEC_2026)).toBeNull();
		expect(geminiCallCostUsd('gemini-3.8-flash-preview-99-99', 'standard', usage(10, 10), DEC_2026)).toBeNull();
		expect(modelPrices('gemini-9-ultra')).toBeUndefined();
	});

	test('long prompts are billed at the long-context price where the model has one', () => {
		const short = geminiCallCostUsd('gemini-3.1-pro-preview', 'standard', usage(200_000, 0), DEC_2026);
		const long = geminiCallCostUsd('gemini-3.1-pro-preview', 'standard', usage(200_001, 0), DEC_2026);
		expect(short).toBeCloseTo(0.4, 9);
		expect(long).toBeCloseTo((200_001 * 4) / 1e6, 9);
	});

	test('speech models price text input and audio output separately', () => {
		// 3.8 Flash TTS: $0.50 text in, $9.00 audio out per 1M.
		expect(geminiCallCostUsd(DEFAULT_TTS_MODEL, 'standard', usage(1000, 0, 0, 100_000), DEC_2026)).toBeCloseTo(0.0005 + 0.9, 9);
		expect(geminiCallCostUsd('gemini-3.8-flash-lite-tts', 'standard', usage(0, 0, 0, 1_000_000), DEC_2026)).toBeCloseTo(6, 9);
		// Audio from a model without an audio price cannot be priced.
		expect(geminiCallCostUsd(DEFAULT_TEXT_MODEL, 'standard', usage(10, 0, 0, 10), DEC_2026)).toBeNull();
	});

	test('Cloud TTS is priced per character by voice family; unknown family or default voice is null', () => {
		expect(cloudVoiceFamily('en-US-Chirp3-HD-Kore')).toEqual({ family: 'Chirp 3: HD', perMillion: 30 });
		expect(cloudTtsCostUsd('en-US-Standard-C', 1_000_000)).toBeCloseTo(4, 9);
		expect(cloudTtsCostUsd('en-US-Wavenet-D', 500_000)).toBeCloseTo(8, 9);
		expect(cloudTtsCostUsd('en-US-Neural2-A', 1000)).toBeCloseTo(0.016, 9);
		expect(cloudTtsCostUsd('en-US-Studio-O', 1000)).toBeCloseTo(0.16, 9);
		expect(cloudTtsCostUsd('en-US-Chirp3-HD-Kore', 1000)).toBeCloseTo(0.03, 9);
		expect(cloudTtsCostUsd('en-US-Polyglot-1', 1000)).toBeNull();
		expect(cloudTtsCostUsd(undefined, 1000)).toBeNull();
	});

	test('billed characters count code points of the text or the SSML with its tags', () => {
		expect(billedCharacters({ text: 'Olá, 世界' })).toBe(7);
		expect(billedCharacters({ ssml: '<speak>Hi</speak>' })).toBe(17);
	});

	test('roundUsd keeps a millionth of a dollar', () => {
		expect(roundUsd(0.0000014)).toBe(0.000001);
		expect(roundUsd(1.2345678)).toBe(1.234568);
	});
});
