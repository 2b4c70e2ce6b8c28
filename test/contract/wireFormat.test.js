'use strict';
// Contract: for the same inputs, the request our transport sends must be the request the
// official @google/genai client sends (path, headers that matter, body), and the fake must
// accept both. A nock-style assertion would only lock in what we built; this compares with Google's.
const { captureOfficialRequest } = require('../support/captureOfficialRequest');
const { startFakeGoogle } = require('../support/fakeGoogle');
const { executeNode } = require('../support/executeNode');
const { MissionGenerator } = require('../../nodes/MissionGenerator/MissionGenerator.node');
const { buildGenerateContentBody } = require('../../nodes/shared/gemini/generate');
const { DEFAULT_TEXT_MODEL, lowThinkingConfig } = require('../../nodes/shared/gemini/catalog');
const { missionBatchSchema, systemInstruction } = require('../../nodes/MissionGenerator/engine/prompt');

const MODEL = DEFAULT_TEXT_MODEL;

test('a Mission Generator batch request equals the official client request for the same inputs', async () => {
	// 1. What our node really sends, over HTTP, to the fake.
	const fake = await startFakeGoogle({ apiKeys: ['test-key'] });
	let ours;
	try {
		await executeNode(MissionGenerator, {
			parameters: { tier: 'Expert', count: 3, locale: 'en', options: { batchSize: 3, headroomPercent: 0 } },
			credentials: { geminiApi: { apiKey: 'test-key', host: fake.url } },
		});
		ours = fake.stats().requests.find((r) => r.route === 'generateContent');
	} finally {
		await fake.close();
	}
	expect(ours.status).toBe(200);
	const { generationConfig, systemInstruction: system, contents } = ours.body;

	// 2. The official client, given the same prompt and config, on the same API version.
	const official = await captureOfficialRequest({ apiKeys: ['test-key'], clientOptions: { apiVersion: 'v1beta' } }, async (ai) => {
		await ai.models.generateContent({
			model: MODEL,
			contents: contents[0].parts[0].text,
			config: {
				systemInstruction: system.parts[0].text,
				temperature: generationConfig.temperature,
				topP: generationConfig.topP,
				maxOutputTokens: generationConfig.maxOutputTokens,
				responseMimeType: generationConfig.responseMimeType,
				responseSchema: generationConfig.responseSchema,
				thinkingConfig: generationConfig.thinkingConfig,
			},
		});
	});
	expect(official.status).toBe(200);
	expect(ours.path).toBe(official.path);
	expect(ours.headers['x-goog-api-key']).toBe('[redacted]'); // the key travelled in the same header
	expect(ours.body).toEqual(official.body);
	// And it carries what the node promised: schema with exactly 3 items, the least thinking the
	// default model takes (a level, never a budget, on 3.x; gemini-3.8-flash has no "minimal").
	expect(ours.model).toBe(DEFAULT_TEXT_MODEL);
	expect(generationConfig.responseSchema).toEqual(missionBatchSchema(3, 'Expert'));
	expect(generationConfig.thinkingConfig).toEqual(lowThinkingConfig(DEFAULT_TEXT_MODEL));
	expect(generationConfig.thinkingConfig).toEqual({ thinkingLevel: 'low' });
	expect(system.parts[0].text).toBe(systemInstruction('en'));
});

test('buildGenerateContentBody matches the official client with and without optional fields', async () => {
	const cases = [
		{ model: MODEL, prompt: 'Hello' },
		{ model: MODEL, prompt: 'Hi', temperature: 0.2, maxOutputTokens: 100 },
		{ model: MODEL, prompt: 'Hi', systemInstruction: 'Be brief', topP: 0.5 },
		// The least thinking, one field per family, each accepted by the fake for that model.
		{ model: MODEL, prompt: 'Hi', lowThinking: true },
		{ model: 'gemini-3.6-flash', prompt: 'Hi', lowThinking: true, maxOutputTokens: 50 },
		{ model: 'gemini-3.1-pro-preview', prompt: 'Hi', lowThinking: true },
		{ model: 'gemini-2.5-flash-lite', prompt: 'Hi', lowThinking: true },
		{ model: 'gemini-2.5-pro', prompt: 'Hi', lowThinking: true },
	];
	for (const request of cases) {
		const official = await captureOfficialRequest({ apiKeys: ['test-key'], clientOptions: { apiVersion: 'v1beta' } }, async (ai) => {
			const config = {};
			if (request.systemInstruction) config.systemInstruction = request.systemInstruction;
			if (request.temperature !== undefined) config.temperature = request.temperature;
			if (request.topP !== undefined) config.topP = request.topP;
			if (request.maxOutputTokens !== undefined) config.maxOutputTokens = request.maxOutputTokens;
			if (request.lowThinking) config.thinkingConfig = lowThinkingConfig(request.model);
			await ai.models.generateContent({ model: request.model, contents: request.prompt, config });
		});
		expect(official.status).toBe(200);
		expect(buildGenerateContentBody(request)).toEqual(official.body);
	}
});

test('the model list our Model picker reads is the one the official client pages through', async () => {
	const official = await captureOfficialRequest({ apiKeys: ['test-key'], clientOptions: { apiVersion: 'v1beta' } }, async (ai) => {
		const pager = await ai.models.list({ config: { pageSize: 100 } });
		expect(pager.page.length).toBeGreaterThan(0);
	});
	expect(official.path.split('?')[0]).toBe('/v1beta/models');
});
