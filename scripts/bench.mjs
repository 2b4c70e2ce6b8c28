// `npm run bench`: builds, then runs every benchmark below against the local Google fake.
// Benchmarks print ratios measured side by side in one run; they never fail a build.
// `npm run bench -- hedging` runs only the benches whose file name contains an argument.
import { execFileSync } from 'node:child_process';

const BENCHES = [
	'missions.js', // Mission Generator vs the seed's baseline, faults, 100 concurrent requests
	'scheduler.js', // pool, rate limiter and retry vs the theoretical best makespan
	'hedging.js', // hung calls: hedged requests vs the same runs without hangs (issue #13)
];

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);
execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
for (const file of BENCHES) {
	if (only.length > 0 && !only.some((name) => file.includes(name))) continue;
	console.log(`\n=== ${file}`);
	execFileSync(process.execPath, [`test/bench/${file}`], { cwd: root, stdio: 'inherit', env: { ...process.env, GEMINI_OPS_FROM_DIST: '1' } });
}
