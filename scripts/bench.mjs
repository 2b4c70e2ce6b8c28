// `npm run bench`: builds, then runs every benchmark in test/bench against the local Google fake.
// Benchmarks print ratios measured side by side in one run; they never fail a build.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);
execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
for (const file of readdirSync(new URL('../test/bench', import.meta.url)).filter((f) => f.endsWith('.js')).sort()) {
	if (only.length > 0 && !only.some((name) => file.includes(name))) continue;
	console.log(`\n=== ${file}`);
	execFileSync(process.execPath, [`test/bench/${file}`], { cwd: root, stdio: 'inherit', env: { ...process.env, GEMINI_OPS_FROM_DIST: '1' } });
}
