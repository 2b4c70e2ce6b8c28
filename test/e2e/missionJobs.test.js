'use strict';
// Issue #15's "done when", through the shipped workflows of a real n8n 2.41.1 with the Google
// fake standing in for Gemini: two jobs with identical bodies never share missions; a lower-case
// tier is the same tier; a key Google refuses is reported in Google's words with the fix.
const path = require('node:path');

const { startFakeGoogle } = require('../support/fakeGoogle');
const { runtime, startN8n, stopN8n, printLogsOnFailure, missionClient } = require('../support/n8n');

jest.setTimeout(180_000);

const dist = (file) => require(path.join(runtime.REPO_ROOT, 'dist/nodes/MissionGenerator', file));

let fake;
let n8n;
let client;
const logged = (fn) => printLogsOnFailure(() => n8n, fn);

beforeAll(async () => {
	fake = await startFakeGoogle({ latencyMs: 300, seed: 23, apiKeys: ['test-key'] });
	runtime.buildPackage();
	n8n = await startN8n({
		gemini: { apiKey: 'test-key', host: fake.url, requestsPerMinute: 0 },
	});
	client = missionClient(n8n);
}, 900_000);

afterAll(async () => {
	await stopN8n(n8n);
	if (fake) await fake.close();
}, 60_000);

async function generated(body) {
	const accepted = await client.generate(body);
	expect(accepted.status).toBe(202);
	const { final } = await client.waitForJob(accepted.json.jobId, { intervalMs: 100 });
	expect(final.state).toBe('succeeded');
	return { jobId: accepted.json.jobId, ...final.result };
}

test(
	'two concurrent POSTs with identical bodies: two jobs whose missions do not repeat each other',
	logged(async () => {
		const body = { tier: 'BEGINNER', count: 20, locale: 'en' };
		const [a, b] = await Promise.all([generated(body), generated(body)]);
		expect(a.jobId).not.toBe(b.jobId);
		expect(a.missions).toHaveLength(20);
		expect(b.missions).toHaveLength(20);
		const { DuplicateRegistry, DEFAULT_THRESHOLDS } = dist('engine/duplicates.js');
		const registry = new DuplicateRegistry(DEFAULT_THRESHOLDS);
		const repeats = [...a.missions, ...b.missions].filter((m) => !registry.tryAdd(m)).map((m) => m.title);
		expect(repeats).toEqual([]);
		// The BEGINNER templates cannot serve both, so one job asked Gemini for the rest.
		expect(a.report.fromAi + b.report.fromAi).toBeGreaterThan(0);
		expect([a.report.sharedGeneration, b.report.sharedGeneration]).toEqual([false, false]);
	}),
);

test(
	'"tier": "beginner" gets the same templates and XP as "BEGINNER"',
	logged(async () => {
		// pt-BR: the English BEGINNER templates were just handed to the two jobs above.
		const { XP_RANGE_BY_TIER, PT_BR_TEMPLATES } = dist('templates/index.js');
		const beginnerTitles = new Set(PT_BR_TEMPLATES.filter((t) => t.tier === 'BEGINNER').map((t) => t.title));
		const lower = await generated({ tier: 'beginner', count: 5, locale: 'pt-BR' });
		const upper = await generated({ tier: 'BEGINNER', count: 5, locale: 'pt-BR' });
		for (const job of [lower, upper]) {
			expect(job.report).toMatchObject({ tier: 'BEGINNER', templatesAvailable: beginnerTitles.size, fromTemplates: 5, fromAi: 0 });
			for (const mission of job.missions) {
				expect(mission.source).toBe('template');
				expect(mission.tier).toBe('BEGINNER');
				expect(mission.xpReward).toBeGreaterThanOrEqual(XP_RANGE_BY_TIER.BEGINNER.min);
				expect(mission.xpReward).toBeLessThanOrEqual(XP_RANGE_BY_TIER.BEGINNER.max);
			}
		}
	}),
);

test(
	"a key the API refuses: the job's report shows Google's message and the fix",
	logged(async () => {
		const refused = { status: 400, body: { error: { code: 400, status: 'INVALID_ARGUMENT', message: 'API key not valid. Please pass a valid API key.' } } };
		fake.script('generateContent', [refused, refused, refused, refused]);
		// An unknown tier has no templates, so Gemini is needed for every mission.
		const job = await client.generate({ tier: 'EXPERT', count: 2, locale: 'en' });
		expect(job.status).toBe(202);
		const { final } = await client.waitForJob(job.json.jobId, { intervalMs: 100 });
		const shown = `${final.message}\n${final.result ? JSON.stringify(final.result.report || {}) : ''}`;
		expect(shown).toContain('API key not valid. Please pass a valid API key.');
		expect(shown).toMatch(/HTTP 400 INVALID_ARGUMENT/);
		expect(shown).toMatch(/check the API key in the \\?"Gemini API\\?" credential/);
		expect(shown).not.toContain('test-key');
	}),
);
