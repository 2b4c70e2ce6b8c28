'use strict';

// The requests-per-minute limit belongs to the credential and is shared by every execution in
// the n8n process: two executions that each fit the quota alone must not exceed it together.
const { startFakeGoogle } = require('../../../support/fakeGoogle');
const { executeNode } = require('../../../support/executeNode');
const { MissionGenerator } = require('../../../../nodes/MissionGenerator/MissionGenerator.node');

const { DEFAULT_TEXT_MODEL } = require('../../../../nodes/shared/gemini/catalog');

const API_KEY = 'rpm-key';
let fake;
// The default text model when the fake offers it, else the first text model it lists.
let model;
beforeAll(async () => {
	fake = await startFakeGoogle({ apiKeys: [API_KEY, 'rpm-key-2'], latencyMs: 20 });
	const listed = await (await fetch(`${fake.url}/v1beta/models?pageSize=1000`, { headers: { 'x-goog-api-key': 'rpm-key-2' } })).json();
	const text = listed.models.filter((m) => m.supportedGenerationMethods.includes('generateContent') && !/tts|embedding|image/.test(m.name)).map((m) => m.name.replace(/^models\//, ''));
	model = { mode: 'list', value: text.includes(DEFAULT_TEXT_MODEL) ? DEFAULT_TEXT_MODEL : text[0] };
	fake.reset();
});
afterAll(async () => {
	await fake.close();
});

test('two concurrent executions share one quota; the call over it waits or, past the deadline, is reported', async () => {
	const run = (tier) =>
		executeNode(MissionGenerator, {
			// Two jobs (each gets its own ID), 2 calls each (batch size 2, no headroom).
			parameters: { tier, count: 4, locale: 'en', options: { model, batchSize: 2, headroomPercent: 0, maxRefillRounds: 0, itemDeadlineSeconds: 5, minimumMissions: 0 } },
			credentials: { geminiApi: { apiKey: API_KEY, host: fake.url, requestsPerMinute: 3 } },
		});
	const started = Date.now();
	const [a, b] = await Promise.all([run('Expert-A'), run('Expert-B')]);
	expect(Date.now() - started).toBeLessThan(4000);
	// Only 3 requests reached Google in this minute, though 4 were wanted.
	expect(fake.stats().byRoute.generateContent).toBe(3);
	const reports = [a.output[1][0].json, b.output[1][0].json];
	expect(reports.reduce((sum, r) => sum + r.fromAi, 0)).toBe(6);
	const limited = reports.find((r) => r.fromAi === 2);
	expect(limited.fallbackUsed).toBe(true);
	expect(limited.fallbackReason).toMatch(/rate limit/i);

	// A different credential (another key) has its own quota.
	const other = await executeNode(MissionGenerator, {
		parameters: { tier: 'Expert-C', count: 2, locale: 'en', options: { model, batchSize: 2, headroomPercent: 0 } },
		credentials: { geminiApi: { apiKey: 'rpm-key-2', host: fake.url, requestsPerMinute: 3 } },
	});
	expect(other.output[1][0].json.fromAi).toBe(2);
});
