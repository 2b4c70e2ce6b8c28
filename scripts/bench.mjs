// `npm run bench`: builds, then runs every benchmark below against the local Google fake.
// Benchmarks print ratios measured side by side in one run; they never fail a build.
// `npm run bench -- hedging` runs only the benches whose file name contains an argument.
import { execFileSync } from 'node:child_process';

const BENCHES = [
	'missions.js', // Mission Generator vs the seed's baseline, faults, 100 concurrent requests
	'scheduler.js', // pool, rate limiter and retry vs the theoretical best makespan
	'hedging.js', // hung calls: hedged requests vs the same runs without hangs (issue #13)
	'hedging-n8n.js', // real n8n: the mission workflow with hung calls, warm twins and the cold start (#23)
	'adaptation.js', // Content Adapter: 10 titles × 3 variations × 3 languages vs the bound and the seed's pipeline (#8)
	'tts.js', // Text to Speech: 90 + 10 texts under a cap of 3 vs the bound and sequential (#9)
	'webhook-soak.js', // real n8n: 1,000 jobs at 20 concurrent, 202 latency vs n8n's floor webhook (#16)
	'triage.js', // real n8n: time to first response vs polling; 500 issues with duplicates and 429s (#11)
	'scripts-batch.js', // real n8n: seed 001's batch end to end vs the bound and the sequential pipeline (#10)
	'queue.js', // real n8n queue mode: 1 vs 2 workers, a soak with a worker SIGKILLed and restarted (#22)
	'economy.js', // real n8n: standard, Flex and Batch API side by side: wall time, estimated cost, calls (#24)
	'compare.js', // real n8n: ours vs a built-in-only workflow (npm run bench:compare writes docs/benchmarks.md) (#12)
];

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);
execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
for (const file of BENCHES) {
	if (only.length > 0 && !only.some((name) => file.includes(name))) continue;
	console.log(`\n=== ${file}`);
	execFileSync(process.execPath, [`test/bench/${file}`], { cwd: root, stdio: 'inherit', env: { ...process.env, GEMINI_OPS_FROM_DIST: '1' } });
}
