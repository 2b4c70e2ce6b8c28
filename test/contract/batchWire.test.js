'use strict';
// Contract (issue #24): our Batch API requests (create, get, cancel) equal what the OFFICIAL
// @google/genai client sends for the same inputs, and the client reads the fake's batch answers
// (state, inlined responses, metadata) the way it reads Google's.
jest.mock('n8n-workflow', () => require('../support/fastSleep').withFastSleep());

const { captureOfficialRequest } = require('../support/captureOfficialRequest');
const { startFakeGoogle } = require('../support/fakeGoogle');
const { httpRequest } = require('../support/executeNode');
const batch = require('../../nodes/shared/gemini/batch');
const { lowThinkingConfig } = require('../../nodes/shared/gemini/catalog');
const { newAccounting } = require('../../nodes/shared/transport/resilientCall');
const { DEFAULT_RETRY_POLICY } = require('../../nodes/shared/transport/retry');

const KEY = 'test-key';
const MODEL = 'gemini-3.8-flash';
const SCHEMA = { type: 'OBJECT', properties: { title: { type: 'STRING' } }, required: ['title'] };
const ITEMS = [
	{ key: 'masters|Budget basics|en', request: { model: MODEL, prompt: 'Write a script', systemInstruction: 'You write scripts', temperature: 0.7, maxOutputTokens: 900, lowThinking: true, responseSchema: SCHEMA } },
	{ key: 'masters|Saving|en', request: { model: MODEL, prompt: 'Another script', topP: 0.9 } },
];

/** The same requests as the official client takes them (its InlinedRequest: contents, config, metadata). */
const officialSource = () =>
	ITEMS.map(({ key, request }) => {
		const config = {};
		if (request.systemInstruction) config.systemInstruction = request.systemInstruction;
		if (request.temperature !== undefined) config.temperature = request.temperature;
		if (request.topP !== undefined) config.topP = request.topP;
		if (request.maxOutputTokens !== undefined) config.maxOutputTokens = request.maxOutputTokens;
		if (request.responseSchema) Object.assign(config, { responseMimeType: 'application/json', responseSchema: request.responseSchema });
		if (request.lowThinking) config.thinkingConfig = lowThinkingConfig(request.model);
		return { contents: request.prompt, config, metadata: { key } };
	});

async function ours(fn) {
	const fake = await startFakeGoogle({ apiKeys: [KEY] });
	try {
		const ctx = { getExecutionCancelSignal: () => undefined, helpers: { httpRequestWithAuthentication: async (_t, options) => await httpRequest({ ...options, headers: { ...options.headers, 'x-goog-api-key': KEY } }) } };
		const credential = { host: fake.url, requestsPerMinute: 0, secrets: [KEY], identity: ['contract'] };
		const settings = { retry: { ...DEFAULT_RETRY_POLICY }, callTimeoutMs: 5000, deadlineAt: Date.now() + 20000, retryInvalidOutput: false, hedge: false };
		await fn(ctx, credential, settings, newAccounting());
		return fake.stats().requests;
	} finally {
		await fake.close();
	}
}

test('create: our batchGenerateContent path and body equal the official client\'s for the same requests', async () => {
	const official = await captureOfficialRequest({ apiKeys: [KEY], clientOptions: { apiVersion: 'v1beta' } }, async (ai) => {
		await ai.batches.create({ model: MODEL, src: officialSource(), config: { displayName: 'economy masters' } });
	});
	expect(official.status).toBe(200);
	const [mine] = await ours(async (ctx, credential, settings, accounting) => {
		await batch.createBatch(ctx, credential, MODEL, 'economy masters', ITEMS, settings, accounting);
	});
	expect(mine.status).toBe(200);
	expect(mine.method).toBe(official.method);
	expect(mine.path).toBe(official.path);
	expect(mine.path).toBe(`/v1beta/models/${MODEL}:batchGenerateContent`);
	expect(mine.headers['x-goog-api-key']).toBe('[redacted]');
	expect(mine.body).toEqual(official.body);
	// And what the official client sent is the REST shape our comments cite.
	expect(official.body.batch.inputConfig.requests.requests[0]).toEqual({
		request: {
			contents: [{ role: 'user', parts: [{ text: 'Write a script' }] }],
			systemInstruction: { role: 'user', parts: [{ text: 'You write scripts' }] },
			generationConfig: { temperature: 0.7, maxOutputTokens: 900, responseMimeType: 'application/json', responseSchema: SCHEMA, thinkingConfig: { thinkingLevel: 'low' } },
		},
		metadata: { key: 'masters|Budget basics|en' },
	});
});

test('get and cancel: same paths as the official client; the client reads the fake\'s finished batch like Google\'s', async () => {
	const official = await captureOfficialRequest({ apiKeys: [KEY], clientOptions: { apiVersion: 'v1beta' } }, async (ai) => {
		const created = await ai.batches.create({ model: MODEL, src: officialSource(), config: { displayName: 'x' } });
		expect(created.state).toBe('JOB_STATE_PENDING');
		const done = await ai.batches.get({ name: created.name });
		expect(done.state).toBe('JOB_STATE_SUCCEEDED');
		const answers = done.dest.inlinedResponses;
		expect(answers.map((a) => a.metadata)).toEqual([{ key: 'masters|Budget basics|en' }, { key: 'masters|Saving|en' }]);
		// Plain objects here, not GenerateContentResponse instances: no `.text` getter.
		const text = (answer) => answer.response.candidates[0].content.parts[0].text;
		expect(JSON.parse(text(answers[0]))).toEqual({ title: expect.any(String) });
		expect(text(answers[1]).length).toBeGreaterThan(10);
		await ai.batches.cancel({ name: created.name });
	});
	expect(official.error).toBeUndefined();
	const [, officialGet, officialCancel] = official.requests;
	const mine = await ours(async (ctx, credential, settings, accounting) => {
		const job = await batch.createBatch(ctx, credential, MODEL, 'x', ITEMS, settings, accounting);
		await batch.getBatch(ctx, credential, job.name, settings, accounting);
		await batch.cancelBatch(ctx, credential, job.name, settings, accounting);
	});
	const id = (path) => path.replace(/batches\/[^/:]+/, 'batches/ID');
	expect([mine[1].method, id(mine[1].path)]).toEqual([officialGet.method, id(officialGet.path)]);
	expect([mine[2].method, id(mine[2].path)]).toEqual([officialCancel.method, id(officialCancel.path)]);
	expect(id(mine[2].path)).toBe('/v1beta/batches/ID:cancel');
	expect(mine[2].body).toEqual(officialCancel.body);
	expect(mine.every((r) => r.status === 200)).toBe(true);
});
