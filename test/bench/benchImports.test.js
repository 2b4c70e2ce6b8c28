'use strict';
// The benchmarks load the built package (dist/) by path, which no compiler checks: a module moved
// in nodes/ left test/bench/scheduler.js requiring a file that no longer exists, and
// `npm run bench:compare` printed "the scheduler benchmark gave no table". Every name a benchmark
// takes from dist/ must exist in the source module it is built from.
const fs = require('node:fs');
const path = require('node:path');

const BENCH = __dirname;
const ROOT = path.join(BENCH, '..', '..');

function distImports(file) {
	const src = fs.readFileSync(path.join(BENCH, file), 'utf8');
	const dist = (src.match(/const DIST = '([^']+)'/) || [])[1];
	const found = [];
	for (const m of src.matchAll(/const \{([^}]+)\} = require\((['`])([^'`]+)\2\)/g)) {
		const spec = dist ? m[3].replace('${DIST}', dist) : m[3];
		if (!spec.includes('dist/')) continue;
		const names = m[1].split(',').map((n) => n.trim().split(':')[0].trim()).filter(Boolean);
		found.push({ spec, names });
	}
	return found;
}

const files = fs.readdirSync(BENCH).filter((f) => f.endsWith('.js') && !f.endsWith('.test.js'));
const cases = files.flatMap((file) => distImports(file).map(({ spec, names }) => [file, spec, names]));

test('the benchmarks take something from dist/ (the scan finds their imports)', () => {
	expect(cases.length).toBeGreaterThan(10);
});

test.each(cases)('%s: %s exports what it asks for', (file, spec, names) => {
	const distPath = path.resolve(BENCH, spec);
	const source = path.join(ROOT, path.relative(path.join(ROOT, 'dist'), distPath));
	expect(fs.existsSync(`${source}.ts`) || fs.existsSync(path.join(source, 'index.ts'))).toBe(true);
	const mod = require(source);
	expect(names.filter((n) => !(n in mod))).toEqual([]);
});
