'use strict';

// The API key must never reach an output item, an error (message, description, cause, context),
// or a log line — on every failure path. The fake echoes the key back in error bodies, the way
// some proxies echo a request URL, so redaction is exercised and this test can fail.
jest.mock('n8n-workflow', () => require('../../support/fastSleep').withFastSleep());

const { startFakeGoogle } = require('../../support/fakeGoogle');
const { executeNode } = require('../../support/executeNode');
const { MissionGenerator } = require('../../../nodes/MissionGenerator/MissionGenerator.node');

const API_KEY = 'AIzaSy-SECRET-never-show-0123456789';
let fake;

beforeAll(async () => {
	fake = await startFakeGoogle({ apiKeys: [API_KEY] });
});
afterAll(async () => {
	await fake.close();
});
beforeEach(() => fake.reset());

const echo = (code, status) => ({
	status: code,
	body: { error: { code, status, message: `upstream said: bad request for ?key=${API_KEY} (x-goog-api-key: ${API_KEY}) ${API_KEY}` } },
});

const failures = [
	['400 bad key', [echo(400, 'INVALID_ARGUMENT')], /HTTP 400 INVALID_ARGUMENT/],
	['401', [echo(401, 'UNAUTHENTICATED')], /HTTP 401/],
	['403', [echo(403, 'PERMISSION_DENIED')], /HTTP 403/],
	['429', [echo(429, 'RESOURCE_EXHAUSTED'), echo(429, 'RESOURCE_EXHAUSTED')], /HTTP 429 .*after 2 attempts/],
	['500', [echo(500, 'INTERNAL'), echo(500, 'INTERNAL')], /HTTP 500 .*after 2 attempts/],
	['timeout', [{ hang: true }, { hang: true }], /did not answer within 1 s after 2 attempts/],
];

function everythingAbout(error) {
	return [
		error.message,
		error.description,
		error.stack,
		JSON.stringify(error),
		JSON.stringify(error.cause ?? null),
		JSON.stringify(error.context ?? null),
		JSON.stringify(error.errorResponse ?? null),
	].join('\n');
}

describe.each(failures)('%s', (_name, steps, expected) => {
	const parameters = { tier: 'Expert', count: 2, locale: 'en', options: { maxAttempts: 2, callTimeoutSeconds: 1, headroomPercent: 0, batchSize: 2 } };

	test('the thrown error explains the failure and holds no key', async () => {
		fake.script('generateContent', steps);
		const run = executeNode(MissionGenerator, { parameters, credentials: { geminiApi: { apiKey: API_KEY, host: fake.url } } });
		const error = await run.then(() => undefined, (e) => e);
		expect(error).toBeInstanceOf(Error);
		expect(error.constructor.name).toMatch(/^Node(Api|Operation)Error$/);
		expect(error.description).toMatch(/Gemini|fallback|credential|Timeout|template/i);
		expect(everythingAbout(error)).not.toContain(API_KEY);
	});

	test('with Continue On Fail: the report, the fallback reason and the logs hold no key', async () => {
		fake.script('generateContent', steps);
		const { output, logs } = await executeNode(MissionGenerator, {
			parameters: { ...parameters, options: { ...parameters.options, minimumMissions: 0 } },
			credentials: { geminiApi: { apiKey: API_KEY, host: fake.url } },
			continueOnFail: true,
		});
		const report = output[1][0].json;
		expect(report.fallbackUsed).toBe(true);
		expect(report.fallbackReason).toMatch(expected);
		expect(JSON.stringify(output)).not.toContain(API_KEY);
		expect(JSON.stringify(logs)).not.toContain(API_KEY);
	});
});

// The checks above would pass for a node that never had the key in the first place. This proves
// they see it when it leaks: the same run with redaction switched off must show the key.
test('the checks can fail: with redaction switched off the key reaches the output', async () => {
	fake.script('generateContent', [echo(401, 'UNAUTHENTICATED')]);
	let output;
	await jest.isolateModulesAsync(async () => {
		jest.doMock('../../../nodes/shared/secrets', () => ({
			...jest.requireActual('../../../nodes/shared/secrets'),
			redactSecrets: (text) => text,
		}));
		const { MissionGenerator: Unredacted } = require('../../../nodes/MissionGenerator/MissionGenerator.node');
		({ output } = await executeNode(Unredacted, {
			parameters: { tier: 'Expert', count: 2, locale: 'en', options: { maxAttempts: 1, headroomPercent: 0, batchSize: 2, minimumMissions: 0 } },
			credentials: { geminiApi: { apiKey: API_KEY, host: fake.url } },
			continueOnFail: true,
		}));
	});
	expect(JSON.stringify(output)).toContain(API_KEY);
});
