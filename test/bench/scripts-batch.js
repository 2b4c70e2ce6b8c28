'use strict';
// Script batch benchmark (issue #10): seed 001's scenario, 10 titles × 3 variations × 3 languages
// (10 masters, 30 variations, 90 adaptations, 90 audio files), end to end in a real n8n 2.41.1
// through the shipped workflows, against the local Google fake (text 2 s, speech 3 s per call).
// Printed side by side: the batch's wall time from the 202 to `completed`, the bound, and the
// seed's sequential pipeline (every call after the previous one) measured in the same run on a
// sample of titles. Nothing here is a pass/fail test.
//
//   npm run bench scripts-batch        (BENCH_TITLES, BENCH_TEXT_MS, BENCH_TTS_MS, BENCH_SEQUENTIAL_TITLES)
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const { startFakeGoogle } = require('../support/fakeGoogle');
const { decode } = require('../support/audio');
const { runtime, startN8n, stopN8n } = require('../support/n8n');

const TITLES = Number(process.env.BENCH_TITLES || 10);
const VARIATIONS = 3;
const LANGUAGES = ['en-US', 'es-ES', 'de-DE'];
const MASTER = 'pt-BR';
const TEXT_MS = Number(process.env.BENCH_TEXT_MS || 2000);
const TTS_MS = Number(process.env.BENCH_TTS_MS || 3000);
const SEQUENTIAL_TITLES = Number(process.env.BENCH_SEQUENTIAL_TITLES || 1);
// The caps of the shipped job steps: Content Adapter Parallel Calls 10, Text to Speech 3, per job.
const GEMINI_CAP = 10;
const TTS_CAP = 3;
const PARALLEL_JOBS = 10;
const API_KEY = 'bench-key';
const POLL_MS = 250;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;

/**
 * The least wall time any schedule needs: the longest chain of dependent calls, or a resource's
 * work divided by its cap. `perJob` caps apply inside one title's job (its own chain then has
 * ceil(calls ÷ cap) rounds per step); global caps apply to the whole batch.
 */
function boundMs({ textCalls, ttsCalls, geminiCap, ttsCap, perJob }) {
	const rounds = (calls, cap) => Math.ceil(calls / cap);
	const criticalPath = perJob
		? TEXT_MS * (1 + rounds(VARIATIONS, perJob.geminiCap) + rounds(VARIATIONS * LANGUAGES.length, perJob.geminiCap)) + TTS_MS * rounds(VARIATIONS * LANGUAGES.length, perJob.ttsCap)
		: 3 * TEXT_MS + TTS_MS; // master → variation → adaptation → speech
	return Math.max(criticalPath, (textCalls * TEXT_MS) / geminiCap, (ttsCalls * TTS_MS) / ttsCap);
}

async function post(url, body) {
	const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': API_KEY }, body: JSON.stringify(body) });
	if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
	return await res.json();
}

/** The seed's pipeline for one title: master, all variations in one call, then one adaptation and one audio after another. */
async function sequentialTitle(fake, model, title) {
	const gen = (text) => post(`${fake.url}/v1beta/models/${model}:generateContent`, { contents: [{ role: 'user', parts: [{ text }] }] });
	await gen(`Write a narration script in ${MASTER} for: ${title}`);
	await gen(`Write ${VARIATIONS} variations of the script for: ${title}`);
	for (let v = 1; v <= VARIATIONS; v++) {
		for (const language of LANGUAGES) {
			await gen(`Adapt variation ${v} of "${title}" to ${language}`);
			await post(`${fake.url}/v1/text:synthesize`, { input: { text: `Variation ${v} of ${title} in ${language}.` }, voice: { languageCode: language }, audioConfig: { audioEncoding: 'MP3' } });
		}
	}
}

async function main() {
	const fake = await startFakeGoogle({ latencyMs: TEXT_MS, seed: 1, apiKeys: [API_KEY] });
	// BENCH_FAULTS=1: a fifth of the text calls answered 429 (Retry-After 1 s) and 2% never answered
	// (the node's per-call timeout ends them). Speech calls are scripted for their latency, so only
	// text calls are faulted.
	if (process.env.BENCH_FAULTS) fake.configure({ faults: { rate429: 0.2, retryAfterSeconds: 1, rateHang: 0.02 } });
	const ttsDelay = () => Array.from({ length: 2000 }, () => ({ delayMs: TTS_MS - TEXT_MS }));
	fake.script('text:synthesize', ttsDelay());
	const n8n = await startN8n({
		gemini: { apiKey: API_KEY, host: fake.url, requestsPerMinute: 0 },
		tts: { apiKey: API_KEY, host: fake.url, requestsPerMinute: 0 },
	});
	const secret = { [runtime.WEBHOOK_SECRET_HEADER]: n8n.webhookSecret };
	try {
		const titles = Array.from({ length: TITLES }, (_, i) => `Money habit number ${i + 1}: what to change this month`);
		const body = { titles, variations: VARIATIONS, languages: LANGUAGES, masterLanguage: MASTER, words: 120 };

		const runBatch = async () => {
			const before = fake.stats().byRoute;
			const t0 = Date.now();
			const answer = await fetch(n8n.webhookUrl('scripts/batch'), { method: 'POST', headers: { ...secret, 'content-type': 'application/json' }, body: JSON.stringify(body) });
			const accepted = { status: answer.status, json: await answer.json() };
			const acceptMs = Date.now() - t0;
			if (accepted.status !== 202) throw new Error(`batch: HTTP ${accepted.status} ${JSON.stringify(accepted.json)}`);
			let status;
			let maxRunning = 0;
			let untruthful = 0;
			let lastCompleted = 0;
			for (;;) {
				status = await (await fetch(accepted.json.statusUrl, { headers: secret })).json();
				maxRunning = Math.max(maxRunning, status.runningJobs);
				// Truthful: counts add up to the jobs listed, and finished jobs never go back.
				const listed = status.jobs.filter((j) => j.state === 'completed').length;
				if (status.completedJobs + status.failedJobs + status.runningJobs + status.queuedJobs !== status.totalJobs || listed !== status.completedJobs || status.completedJobs < lastCompleted) untruthful++;
				lastCompleted = status.completedJobs;
				if (['completed', 'completed_with_failures', 'failed'].includes(status.state)) break;
				await sleep(POLL_MS);
			}
			const wallMs = Date.now() - t0;
			const after = fake.stats().byRoute;
			const calls = (route) => (after[route] || 0) - (before[route] || 0);
			return { accepted: accepted.json, acceptMs, wallMs, status, maxRunning, untruthful, textCalls: calls('generateContent'), ttsCalls: calls('synthesize') };
		};

		const first = await runBatch();
		const maxInFlight = fake.stats().maxConcurrencySeen;

		// Every audio in the ZIP, decoded.
		const zipRes = await fetch(first.accepted.downloadUrl);
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scripts-bench-'));
		fs.writeFileSync(path.join(dir, 'b.zip'), Buffer.from(await zipRes.arrayBuffer()));
		spawnSync('unzip', ['-q', 'b.zip', '-d', 'out'], { cwd: dir });
		const mp3s = spawnSync('find', ['out', '-name', '*.mp3'], { cwd: dir, encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
		let decoded = 0;
		for (const file of mp3s) {
			try {
				if (decode(fs.readFileSync(path.join(dir, file)), 'mp3').seconds > 0) decoded++;
			} catch {
				/* counted as not decoded */
			}
		}
		fs.rmSync(dir, { recursive: true, force: true });

		const second = await runBatch();
		// The sequential pipeline has no retries of its own: it runs without faults.
		fake.configure({ faults: { rate429: 0, rateHang: 0 } });

		const { DEFAULT_TEXT_MODEL } = require('../../dist/nodes/shared/gemini/catalog');
		const t0 = Date.now();
		for (let i = 0; i < SEQUENTIAL_TITLES; i++) await sequentialTitle(fake, DEFAULT_TEXT_MODEL, titles[i]);
		const sequentialMs = ((Date.now() - t0) / SEQUENTIAL_TITLES) * TITLES;

		const texts = TITLES * (1 + VARIATIONS + VARIATIONS * LANGUAGES.length);
		const audios = TITLES * VARIATIONS * LANGUAGES.length;
		const globalBound = boundMs({ textCalls: texts, ttsCalls: audios, geminiCap: GEMINI_CAP, ttsCap: TTS_CAP });
		const jobs = Math.min(PARALLEL_JOBS, TITLES);
		const effectiveBound = boundMs({ textCalls: texts, ttsCalls: audios, geminiCap: GEMINI_CAP * jobs, ttsCap: TTS_CAP * jobs, perJob: { geminiCap: GEMINI_CAP, ttsCap: TTS_CAP } });
		const rows = [
			['scenario', `${TITLES} titles × ${VARIATIONS} variations × ${LANGUAGES.length} languages = ${texts} texts, ${audios} audios; text ${s(TEXT_MS)}, speech ${s(TTS_MS)} per call`],
			['202 answered in', `${first.acceptMs} ms`],
			['batch wall time (202 → completed)', `${s(first.wallMs)}  (${first.status.completedJobs}/${first.status.totalJobs} completed, ${first.status.failedJobs} failed; ${first.textCalls} text + ${first.ttsCalls} speech calls; most jobs seen running at once ${first.maxRunning}; most calls in flight at the fake ${maxInFlight}; status snapshots that did not add up ${first.untruthful}${process.env.BENCH_FAULTS ? `; faults: ${JSON.stringify(fake.stats().byStatus)}` : ''})`],
			['ZIP', `${mp3s.length} MP3s, ${decoded} decode with ffmpeg`],
			[`bound, caps global (Gemini ${GEMINI_CAP} / TTS ${TTS_CAP})`, `${s(globalBound)}  → batch = ${(first.wallMs / globalBound).toFixed(2)}× this bound`],
			[`bound, caps per job × ${jobs} jobs (as shipped)`, `${s(effectiveBound)}  → batch = ${(first.wallMs / effectiveBound).toFixed(2)}× this bound`],
			[`sequential pipeline (seed; ${SEQUENTIAL_TITLES} title measured × ${TITLES})`, `${s(sequentialMs)}  → batch is ${(sequentialMs / first.wallMs).toFixed(1)}× faster`],
			['identical second batch', `${s(second.wallMs)}, ${second.textCalls} text calls, ${second.ttsCalls} speech calls`],
		];
		for (const [k, v] of rows) console.log(`${k.padEnd(52)} ${v}`);
	} catch (error) {
		n8n.failed = true;
		console.error(n8n.logTail(80));
		throw error;
	} finally {
		await stopN8n(n8n);
		await fake.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
