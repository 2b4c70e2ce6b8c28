'use strict';

// The node end of hedging: the Mission Generator's option "Hedge Slow Calls" and the hedges it
// reports, over real HTTP to the Google fake with the default policy (backup after max(1 s,
// 2 × p95) once 10 calls of this model are on record).
const { startFakeGoogle } = require('../../support/fakeGoogle');
const { executeNode } = require('../../support/executeNode');
const { MissionGenerator } = require('../../../nodes/MissionGenerator/MissionGenerator.node');
const { resetProcessState } = require('../../../nodes/shared/state');

const API_KEY = 'hedge-node-key';
const PATH = ':generateContent';
let fake;
beforeAll(async () => {
	fake = await startFakeGoogle({ apiKeys: [API_KEY], latencyMs: 20 });
	resetProcessState();
	resetProcessState();
});
afterAll(async () => {
	await fake.close();
});

// An AI-only tier, batches of 4 and no headroom: one call per 4 missions.
const run = (count, options = {}) =>
	executeNode(MissionGenerator, {
		parameters: { tier: 'Expert', count, locale: 'en', options: { batchSize: 4, headroomPercent: 0, callTimeoutSeconds: 3, ...options } },
		credentials: { geminiApi: { apiKey: API_KEY, host: fake.url } },
	});

test('cold start, then history: a hung call is hedged and the report shows it; off, it is not', async () => {
	// Cold: the first run's calls build the history, none is hedged.
	const warm = (await run(40)).output[1][0].json;
	expect(warm.totalCreated).toBe(40);
	expect(warm.apiCalls).toBeGreaterThanOrEqual(10);
	expect(warm).toMatchObject({ hedges: 0, hedgeWins: 0 });

	fake.reset();
	fake.script(PATH, [{ hang: true }]);
	const hedged = (await run(4)).output[1][0].json;
	expect(hedged).toMatchObject({ totalCreated: 4, apiCalls: 2, retries: 0, failedCalls: 0, hedges: 1, hedgeWins: 1 });
	expect(fake.stats().calls).toBe(2);

	fake.reset();
	fake.script(PATH, [{ hang: true }]);
	const off = (await run(4, { hedgeSlowCalls: false })).output[1][0].json;
	// Without hedging the hung call waits out Timeout per Call (3 s) and is retried.
	expect(off).toMatchObject({ totalCreated: 4, apiCalls: 2, retries: 1, failedCalls: 1, hedges: 0, hedgeWins: 0 });
}, 15_000);

test('the option is in the panel, on by default', () => {
	const options = new MissionGenerator().description.properties.find((p) => p.name === 'options').options;
	expect(options.find((o) => o.name === 'hedgeSlowCalls')).toMatchObject({ displayName: 'Hedge Slow Calls', type: 'boolean', default: true });
});
