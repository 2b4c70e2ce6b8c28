'use strict';
// Hung calls in a real n8n (issue #23, part 1): the shipped mission workflow, 60 missions per job,
// the fake answering in 2 s ± 20% with 20% 429 (Retry-After 1 s), 5% 503 and 5% malformed
// answers. In one n8n process:
//   1. cold: the first job after start, whose first Gemini call hangs (no latency history yet, so
//      the backup goes out at the prior), against the hang-free jobs' median;
//   2. warm: pairs of jobs, one with 5% of calls hanging and its twin without, run alternately.
// Targets: warm hung ÷ hang-free ≤ 1.5×, cold ≤ 2×, no mission lost.
// The tier has no templates ("Expert"), so every mission comes from Gemini and twins ask alike.
// BENCH_HEDGE_PAIRS (default 6) sets the number of warm pairs.
const { startFakeGoogle } = require('../support/fakeGoogle');
const { runtime, startN8n, stopN8n, missionClient } = require('../support/n8n');

const API_KEY = 'bench-hedging-n8n-key';
const MISSIONS = 60;
const PAIRS = Number(process.env.BENCH_HEDGE_PAIRS || 6);
const HANG_RATE = 0.05;
const FAULTS = { rate429: 0.2, retryAfterSeconds: 1, rate503: 0.05, rateMalformed: 0.05 };
const JOB_TIMEOUT_MS = 300_000;

function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function runJob(client, fake, rateHang, label) {
	fake.configure({ faults: { ...FAULTS, rateHang } });
	const startedAt = Date.now();
	const accepted = await client.generate({ tier: 'Expert', count: MISSIONS, locale: 'en' });
	if (accepted.status !== 202) throw new Error(`${label}: HTTP ${accepted.status} ${accepted.text}`);
	const { final } = await client.waitForJob(accepted.json.jobId, { timeoutMs: JOB_TIMEOUT_MS, intervalMs: 200 });
	const wallS = (Date.now() - startedAt) / 1000;
	const report = (final.result && final.result.report) || {};
	const delivered = final.result && Array.isArray(final.result.missions) ? final.result.missions.length : 0;
	return { label, wallS, state: final.state, delivered, calls: report.apiCalls, hedges: report.hedges, hedgeWins: report.hedgeWins, failedCalls: report.failedCalls };
}

function row(run) {
	return `| ${run.label} | ${run.state} | ${run.delivered}/${MISSIONS} | ${run.wallS.toFixed(1)} | ${run.calls} | ${run.hedges}/${run.hedgeWins} | ${run.failedCalls} |`;
}

async function main() {
	const fake = await startFakeGoogle({ apiKeys: [API_KEY], seed: 23, latencyMs: 2000, latencyJitter: 0.2 });
	runtime.buildPackage();
	const n8n = await startN8n({ gemini: { apiKey: API_KEY, host: fake.url, requestsPerMinute: 0 } });
	const client = missionClient(n8n);
	const runs = [];
	try {
		// 1. Cold: the very first Gemini call of this n8n process hangs.
		fake.configure({ faults: FAULTS });
		fake.script(':generateContent', [{ hang: true }]);
		runs.push(await runJob(client, fake, 0, 'cold, first call hangs'));
		// 2. Warm pairs, alternating who runs first.
		for (let pair = 0; pair < PAIRS; pair++) {
			const order = pair % 2 === 0 ? [HANG_RATE, 0] : [0, HANG_RATE];
			for (const rateHang of order) runs.push(await runJob(client, fake, rateHang, `pair ${pair + 1}, ${rateHang ? `${HANG_RATE * 100}% hang` : 'no hang'}`));
		}
	} finally {
		await stopN8n(n8n);
		await fake.close();
	}
	const hangFree = runs.filter((r) => r.label.endsWith('no hang'));
	const hung = runs.filter((r) => r.label.endsWith('% hang'));
	const baseline = median(hangFree.map((r) => r.wallS));
	console.log(`\nHung calls in a real n8n ${runtime.N8N_VERSION}: ${MISSIONS} missions per job, fake 2 s ± 20%, 20% 429, 5% 503, 5% malformed\n`);
	console.log('| job | state | delivered | wall (s) | calls | hedges/wins | failed calls |');
	console.log('| --- | --- | --- | --- | --- | --- | --- |');
	for (const run of runs) console.log(row(run));
	const lost = runs.reduce((sum, r) => sum + (MISSIONS - r.delivered), 0);
	console.log(`\nhang-free median ${baseline.toFixed(1)} s; warm hung ÷ hang-free: median ${(median(hung.map((r) => r.wallS)) / baseline).toFixed(2)}×, worst ${(Math.max(...hung.map((r) => r.wallS)) / baseline).toFixed(2)}× (target ≤ 1.5×)`);
	console.log(`cold with a hang ÷ hang-free median: ${(runs[0].wallS / baseline).toFixed(2)}× (target ≤ 2×); missions lost: ${lost}`);
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
