'use strict';
// Contract: the OFFICIAL @google/genai client must be able to talk to our fake, and the fake must
// see exactly the wire format the client sends. If Google's client and the fake disagree, the fake
// (and the tests built on it) are wrong.
const { GoogleGenAI, ApiError, Type, ThinkingLevel } = require('@google/genai');
const { startFakeGoogle } = require('../support/fakeGoogle');
const { captureOfficialRequest, ensureUndiciDispatcher } = require('../support/captureOfficialRequest');

let fake;
let ai;
beforeAll(async () => {
	ensureUndiciDispatcher(); // see captureOfficialRequest.js: needed for @google/genai under Jest
	fake = await startFakeGoogle({ seed: 7, apiKeys: ['test-key'] });
	ai = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: fake.url } });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

// @google/genai 3.x defaults to API version v1 (earlier majors used v1beta); the fake serves both.
const VERSION = '/v1';
const lastRequest = () => fake.stats().requests.at(-1);
const expectClientHeaders = (headers) => {
	expect(headers['x-goog-api-key']).toBe('[redacted]');
	expect(headers['content-type']).toBe('application/json');
	expect(headers['x-goog-api-client']).toMatch(/^google-genai-sdk\/\d+\.\d+\.\d+/);
	expect(headers.authorization).toBeUndefined();
};

test('generateContent (text): client parses candidates, finishReason and usageMetadata', async () => {
	const response = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Describe a mountain village', config: { temperature: 0.4, maxOutputTokens: 2048, systemInstruction: 'Be vivid' } });
	expect(response.text).toEqual(expect.any(String));
	expect(response.text.length).toBeGreaterThan(20);
	expect(response.candidates[0].finishReason).toBe('STOP');
	expect(response.usageMetadata).toMatchObject({ promptTokenCount: expect.any(Number), candidatesTokenCount: expect.any(Number), totalTokenCount: expect.any(Number) });
	expect(response.modelVersion).toBe('gemini-2.5-flash');
	expect(response.responseId).toEqual(expect.any(String));

	const req = lastRequest();
	expect(req).toMatchObject({ method: 'POST', path: `${VERSION}/models/gemini-2.5-flash:generateContent`, route: 'generateContent', status: 200, key: 'key#0' });
	expectClientHeaders(req.headers);
	expect(Object.keys(req.body).sort()).toEqual(['contents', 'generationConfig', 'systemInstruction']);
	expect(req.body.contents).toEqual([{ role: 'user', parts: [{ text: 'Describe a mountain village' }] }]);
	expect(req.body.systemInstruction).toEqual({ role: 'user', parts: [{ text: 'Be vivid' }] });
	expect(req.body.generationConfig).toEqual({ temperature: 0.4, maxOutputTokens: 2048 });
});

test('generateContent (JSON mode): response.text parses and matches responseSchema', async () => {
	const responseSchema = {
		type: Type.OBJECT,
		properties: {
			missions: {
				type: Type.ARRAY, minItems: 4, maxItems: 4,
				items: { type: Type.OBJECT, properties: { title: { type: Type.STRING }, difficulty: { type: Type.INTEGER, minimum: 1, maximum: 3 } }, required: ['title', 'difficulty'], propertyOrdering: ['title', 'difficulty'] },
			},
		},
		required: ['missions'],
	};
	const response = await ai.models.generateContent({ model: 'gemini-2.5-pro', contents: [{ role: 'user', parts: [{ text: 'Four missions' }] }], config: { responseMimeType: 'application/json', responseSchema } });
	const value = JSON.parse(response.text);
	expect(value.missions).toHaveLength(4);
	for (const m of value.missions) {
		expect(Object.keys(m)).toEqual(['title', 'difficulty']);
		expect(m.title).toEqual(expect.any(String));
		expect([1, 2, 3]).toContain(m.difficulty);
	}
	expect(response.usageMetadata.thoughtsTokenCount).toBeGreaterThan(0);
	const req = lastRequest();
	expect(req.path).toBe(`${VERSION}/models/gemini-2.5-pro:generateContent`);
	expect(req.body.generationConfig).toEqual({ responseMimeType: 'application/json', responseSchema });
});

test('generateContent (TTS): client exposes inlineData PCM audio', async () => {
	const response = await ai.models.generateContent({
		model: 'gemini-2.5-flash-preview-tts',
		contents: [{ parts: [{ text: 'Say cheerfully: have a wonderful day!' }] }],
		config: { responseModalities: ['AUDIO'], speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } } },
	});
	const inline = response.candidates[0].content.parts[0].inlineData;
	expect(inline.mimeType).toBe('audio/L16;codec=pcm;rate=24000');
	const pcm = Buffer.from(inline.data, 'base64');
	expect(pcm.length).toBeGreaterThan(24000); // > 0.5 s of 16-bit mono at 24 kHz
	expect(response.data).toBe(inline.data);
	expect(response.candidates[0].finishReason).toBe('STOP');
	expect(response.usageMetadata.candidatesTokenCount).toBeGreaterThan(0);
	const req = lastRequest();
	expect(req.path).toBe(`${VERSION}/models/gemini-2.5-flash-preview-tts:generateContent`);
	expect(req.body.generationConfig).toEqual({ responseModalities: ['AUDIO'], speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } } });
});

test('embedContent: single and multiple contents go through batchEmbedContents', async () => {
	const one = await ai.models.embedContent({ model: 'text-embedding-004', contents: 'hello world' });
	expect(one.embeddings).toHaveLength(1);
	expect(one.embeddings[0].values).toHaveLength(768);
	let req = lastRequest();
	expect(req.path).toBe(`${VERSION}/models/text-embedding-004:batchEmbedContents`);
	expect(req.body).toEqual({ requests: [{ content: { role: 'user', parts: [{ text: 'hello world' }] }, model: 'models/text-embedding-004' }] });
	expectClientHeaders(req.headers);

	const many = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['a red apple', 'a red apples', 'tax law'], config: { outputDimensionality: 128, taskType: 'SEMANTIC_SIMILARITY' } });
	expect(many.embeddings.map((e) => e.values.length)).toEqual([128, 128, 128]);
	const [a, b, c] = many.embeddings.map((e) => e.values);
	const cos = (x, y) => x.reduce((s, v, i) => s + v * y[i], 0);
	expect(cos(a, b)).toBeGreaterThan(cos(a, c));
	req = lastRequest();
	expect(req.body.requests).toHaveLength(3);
	expect(req.body.requests[0]).toEqual({ content: { role: 'user', parts: [{ text: 'a red apple' }] }, taskType: 'SEMANTIC_SIMILARITY', outputDimensionality: 128, model: 'models/gemini-embedding-001' });
});

test('models.list pages with pageSize/pageToken; models.get', async () => {
	const pager = await ai.models.list({ config: { pageSize: 3 } });
	const names = [];
	for await (const m of pager) names.push(m.name);
	expect(names).toEqual(expect.arrayContaining(['models/gemini-2.5-flash', 'models/text-embedding-004', 'models/gemini-2.5-pro-preview-tts']));
	expect(names).toEqual(expect.arrayContaining(['models/gemini-3.8-flash', 'models/gemini-3.8-flash-tts', 'models/gemini-embedding-001']));
	expect(names).toHaveLength(require('../support/fakeGoogleContent').MODELS.length);
	const paths = fake.stats().requests.map((r) => r.path);
	expect(paths[0]).toBe(`${VERSION}/models?pageSize=3`);
	expect(paths[1]).toMatch(new RegExp(`^${VERSION}/models\\?pageSize=3&pageToken=`));
	expect(fake.stats().requests.every((r) => r.method === 'GET')).toBe(true);

	const model = await ai.models.get({ model: 'gemini-2.5-flash' });
	expect(model).toMatchObject({ name: 'models/gemini-2.5-flash', displayName: 'Gemini 2.5 Flash', inputTokenLimit: 1048576, outputTokenLimit: 65536 });
	expect(model.supportedActions).toContain('generateContent');
});

test('a 429 from the fake surfaces as ApiError status 429 with Google error details', async () => {
	fake.script(':generateContent', [{ status: 429, headers: { 'retry-after': '5' } }]);
	const error = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' }).catch((e) => e);
	expect(error).toBeInstanceOf(ApiError);
	expect(error.status).toBe(429);
	const body = JSON.parse(error.message);
	expect(body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
	expect(body.error.details).toContainEqual({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '5s' });
});

test('invalid key and unknown model surface as ApiError 400 / 404', async () => {
	const bad = new GoogleGenAI({ apiKey: 'wrong', httpOptions: { baseUrl: fake.url } });
	const e1 = await bad.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' }).catch((e) => e);
	expect(e1).toBeInstanceOf(ApiError);
	expect(e1.status).toBe(400);
	expect(e1.message).toMatch(/API_KEY_INVALID/);
	const e2 = await ai.models.generateContent({ model: 'gemini-0-nope', contents: 'x' }).catch((e) => e);
	expect(e2.status).toBe(404);
	expect(JSON.parse(e2.message).error.status).toBe('NOT_FOUND');
	expect(JSON.stringify(fake.stats())).not.toMatch(/wrong|test-key/);
});

test('captureOfficialRequest returns the last request the official client sent', async () => {
	const captured = await captureOfficialRequest({ seed: 1 }, (client) => client.models.generateContent({ model: 'gemini-2.5-flash-lite', contents: 'Ping', config: { responseMimeType: 'application/json', responseSchema: { type: Type.OBJECT, properties: { ok: { type: Type.BOOLEAN } } } } }));
	expect(captured).toMatchObject({ method: 'POST', path: `${VERSION}/models/gemini-2.5-flash-lite:generateContent`, status: 200 });
	expect(captured.body).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Ping' }] }], generationConfig: { responseMimeType: 'application/json', responseSchema: { type: 'OBJECT', properties: { ok: { type: 'BOOLEAN' } } } } });
	expectClientHeaders(captured.headers);

	const beta = await captureOfficialRequest({ clientOptions: { apiVersion: 'v1beta' }, faults: { rate503: 1 } }, (client) => client.models.embedContent({ model: 'text-embedding-004', contents: 'x' }));
	expect(beta.path).toBe('/v1beta/models/text-embedding-004:batchEmbedContents');
	expect(beta.status).toBe(503);
	expect(beta.error).toBeInstanceOf(ApiError);
});

test('thinking: the client passes thinkingLevel through; the fake answers like the API to levels and budgets', async () => {
	// The client's enum (upper case) and the REST docs' lower case both reach the model.
	const ok = await ai.models.generateContent({ model: 'gemini-3.8-flash', contents: 'Hi', config: { thinkingConfig: { thinkingLevel: ThinkingLevel.LOW } } });
	expect(ok.text.length).toBeGreaterThan(0);
	expect(lastRequest().body.generationConfig).toEqual({ thinkingConfig: { thinkingLevel: 'LOW' } });
	const minimal = await ai.models.generateContent({ model: 'gemini-3.6-flash', contents: 'Hi', config: { thinkingConfig: { thinkingLevel: 'minimal' } } });
	expect(minimal.usageMetadata.thoughtsTokenCount).toBeUndefined();

	const rejected = async (model, thinkingConfig) => {
		const error = await ai.models.generateContent({ model, contents: 'Hi', config: { thinkingConfig } }).catch((e) => e);
		expect(error).toBeInstanceOf(ApiError);
		expect(error.status).toBe(400);
		const body = JSON.parse(error.message).error;
		expect(body.status).toBe('INVALID_ARGUMENT');
		return body.message;
	};
	expect(await rejected('gemini-3.8-flash', { thinkingLevel: ThinkingLevel.MINIMAL })).toBe('Thinking level MINIMAL is not supported for this model. Please retry with other thinking level.');
	expect(await rejected('gemini-3.8-flash', { thinkingLevel: 'low', thinkingBudget: 0 })).toBe('You can only set only one of thinking budget and thinking level.');
	expect(await rejected('gemini-2.5-flash', { thinkingLevel: 'low' })).toBe('Thinking level is not supported for this model.');
	expect(await rejected('gemini-3.8-flash', { thinkingBudget: 0 })).toMatch(/Thinking budget is not supported/);
	expect(await rejected('gemini-2.5-pro', { thinkingBudget: 0 })).toMatch(/only works in thinking mode/);
});

test('a shut-down model answers 404 NOT_FOUND "no longer available", as the API does, and leaves the list', async () => {
	const retiredFake = await startFakeGoogle({ apiKeys: ['test-key'], retiredModels: ['gemini-2.5-flash'] });
	try {
		const client = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: retiredFake.url } });
		const error = await client.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' }).catch((e) => e);
		expect(error).toBeInstanceOf(ApiError);
		expect(error.status).toBe(404);
		expect(JSON.parse(error.message).error).toEqual({ code: 404, status: 'NOT_FOUND', message: 'This model models/gemini-2.5-flash is no longer available. Please update your code to use a newer model for the latest features and improvements.' });
		const names = [];
		for await (const m of await client.models.list({ config: { pageSize: 50 } })) names.push(m.name);
		expect(names).not.toContain('models/gemini-2.5-flash');
		expect(names).toContain('models/gemini-3.8-flash');
	} finally {
		await retiredFake.close();
	}
});
