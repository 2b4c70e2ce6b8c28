// `npm run bench:compare`: builds, then runs test/bench/compare.js, which starts the local n8n (as
// `npm start` does), runs the shipped mission workflow and a built-in-only one side by side
// against the Google fake, and writes docs/benchmarks.md with its SVG charts. Takes minutes.
import { execFileSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, ['test/bench/compare.js'], {
	cwd: root,
	stdio: 'inherit',
	env: { ...process.env, BENCH_COMPARE: '1', GEMINI_OPS_FROM_DIST: '1' },
});
