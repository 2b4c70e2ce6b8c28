'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startFakeGoogle } = require('./fakeGoogle');

const KEY = 'test-key';
const GEN = '/v1beta/models/gemini-2.5-flash:generateContent';
const fakes = [];
async function start(options = {}) {
	const fake = await startFakeGoogle({ seed: 42, ...options });
	fakes.push(fake);
	return fake;
}
afterEach(async () => {
	await Promise.all(fakes.splice(0).map((f) => f.close()));
});

async function call(fake, p, body, { key = KEY, method = body === undefined ? 'GET' : 'POST', signal, raw } = {}) {
	const headers = { 'content-type': 'application/json' };
	if (key) headers['x-goog-api-key'] = key;
	const res = await fetch(fake.url + p, { method, headers, signal, body: body === undefined ? undefined : raw ? body : JSON.stringify(body) });
	const text = await res.text();
	let json;
	try { json = JSON.parse(text); } catch { json = undefined; }
	return { status: res.status, headers: res.headers, text, json };
}
const prompt = (text, generationConfig) => ({ contents: [{ role: 'user', parts: [{ text }] }], ...(generationConfig ? { generationConfig } : {}) });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(predicate, ms = 1000) {
	for (const end = Date.now() + ms; !predicate() && Date.now() < end;) await sleep(5);
	return predicate();
}

// Minimal validator for Gemini's OpenAPI-subset schema and JSON Schema; returns a list of errors.
function schemaErrors(value, schema, at = '$', errs = []) {
	const type = String(Array.isArray(schema.type) ? schema.type[0] : schema.type || '').toLowerCase();
	if (schema.enum && !schema.enum.includes(value)) errs.push(`${at}: not in enum`);
	if (type === 'object') {
		if (!value || typeof value !== 'object' || Array.isArray(value)) return errs.concat(`${at}: not an object`);
		for (const k of schema.required || []) if (!(k in value)) errs.push(`${at}.${k}: missing`);
		for (const [k, v] of Object.entries(value)) {
			if (!schema.properties || !schema.properties[k]) errs.push(`${at}.${k}: unexpected`);
			else schemaErrors(v, schema.properties[k], `${at}.${k}`, errs);
		}
	} else if (type === 'array') {
		if (!Array.isArray(value)) return errs.concat(`${at}: not an array`);
		if (schema.minItems !== undefined && value.length < Number(schema.minItems)) errs.push(`${at}: too few items`);
		if (schema.maxItems !== undefined && value.length > Number(schema.maxItems)) errs.push(`${at}: too many items`);
		value.forEach((v, i) => schemaErrors(v, schema.items, `${at}[${i}]`, errs));
	} else if (type === 'string') {
		if (typeof value !== 'string') errs.push(`${at}: not a string`);
		else if (schema.maxLength !== undefined && value.length > Number(schema.maxLength)) errs.push(`${at}: too long`);
		else if (schema.minLength !== undefined && value.length < Number(schema.minLength)) errs.push(`${at}: too short`);
	} else if (type === 'integer' || type === 'number') {
		if (typeof value !== 'number' || (type === 'integer' && !Number.isInteger(value))) errs.push(`${at}: not a ${type}`);
		else if ((schema.minimum !== undefined && value < schema.minimum) || (schema.maximum !== undefined && value > schema.maximum)) errs.push(`${at}: out of range`);
	} else if (type === 'boolean' && typeof value !== 'boolean') errs.push(`${at}: not a boolean`);
	return errs;
}

const MISSIONS = {
	type: 'OBJECT',
	properties: {
		campaign: { type: 'STRING' },
		missions: {
			type: 'ARRAY', minItems: 4, maxItems: 4,
			items: {
				type: 'object',
				properties: {
					title: { type: 'STRING', maxLength: 80 },
					summary: { type: 'STRING' },
					difficulty: { type: 'INTEGER', minimum: 1, maximum: 5 },
					reward: { type: 'NUMBER', minimum: 10, maximum: 20 },
					kind: { type: 'STRING', enum: ['RESCUE', 'ESCORT', 'SURVEY'] },
					optional: { type: 'BOOLEAN' },
					steps: { type: 'ARRAY', minItems: '2', maxItems: '3', items: { type: 'STRING' } },
				},
				required: ['title', 'summary', 'difficulty', 'kind', 'steps'],
				propertyOrdering: ['title', 'kind', 'difficulty', 'summary', 'steps'],
			},
		},
	},
	required: ['campaign', 'missions'],
};
const jsonMode = (schema) => ({ responseMimeType: 'application/json', responseSchema: schema });
const partsOf = (json) => json.candidates[0].content.parts;

describe('Gemini API shapes', () => {
	test('models list paginates and get returns a model; unknown model is 404 NOT_FOUND', async () => {
		const fake = await start();
		const all = await call(fake, '/v1beta/models');
		const names = all.json.models.map((m) => m.name);
		expect(names).toEqual(expect.arrayContaining(['models/gemini-2.5-flash', 'models/gemini-2.5-pro', 'models/gemini-2.5-flash-lite', 'models/gemini-2.5-flash-preview-tts', 'models/gemini-2.5-pro-preview-tts', 'models/text-embedding-004', 'models/gemini-embedding-001']));
		for (const m of all.json.models) expect(m).toEqual(expect.objectContaining({ displayName: expect.any(String), supportedGenerationMethods: expect.any(Array), inputTokenLimit: expect.any(Number), outputTokenLimit: expect.any(Number) }));
		const paged = [];
		let token;
		do {
			const page = await call(fake, `/v1beta/models?pageSize=3${token ? `&pageToken=${token}` : ''}`);
			expect(page.json.models.length).toBeLessThanOrEqual(3);
			paged.push(...page.json.models);
			token = page.json.nextPageToken;
		} while (token);
		expect(paged.map((m) => m.name)).toEqual(names);
		expect(Math.ceil(names.length / 3)).toBeGreaterThan(2);
		const one = await call(fake, '/v1/models/gemini-2.5-pro');
		expect(one.json.name).toBe('models/gemini-2.5-pro');
		const missing = await call(fake, '/v1beta/models/gemini-9:generateContent', prompt('hi'));
		expect(missing.status).toBe(404);
		expect(missing.json.error).toMatchObject({ code: 404, status: 'NOT_FOUND' });
		expect((await call(fake, '/v1beta/nothing')).json.error.status).toBe('NOT_FOUND');
	});

	test('generateContent text response has Google envelope and consistent usage', async () => {
		const fake = await start();
		const r = await call(fake, GEN, prompt('Describe the lighthouse festival in the harbor'));
		expect(r.status).toBe(200);
		expect(r.headers.get('content-type')).toMatch(/^application\/json/);
		const c = r.json.candidates[0];
		expect(c).toMatchObject({ content: { role: 'model', parts: [{ text: expect.any(String) }] }, finishReason: 'STOP', index: 0 });
		expect(c.content.parts[0].text.length).toBeGreaterThan(20);
		const u = r.json.usageMetadata;
		expect(u.totalTokenCount).toBe(u.promptTokenCount + u.candidatesTokenCount + (u.thoughtsTokenCount || 0));
		expect(r.json.modelVersion).toBe('gemini-2.5-flash');
		expect(r.json.responseId).toEqual(expect.any(String));
	});

	test('maxOutputTokens truncates with MAX_TOKENS; thinking budget 0 on flash-lite has no thoughts', async () => {
		const fake = await start();
		const r = await call(fake, '/v1beta/models/gemini-2.5-flash-lite:generateContent', prompt('Tell a story', { maxOutputTokens: 3 }));
		expect(r.json.candidates[0].finishReason).toBe('MAX_TOKENS');
		expect(r.json.usageMetadata.thoughtsTokenCount).toBeUndefined();
		expect(r.json.candidates[0].content.parts[0].text.length).toBeLessThanOrEqual(12);
	});

	test('malformed requests get 400 INVALID_ARGUMENT', async () => {
		const fake = await start();
		const cases = [
			[{ generationConfig: {} }, /contents is not specified/],
			[{ contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] }, /valid role/],
			[{ contents: [{ parts: [] }] }, /must not be empty/],
			[{ ...prompt('x'), generation_config: { temprature: 1 } }, /Unknown name "temprature"/],
			[{ ...prompt('x'), foo: 1 }, /Unknown name "foo"/],
			[{ ...prompt('x'), systemInstruction: 'be nice' }, /Invalid value at 'system_instruction'/],
		];
		for (const [body, message] of cases) {
			const r = await call(fake, GEN, body);
			expect(r.status).toBe(400);
			expect(r.json.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', message: expect.stringMatching(message) });
		}
		const bad = await call(fake, GEN, '{"contents": [', { raw: true });
		expect(bad.json.error.status).toBe('INVALID_ARGUMENT');
	});

	test('JSON mode conforms to a nested schema with minItems = maxItems = 4, across seeds', async () => {
		for (const seed of [1, 2, 3, 4, 5]) {
			const fake = await start({ seed });
			const r = await call(fake, GEN, prompt('Create missions', jsonMode(MISSIONS)));
			const value = JSON.parse(partsOf(r.json)[0].text);
			expect(schemaErrors(value, MISSIONS)).toEqual([]);
			expect(value.missions).toHaveLength(4);
			expect(Object.keys(value.missions[0]).slice(0, 3)).toEqual(['title', 'kind', 'difficulty']);
			expect(new Set(value.missions.map((m) => m.title)).size).toBe(4);
		}
	});

	test('responseJsonSchema (JSON Schema with $defs) keeps declared key order; generateJson overrides', async () => {
		const schema = { type: 'object', properties: { zeta: { type: 'integer', minimum: 3, maximum: 3 }, alpha: { $ref: '#/$defs/item' } }, required: ['zeta', 'alpha'], $defs: { item: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 2 } } };
		const fake = await start();
		const r = await call(fake, GEN, prompt('x', { responseMimeType: 'application/json', responseJsonSchema: schema }));
		const value = JSON.parse(partsOf(r.json)[0].text);
		expect(Object.keys(value)).toEqual(['zeta', 'alpha']);
		expect(value.zeta).toBe(3);
		expect(value.alpha).toEqual([expect.any(String), expect.any(String)]);
		fake.configure({ generateJson: (s, body) => ({ echoed: body.contents[0].parts[0].text, type: s.type }) });
		const o = await call(fake, GEN, prompt('hello', jsonMode({ type: 'OBJECT' })));
		expect(JSON.parse(partsOf(o.json)[0].text)).toEqual({ echoed: 'hello', type: 'OBJECT' });
	});

	test('duplicateRate > 0 yields repeated strings; 0 keeps titles distinct', async () => {
		const schema = { type: 'ARRAY', minItems: 6, maxItems: 6, items: { type: 'OBJECT', properties: { title: { type: 'STRING' } }, required: ['title'] } };
		const titles = async (fake) => {
			const out = [];
			for (let i = 0; i < 3; i++) out.push(...JSON.parse(partsOf((await call(fake, GEN, prompt(`batch ${i}`, jsonMode(schema)))).json)[0].text).map((m) => m.title));
			return out;
		};
		const distinct = await titles(await start({ duplicateRate: 0 }));
		expect(new Set(distinct).size).toBe(18);
		const repeated = await titles(await start({ duplicateRate: 0.8 }));
		expect(new Set(repeated).size).toBeLessThan(12);
	});

	test('same seed → same output; different seed → different output; repeats differ', async () => {
		const run = async (seed) => {
			const fake = await start({ seed });
			const a = await call(fake, GEN, prompt('Write about rivers', jsonMode(MISSIONS)));
			const b = await call(fake, GEN, prompt('Write about rivers', jsonMode(MISSIONS)));
			return [partsOf(a.json)[0].text, partsOf(b.json)[0].text, a.json.responseId];
		};
		const [x, y, z] = [await run(7), await run(7), await run(8)];
		expect(x).toEqual(y);
		expect(x[0]).not.toEqual(x[1]);
		expect(z[0]).not.toEqual(x[0]);
	});
});

describe('authentication and stats', () => {
	test('missing key 403 PERMISSION_DENIED, unknown key 400 API_KEY_INVALID, ?key= accepted, keys never stored', async () => {
		const fake = await start({ apiKeys: ['k-zero', 'secret-key-1'] });
		const none = await call(fake, GEN, prompt('x'), { key: null });
		expect(none.status).toBe(403);
		expect(none.json.error.status).toBe('PERMISSION_DENIED');
		const wrong = await call(fake, GEN, prompt('x'), { key: 'nope' });
		expect(wrong.status).toBe(400);
		expect(wrong.json.error).toMatchObject({ status: 'INVALID_ARGUMENT', details: [expect.objectContaining({ reason: 'API_KEY_INVALID' }), expect.anything()] });
		const viaQuery = await call(fake, `${GEN}?key=secret-key-1`, prompt('x'), { key: null });
		expect(viaQuery.status).toBe(200);
		const s = fake.stats();
		expect(Object.keys(s.perKeyTimestamps)).toEqual(['key#1']);
		expect(JSON.stringify(s)).not.toMatch(/secret-key-1|k-zero/);
		expect(s.requests[2].path).toBe(GEN);
		fake.configure({ rejectStatus: 401 });
		expect((await call(fake, GEN, prompt('x'), { key: 'nope' })).json.error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });
	});

	test('stats record route, model, body and redacted headers; reset clears them', async () => {
		const fake = await start({ maxRequestsKept: 2 });
		await call(fake, '/v1beta/models');
		await call(fake, GEN, prompt('a'));
		await call(fake, GEN, prompt('b'));
		const s = fake.stats();
		expect(s.calls).toBe(3);
		expect(s.byRoute).toEqual({ listModels: 1, generateContent: 2 });
		expect(s.requests).toHaveLength(2);
		expect(s.requests[1]).toMatchObject({ route: 'generateContent', model: 'gemini-2.5-flash', status: 200, body: prompt('b') });
		expect(s.requests[1].headers['x-goog-api-key']).toBe('[redacted]');
		fake.reset();
		expect(fake.stats()).toMatchObject({ calls: 0, requests: [], perKeyTimestamps: {} });
	});
});

describe('fault injection', () => {
	test('rate429 → 429 RESOURCE_EXHAUSTED with Retry-After and RetryInfo', async () => {
		const fake = await start({ faults: { rate429: 1, retryAfterSeconds: 3, retryInfoDelay: '3s' } });
		const r = await call(fake, GEN, prompt('x'));
		expect(r.status).toBe(429);
		expect(r.headers.get('retry-after')).toBe('3');
		expect(r.json.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
		expect(r.json.error.details).toContainEqual({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '3s' });
	});

	test('rate500 → 500 INTERNAL, rate503 → 503 UNAVAILABLE, rates mix', async () => {
		const fake = await start({ faults: { rate500: 1 } });
		expect((await call(fake, GEN, prompt('x'))).json.error).toMatchObject({ code: 500, status: 'INTERNAL' });
		fake.configure({ faults: { rate500: 0, rate503: 1 } });
		expect((await call(fake, GEN, prompt('x'))).json.error).toMatchObject({ code: 503, status: 'UNAVAILABLE' });
		fake.configure({ faults: { rate503: 0.5 } });
		const statuses = [];
		for (let i = 0; i < 30; i++) statuses.push((await call(fake, GEN, prompt(`x${i}`))).status);
		expect(statuses).toContain(200);
		expect(statuses).toContain(503);
	});

	test('hang never answers; the client aborts cleanly and close() is immediate', async () => {
		const fake = await start({ faults: { rateHang: 1 } });
		const t0 = Date.now();
		await expect(call(fake, GEN, prompt('x'), { signal: AbortSignal.timeout(150) })).rejects.toThrow(/abort|timeout/i);
		expect(Date.now() - t0).toBeLessThan(1000);
		expect(await waitFor(() => fake.stats().inFlight === 0)).toBe(true);
		const pending = call(fake, GEN, prompt('y')).catch((e) => e);
		expect(await waitFor(() => fake.stats().inFlight === 1)).toBe(true);
		const t1 = Date.now();
		await fake.close();
		expect(Date.now() - t1).toBeLessThan(500);
		expect(String(await pending)).toMatch(/fetch failed|terminated|socket|closed/i);
	});

	test('malformed: invalid JSON text inside a valid envelope (JSON mode), truncated body otherwise', async () => {
		const fake = await start({ faults: { rateMalformed: 1 } });
		const r = await call(fake, GEN, prompt('x', jsonMode(MISSIONS)));
		expect(r.status).toBe(200);
		expect(() => JSON.parse(partsOf(r.json)[0].text)).toThrow();
		const t = await call(fake, GEN, prompt('x'));
		expect(t.status).toBe(200);
		expect(t.json).toBeUndefined();
	});

	test('schema violation returns parseable JSON that breaks the schema', async () => {
		const fake = await start({ faults: { rateSchemaViolation: 1 } });
		for (let i = 0; i < 5; i++) {
			const r = await call(fake, GEN, prompt(`x${i}`, jsonMode(MISSIONS)));
			expect(schemaErrors(JSON.parse(partsOf(r.json)[0].text), MISSIONS).length).toBeGreaterThan(0);
		}
	});

	test('empty candidates: blocked prompt or SAFETY candidate without parts', async () => {
		const fake = await start({ faults: { rateEmptyCandidates: 1 } });
		const kinds = new Set();
		for (let i = 0; i < 12; i++) {
			const { json } = await call(fake, GEN, prompt(`x${i}`));
			if (json.candidates.length === 0) {
				expect(json.promptFeedback.blockReason).toBe('OTHER');
				kinds.add('blocked');
			} else {
				expect(json.candidates[0].finishReason).toBe('SAFETY');
				expect(json.candidates[0].content).toBeUndefined();
				kinds.add('safety');
			}
		}
		expect(kinds).toEqual(new Set(['blocked', 'safety']));
	});

	test('script() queues deterministic responses for matching paths only', async () => {
		const fake = await start();
		fake.script(':generateContent', [{ status: 429, headers: { 'retry-after': '2' } }, { status: 200 }, { malformed: true, status: 200 }, { status: 418, body: { custom: true } }, { hang: true }]);
		const a = await call(fake, GEN, prompt('x'));
		expect(a.status).toBe(429);
		expect(a.headers.get('retry-after')).toBe('2');
		expect(a.json.error.details).toContainEqual({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' });
		expect((await call(fake, '/v1beta/models')).status).toBe(200);
		expect((await call(fake, GEN, prompt('x'))).json.candidates).toHaveLength(1);
		expect((await call(fake, GEN, prompt('x'))).json).toBeUndefined();
		expect(await call(fake, GEN, prompt('x'))).toMatchObject({ status: 418, json: { custom: true } });
		await expect(call(fake, GEN, prompt('x'), { signal: AbortSignal.timeout(100) })).rejects.toThrow();
		expect((await call(fake, GEN, prompt('x'))).status).toBe(200);
		expect(fake.stats().scriptsPending).toBe(0);
	});

	test('rpm quota per key over a sliding window', async () => {
		const fake = await start({ apiKeys: ['a', 'b'], rpmPerKey: 3, windowMs: 300 });
		const statuses = [];
		for (let i = 0; i < 4; i++) statuses.push((await call(fake, GEN, prompt(`q${i}`), { key: 'a' })).status);
		expect(statuses).toEqual([200, 200, 200, 429]);
		const limited = await call(fake, GEN, prompt('q'), { key: 'a' });
		expect(limited.headers.get('retry-after')).toBe('1');
		expect(limited.json.error.details.map((d) => d['@type'])).toEqual(expect.arrayContaining(['type.googleapis.com/google.rpc.QuotaFailure', 'type.googleapis.com/google.rpc.RetryInfo']));
		expect((await call(fake, GEN, prompt('q'), { key: 'b' })).status).toBe(200);
		await sleep(320);
		expect((await call(fake, GEN, prompt('q'), { key: 'a' })).status).toBe(200);
		expect(fake.stats().perKeyTimestamps['key#0']).toHaveLength(6);
	});

	test('maxConcurrency rejects requests beyond the limit and tracks maxConcurrencySeen; latency applies', async () => {
		const fake = await start({ maxConcurrency: 2, latencyMs: 150 });
		const t0 = Date.now();
		const results = await Promise.all([0, 1, 2, 3, 4].map((i) => call(fake, GEN, prompt(`c${i}`))));
		expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
		expect(results.map((r) => r.status).sort()).toEqual([200, 200, 429, 429, 429]);
		expect(fake.stats().maxConcurrencySeen).toBeGreaterThanOrEqual(3); // rejected requests answer at once
		expect(fake.stats().maxConcurrencySeen).toBeLessThanOrEqual(5);
		fake.configure({ concurrencyStatus: 503, latencyMs: 60 });
		const again = await Promise.all([0, 1, 2].map((i) => call(fake, GEN, prompt(`d${i}`))));
		expect(again.map((r) => r.status).sort()).toEqual([200, 200, 503]);
	});
});

describe('embeddings', () => {
	const cos = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0);
	const embed = async (fake, text, model = 'text-embedding-004') => (await call(fake, `/v1beta/models/${model}:embedContent`, { model: `models/${model}`, content: { parts: [{ text }] } })).json.embedding.values;

	test('embedContent is deterministic, normalised, 768-d and similarity-preserving', async () => {
		const fake = await start();
		const a = await embed(fake, 'The brave knight rescues the village');
		expect(a).toHaveLength(768);
		expect(cos(a, a)).toBeCloseTo(1, 5);
		expect(await embed(fake, 'The brave knight rescues the village')).toEqual(a);
		const near = await embed(fake, 'A brave knight rescued the villagers');
		const far = await embed(fake, 'Quarterly tax filing deadline for corporations');
		expect(cos(a, near)).toBeGreaterThan(cos(a, far) + 0.2);
		expect(await embed(fake, 'x', 'gemini-embedding-001')).toHaveLength(3072);
		expect((await call(fake, '/v1beta/models/gemini-2.5-flash:embedContent', { content: { parts: [{ text: 'x' }] } })).status).toBe(404);
	});

	test('batchEmbedContents returns one embedding per request and validates models', async () => {
		const fake = await start();
		const P = '/v1beta/models/gemini-embedding-001:batchEmbedContents';
		const reqs = ['one', 'two', 'three'].map((text) => ({ model: 'models/gemini-embedding-001', content: { parts: [{ text }] }, outputDimensionality: 256 }));
		const r = await call(fake, P, { requests: reqs });
		expect(r.json.embeddings).toHaveLength(3);
		expect(r.json.embeddings[2].values).toHaveLength(256);
		expect(r.json.embeddings[0].values).toEqual(await (async () => (await call(fake, P, { requests: [reqs[0]] })).json.embeddings[0].values)());
		expect((await call(fake, P, { requests: [{ ...reqs[0], model: 'models/text-embedding-004' }] })).status).toBe(400);
		expect((await call(fake, P, { requests: [] })).status).toBe(400);
	});
});

describe('speech', () => {
	const synth = (fake, text, audioConfig = { audioEncoding: 'MP3' }, voice = { languageCode: 'en-US' }) => call(fake, '/v1/text:synthesize', { input: { text }, voice, audioConfig });
	const audioOf = (r) => Buffer.from(r.json.audioContent, 'base64');
	// file(1) is installed by the project's system-deps step (scripts/runtime/systemDeps.cjs), so
	// these checks always run; without it they fail rather than pass unseen.
	const fileType = (buf) => {
		const p = path.join(os.tmpdir(), `fake-google-${process.pid}-${Date.now()}`);
		fs.writeFileSync(p, buf);
		try { return execFileSync('file', ['-b', p]).toString(); } finally { fs.unlinkSync(p); }
	};

	test('Gemini TTS returns 24 kHz L16 PCM inline data whose length grows with the text', async () => {
		const fake = await start();
		const tts = (text) => call(fake, '/v1beta/models/gemini-2.5-flash-preview-tts:generateContent', { contents: [{ role: 'user', parts: [{ text }] }], generationConfig: { responseModalities: ['AUDIO'], speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } } } });
		const short = await tts('Hello there, traveller.');
		const part = partsOf(short.json)[0];
		expect(part.inlineData.mimeType).toBe('audio/L16;codec=pcm;rate=24000');
		const pcm = Buffer.from(part.inlineData.data, 'base64');
		expect(pcm.length % 2).toBe(0);
		expect(pcm.readInt16LE(200)).not.toBe(0);
		const long = Buffer.from(partsOf((await tts('Hello there, traveller. '.repeat(4))).json)[0].inlineData.data, 'base64');
		expect(long.length / pcm.length).toBeGreaterThan(3);
		expect(short.json.candidates[0].finishReason).toBe('STOP');
		const wrongModality = await call(fake, '/v1beta/models/gemini-2.5-flash-preview-tts:generateContent', prompt('x'));
		expect(wrongModality.json.error.message).toMatch(/response modalities/);
	});

	test('LINEAR16 is a valid WAV (RIFF header + PCM)', async () => {
		const fake = await start();
		const wav = audioOf(await synth(fake, 'Olá, tudo bem?', { audioEncoding: 'LINEAR16', sampleRateHertz: 16000 }, { languageCode: 'pt-BR', name: 'pt-BR-Standard-A' }));
		expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
		expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
		expect(wav.toString('ascii', 8, 16)).toBe('WAVEfmt ');
		expect([wav.readUInt16LE(20), wav.readUInt16LE(22), wav.readUInt32LE(24), wav.readUInt16LE(34)]).toEqual([1, 1, 16000, 16]);
		expect(wav.readUInt32LE(28)).toBe(32000);
		expect(wav.toString('ascii', 36, 40)).toBe('data');
		expect(wav.readUInt32LE(40)).toBe(wav.length - 44);
		expect(fileType(wav)).toMatch(/WAVE audio.*PCM.*16 bit.*mono 16000 Hz/);
	});

	test('MP3 is a chain of valid MPEG Layer III frames with duration proportional to text', async () => {
		const fake = await start();
		const BITRATES = { 3: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320], 2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160] };
		const RATES = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000] };
		const walk = (buf) => {
			let off = 0, frames = 0, seconds = 0, rate;
			while (off < buf.length) {
				expect(buf[off]).toBe(0xff);
				expect(buf[off + 1] & 0xe0).toBe(0xe0);
				const ver = (buf[off + 1] >> 3) & 3;
				expect((buf[off + 1] >> 1) & 3).toBe(1); // layer III
				const br = BITRATES[ver][buf[off + 2] >> 4] * 1000;
				rate = RATES[ver][(buf[off + 2] >> 2) & 3];
				const len = Math.floor(((ver === 3 ? 144 : 72) * br) / rate) + ((buf[off + 2] >> 1) & 1);
				off += len;
				frames++;
				seconds += (ver === 3 ? 1152 : 576) / rate;
			}
			expect(off).toBe(buf.length);
			return { frames, seconds, rate };
		};
		const short = walk(audioOf(await synth(fake, 'Short sentence here.')));
		expect(short.rate).toBe(24000);
		const text = 'A much longer sentence that keeps going for a while. '.repeat(5);
		const long = walk(audioOf(await synth(fake, text)));
		expect(long.seconds).toBeCloseTo(text.length / 15, 0);
		expect(long.frames).toBeGreaterThan(short.frames * 5);
		const cd = audioOf(await synth(fake, text, { audioEncoding: 'MP3', sampleRateHertz: 44100 }));
		expect(walk(cd).rate).toBe(44100);
		expect(fileType(cd)).toMatch(/MPEG ADTS, layer III, v1.*44\.1 kHz/);
		const ogg = audioOf(await synth(fake, 'opus please', { audioEncoding: 'OGG_OPUS' }));
		expect(ogg.toString('ascii', 0, 4)).toBe('OggS');
		expect(ogg.toString('ascii', 28, 36)).toBe('OpusHead');
	});

	test('input over 5000 UTF-8 bytes is 400 with Google message; byte (not char) counted', async () => {
		const fake = await start();
		expect((await synth(fake, 'a'.repeat(5000))).status).toBe(200);
		expect((await synth(fake, 'ã'.repeat(2500))).status).toBe(200);
		const r = await synth(fake, 'ã'.repeat(2501));
		expect(r.status).toBe(400);
		expect(r.json.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
		expect(r.json.error.message).toMatch(/^Either `input.text` or `input.ssml` is longer than the limit of 5000 bytes/);
		const ssml = await call(fake, '/v1/text:synthesize', { input: { ssml: `<speak>${'b'.repeat(4990)}</speak>` }, voice: { languageCode: 'en-US' }, audioConfig: { audioEncoding: 'MP3' } });
		expect(ssml.status).toBe(400);
		expect((await synth(fake, 'hi', { audioEncoding: 'MP3' }, { languageCode: 'en-US', name: 'en-US-Nope-Z' })).status).toBe(400);
		expect((await synth(fake, 'hi', {})).status).toBe(400);
	});

	test('voices list filters by language', async () => {
		const fake = await start();
		for (const lang of ['en-US', 'pt-BR', 'es-ES', 'fr-FR', 'de-DE']) {
			const { json } = await call(fake, `/v1/voices?languageCode=${lang}`);
			expect(json.voices.length).toBeGreaterThan(2);
			for (const v of json.voices) expect(v).toEqual({ languageCodes: [lang], name: expect.stringMatching(new RegExp(`^${lang}-`)), ssmlGender: expect.stringMatching(/^(MALE|FEMALE)$/), naturalSampleRateHertz: 24000 });
		}
		expect((await call(fake, '/v1/voices')).json.voices.length).toBeGreaterThan(40);
	});
});

describe('models of today: thinking rules, retired models, 3.8 speech', () => {
	const gen = (fake, model, generationConfig) => call(fake, `/v1beta/models/${model}:generateContent`, prompt('Plan the lighthouse festival', generationConfig));
	const thinking = (thinkingConfig) => ({ thinkingConfig });

	test('thinkingConfig is checked per model with the API wording; accepted levels shape thought tokens', async () => {
		const fake = await start();
		const message = async (model, config) => {
			const r = await gen(fake, model, thinking(config));
			expect([model, r.status, r.json.error.status]).toEqual([model, 400, 'INVALID_ARGUMENT']);
			return r.json.error.message;
		};
		expect(await message('gemini-3.8-flash', { thinkingLevel: 'low', thinkingBudget: 0 })).toBe('You can only set only one of thinking budget and thinking level.');
		expect(await message('gemini-3.8-flash', { thinkingLevel: 'minimal' })).toBe('Thinking level MINIMAL is not supported for this model. Please retry with other thinking level.');
		expect(await message('gemini-3.1-pro-preview', { thinking_level: 'MINIMAL' })).toMatch(/MINIMAL is not supported/);
		expect(await message('gemini-2.5-flash', { thinkingLevel: 'low' })).toBe('Thinking level is not supported for this model.');
		expect(await message('gemini-3.8-flash', { thinkingLevel: 'tiny' })).toMatch(/^Invalid value at 'generation_config.thinking_config.thinking_level'/);
		expect(await message('gemini-3.5-flash', { thinkingBudget: 1024 })).toMatch(/Thinking budget is not supported for this model/);
		expect(await message('gemini-2.5-pro', { thinkingBudget: 0 })).toMatch(/only works in thinking mode/);
		expect(await message('gemini-2.5-flash-lite', { thinkingBudget: 100 })).toBe('The thinking budget (100) is invalid.');

		// Accepted: levels on 3.x (either case), a budget on 2.5 and, for compatibility, on 3.1.
		for (const [model, config] of [['gemini-3.8-flash', { thinkingLevel: 'LOW' }], ['gemini-3.6-flash', { thinkingLevel: 'minimal' }], ['gemini-3.1-flash-lite', { thinkingBudget: 0 }], ['gemini-2.5-flash-lite', { thinkingBudget: 512 }], ['gemini-2.5-pro', { thinkingBudget: -1 }]]) {
			expect([model, (await gen(fake, model, thinking(config))).status]).toEqual([model, 200]);
		}
		const thoughts = async (model, config) => (await gen(fake, model, config && thinking(config))).json.usageMetadata.thoughtsTokenCount || 0;
		expect(await thoughts('gemini-3.6-flash', { thinkingLevel: 'minimal' })).toBe(0);
		expect(await thoughts('gemini-3.8-flash', { thinkingLevel: 'low' })).toBeGreaterThan(0);
		expect(await thoughts('gemini-3.8-flash', { thinkingLevel: 'low' })).toBeLessThanOrEqual(16 + 96);
		expect(await thoughts('gemini-3.5-flash-lite')).toBe(0); // its default level is minimal
		expect(await thoughts('gemini-3.8-flash')).toBeGreaterThan(0); // default medium
	});

	test('retiredModels: 404 NOT_FOUND with the API message on every route, out of the list; an override answers as configured', async () => {
		const fake = await start({ retiredModels: { 'gemini-2.5-flash': { message: 'This model models/gemini-2.5-flash is no longer available to new users. Please update your code to use a newer model for the latest features and improvements.' }, 'gemini-2.5-pro': { status: 503, message: 'no available channels for model gemini-2.5-pro' } } });
		const flash = await gen(fake, 'gemini-2.5-flash');
		expect(flash.status).toBe(404);
		expect(flash.json.error).toMatchObject({ code: 404, status: 'NOT_FOUND', message: expect.stringMatching(/^This model models\/gemini-2\.5-flash is no longer available to new users\./) });
		expect((await call(fake, '/v1beta/models/gemini-2.5-flash:countTokens', prompt('x'))).status).toBe(404);
		const pro = await gen(fake, 'gemini-2.5-pro');
		expect(pro.json.error).toMatchObject({ code: 503, status: 'UNAVAILABLE', message: 'no available channels for model gemini-2.5-pro' });
		const names = (await call(fake, '/v1beta/models?pageSize=100')).json.models.map((m) => m.name);
		expect(names).not.toEqual(expect.arrayContaining(['models/gemini-2.5-flash']));
		expect(names).not.toContain('models/gemini-2.5-pro');
		expect(names).toContain('models/gemini-3.8-flash');
		fake.configure({ retiredModels: [] });
		expect((await gen(fake, 'gemini-2.5-flash')).status).toBe(200);
	});

	test('the 3.8 speech models answer WAV (RIFF, 24 kHz mono 16-bit); the 2.5 previews raw PCM', async () => {
		const fake = await start();
		const speak = (model) => call(fake, `/v1beta/models/${model}:generateContent`, { contents: [{ role: 'user', parts: [{ text: 'Good morning, crew.' }] }], generationConfig: { responseModalities: ['AUDIO'], speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } } } });
		for (const model of ['gemini-3.8-flash-tts', 'gemini-3.8-flash-lite-tts']) {
			const part = partsOf((await speak(model)).json)[0];
			expect(part.inlineData.mimeType).toBe('audio/wav');
			const wav = Buffer.from(part.inlineData.data, 'base64');
			expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
			expect([wav.readUInt16LE(22), wav.readUInt32LE(24), wav.readUInt16LE(34)]).toEqual([1, 24000, 16]);
		}
		expect(partsOf((await speak('gemini-3.1-flash-tts-preview')).json)[0].inlineData.mimeType).toBe('audio/L16;codec=pcm;rate=24000');
	});
});

describe('Batch API (issue #24)', () => {
	const BATCH = '/v1beta/models/gemini-2.5-flash:batchGenerateContent';
	const inline = (texts, generationConfig) => ({
		batch: {
			displayName: 'missions',
			inputConfig: { requests: { requests: texts.map((text, i) => ({ request: prompt(text, generationConfig), metadata: { key: `k${i}` } })) } },
		},
	});
	const id = (op) => op.name.slice('batches/'.length);

	test('create answers an Operation in PENDING; get moves PENDING → RUNNING → SUCCEEDED over the configured time', async () => {
		const fake = await start({ apiKeys: [KEY], batch: { pendingMs: 60, runningMs: 60 } });
		const created = await call(fake, BATCH, inline(['one', 'two', 'three']));
		expect(created.status).toBe(200);
		expect(created.json.name).toMatch(/^batches\/[a-z0-9]+$/);
		expect(created.json.done).toBeUndefined();
		expect(created.json.metadata).toMatchObject({ state: 'BATCH_STATE_PENDING', model: 'models/gemini-2.5-flash', displayName: 'missions', batchStats: { requestCount: '3', pendingRequestCount: '3' }, name: created.json.name });
		const states = [];
		for (const end = Date.now() + 2000; Date.now() < end;) {
			const got = await call(fake, `/v1beta/${created.json.name}`);
			states.push(got.json.metadata.state);
			if (got.json.done) break;
			await sleep(15);
		}
		expect([...new Set(states)]).toEqual(['BATCH_STATE_PENDING', 'BATCH_STATE_RUNNING', 'BATCH_STATE_SUCCEEDED']);
		const done = await call(fake, `/v1/batches/${id(created.json)}`);
		expect(done.json.done).toBe(true);
		const answers = done.json.response.inlinedResponses.inlinedResponses;
		expect(answers).toHaveLength(3);
		expect(done.json.metadata.output.inlinedResponses.inlinedResponses).toEqual(answers);
		expect(answers.map((a) => a.metadata)).toEqual([{ key: 'k0' }, { key: 'k1' }, { key: 'k2' }]);
		for (const a of answers) expect(partsOf(a.response)[0].text.length).toBeGreaterThan(10);
		expect(done.json.metadata.batchStats).toEqual({ requestCount: '3', successfulRequestCount: '3' });
		expect(fake.stats().byRoute).toMatchObject({ batchGenerateContent: 1, getBatch: expect.any(Number) });
	});

	test('answers come from the same generator as generateContent: JSON mode follows the schema', async () => {
		const fake = await start({ apiKeys: [KEY] });
		const created = await call(fake, BATCH, inline(['a', 'b'], jsonMode(MISSIONS)));
		const done = await call(fake, `/v1beta/${created.json.name}`);
		for (const a of done.json.response.inlinedResponses.inlinedResponses) {
			expect(schemaErrors(JSON.parse(partsOf(a.response)[0].text), MISSIONS)).toEqual([]);
			expect(a.response.usageMetadata.candidatesTokenCount).toBeGreaterThan(0);
		}
	});

	test('partial failures: failRequests and failRate give per-request errors, counted in batchStats; metadata can be left out', async () => {
		const fake = await start({ apiKeys: [KEY], batch: { failRequests: [1], echoMetadata: false } });
		const created = await call(fake, BATCH, inline(['a', 'b', 'c']));
		const done = await call(fake, `/v1beta/${created.json.name}`);
		const answers = done.json.response.inlinedResponses.inlinedResponses;
		expect(answers[1]).toEqual({ error: { code: 500, message: expect.any(String), status: 'INTERNAL' } });
		expect(answers[0].response).toBeDefined();
		expect(answers.every((a) => a.metadata === undefined)).toBe(true);
		expect(done.json.metadata.batchStats).toEqual({ requestCount: '3', successfulRequestCount: '2', failedRequestCount: '1' });

		fake.configure({ batch: { failRate: 1, failRequests: [], echoMetadata: true } });
		const all = await call(fake, `/v1beta/${(await call(fake, BATCH, inline(['x', 'y']))).json.name}`);
		expect(all.json.response.inlinedResponses.inlinedResponses.map((a) => a.error.code)).toEqual([500, 500]);
	});

	test('expired and failed batches end without answers; FAILED carries Google\'s reason', async () => {
		const fake = await start({ apiKeys: [KEY], batch: { outcome: 'expired' } });
		const expired = await call(fake, `/v1beta/${(await call(fake, BATCH, inline(['a']))).json.name}`);
		expect(expired.json).toMatchObject({ done: true, metadata: { state: 'BATCH_STATE_EXPIRED' } });
		expect(expired.json.response).toBeUndefined();
		fake.configure({ batch: { outcome: 'failed', failMessage: 'Quota exceeded for batch' } });
		const failed = await call(fake, `/v1beta/${(await call(fake, BATCH, inline(['a']))).json.name}`);
		expect(failed.json).toMatchObject({ done: true, metadata: { state: 'BATCH_STATE_FAILED' }, error: { message: 'Quota exceeded for batch' } });
	});

	test('cancel ends a running batch as CANCELLED and leaves a finished one alone; unknown batches are 404', async () => {
		const fake = await start({ apiKeys: [KEY], batch: { runningMs: 60000 } });
		const created = await call(fake, BATCH, inline(['a']));
		expect((await call(fake, `/v1beta/${created.json.name}`)).json.metadata.state).toBe('BATCH_STATE_RUNNING');
		const cancelled = await call(fake, `/v1beta/${created.json.name}:cancel`, {});
		expect(cancelled).toMatchObject({ status: 200, json: {} });
		expect((await call(fake, `/v1beta/${created.json.name}`)).json).toMatchObject({ done: true, metadata: { state: 'BATCH_STATE_CANCELLED' } });
		expect(fake.batches()).toEqual([expect.objectContaining({ name: created.json.name, state: 'BATCH_STATE_CANCELLED', cancelled: true, requests: 1 })]);
		expect((await call(fake, '/v1beta/batches/nope')).status).toBe(404);
		expect((await call(fake, '/v1beta/batches/nope:cancel', {})).json.error.status).toBe('NOT_FOUND');
	});

	test('bad batches are 400s: no requests, unknown fields, over 20 MB; unknown models 404; keys are required', async () => {
		const fake = await start({ apiKeys: [KEY] });
		expect((await call(fake, BATCH, { batch: { inputConfig: { requests: { requests: [] } } } })).status).toBe(400);
		const stray = await call(fake, BATCH, { batch: { inputConfig: { requests: { requests: [{ request: prompt('a'), key: 'k' }] } } } });
		expect(stray.status).toBe(400);
		expect(stray.json.error.message).toMatch(/Unknown name "key"/);
		const huge = await call(fake, BATCH, inline(['x'.repeat(21 * 1024 * 1024)]));
		expect(huge.status).toBe(400);
		expect(huge.json.error.message).toMatch(/exceeds the limit: 20971520 bytes/);
		expect((await call(fake, '/v1beta/models/gemini-0:batchGenerateContent', inline(['a']))).status).toBe(404);
		expect((await call(fake, BATCH, inline(['a']), { key: null })).status).toBe(403);
		expect(fake.batches()).toEqual([]);
	});
});
