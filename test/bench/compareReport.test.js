'use strict';
// The pieces of `npm run bench:compare` that need no n8n: the scheduler table parser, the
// summary and the SVG bar chart.
const { barChart, summarise } = require('./compareReport');
const { parseSchedulerTable, CONDITIONS } = require('./compare');

test('the scheduler table is read by column name', () => {
	const out = [
		'Scheduler benchmark: N=60 calls, concurrency C=10',
		'| scenario | makespan ms | bound ms | ratio | calls |',
		'|:--|--:|--:|--:|--:|',
		'| (a) no limit, no faults | 1271 | 1200 | 1.060 | 60 |',
		'| (b) 1200 rpm (20/1000 ms) | 2420 | 2200 | 1.100 | 60 |',
		'',
		'bound = …',
	].join('\n');
	const parsed = parseSchedulerTable(out);
	expect(parsed.header).toMatch(/^Scheduler benchmark/);
	expect(parsed.rows).toEqual([
		{ scenario: '(a) no limit, no faults', ratio: 1.06, makespanMs: 1271, boundMs: 1200 },
		{ scenario: '(b) 1200 rpm (20/1000 ms)', ratio: 1.1, makespanMs: 2420, boundMs: 2200 },
	]);
	expect(parseSchedulerTable('crashed').rows).toEqual([]);
});

test('the five conditions of issue #12 are all there, the built-in with thinking off, and ours with more Parallel Calls', () => {
	expect(CONDITIONS.map((c) => c.id)).toEqual(['none', '429', 'quota', 'first429', 'hang', 'noThinking', 'fast', 'fastNoThinking']);
	expect(CONDITIONS.find((c) => c.id === 'noThinking').builtin).toBe('thinkingOff');
	expect(CONDITIONS.find((c) => c.id === 'fast')).toMatchObject({ ours: 'fast' });
	expect(CONDITIONS.find((c) => c.id === 'fastNoThinking')).toMatchObject({ ours: 'fast', builtin: 'thinkingOff' });
	expect(CONDITIONS.filter((c) => c.ours === undefined).map((c) => c.id)).toEqual(['none', '429', 'quota', 'first429', 'hang', 'noThinking']);
	expect(CONDITIONS.find((c) => c.id === 'quota').bursts).toBe(2);
});

test('summary: medians, worst runs and totals per side', () => {
	const run = (which, ms, delivered, calls, nearDuplicates = 0) => ({ condition: 'none', which, ms, requested: 20, delivered, lost: 20 - delivered, calls, nearDuplicates, nodeMs: ms - 500, slowestCallMs: ms - 600 });
	const [row] = summarise(
		[run('ours', 2000, 20, 4), run('ours', 3000, 20, 4), run('ours', 2500, 20, 5), run('builtin', 3000, 18, 20, 1), run('builtin', 2800, 20, 20)],
		[{ id: 'none', name: 'no faults' }],
	);
	expect(row.ours).toMatchObject({ runs: 3, medianS: 2.5, minS: 2, maxS: 3, deliveredMin: 20, lostTotal: 0, callsMedian: 4 });
	expect(row.builtin).toMatchObject({ runs: 2, medianS: 2.9, deliveredMin: 18, lostTotal: 2, nearDupMax: 1, callsMedian: 20 });
	expect(row.ours.nodeOverSlowest[0]).toBeCloseTo(1500 / 1400);
});

test('bar chart: one bar per value, heights in proportion, text escaped, footer kept', () => {
	const svg = barChart({
		title: 'Time <s>',
		unit: 'seconds',
		categories: ['no faults', 'quota'],
		series: [
			{ name: 'ours', color: '#111111', values: [2, 4] },
			{ name: 'built-in', color: '#222222', values: [1, Number.NaN] },
		],
		footer: ['Produced by a test.'],
		reference: { value: 1, label: 'bound' },
	});
	expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
	expect(svg).toContain('Time &lt;s&gt;');
	expect(svg).toContain('Produced by a test.');
	const bars = [...svg.matchAll(/<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" fill="#(111111|222222)">/g)];
	expect(bars).toHaveLength(3); // NaN draws no bar
	const heights = bars.map((b) => Number(b[2]));
	// Drawn by category: ours 2, built-in 1, then ours 4.
	expect(heights[0] / heights[1]).toBeCloseTo(2);
	expect(heights[2] / heights[0]).toBeCloseTo(2);
});

test('the written report names each side as it ran: Parallel Calls raised, built-in with thinking off', () => {
	const fs = require('fs');
	const os = require('os');
	const path = require('path');
	const { writeReport } = require('./compareReport');
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-report-'));
	const conditions = CONDITIONS.filter((c) => ['none', 'noThinking', 'fast', 'fastNoThinking'].includes(c.id)).map(({ id, name, bursts, ours, builtin }) => ({ id, name, bursts, ours, builtin }));
	const results = [];
	for (const c of conditions) {
		for (const run of [1, 2]) {
			results.push({ condition: c.id, which: 'ours', run, ms: 2000 + run, requested: 20, delivered: 20, lost: 0, calls: c.ours === 'fast' ? 8 : 4, nearDuplicates: 0, nodeMs: 1900, slowestCallMs: 1890, costUsd: 0.01 });
			results.push({ condition: c.id, which: 'builtin', run, ms: c.builtin === 'thinkingOff' ? 1200 : 2100, requested: 20, delivered: 20, lost: 0, calls: 20, nearDuplicates: 1, ...(c.id === 'fast' ? {} : { costUsd: c.builtin === 'thinkingOff' ? 0.012 : 0.02 }) });
		}
	}
	writeReport({
		machine: { date: '2026-12-02T00:00:00.000Z', cpu: 'test cpu', cores: 2, node: 'v20', n8n: '2.41.1', n8nNode: '24', platform: 'linux', loadAtStart: '0', loadAtEnd: '0' },
		settings: { runs: 2, count: 20, tier: 'EXPERT', locale: 'en', duplicateRate: 0.05, latency: { ttftMs: 400, msPerToken: 3.7, tokenJitter: 0.2 }, pollMs: 100, quotaRpm: 30, schedulerCalls: 100, fastParallelCalls: 8 },
		conditions,
		results,
		scheduler: { rows: [], header: '', note: 'not run' },
		totalSeconds: 1,
	}, dir);
	const md = fs.readFileSync(path.join(dir, 'benchmarks.md'), 'utf8');
	const fast = conditions.find((c) => c.id === 'fast').name;
	const fastOff = conditions.find((c) => c.id === 'fastNoThinking').name;
	expect(md).toContain(`| ${fast} | Mission Generator, Parallel Calls 8 | 2.00 [2.00–2.00] |`);
	expect(md).toContain(`| ${fastOff} | built-in, thinking off | 1.20 [1.20–1.20] |`);
	expect(md).toContain('| no faults | Mission Generator | 2.00 [2.00–2.00] |');
	// Cost per delivered mission: the run's cost ÷ missions delivered, '–' where a run was not priced.
	expect(md).toContain('| no faults | built-in | 2.10 [2.10–2.10] | 20/20 | 0 | 1 | 20 | $0.001000 |');
	expect(md).toContain('| no faults | Mission Generator | 2.00 [2.00–2.00] | 20/20 | 0 | 0 | 4 | $0.000500 |');
	expect(md).toContain(`| ${fast} | built-in | 2.10 [2.10–2.10] | 20/20 | 0 | 1 | 20 | – |`);
	expect(md).toContain('With thinking off the built-in workflow costs $0.000600 per delivered mission against ours $0.000500');
	expect(md).toMatch(/With \*Parallel Calls\* 8 .*against the built-in workflow as a user sends it: 2\.00 s against 2\.10 s median, ours slower in 0 of 2 paired runs/);
	expect(md).toMatch(/With \*Parallel Calls\* 8 .*against the built-in workflow with thinking off: 2\.00 s against 1\.20 s median, ours slower in 2 of 2 paired runs, at 8 calls against 20/);
	expect(md).toMatch(/\| no faults, built-in with thinking off \| built-in, thinking off \| 1 \|/);
	// The hand-kept sections, copied as they stand, in this order before the list of every run.
	const kept = ['benchmarks-hedging.md', 'benchmarks-issue-send.md', 'bench-queue.md'].map((f) => fs.readFileSync(path.join(__dirname, '..', '..', 'docs', f), 'utf8').trim());
	const at = kept.map((section) => md.indexOf(section));
	expect(at.every((i) => i > 0)).toBe(true);
	expect([...at].sort((a, b) => a - b)).toEqual(at);
	expect(md.indexOf('## Every run')).toBeGreaterThan(at[2]);
	fs.rmSync(dir, { recursive: true, force: true });
});

test('docs/benchmarks.md holds every hand-kept section as it stands (hedging, refused issue replies, queue mode)', () => {
	const fs = require('fs');
	const path = require('path');
	const docs = path.join(__dirname, '..', '..', 'docs');
	const page = fs.readFileSync(path.join(docs, 'benchmarks.md'), 'utf8');
	for (const file of ['benchmarks-hedging.md', 'benchmarks-issue-send.md', 'bench-queue.md']) {
		expect({ file, inPage: page.includes(fs.readFileSync(path.join(docs, file), 'utf8').trim()) }).toEqual({ file, inPage: true });
	}
});
