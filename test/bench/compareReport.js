'use strict';
// Turns the results of test/bench/compare.js into docs/benchmarks.md and SVG bar charts, with
// our own few lines of SVG (no charting dependency). Every figure carries how it was produced and
// on what machine.
const fs = require('node:fs');
const path = require('node:path');

const DOCS = path.join(__dirname, '..', '..', 'docs');
// Queue mode's figures come from `npm run bench -- queue` (tens of minutes, run by hand), kept in
// this file and copied into the page as they stand.
const QUEUE_SECTION = path.join(DOCS, 'bench-queue.md');
// Hedging's figures (`npm run bench -- hedging-n8n` and `-- hedging`) and the refused issue
// replies (end-to-end runs), likewise kept by hand.
const HEDGING_SECTION = path.join(DOCS, 'benchmarks-hedging.md');
const ISSUE_SEND_SECTION = path.join(DOCS, 'benchmarks-issue-send.md');
// Economy's figures (standard, Flex, Batch API) come from `npm run bench -- economy`, kept by hand likewise.
const ECONOMY_SECTION = path.join(DOCS, 'bench-economy.md');
const COLORS = { ours: '#1a73e8', builtin: '#9aa0a6', ratio: '#188038', bound: '#d93025' };
const LABELS = { ours: 'Mission Generator (workflows/missions-generate.json)', builtin: 'Built-in nodes (HTTP Request, one mission per call)' };

const escape = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** USD with six decimals (a mission costs a fraction of a cent); '–' when unpriced. */
const usd = (v) => (Number.isFinite(v) ? `$${v.toFixed(6)}` : '–');
const median = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const mean = (values) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

/**
 * A grouped bar chart. series: [{ name, color, values: number[], ranges?: [min, max][] }];
 * one group per category; optional reference line (e.g. ratio 1.0).
 */
function barChart({ title, categories, series, unit, footer: footerText, reference }) {
	let footer = footerText;
	const width = 820;
	const left = 70;
	const right = 20;
	const top = 64;
	const plotHeight = 220;
	const labelBand = 58;
	footer = footer.flatMap((line) => wrap(line, Math.floor((width - left - right) / FOOTER_CHAR_PX)));
	const footerLines = footer.length;
	const height = top + plotHeight + labelBand + 22 * series.length + 16 * footerLines + 16;
	const all = series.flatMap((s) => [...s.values, ...(s.ranges || []).map((r) => r[1])]).concat(reference ? [reference.value] : []);
	const max = niceMax(Math.max(1e-9, ...all.filter(Number.isFinite)));
	const y = (v) => top + plotHeight - (Math.max(0, v) / max) * plotHeight;
	const groupWidth = (width - left - right) / categories.length;
	const barWidth = Math.min(48, (groupWidth * 0.7) / series.length);
	const out = [];
	out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
	out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
	out.push(`<text x="${left}" y="26" font-size="16" font-weight="bold">${escape(title)}</text>`);
	out.push(`<text x="${left}" y="46" fill="#5f6368">${escape(unit)}</text>`);
	for (let i = 0; i <= 4; i++) {
		const v = (max * i) / 4;
		out.push(`<line x1="${left}" x2="${width - right}" y1="${y(v)}" y2="${y(v)}" stroke="#e8eaed"/>`);
		out.push(`<text x="${left - 8}" y="${y(v) + 4}" text-anchor="end" fill="#5f6368">${escape(fmtAxis(v))}</text>`);
	}
	categories.forEach((category, c) => {
		const x0 = left + c * groupWidth + (groupWidth - barWidth * series.length) / 2;
		series.forEach((s, k) => {
			const v = s.values[c];
			const x = x0 + k * barWidth;
			if (Number.isFinite(v)) {
				out.push(`<rect x="${x + 2}" y="${y(v)}" width="${barWidth - 4}" height="${Math.max(0.5, top + plotHeight - y(v))}" fill="${s.color}"><title>${escape(`${s.name}: ${fmtAxis(v)}`)}</title></rect>`);
				const peak = s.ranges && s.ranges[c] ? Math.max(v, s.ranges[c][1]) : v;
				out.push(`<text x="${x + barWidth / 2}" y="${y(peak) - 4}" text-anchor="middle" font-size="10">${escape(fmtAxis(v))}</text>`);
			}
			const range = s.ranges && s.ranges[c];
			if (range && Number.isFinite(range[0]) && range[1] > range[0]) {
				const cx = x + barWidth / 2;
				out.push(`<line x1="${cx}" x2="${cx}" y1="${y(range[0])}" y2="${y(range[1])}" stroke="#202124"/>`);
				out.push(`<line x1="${cx - 5}" x2="${cx + 5}" y1="${y(range[1])}" y2="${y(range[1])}" stroke="#202124"/>`);
				out.push(`<line x1="${cx - 5}" x2="${cx + 5}" y1="${y(range[0])}" y2="${y(range[0])}" stroke="#202124"/>`);
			}
		});
		wrap(String(category), Math.max(8, Math.floor(groupWidth / CHAR_PX) - 1)).slice(0, 3).forEach((line, i) => {
			out.push(`<text x="${left + c * groupWidth + groupWidth / 2}" y="${top + plotHeight + 16 + i * 13}" text-anchor="middle">${escape(line)}</text>`);
		});
	});
	if (reference) {
		out.push(`<line x1="${left}" x2="${width - right}" y1="${y(reference.value)}" y2="${y(reference.value)}" stroke="${COLORS.bound}" stroke-dasharray="6 4"/>`);
		out.push(`<text x="${width - right}" y="${y(reference.value) - 4}" text-anchor="end" fill="${COLORS.bound}">${escape(reference.label)}</text>`);
	}
	out.push(`<line x1="${left}" x2="${width - right}" y1="${top + plotHeight}" y2="${top + plotHeight}" stroke="#202124"/>`);
	let ly = top + plotHeight + labelBand + 8;
	for (const s of series) {
		out.push(`<rect x="${left}" y="${ly - 10}" width="12" height="12" fill="${s.color}"/><text x="${left + 18}" y="${ly}">${escape(s.name)}</text>`);
		ly += 22;
	}
	for (const line of footer) {
		out.push(`<text x="${left}" y="${ly}" font-size="10" fill="#5f6368">${escape(line)}</text>`);
		ly += 16;
	}
	out.push('</svg>');
	return `${out.join('\n')}\n`;
}

/** Average glyph widths at 12 px and 10 px, to wrap labels without measuring text. */
const CHAR_PX = 6.6;
const FOOTER_CHAR_PX = 5.4;

function wrap(text, max) {
	const lines = [];
	for (const word of text.split(' ')) {
		if (lines.length && `${lines[lines.length - 1]} ${word}`.length <= max) lines[lines.length - 1] += ` ${word}`;
		else lines.push(word);
	}
	return lines;
}

function niceMax(v) {
	const exp = 10 ** Math.floor(Math.log10(v));
	for (const step of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (step * exp >= v) return step * exp;
	return 10 * exp;
}
const fmtAxis = (v) => (v >= 10 || Number.isInteger(v) ? String(Math.round(v * 10) / 10) : v.toFixed(2));

function summarise(results, conditions) {
	return conditions.map((condition) => {
		const side = (which) => {
			const runs = results.filter((r) => r.condition === condition.id && r.which === which);
			const seconds = runs.map((r) => r.ms / 1000);
			return {
				runs: runs.length,
				medianS: median(seconds),
				minS: Math.min(...seconds),
				maxS: Math.max(...seconds),
				requested: runs[0] ? runs[0].requested : 0,
				deliveredMin: Math.min(...runs.map((r) => r.delivered)),
				lostMean: mean(runs.map((r) => r.lost)),
				lostTotal: runs.reduce((a, r) => a + r.lost, 0),
				nearDupMax: Math.max(...runs.map((r) => r.nearDuplicates)),
				nearDupMean: mean(runs.map((r) => r.nearDuplicates)),
				callsMedian: median(runs.map((r) => r.calls)),
				nodeOverSlowest: runs.filter((r) => r.slowestCallMs > 0).map((r) => r.nodeMs / r.slowestCallMs),
				// USD per delivered mission (list price of the tokens the fake answered with); null if unpriced.
				costPerMission: median(runs.filter((r) => typeof r.costUsd === 'number' && r.delivered > 0).map((r) => r.costUsd / r.delivered)),
			};
		};
		return { ...condition, ours: side('ours'), builtin: side('builtin') };
	});
}

/** The workflow column: which variant of each side ran under this condition. */
function workflowLabel(condition, which, settings) {
	if (which === 'ours') return condition.ours === 'fast' ? `Mission Generator, Parallel Calls ${settings.fastParallelCalls}` : 'Mission Generator';
	return condition.builtin === 'thinkingOff' ? 'built-in, thinking off' : 'built-in';
}

/** Paired runs of one condition (same run number, same fake seed): [ours, built-in]. */
function pairsOf(results, id) {
	return results
		.filter((r) => r.condition === id && r.which === 'ours')
		.map((o) => [o, results.find((b) => b.condition === id && b.which === 'builtin' && b.run === o.run)])
		.filter(([, b]) => b);
}

function machineLine(m) {
	return `${m.cpu}, ${m.cores} cores, runner Node ${m.node}, n8n ${m.n8n} on Node ${m.n8nNode}, ${m.platform}; load average at start ${m.loadAtStart}, at end ${m.loadAtEnd}`;
}

/** Writes benchmarks.md and its charts into `docsDir` (the repository's docs/ unless told). */
function writeReport({ machine, settings, conditions, results, scheduler, totalSeconds }, docsDir = DOCS) {
	fs.mkdirSync(docsDir, { recursive: true });
	const rows = summarise(results, conditions);
	const conditionOf = (id) => conditions.find((c) => c.id === id) || {};
	const produced = `npm run bench:compare, ${machine.date.slice(0, 16).replace('T', ' ')} UTC, ${settings.runs} runs per condition and workflow`;
	const onMachine = `${machine.cpu}, ${machine.cores} cores, Node ${machine.node} (n8n ${machine.n8n} on Node ${machine.n8nNode})`;
	const latency = `fake latency: ${settings.latency.ttftMs} ms to first token + ${settings.latency.msPerToken} ms per output token, ±${settings.latency.tokenJitter * 100}%`;
	const footer = [`Produced by ${produced}.`, `Machine: ${onMachine}.`, `${settings.count} ${settings.tier} missions per request (no templates), ${latency}, model repeats itself ${settings.duplicateRate * 100}% of the time.`];
	const names = rows.map((r) => r.name);

	const files = [];
	const write = (name, text) => {
		fs.writeFileSync(path.join(docsDir, name), text);
		files.push(`docs/${name}`);
	};
	write(
		'bench-missions-time.svg',
		barChart({
			title: 'Time until every mission is delivered (lower is better)',
			unit: 'seconds per run, median; whiskers: fastest and slowest run',
			categories: names,
			series: ['ours', 'builtin'].map((w) => ({ name: LABELS[w], color: COLORS[w], values: rows.map((r) => r[w].medianS), ranges: rows.map((r) => [r[w].minS, r[w].maxS]) })),
			footer,
		}),
	);
	write(
		'bench-missions-lost.svg',
		barChart({
			title: 'Missions lost per run (lower is better)',
			unit: 'missions requested but not delivered, mean per run',
			categories: names,
			series: ['ours', 'builtin'].map((w) => ({ name: LABELS[w], color: COLORS[w], values: rows.map((r) => r[w].lostMean) })),
			footer,
		}),
	);
	if (scheduler.rows.length > 0) {
		write(
			'bench-scheduler-ratio.svg',
			barChart({
				title: 'Scheduler makespan ÷ lower bound (1.0 = no scheduler could be faster)',
				unit: 'makespan ÷ bound; bound = max(⌈calls / cap⌉ × latency, RPM floor, critical path)',
				categories: scheduler.rows.map((r) => r.scenario.replace(/^\(\w+\)\s*/, '')),
				series: [{ name: 'test/bench/scheduler.js', color: COLORS.ratio, values: scheduler.rows.map((r) => r.ratio) }],
				reference: { value: 1, label: 'bound' },
				footer: [`Produced by node test/bench/scheduler.js (BENCH_CALLS=${settings.schedulerCalls}) from npm run bench:compare, ${machine.date.slice(0, 10)}.`, `Machine: ${onMachine}.`, scheduler.header],
			}),
		);
	}

	const none = rows.find((r) => r.id === 'none');
	const lines = [];
	lines.push('# Benchmarks', '');
	lines.push('<!-- Generated by `npm run bench:compare` (test/bench/compare.js, test/bench/compareReport.js). Edits are overwritten. -->', '');
	lines.push(
		'How the nodes of this package compare with what a user builds today from n8n\'s built-in nodes, side by side in one real n8n, against a local fake of the Google APIs. Rerun it on your machine with `npm run bench:compare` (about 5–10 minutes): it starts n8n as `npm start` does, imports both workflows, runs every condition several times and rewrites this page and its charts.',
		'',
	);
	lines.push('## How these numbers were produced', '');
	lines.push(`- Command: \`npm run bench:compare\`; ${settings.runs} runs per condition and workflow (one unrecorded warm-up each), the two workflows alternating who goes first; total ${fmt(totalSeconds / 60, 1)} min.`);
	lines.push(`- Machine: ${machineLine(machine)}. Measured ${machine.date}.`);
	lines.push(`- Request: ${settings.count} missions of tier \`${settings.tier}\` (no built-in templates, so every mission is written by AI), locale \`${settings.locale}\`.`);
	lines.push(`- Fake Gemini (test/support/fakeGoogle.js): token latency model, ${settings.latency.ttftMs} ms to first token + ${settings.latency.msPerToken} ms per output token (thinking tokens included), each ±${settings.latency.tokenJitter * 100}%, from published Gemini 2.5 Flash figures; it repeats an earlier title or description ${settings.duplicateRate * 100}% of the time (BENCH_DUPLICATE_RATE).`);
	lines.push('- **Ours**: the shipped `workflows/missions-generate.json` (webhook → 202 → Mission Generator with its default options), timed from the POST until `missions/status` (polled every ' + settings.pollMs + ' ms) says the job finished.');
	lines.push('- **Built-in**: `test/bench/builtin-missions.workflow.json`: Webhook → one item per mission → HTTP Request to `generateContent` (structured JSON output, the model\'s default thinking, as a user sends it), one mission per call, all calls at once, *Retry On Fail* 5 × 5 s, *On Error: Continue*, timeout 30 s → Set parses the mission; timed from the POST until the webhook answers. The last condition also asks for the least thinking the model accepts (`thinkingLevel: low` on gemini-3.8-flash, from `lowThinkingConfig` in the catalog), as the Mission Generator does: the fairest race on speed.');
	lines.push('- Delivered = missions with a title and description in the answer; lost = requested − delivered; near-duplicates = missions a fresh duplicate registry rejects with the seed\'s rule (title ≥ 0.95 alike, or title ≥ 0.85 and description ≥ 0.80; `dist/…/engine/duplicates.js`); calls = `generateContent` requests the fake received in the run.');
	lines.push(`- Conditions: ${conditions.map((c) => `*${c.name}*`).join(', ')}. The quota is the fake's ${settings.quotaRpm} requests per minute for the key; a run is two requests back to back, so ${settings.count * 2} missions; our credential sets no Requests per Minute, so ours sees the same 429s with Retry-After.`);
	lines.push('- Final numbers must come from a quiet machine: on a shared one, times move with load (see the load averages above).', '');

	lines.push('## Missions: Mission Generator against built-in nodes', '');
	lines.push('| Condition | Workflow | Time (s), median [min–max] | Delivered (worst run) | Lost (all runs) | Near-duplicates (worst run) | Calls (median) | Cost per delivered mission (median) |');
	lines.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
	for (const r of rows) {
		for (const w of ['ours', 'builtin']) {
			const s = r[w];
			lines.push(`| ${r.name} | ${workflowLabel(conditionOf(r.id), w, settings)} | ${fmt(s.medianS, 2)} [${fmt(s.minS, 2)}–${fmt(s.maxS, 2)}] | ${s.deliveredMin}/${s.requested} | ${s.lostTotal} | ${s.nearDupMax} | ${s.callsMedian} | ${usd(s.costPerMission)} |`);
		}
	}
	lines.push('');
	lines.push('![Time until every mission is delivered, per condition, ours beside built-in](bench-missions-time.svg)', '');
	lines.push('![Missions lost per run, per condition, ours beside built-in](bench-missions-lost.svg)', '');
	if (none) {
		const ratios = none.ours.nodeOverSlowest;
		lines.push('### Targets with no faults (issue #12)', '');
		lines.push(`- Wall time of the Mission Generator node ÷ its slowest single call (report \`durationSeconds\` ÷ \`maxCallLatencyMs\`): ${ratios.length ? `${fmt(Math.min(...ratios), 2)}–${fmt(Math.max(...ratios), 2)}` : '–'} (target ≤ 1.3: the remainder goes out in one round).`);
		lines.push(`- Calls per request: median ${none.ours.callsMedian} (target ≤ 4); near-duplicates delivered: at most ${none.ours.nearDupMax} (target 0).`);
		lines.push(`- Estimated Gemini cost per delivered mission (list price of the tokens the fake answered with, \`nodes/shared/gemini/pricing.ts\`, median): ours ${usd(none.ours.costPerMission)}, built-in ${usd(none.builtin.costPerMission)} (its calls think as much as the model's default, and each repeats the prompt for one mission).`);
		const thinkingOff = rows.find((r) => conditionOf(r.id).builtin === 'thinkingOff' && !conditionOf(r.id).ours);
		if (thinkingOff) lines.push(`- With thinking off the built-in workflow costs ${usd(thinkingOff.builtin.costPerMission)} per delivered mission against ours ${usd(thinkingOff.ours.costPerMission)} in the same condition: the prompt sent once per mission, where ours asks for several missions per call.`);
		const paired = pairsOf(results, 'none');
		const slower = paired.filter(([o, b]) => o.ms > b.ms).length;
		lines.push(`- End to end against built-in: ${fmt(none.ours.medianS, 2)} s against ${fmt(none.builtin.medianS, 2)} s median; ours slower in ${slower} of ${paired.length} paired runs (target: never slower). Ours includes the job bookkeeping (Data table writes, progress updates, status polling) that the built-in workflow does not do.`);
		const fair = rows.find((r) => r.id === 'noThinking');
		if (fair) {
			lines.push(
				`- Against the built-in workflow with thinking off: ${fmt(fair.ours.medianS, 2)} s against ${fmt(fair.builtin.medianS, 2)} s median (${fmt(fair.ours.medianS / fair.builtin.medianS, 1)}×). This is the price of batching under a token-based latency: a call writing k missions takes about ttft + k × tokens per mission × ms per token, so ${settings.count} one-mission calls sent at once finish sooner than ${fair.ours.callsMedian} calls of several missions, at ${fmt(fair.builtin.callsMedian / Math.max(1, fair.ours.callsMedian), 0)}× the requests (a quota of ${settings.quotaRpm} per minute lasts one such burst) and with no duplicate check. Raising *Parallel Calls* makes the automatic batches smaller and the round shorter.`,
			);
		}
		for (const id of ['fast', 'fastNoThinking']) {
			const fast = rows.find((r) => r.id === id);
			if (!fast) continue;
			const pairs = pairsOf(results, id);
			const fastSlower = pairs.filter(([o, b]) => o.ms > b.ms).length;
			lines.push(
				`- With *Parallel Calls* ${settings.fastParallelCalls} (one option changed in the shipped workflow), against the ${id === 'fastNoThinking' ? 'built-in workflow with thinking off' : 'built-in workflow as a user sends it'}: ${fmt(fast.ours.medianS, 2)} s against ${fmt(fast.builtin.medianS, 2)} s median, ours slower in ${fastSlower} of ${pairs.length} paired runs, at ${fast.ours.callsMedian} calls against ${fast.builtin.callsMedian}; missions lost ${fast.ours.lostTotal} against ${fast.builtin.lostTotal}, near-duplicates at most ${fast.ours.nearDupMax} against ${fast.builtin.nearDupMax}.`,
			);
		}
		lines.push('');
	}

	lines.push('## Scheduler efficiency', '');
	if (scheduler.rows.length > 0) {
		lines.push(`From \`test/bench/scheduler.js\` (${scheduler.header.replace(/^Scheduler benchmark:\s*/, '')}), run by \`npm run bench:compare\` with BENCH_CALLS=${settings.schedulerCalls}: the transport's pool, rate limiter and retry against a lower bound no scheduler can beat.${scheduler.note ? ` Note: ${scheduler.note}.` : ''}`, '');
		lines.push('| Scenario | Makespan (ms) | Bound (ms) | Ratio |', '| --- | --- | --- | --- |');
		for (const r of scheduler.rows) lines.push(`| ${r.scenario} | ${r.makespanMs} | ${r.boundMs} | ${fmt(r.ratio, 3)} |`);
		lines.push('', '![Scheduler makespan divided by the lower bound, per scenario](bench-scheduler-ratio.svg)', '');
	} else {
		lines.push(`The scheduler benchmark gave no table this time (${scheduler.note || 'no output'}).`, '');
	}

	lines.push('## Content Adapter against an HTTP Request loop', '', '_Not yet compared against a built-in workflow here (slot: a Loop Over Items + HTTP Request workflow doing Write Script / Generate Variations / Adapt to Languages). Its own benchmark, against the bound and the seed\'s sequential pipeline in one run: `npm run bench -- adaptation` (numbers in the README, section Content Adapter)._', '');
	lines.push('## Text to Speech against an HTTP Request loop', '', '_Not yet compared against a built-in workflow here (slot: one HTTP Request per text, which fails above 5,000 bytes). Its own benchmark, against the bound and sequential synthesis in one run: `npm run bench -- tts` (numbers in the README, section Text to Speech)._', '');
	lines.push('## Issue Triage against Text Classifier + HTTP Request', '', "_Not yet compared against n8n's Text Classifier + HTTP Request here (slot). Its own benchmark in real n8n, time to first response against the seed's polling and 500 issues with duplicates and 429s: `npm run bench -- triage` (numbers in the README, section Issue Triage)._", '');

	// Sections measured elsewhere (the hedging benches, end-to-end runs, the queue bench, the economy bench), written by hand next to this page and kept on every rewrite.
	for (const section of [HEDGING_SECTION, ISSUE_SEND_SECTION, QUEUE_SECTION, ECONOMY_SECTION]) {
		if (fs.existsSync(section)) lines.push(fs.readFileSync(section, 'utf8').trim(), '');
	}

	lines.push('## Every run', '', '<details><summary>All recorded runs</summary>', '');
	lines.push('| Condition | Workflow | Run | Time (s) | Node (s) | Delivered | Near-duplicates | Calls | Node ÷ slowest call |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
	for (const r of results) {
		lines.push(`| ${conditionOf(r.condition).name} | ${workflowLabel(conditionOf(r.condition), r.which, settings)} | ${r.run} | ${fmt(r.ms / 1000, 2)} | ${r.nodeMs ? fmt(r.nodeMs / 1000, 2) : '–'} | ${r.delivered}/${r.requested} | ${r.nearDuplicates} | ${r.calls} | ${r.slowestCallMs ? fmt(r.nodeMs / r.slowestCallMs, 2) : '–'} |`);
	}
	lines.push('', '</details>', '');
	write('benchmarks.md', `${lines.join('\n')}`);
	return files;
}

module.exports = { writeReport, barChart, summarise };
