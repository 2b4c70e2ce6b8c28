'use strict';
// Hostile bodies against the shipped webhooks in a real n8n: each gets a 4xx within a second,
// n8n's task runner is never involved (so never restarted), and the service answers normally
// right after. The instance runs with a non-default webhook prefix, so every link the workflows
// build (statusUrl, the progress address) is shown to honour N8N_ENDPOINT_WEBHOOK.
const { startFakeGoogle } = require('../support/fakeGoogle');
const { runtime, startN8n, stopN8n, printLogsOnFailure, missionClient } = require('../support/n8n');

const WEBHOOK_PREFIX = 'gemini-hooks';
const ANSWER_WITHIN_MS = 1000;
const MAX_DEPTH = 32;
const MAX_BYTES = 1024 * 1024;
// Lines n8n writes when a Code node task fails inside the runner or the runner is replaced.
const RUNNER_TROUBLE = [/Maximum call stack size exceeded/, /\[runner:js\].*timed out/i, /runner.*(unresponsive|restart)/i];
const RUNNER_REGISTERED = /Registered runner "JS Task Runner"/g;

jest.setTimeout(120_000);

function nestedJson(levels) {
	return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

const ok = { tier: 'BEGINNER', count: 3, locale: 'en' };
const long = 'A'.repeat(5000);

/** [label, raw body or object, expected status, expected field (400/413 bodies)] */
const HOSTILE_BODIES = [
	['a body nested 5,000 levels', nestedJson(5000), 400],
	['a body nested 100,000 levels', nestedJson(100_000), 400],
	// Node's JSON.stringify overflows its stack on this (n8n parses it fine): nothing on the path may serialise it.
	['a list nested 400,000 levels (800 KB)', `${'['.repeat(400_000)}${']'.repeat(400_000)}`, 400],
	['a 2 MB body', { ...ok, existingMissions: Array.from({ length: 800 }, () => 'x'.repeat(2600)) }, 413],
	['a list of 10,000 objects', Array.from({ length: 10_000 }, () => ({ ...ok })), 400, 'body'],
	['an empty list', [], 400, 'body'],
	['a bare string', JSON.stringify('missions please'), 400, 'body'],
	// n8n's body parser turns a JSON null into an empty object, so the first required field is named.
	['null', 'null', 400, 'tier'],
	['a tier of 5,000 characters', { ...ok, tier: long }, 400, 'tier'],
	['a locale of 5,000 characters', { ...ok, locale: long }, 400, 'locale'],
	['an existing mission of 5,000 characters', { ...ok, existingMissions: [long] }, 400, 'existingMissions[0]'],
	['a title of 5,000 characters', { ...ok, existingMissions: [{ title: long }] }, 400, 'existingMissions[0].title'],
	['a tier that is an object', { ...ok, tier: { $ne: null } }, 400, 'tier'],
	['a tier that is a list', { ...ok, tier: ['BEGINNER'] }, 400, 'tier'],
	['a count that is a huge number', { ...ok, count: 1e308 }, 400, 'count'],
	['a count that is negative', { ...ok, count: -1 }, 400, 'count'],
	['a count that is true', { ...ok, count: true }, 400, 'count'],
	['a locale that is a list', { ...ok, locale: ['en'] }, 400, 'locale'],
	['existingMissions as an object', { ...ok, existingMissions: { title: 'x' } }, 400, 'existingMissions'],
	['1,001 existing missions', { ...ok, existingMissions: Array.from({ length: 1001 }, (_, i) => `m${i}`) }, 400, 'existingMissions'],
	['a nested list as mission', { ...ok, existingMissions: [[['x']]] }, 400, 'existingMissions[0]'],
	['a __proto__ key', '{"__proto__": {"tier": "BEGINNER"}, "count": 3, "locale": "en"}', 400, 'tier'],
];

const ODD_JOB_IDS = [
	'A'.repeat(5000),
	'../../etc/passwd',
	"' OR 1=1 --",
	'00000000-0000-4000-8000-00000000000G',
	'00000000-0000-4000-8000-000000000000\u0000',
	'😀'.repeat(100),
	'00000000-0000-4000-8000-000000000000 ',
	'{"$ne": null}',
];

let fake;
let n8n;
let client;
const logged = (fn) => printLogsOnFailure(() => n8n, fn);

beforeAll(async () => {
	fake = await startFakeGoogle({ latencyMs: 100, seed: 5, apiKeys: ['test-key'] });
	n8n = await startN8n({
		gemini: { apiKey: 'test-key', host: fake.url, requestsPerMinute: 0 },
		env: { N8N_ENDPOINT_WEBHOOK: WEBHOOK_PREFIX },
	});
	client = missionClient(n8n);
}, 900_000);

afterAll(async () => {
	await stopN8n(n8n);
	if (fake) await fake.close();
}, 60_000);

async function post(hookPath, body, headers = client.secretHeaders) {
	const raw = typeof body === 'string' ? body : JSON.stringify(body);
	const t0 = Date.now();
	const res = await runtime.request(n8n.webhookUrl(hookPath), {
		method: 'POST',
		headers: { ...headers, 'content-type': 'application/json' },
		body: raw,
		timeoutMs: 30_000,
	});
	return { ...res, ms: Date.now() - t0, bytes: Buffer.byteLength(raw) };
}

function runnerTrouble() {
	const log = n8n.logText();
	return log.split('\n').filter((line) => RUNNER_TROUBLE.some((pattern) => pattern.test(line)));
}

async function expectServiceHealthy() {
	const accepted = await post('missions/generate', ok);
	expect(accepted.status).toBe(202);
	expect(accepted.json.statusUrl.startsWith(`${n8n.baseUrl}/${WEBHOOK_PREFIX}/missions/status?jobId=`)).toBe(true);
	const { final } = await client.waitForJob(accepted.json.jobId);
	expect(final.state).toBe('succeeded');
	return final;
}

test(
	'a normal job works under a custom webhook prefix: statusUrl and progress use it',
	logged(async () => {
		const final = await expectServiceHealthy();
		expect(final.result.report.progressUpdatesSent).toBeGreaterThan(0);
		expect(final.result.report.progressUpdatesFailed).toBe(0);
	}),
);

describe('hostile bodies to POST /missions/generate', () => {
	const runnersAtStart = () => (n8n.logText().match(RUNNER_REGISTERED) || []).length;
	let runners;
	beforeAll(() => {
		runners = runnersAtStart();
	});

	test.each(HOSTILE_BODIES.map(([label, body, status, field]) => ({ label, body, status, field })))(
		'$label → $status within a second',
		async ({ body, status, field }) => {
			await logged(async () => {
				const res = await post('missions/generate', body);
				process.stderr.write(`[e2e] ${res.bytes} bytes → ${res.status} in ${res.ms} ms ${res.text.slice(0, 160)}\n`);
				expect(res.status).toBe(status);
				expect(res.ms).toBeLessThan(ANSWER_WITHIN_MS);
				expect(res.json.error).toBe(status === 413 ? 'payload_too_large' : 'invalid_request');
				if (field) expect(res.json.field).toBe(field);
				if (status === 413) expect(res.json.limit).toBe(MAX_BYTES);
				if (/nested/.test(res.json.message)) expect(res.json.limit).toBe(MAX_DEPTH);
			})();
		},
	);

	test(
		'none of them touched the task runner, and the service answers normally right after',
		logged(async () => {
			expect(runnerTrouble()).toEqual([]);
			expect((n8n.logText().match(RUNNER_REGISTERED) || []).length).toBe(runners);
			await expectServiceHealthy();
		}),
	);
});

test(
	"a body over n8n's own limit (N8N_PAYLOAD_SIZE_MAX) is refused by n8n before any node runs, quickly",
	logged(async () => {
		const res = await post('missions/generate', { ...ok, existingMissions: ['x'.repeat(20 * 1024 * 1024)] });
		process.stderr.write(`[e2e] 20 MB body → ${res.status} in ${res.ms} ms ${res.text.slice(0, 120)}\n`);
		expect(res.status).toBeGreaterThanOrEqual(400);
		expect(res.ms).toBeLessThan(ANSWER_WITHIN_MS);
		expect(res.text).not.toContain('stack');
		await expectServiceHealthy();
	}),
);

test(
	'odd job ids on the status webhook → 400 within a second',
	logged(async () => {
		for (const jobId of ODD_JOB_IDS) {
			const t0 = Date.now();
			const res = await client.status(jobId);
			expect([res.status, jobId.slice(0, 40)]).toEqual([400, jobId.slice(0, 40)]);
			expect(res.json).toMatchObject({ error: 'invalid_request', field: 'jobId' });
			expect(Date.now() - t0).toBeLessThan(ANSWER_WITHIN_MS);
		}
		const repeated = await runtime.request(`${n8n.webhookUrl('missions/status')}?jobId=a&jobId=b`, { headers: client.secretHeaders });
		expect(repeated.status).toBe(400);
	}),
);

test(
	'hostile bodies and odd ids on the progress webhook change nothing → 200 on receipt (no oracle) within a second',
	logged(async () => {
		for (const [query, body] of [
			['jobId=' + 'A'.repeat(5000), { current: 1 }],
			['jobId=x', nestedJson(5000)],
			['jobId=x', { current: long, total: { a: 1 }, message: long }],
		]) {
			const t0 = Date.now();
			const raw = typeof body === 'string' ? body : JSON.stringify(body);
			const res = await runtime.request(`${n8n.webhookUrl('missions/progress')}?${query}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'X-Progress-Token': long },
				body: raw,
			});
			expect(res.status).toBe(200);
			expect(Date.now() - t0).toBeLessThan(ANSWER_WITHIN_MS);
		}
		expect(runnerTrouble()).toEqual([]);
	}),
);
