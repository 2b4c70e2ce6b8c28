'use strict';
// The script batch workflows (issue #10) in a real n8n 2.41.1 with the packed package installed,
// driven only through their webhooks, with the local Google fake standing in for Gemini and
// Cloud Text-to-Speech. A small batch end to end: 202, truthful status, the progress page, the
// audio links, the ZIP (every audio decodes), token checks, 409 before anything is finished, and
// an identical second batch that makes no text-generation call.
//
// SCRIPTS_SCREENSHOT=1 also saves the finished progress page, rendered by Debian's Chromium,
// to docs/scripts-progress.png.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const { decode } = require('../support/audio');
const { startFakeGoogle } = require('../support/fakeGoogle');
const { runtime, startN8n, stopN8n, printLogsOnFailure } = require('../support/n8n');

const FAKE_LATENCY_MS = 400;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BATCH = {
	titles: ['How to save your first salary', 'Why budgets fail in March'],
	variations: 2,
	languages: ['en-US', 'es-ES'],
	masterLanguage: 'pt-BR',
	words: 60,
};
const AUDIOS_PER_TITLE = BATCH.variations * BATCH.languages.length;
const BATCH_TIMEOUT_MS = 240_000;

jest.setTimeout(600_000);

let fake;
let n8n;
const logged = (fn) => printLogsOnFailure(() => n8n, fn);
const url = (p) => n8n.webhookUrl(p);
const secret = () => ({ [runtime.WEBHOOK_SECRET_HEADER]: n8n.webhookSecret });
/** GET with the raw body kept (audio, ZIP) next to text and json. */
function get(address, headers = {}) {
	return new Promise((resolve, reject) => {
		const req = http.get(address, { headers, timeout: 60_000 }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => {
				const body = Buffer.concat(chunks);
				const text = body.toString('utf8');
				let json;
				try {
					json = JSON.parse(text);
				} catch {
					json = undefined;
				}
				resolve({ status: res.statusCode, headers: res.headers, body, text, json });
			});
		});
		req.on('timeout', () => req.destroy(new Error(`GET ${address} timed out`)));
		req.on('error', reject);
	});
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
	fake = await startFakeGoogle({ latencyMs: FAKE_LATENCY_MS, seed: 10, apiKeys: ['test-key'] });
	n8n = await startN8n({
		gemini: { apiKey: 'test-key', host: fake.url, requestsPerMinute: 0 },
		tts: { apiKey: 'test-key', host: fake.url, requestsPerMinute: 0 },
	});
}, 900_000);

afterAll(async () => {
	await stopN8n(n8n);
	if (fake) await fake.close();
}, 60_000);

function startBatch(body, headers = secret()) {
	return runtime.request(url('scripts/batch'), { method: 'POST', headers, body, timeoutMs: 30_000 });
}

/** Polls the status until the batch finishes; returns every distinct snapshot seen. */
async function waitForBatch(batchId) {
	const deadline = Date.now() + BATCH_TIMEOUT_MS;
	const seen = [];
	while (Date.now() < deadline) {
		const res = await get(`${url('scripts/status')}?batchId=${batchId}`, secret());
		expect(res.status).toBe(200);
		const last = seen[seen.length - 1];
		if (!last || JSON.stringify(last) !== JSON.stringify(res.json)) seen.push(res.json);
		if (['completed', 'completed_with_failures', 'failed'].includes(res.json.state)) return seen;
		await sleep(250);
	}
	throw new Error(`batch ${batchId} did not finish in ${BATCH_TIMEOUT_MS} ms; last: ${JSON.stringify(seen[seen.length - 1])}`);
}

function textCalls() {
	return fake.stats().byRoute.generateContent || 0;
}

function speechCalls() {
	return fake.stats().byRoute.synthesize || 0;
}

/** Unpacks a ZIP with the system's unzip into a temporary folder; returns {dir, files}. */
function unpack(zip) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scripts-zip-'));
	fs.writeFileSync(path.join(dir, 'batch.zip'), zip);
	const result = spawnSync('unzip', ['-q', 'batch.zip', '-d', 'out'], { cwd: dir, encoding: 'utf8' });
	if (result.status !== 0) throw new Error(`unzip failed: ${result.stderr}`);
	const files = [];
	const walk = (p, rel) => {
		for (const entry of fs.readdirSync(p)) {
			const full = path.join(p, entry);
			if (fs.statSync(full).isDirectory()) walk(full, `${rel}${entry}/`);
			else files.push(`${rel}${entry}`);
		}
	};
	walk(path.join(dir, 'out'), '');
	return { dir: path.join(dir, 'out'), files: files.sort() };
}

async function screenshot(pageUrl, output) {
	const browser = await runtime.launchChromium();
	try {
		const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
		await page.goto(pageUrl, { waitUntil: 'load' });
		await page.screenshot({ path: output, fullPage: true });
	} finally {
		await browser.close();
	}
}

describe('requests that start nothing', () => {
	test.each([
		['no titles', { ...BATCH, titles: [] }, 'titles'],
		['a title that is not text', { ...BATCH, titles: ['ok', 7] }, 'titles[1]'],
		['too many variations', { ...BATCH, variations: 9 }, 'variations'],
		['a malformed language', { ...BATCH, languages: ['en-US', 'english please'] }, 'languages[1]'],
		['no master language', { ...BATCH, masterLanguage: undefined }, 'masterLanguage'],
	])(
		'%s → 400 naming the field',
		logged(async (_label, body, field) => {
			const res = await startBatch(JSON.parse(JSON.stringify(body)));
			expect(res.status).toBe(400);
			expect(res.json).toMatchObject({ error: 'invalid_request', field });
		}),
	);

	test(
		'without the secret header: 403, for the batch and the status alike',
		logged(async () => {
			expect((await startBatch(BATCH, {})).status).toBe(403);
			expect((await get(`${url('scripts/status')}?batchId=00000000-0000-4000-8000-000000000000`)).status).toBe(403);
		}),
	);

	test(
		'status of an unknown batch is 404, of a malformed id 400',
		logged(async () => {
			expect((await get(`${url('scripts/status')}?batchId=00000000-0000-4000-8000-000000000000`, secret())).status).toBe(404);
			expect((await get(`${url('scripts/status')}?batchId=nope`, secret())).status).toBe(400);
		}),
	);
});

describe('a batch of 2 titles × 2 variations × 2 languages', () => {
	let accepted;
	let seen;

	test(
		'answers 202 at once with links that carry a private token, never the secret',
		logged(async () => {
			const textBefore = textCalls();
			const t0 = Date.now();
			const res = await startBatch(BATCH);
			const acceptMs = Date.now() - t0;
			expect(res.status).toBe(202);
			accepted = res.json;
			expect(accepted.batchId).toMatch(UUID);
			expect(accepted.statusUrl).toBe(`${url('scripts/status')}?batchId=${accepted.batchId}`);
			const token = new URL(accepted.progressUrl).searchParams.get('token');
			expect(token).toMatch(/^[0-9a-f]{48}$/);
			expect(accepted.progressUrl).toBe(`${url('scripts/progress')}?batchId=${accepted.batchId}&token=${token}`);
			expect(accepted.downloadUrl).toBe(`${url('scripts/download')}?batchId=${accepted.batchId}&token=${token}`);
			expect(JSON.stringify(accepted)).not.toContain(n8n.webhookSecret);
			// The 202 did not wait for the work: no job can have finished yet.
			expect(textCalls() - textBefore).toBeLessThan(BATCH.titles.length * (1 + BATCH.variations));
			process.stderr.write(`[e2e] scripts batch accepted in ${acceptMs} ms\n`);
		}),
	);

	test(
		'the ZIP is 409 while nothing is finished; wrong or missing tokens are a bare 403 everywhere',
		logged(async () => {
			const early = await get(accepted.downloadUrl);
			expect(early.status).toBe(409);
			expect(early.json).toMatchObject({ error: 'nothing_finished' });

			const wrong = 'f'.repeat(48);
			const other = '00000000-0000-4000-8000-000000000000';
			const token = new URL(accepted.progressUrl).searchParams.get('token');
			for (const address of [
				`${url('scripts/progress')}?batchId=${accepted.batchId}&token=${wrong}`,
				`${url('scripts/progress')}?batchId=${accepted.batchId}`,
				`${url('scripts/progress')}?batchId=${other}&token=${token}`,
				`${url('scripts/download')}?batchId=${accepted.batchId}&token=${wrong}`,
				`${url('scripts/download')}?batchId=${accepted.batchId}&token=${n8n.webhookSecret}`,
				`${url('scripts/audio')}?batchId=${accepted.batchId}&token=${token}&file=../../../n8n.log`,
			]) {
				const res = await get(address);
				expect({ address, status: res.status }).toEqual({ address, status: 403 });
				expect(res.text).toBe('Forbidden');
			}
		}),
	);

	test(
		'runs to completed with a truthful status on the way',
		logged(async () => {
			seen = await waitForBatch(accepted.batchId);
			const final = seen[seen.length - 1];
			process.stderr.write(`[e2e] scripts batch states: ${seen.map((s) => `${s.state}:${s.completedJobs}/${s.totalJobs}[${s.jobs.map((j) => j.step).join(',')}]`).join(' → ')}\n`);
			for (const job of final.jobs.filter((j) => j.error)) process.stderr.write(`[e2e] ${job.title}: ${job.error}\n`);
			process.stderr.write(`[e2e] calls so far: ${JSON.stringify(fake.stats().byRoute)}\n`);
			expect(final).toMatchObject({ batchId: accepted.batchId, state: 'completed', totalJobs: 2, completedJobs: 2, failedJobs: 0, runningJobs: 0, progressPercentage: 100 });
			expect(final.jobs.map((j) => j.title)).toEqual(BATCH.titles);
			for (const job of final.jobs) {
				expect(job).toMatchObject({ state: 'completed', step: 'Done' });
				expect(job.error).toBeUndefined();
				expect(job.audios.sort()).toEqual(['1_en-US.mp3', '1_es-ES.mp3', '2_en-US.mp3', '2_es-ES.mp3']);
			}
			// Truthful throughout: counts add up, never go back, and a job shown running names its step.
			for (const [i, s] of seen.entries()) {
				expect(s.completedJobs + s.failedJobs + s.runningJobs + s.queuedJobs).toBe(s.totalJobs);
				expect(s.completedJobs).toBe(s.jobs.filter((j) => j.state === 'completed').length);
				if (i > 0) expect(s.completedJobs).toBeGreaterThanOrEqual(seen[i - 1].completedJobs);
				for (const job of s.jobs.filter((j) => j.state === 'running')) {
					expect(['Write Script', 'Generate Variations', 'Adapt to Languages', 'Text to Speech']).toContain(job.step);
				}
				for (const job of s.jobs.filter((j) => j.state !== 'completed')) expect(job.audios).toEqual([]);
			}
			expect(seen.some((s) => s.state === 'running')).toBe(true);
			// Running cost: the texts are priced while speech runs; the default Cloud voice has no
			// known price, so a finished job's cost is null and the batch says so instead of guessing.
			const speaking = seen.flatMap((s) => s.jobs).filter((j) => j.step === 'Text to Speech');
			expect(speaking.length).toBeGreaterThan(0);
			for (const job of speaking) expect(job.estimatedCostUsd).toBeGreaterThan(0);
			for (const job of final.jobs) expect(job.estimatedCostUsd).toBeNull();
			expect(final.estimatedCostUsd).toEqual({ usd: 0, priced: 0, unpriced: 2 });
		}),
	);

	test(
		'the progress page is HTML with every title, playable audio and the ZIP link',
		logged(async () => {
			const res = await get(accepted.progressUrl);
			expect(res.status).toBe(200);
			expect(res.headers['content-type']).toMatch(/^text\/html/);
			for (const title of BATCH.titles) expect(res.text).toContain(title);
			expect(res.text).toContain('100%');
			expect(res.text).not.toContain('http-equiv="refresh"');
			const sources = [...res.text.matchAll(/<audio[^>]* src="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
			expect(sources).toHaveLength(BATCH.titles.length * AUDIOS_PER_TITLE);
			expect(res.text).toContain(accepted.downloadUrl.replace(/&/g, '&amp;'));
			expect(res.text).not.toContain(n8n.webhookSecret);

			const audio = await get(sources[0]);
			expect(audio.status).toBe(200);
			expect(audio.headers['content-type']).toMatch(/^audio\/mpeg/);
			expect(decode(audio.body, 'mp3').seconds).toBeGreaterThan(1);

			if (process.env.SCRIPTS_SCREENSHOT) {
				await screenshot(accepted.progressUrl, path.join(runtime.REPO_ROOT, 'docs', 'scripts-progress.png'));
			}
		}),
	);

	test(
		'the ZIP holds every audio (each decodes), the scripts and a manifest per title',
		logged(async () => {
			const res = await get(accepted.downloadUrl);
			expect(res.status).toBe(200);
			expect(res.headers['content-type']).toMatch(/^application\/zip/);
			expect(res.headers['content-disposition']).toBe(`attachment; filename="scripts-${accepted.batchId}.zip"`);
			const { dir, files } = unpack(res.body);
			try {
				const final = seen[seen.length - 1];
				const expected = final.jobs.flatMap((job) => [
					...job.audios.flatMap((a) => [`${job.folder}/${a}`, `${job.folder}/${a.replace(/\.mp3$/, '.txt')}`]),
					`${job.folder}/manifest.json`,
				]);
				expect(files).toEqual(expected.sort());
				const mp3s = files.filter((f) => f.endsWith('.mp3'));
				expect(mp3s).toHaveLength(BATCH.titles.length * AUDIOS_PER_TITLE);
				for (const file of mp3s) {
					const decoded = decode(fs.readFileSync(path.join(dir, file)), 'mp3');
					expect({ file, codec: decoded.codec, errors: decoded.errors }).toEqual({ file, codec: 'mp3', errors: '' });
					expect(decoded.seconds).toBeGreaterThan(1);
				}
				for (const job of final.jobs) {
					const manifest = JSON.parse(fs.readFileSync(path.join(dir, job.folder, 'manifest.json'), 'utf8'));
					expect(manifest).toMatchObject({ batchId: accepted.batchId, title: job.title, masterLanguage: 'pt-BR', languages: BATCH.languages, variations: 2 });
					expect(manifest.audio.map((a) => a.file).sort()).toEqual(job.audios.sort());
					expect(manifest.master.length).toBeGreaterThan(50);
					const script = fs.readFileSync(path.join(dir, job.folder, '1_es-ES.txt'), 'utf8');
					expect(script.split(/\s+/).length).toBeGreaterThan(20);
				}
			} finally {
				fs.rmSync(path.dirname(dir), { recursive: true, force: true });
			}
		}),
	);

	test(
		'an identical second batch makes 0 text-generation calls (Data table cache); speech is made again',
		logged(async () => {
			const textBefore = textCalls();
			const speechBefore = speechCalls();
			const res = await startBatch(BATCH);
			expect(res.status).toBe(202);
			const again = await waitForBatch(res.json.batchId);
			expect(again[again.length - 1]).toMatchObject({ state: 'completed', completedJobs: 2 });
			expect(textCalls() - textBefore).toBe(0);
			expect(speechCalls() - speechBefore).toBeGreaterThanOrEqual(BATCH.titles.length * AUDIOS_PER_TITLE);
		}),
	);
});

test(
	'the n8n form starts the same batch and hands the browser the progress page',
	logged(async () => {
		const formUrl = `${n8n.baseUrl}/form/scripts/new`;
		const page = await get(formUrl);
		expect(page.status).toBe(200);
		expect(page.text).toContain('New script batch');
		const form = new FormData();
		form.append('field-0', `${BATCH.titles[0]}\n${BATCH.titles[1]}\n`);
		form.append('field-1', '1');
		form.append('field-2', 'en-US, es-ES');
		form.append('field-3', 'pt-BR');
		form.append('field-4', '');
		const res = await fetch(formUrl, { method: 'POST', body: form, redirect: 'manual' });
		const text = await res.text();
		process.stderr.write(`[e2e] form answered ${res.status}: ${text.slice(0, 300)}\n`);
		// As a browser does: the form's answer names the page to show next, which redirects once the
		// workflow reaches its completion step.
		const { formWaitingUrl } = JSON.parse(text);
		const PROGRESS = /(https?:\/\/[^"'\s]+\/scripts\/progress\?batchId=([0-9a-f-]{36})&token=[0-9a-f]{48})/;
		let link = null;
		for (let i = 0; i < 40 && !link; i++) {
			const shown = await fetch(formWaitingUrl, { redirect: 'manual', signal: AbortSignal.timeout(3000) })
				.then(async (next) => `${next.headers.get('location') || ''} ${await next.text()}`)
				.catch(() => '');
			link = PROGRESS.exec(shown.replace(/&#x3D;/gi, '=').replace(/&amp;/g, '&'));
			if (!link) await sleep(250);
		}
		expect(link).not.toBeNull();
		const status = await get(`${url('scripts/status')}?batchId=${link[2]}`, secret());
		expect(status.status).toBe(200);
		expect(status.json.totalJobs).toBe(2);
		await waitForBatch(link[2]);
	}),
);

test(
	'a job whose speech keeps failing is tried twice, then marked failed with its reason; the ZIP stays 409',
	logged(async () => {
		const refusal = { status: 400, message: "Voice 'en-US-Broken-A' does not exist. Is it misspelled?" };
		fake.script('text:synthesize', Array.from({ length: 64 }, () => refusal));
		try {
			const speechBefore = speechCalls();
			const res = await startBatch({ ...BATCH, titles: ['A title whose audio cannot be made'], variations: 1, languages: ['en-US'] });
			expect(res.status).toBe(202);
			const seenFailing = await waitForBatch(res.json.batchId);
			const final = seenFailing[seenFailing.length - 1];
			expect(final).toMatchObject({ state: 'failed', totalJobs: 1, completedJobs: 0, failedJobs: 1, progressPercentage: 100 });
			expect(final.jobs[0]).toMatchObject({ state: 'failed', step: 'Text to Speech', audios: [] });
			expect(final.jobs[0].error).toMatch(/^Failed twice; last error: .*400/);
			// The job ran twice (n8n's Retry On Fail on the job's steps): one refused call per try at least.
			expect(speechCalls() - speechBefore).toBeGreaterThanOrEqual(2);
			const zip = await get(res.json.downloadUrl);
			expect(zip.status).toBe(409);
		} finally {
			fake.reset();
		}
	}),
);
