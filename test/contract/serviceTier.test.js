'use strict';
// Contract: with a Service Tier, the generateContent body our transport sends equals the official
// @google/genai client's (config.serviceTier → top-level serviceTier), text and speech alike; what
// our node sends over HTTP is that body; and the client reads the served tier back the same way.
const { captureOfficialRequest } = require('../support/captureOfficialRequest');
const { startFakeGoogle } = require('../support/fakeGoogle');
const { executeNode } = require('../support/executeNode');
const { buildGenerateContentBody } = require('../../nodes/shared/gemini/generate');
const { buildSpeechBody } = require('../../nodes/shared/gemini/speech');
const { DEFAULT_TEXT_MODEL, DEFAULT_TTS_MODEL } = require('../../nodes/shared/gemini/catalog');
const { SERVICE_TIER_HEADER } = require('../../nodes/shared/gemini/serviceTier');
const { ContentAdapter } = require('../../nodes/ContentAdapter/ContentAdapter.node');

const V1BETA = { apiKeys: ['test-key'], clientOptions: { apiVersion: 'v1beta' } };

test.each(['flex', 'priority', 'standard'])('a text request with serviceTier %s equals the official client request', async (tier) => {
	const request = { model: DEFAULT_TEXT_MODEL, prompt: 'Hi', systemInstruction: 'Be brief', temperature: 0.3, serviceTier: tier };
	let response;
	const official = await captureOfficialRequest(V1BETA, async (ai) => {
		response = await ai.models.generateContent({
			model: request.model,
			contents: request.prompt,
			config: { systemInstruction: request.systemInstruction, temperature: request.temperature, ...(tier === 'standard' ? {} : { serviceTier: tier }) },
		});
	});
	expect(official.status).toBe(200);
	expect(buildGenerateContentBody(request)).toEqual(official.body);
	if (tier !== 'standard') expect(official.body.serviceTier).toBe(tier);
	// The client exposes what the fake answers: the served tier in the header and in usageMetadata.
	expect(response.sdkHttpResponse.headers[SERVICE_TIER_HEADER]).toBe(tier);
	expect(response.usageMetadata.serviceTier).toBe(tier);
});

test('the official client sends serviceTier "standard" when asked explicitly; we omit it, which the API reads as standard', async () => {
	const official = await captureOfficialRequest(V1BETA, async (ai) => {
		await ai.models.generateContent({ model: DEFAULT_TEXT_MODEL, contents: 'Hi', config: { serviceTier: 'standard' } });
	});
	expect(official.body.serviceTier).toBe('standard');
	const { serviceTier, ...rest } = official.body;
	expect(buildGenerateContentBody({ model: DEFAULT_TEXT_MODEL, prompt: 'Hi', serviceTier: 'standard' })).toEqual(rest);
	expect(serviceTier).toBe('standard');
});

test('a speech request with serviceTier flex equals the official client request', async () => {
	const request = { model: DEFAULT_TTS_MODEL, prompt: 'Olá!', voice: 'Kore', languageCode: 'pt-BR', serviceTier: 'flex' };
	const official = await captureOfficialRequest(V1BETA, async (ai) => {
		await ai.models.generateContent({
			model: request.model,
			contents: request.prompt,
			config: {
				responseModalities: ['AUDIO'],
				speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } }, languageCode: 'pt-BR' },
				serviceTier: 'flex',
			},
		});
	});
	expect(official.status).toBe(200);
	expect(buildSpeechBody(request)).toEqual(official.body);
});

test('what the Content Adapter sends over HTTP with Service Tier Flex carries the same top-level field', async () => {
	const fake = await startFakeGoogle({ apiKeys: ['test-key'] });
	try {
		await executeNode(ContentAdapter, {
			parameters: { operation: 'writeScript', title: 'Poupar', language: 'pt-BR', options: { model: { mode: 'id', value: DEFAULT_TEXT_MODEL }, serviceTier: 'flex' } },
			credentials: { geminiApi: { apiKey: 'test-key', host: fake.url } },
		});
		const sent = fake.stats().requests.filter((r) => r.route === 'generateContent');
		expect(sent.length).toBeGreaterThan(0);
		for (const request of sent) {
			expect(request.status).toBe(200);
			expect(request.body.serviceTier).toBe('flex');
			expect(request.body.generationConfig.serviceTier).toBeUndefined();
		}
	} finally {
		await fake.close();
	}
});
