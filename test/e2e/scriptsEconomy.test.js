'use strict';
// Script batches in economy mode (issue #24) in a real n8n 2.41.1 through the shipped workflows:
// every text of the batch goes to the Google fake's Batch API, one batch job per step (masters,
// variations, adaptations), the run waits with n8n's Wait node and Check Batch until each batch
// ended (the fake moves it PENDING → RUNNING → SUCCEEDED over 3 s), then the jobs speak as usual.
// Then n8n is killed during a Wait of over 65 s (saved in the database) and started again: the
// run resumes and the batch finishes.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const { decode } = require('../support/audio');
const { startFakeGoogle } = require('../support/fakeGoogle');
const { configureSettings } = require('../support/issueWorkflow');
const { runtime, startN8n, stopN8n, printLogsOnFailure } = require('../support/n8n');

const BATCH = {
	titles: ['How to save your first salary', 'Why budgets fail in March'],
	variations: 2,
	languages: ['en-US', 'es-ES'],
	masterLanguage: 'pt-BR',
	words: 60,
	mode: 'economy',
};
// The step names Google's batch, where the cancel webhook reads it.
const WAITING = /^Waiting for Google's batch \(economy\): (masters|variations|adaptations), (PENDING|RUNNING|SUCCEEDED), \d+ of \d+ answered \(batches\/[^)]+\)$/;
// Over 65 s, so n8n saves the waiting run in its database instead of holding it in memory.
const SAVED_WAIT_SECONDS = 66;
// A webhook run started within a second or two of publishing a changed workflow was seen to run the
// version before it; the settings are changed well before they are needed.
const PUBLISH_SETTLE_MS = 10_000;

jest.setTimeout(600_000);

let fake;
let n8n;
const logged = (fn) => printLogsOnFailure(() => n8n, fn);
const secret = () => ({ [runtime.WEBHOOK_SECRET_HEADER]: n8n.webhookSecret });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const route = (name) => fake.stats().byRoute[name] || 0;

beforeAll(async () => {
	fake = await startFakeGoogle({ latencyMs: 200, seed: 12, apiKeys: ['test-key'] });
	fake.configure({ batch: { pendingMs: 1500, runningMs: 1500 } });
	n8n = await startN8n({
		gemini: { apiKey: 'test-key', host: fake.url, requestsPerMinute: 0 },
		tts: { apiKey: 'test-key', host: fake.url, requestsPerMinute: 0 },
	});
	await configureSettings(n8n, 'scripts-batch.json', { batchCheckSeconds: 2 }, 'Batch settings');
	await sleep(PUBLISH_SETTLE_MS);
}, 900_000);

afterAll(async () => {
	await stopN8n(n8n);
	if (fake) await fake.close();
}, 60_000);

async function status(batchId) {
	const res = await runtime.request(`${n8n.webhookUrl('scripts/status')}?batchId=${batchId}`, { headers: secret(), timeoutMs: 30_000 });
	return res.status === 200 ? res.json : null;
}

/** Polls until the batch is completed; every distinct job step seen, and whether it read failed on the way. */
async function untilCompleted(batchId, timeoutMs) {
	const steps = new Set();
	let failedOnTheWay = false;
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const json = await status(batchId).catch(() => null);
		if (json) {
			for (const job of json.jobs) steps.add(job.step);
			if (json.state === 'completed') return { final: json, steps: [...steps], failedOnTheWay };
			if (json.state === 'failed' || json.state === 'completed_with_failures') failedOnTheWay = true;
		}
		if (Date.now() > deadline) throw new Error(`batch ${batchId} not completed in ${timeoutMs} ms; last: ${JSON.stringify(json)}`);
		await sleep(250);
	}
}

/** GET keeping the raw bytes (the ZIP). */
function getBytes(address) {
	return new Promise((resolve, reject) => {
		const req = http.get(address, { timeout: 60_000 }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
		});
		req.on('timeout', () => req.destroy(new Error(`GET ${address} timed out`)));
		req.on('error', reject);
	});
}

function unpack(zip) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scripts-economy-zip-'));
	fs.writeFileSync(path.join(dir, 'batch.zip'), zip);
	const result = spawnSync('unzip', ['-q', 'batch.zip', '-d', 'out'], { cwd: dir, encoding: 'utf8' });
	if (result.status !== 0) throw new Error(`unzip failed: ${result.stderr}`);
	const out = path.join(dir, 'out');
	const files = [];
	const walk = (p) => {
		for (const entry of fs.readdirSync(p)) {
			const full = path.join(p, entry);
			if (fs.statSync(full).isDirectory()) walk(full);
			else files.push(full);
		}
	};
	walk(out);
	return files;
}

test(
	'an unknown mode is refused with 400 naming the field',
	logged(async () => {
		const res = await runtime.request(n8n.webhookUrl('scripts/batch'), { method: 'POST', headers: secret(), body: { ...BATCH, mode: 'cheap' } });
		expect(res.status).toBe(400);
		expect(res.json).toMatchObject({ error: 'invalid_request', field: 'mode' });
	}),
);

test(
	'economy: one Gemini batch per step, no interactive text call, the waiting step on every title, a ZIP that decodes',
	logged(async () => {
		const before = { text: route('generateContent'), speech: route('synthesize'), batches: fake.batches().length };
		const t0 = Date.now();
		const res = await runtime.request(n8n.webhookUrl('scripts/batch'), { method: 'POST', headers: secret(), body: BATCH });
		expect(res.status).toBe(202);
		const { final, steps } = await untilCompleted(res.json.batchId, 180_000);
		process.stderr.write(`[e2e] economy batch completed in ${Date.now() - t0} ms; steps seen: ${JSON.stringify(steps)}\n`);
		expect(final).toMatchObject({ totalJobs: 2, completedJobs: 2, failedJobs: 0 });
		expect(steps.some((step) => WAITING.test(step))).toBe(true);

		const batches = fake.batches().slice(before.batches);
		expect(batches.map((b) => b.requests)).toEqual([2, 4, 8]); // masters, variations, adaptations
		expect(batches.every((b) => b.state === 'BATCH_STATE_SUCCEEDED')).toBe(true);
		expect(route('generateContent') - before.text).toBe(0);
		const audios = BATCH.titles.length * BATCH.variations * BATCH.languages.length;
		expect(route('synthesize') - before.speech).toBe(audios);

		const zip = await getBytes(res.json.downloadUrl);
		expect(zip.status).toBe(200);
		const mp3s = unpack(zip.body).filter((file) => file.endsWith('.mp3'));
		expect(mp3s).toHaveLength(audios);
		for (const file of mp3s) expect(decode(fs.readFileSync(file), 'mp3').seconds).toBeGreaterThan(1);
	}),
);

test(
	'flex: every text call of the batch goes at Service Tier Flex, no batch job',
	logged(async () => {
		const before = { requests: fake.stats().requests.length, batches: fake.batches().length };
		const body = { titles: ['Flex: a budget in five minutes'], variations: 1, languages: ['es-ES'], masterLanguage: 'en-US', words: 60, mode: 'flex' };
		const res = await runtime.request(n8n.webhookUrl('scripts/batch'), { method: 'POST', headers: secret(), body });
		expect(res.status).toBe(202);
		const { final } = await untilCompleted(res.json.batchId, 120_000);
		expect(final).toMatchObject({ totalJobs: 1, completedJobs: 1 });
		const texts = fake.stats().requests.slice(before.requests).filter((r) => r.route === 'generateContent');
		expect(texts).toHaveLength(3); // master, variation, Spanish adaptation
		for (const request of texts) expect(request.body.serviceTier).toBe('flex');
		expect(fake.batches().length).toBe(before.batches);
	}),
);

test(
	'cancel: an economy batch waiting for Google is cancelled at Google, its titles read cancelled and its run stops; 409, 404, 400 and 403 otherwise',
	logged(async () => {
		fake.configure({ batch: { pendingMs: 1000, runningMs: 600_000 } });
		const body = { ...BATCH, titles: ['Cancel me: the envelope method', 'Cancel me too: a month of receipts'] };
		const res = await runtime.request(n8n.webhookUrl('scripts/batch'), { method: 'POST', headers: secret(), body });
		expect(res.status).toBe(202);
		const { batchId } = res.json;
		const cancelUrl = (id) => `${n8n.webhookUrl('scripts/cancel')}?batchId=${id}`;
		const deadline = Date.now() + 60_000;
		let waiting;
		for (;;) {
			const json = await status(batchId);
			waiting = json && json.jobs.find((job) => job.state === 'waiting' && /masters, RUNNING/.test(job.step));
			if (waiting) break;
			if (Date.now() > deadline) throw new Error(`the masters batch was never waited for: ${JSON.stringify(json)}`);
			await sleep(250);
		}
		const batchJob = /\((batches\/[^)]+)\)$/.exec(waiting.step)[1];

		const cancelled = await runtime.request(cancelUrl(batchId), { method: 'POST', headers: secret() });
		expect(cancelled.status).toBe(200);
		expect(cancelled.json).toMatchObject({ batchId, state: 'failed', reason: 'cancelled', batchJob, googleState: 'BATCH_STATE_CANCELLED' });
		expect(fake.batches().find((b) => b.name === batchJob)).toMatchObject({ cancelled: true });
		const checksAtCancel = route('getBatch');
		const textsAtCancel = route('generateContent');
		const batchesAtCancel = fake.batches().length;

		// Several 2 s checks later: the run read its titles after the Wait and stopped.
		await sleep(8000);
		expect(route('getBatch')).toBe(checksAtCancel);
		expect(route('generateContent')).toBe(textsAtCancel);
		expect(fake.batches().length).toBe(batchesAtCancel);
		const after = await status(batchId);
		expect(after).toMatchObject({ state: 'failed', failedJobs: 2, completedJobs: 0 });
		for (const job of after.jobs) expect(job.error).toMatch(/^cancelled: by the caller at .*Google's batch batches\/.* is cancelled$/);

		const again = await runtime.request(cancelUrl(batchId), { method: 'POST', headers: secret() });
		expect(again.status).toBe(409);
		expect(again.json).toMatchObject({ error: 'not_cancellable', batchId });
		expect((await runtime.request(cancelUrl('00000000-0000-4000-8000-000000000000'), { method: 'POST', headers: secret() })).status).toBe(404);
		expect((await runtime.request(cancelUrl('nope'), { method: 'POST', headers: secret() })).status).toBe(400);
		expect((await runtime.request(cancelUrl(batchId), { method: 'POST', headers: {} })).status).toBe(403);
		fake.configure({ batch: { pendingMs: 1500, runningMs: 1500 } });
	}),
);

test(
	'n8n killed during a saved Wait: started again, the run resumes and the batch completes',
	logged(async () => {
		await configureSettings(n8n, 'scripts-batch.json', { batchCheckSeconds: SAVED_WAIT_SECONDS }, 'Batch settings');
		await sleep(PUBLISH_SETTLE_MS);
		// Masters and variations are cached from the batch above: only the French adaptations wait.
		const body = { ...BATCH, languages: ['en-US', 'es-ES', 'fr-FR'] };
		const before = { text: route('generateContent'), speech: route('synthesize'), batches: fake.batches().length };
		const res = await runtime.request(n8n.webhookUrl('scripts/batch'), { method: 'POST', headers: secret(), body });
		expect(res.status).toBe(202);
		const { batchId } = res.json;
		const deadline = Date.now() + 60_000;
		for (;;) {
			const json = await status(batchId);
			if (json && json.jobs.some((job) => /adaptations, PENDING/.test(job.step))) {
				expect(json.jobs.map((job) => job.state)).toEqual(['waiting', 'waiting']);
				break;
			}
			if (Date.now() > deadline) throw new Error(`the adaptations batch was never waited for: ${JSON.stringify(json)}`);
			await sleep(250);
		}
		// The Wait node saves the run right after the step is marked; a short (in-memory) wait would
		// have checked the batch again within these seconds.
		const checksBefore = route('getBatch');
		await sleep(5000);
		expect(route('getBatch')).toBe(checksBefore);

		const pid = n8n.pid;
		n8n.killNow();
		for (let i = 0; i < 50 && runtime.isAlive(pid); i++) await sleep(200);
		expect(runtime.isAlive(pid)).toBe(false);
		const restarted = Date.now();
		await n8n.start();
		await n8n.waitForWebhooks();

		const { final, failedOnTheWay } = await untilCompleted(batchId, 150_000);
		process.stderr.write(`[e2e] economy batch resumed after the restart and completed ${Date.now() - restarted} ms after it (read failed on the way: ${failedOnTheWay})\n`);
		expect(final).toMatchObject({ totalJobs: 2, completedJobs: 2, failedJobs: 0 });
		// The restart left the waiting titles alone: no read in between showed them failed.
		expect(failedOnTheWay).toBe(false);
		const batches = fake.batches().slice(before.batches);
		expect(batches.map((b) => b.requests)).toEqual([4]); // the four French adaptations only
		expect(route('generateContent') - before.text).toBe(0);
		expect(route('synthesize') - before.speech).toBe(2 * 2 * 3);
	}),
);
