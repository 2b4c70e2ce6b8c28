'use strict';
// The Google fake's latency models: 'flat' (one delay per response) and 'tokens' (time to first
// token + time per output token, with jitter).
const { startFakeGoogle, latencyMsFor, LATENCY_DEFAULTS } = require('./fakeGoogle');
const { mulberry32 } = require('./fakeGoogleContent');

const KEY = 'test-key';
const GEN = '/v1beta/models/gemini-2.5-flash:generateContent';
const fakes = [];
afterEach(async () => {
	await Promise.all(fakes.splice(0).map((f) => f.close()));
});
async function start(options) {
	const fake = await startFakeGoogle({ seed: 7, ...options });
	fakes.push(fake);
	return fake;
}

function missionsBody(count, text = `write ${count}`) {
	const item = { type: 'OBJECT', properties: { title: { type: 'STRING' }, description: { type: 'STRING' } }, required: ['title', 'description'] };
	return {
		contents: [{ role: 'user', parts: [{ text }] }],
		generationConfig: { responseMimeType: 'application/json', responseSchema: { type: 'ARRAY', minItems: count, maxItems: count, items: item }, thinkingConfig: { thinkingBudget: 0 } },
	};
}

async function timedCall(fake, body) {
	const started = performance.now();
	const res = await fetch(fake.url + GEN, { method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': KEY }, body: JSON.stringify(body) });
	const json = await res.json();
	return { status: res.status, json, ms: performance.now() - started };
}

describe('latencyMsFor', () => {
	const usage = (candidatesTokenCount, thoughtsTokenCount) => ({ usageMetadata: { candidatesTokenCount, thoughtsTokenCount } });
	const fixed = () => 0.5; // the middle of the jitter range: no jitter

	test('flat is the default and ignores the answer size', () => {
		expect(LATENCY_DEFAULTS.latencyModel).toBe('flat');
		const opts = { ...LATENCY_DEFAULTS, latencyMs: 250, latencyJitter: 0 };
		expect(latencyMsFor(opts, fixed, usage(10))).toBe(250);
		expect(latencyMsFor(opts, fixed, usage(5000))).toBe(250);
	});

	test('tokens: ttft + (candidates + thoughts) × msPerToken; errors wait ttft only', () => {
		const opts = { ...LATENCY_DEFAULTS, latencyModel: 'tokens', ttftMs: 300, msPerToken: 4, tokenJitter: 0 };
		expect(latencyMsFor(opts, fixed, usage(100))).toBe(300 + 400);
		expect(latencyMsFor(opts, fixed, usage(100, 50))).toBe(300 + 600);
		expect(latencyMsFor(opts, fixed, undefined)).toBe(300);
		expect(latencyMsFor(opts, fixed, { error: { code: 429 } })).toBe(300);
	});

	test('tokens jitter stays within ± tokenJitter of each part and varies', () => {
		const opts = { ...LATENCY_DEFAULTS, latencyModel: 'tokens', ttftMs: 400, msPerToken: 4, tokenJitter: 0.2 };
		const rng = mulberry32(3);
		const values = Array.from({ length: 200 }, () => latencyMsFor(opts, rng, usage(250)));
		expect(Math.min(...values)).toBeGreaterThanOrEqual(0.8 * 1400);
		expect(Math.max(...values)).toBeLessThanOrEqual(1.2 * 1400);
		expect(new Set(values.map((v) => Math.round(v))).size).toBeGreaterThan(50);
	});

	test('defaults are the published Flash figures: a few hundred ms to first token, a few ms per token', () => {
		expect(LATENCY_DEFAULTS.ttftMs).toBeGreaterThanOrEqual(200);
		expect(LATENCY_DEFAULTS.ttftMs).toBeLessThanOrEqual(800);
		expect(LATENCY_DEFAULTS.msPerToken).toBeGreaterThan(1);
		expect(LATENCY_DEFAULTS.msPerToken).toBeLessThan(10);
	});
});

describe('the fake under the token model', () => {
	test('a longer answer takes longer, by its output tokens', async () => {
		const fake = await start({ latencyModel: 'tokens', ttftMs: 40, msPerToken: 1, tokenJitter: 0 });
		const one = await timedCall(fake, missionsBody(1));
		const ten = await timedCall(fake, missionsBody(10));
		expect(one.status).toBe(200);
		expect(ten.status).toBe(200);
		const tokensOf = (r) => r.json.usageMetadata.candidatesTokenCount;
		expect(tokensOf(ten)).toBeGreaterThan(5 * tokensOf(one));
		// Timers never fire early by more than a millisecond; the upper side is left to load.
		expect(one.ms).toBeGreaterThanOrEqual(40 + tokensOf(one) - 2);
		expect(ten.ms).toBeGreaterThanOrEqual(40 + tokensOf(ten) - 2);
		expect(ten.ms - one.ms).toBeGreaterThan(0.5 * (tokensOf(ten) - tokensOf(one)));
	});

	test('thinking tokens count as output: default thinking is slower than thinking off', async () => {
		const fake = await start({ latencyModel: 'tokens', ttftMs: 10, msPerToken: 1, tokenJitter: 0 });
		const body = missionsBody(1, 'think');
		delete body.generationConfig.thinkingConfig;
		const thinking = await timedCall(fake, body);
		const usage = thinking.json.usageMetadata;
		expect(usage.thoughtsTokenCount).toBeGreaterThan(0);
		expect(thinking.ms).toBeGreaterThanOrEqual(10 + usage.candidatesTokenCount + usage.thoughtsTokenCount - 2);
	});

	test('configure() switches models at run time; flat stays flat', async () => {
		const fake = await start({ latencyMs: 120, latencyJitter: 0 });
		const flat = await timedCall(fake, missionsBody(10));
		expect(flat.ms).toBeGreaterThanOrEqual(118);
		fake.configure({ latencyModel: 'tokens', ttftMs: 5, msPerToken: 0.5, tokenJitter: 0 });
		const tokens = await timedCall(fake, missionsBody(10, 'again'));
		expect(tokens.ms).toBeGreaterThanOrEqual(5 + 0.5 * tokens.json.usageMetadata.candidatesTokenCount - 2);
	});

	test('scripted errors wait only the time to first token', async () => {
		const fake = await start({ latencyModel: 'tokens', ttftMs: 60, msPerToken: 50, tokenJitter: 0 });
		fake.script('generateContent', [{ status: 429 }]);
		const rejected = await timedCall(fake, missionsBody(10));
		expect(rejected.status).toBe(429);
		expect(rejected.ms).toBeGreaterThanOrEqual(58);
		expect(rejected.ms).toBeLessThan(60 * 50);
	});
});
