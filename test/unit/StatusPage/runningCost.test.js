'use strict';
// The running cost on the script batch page, in GET /scripts/status, and on the issues dashboard:
// the costUsd the workflows copy from node reports, summed; unknown prices counted, never guessed.
const { runOne } = require('./helpers');
const { runningCost, readCost, formatUsd, costSummary } = require('../../../nodes/StatusPage/cost');

const PAGE_URL = 'https://n8n.example/webhook/scripts/progress';
const batchRow = { kind: 'batch', batchId: 'b-1', token: 't'.repeat(48), folder: '.n8n-files/script-batches' };
const job = (slug, state, extra = {}) => ({ kind: 'job', title: `Title ${slug}`, slug, state, step: 'Write Script', error: '', audios: '', files: '', ...extra });
const textOf = (html, id) => new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(html)[1];

test('values: numbers and numeric text count, unknown/null are unpriced, empty means not recorded yet', () => {
	expect(readCost('0.0123')).toBe(0.0123);
	expect(readCost(0.5)).toBe(0.5);
	expect(readCost('unknown')).toBe('unknown');
	expect(readCost(null)).toBe('unknown');
	expect(readCost('')).toBeUndefined();
	expect(readCost(undefined)).toBeUndefined();
	expect(readCost('-1')).toBe('unknown');
	expect(runningCost(['0.001', 0.002, 'unknown', '', undefined])).toEqual({ usd: 0.003, priced: 2, unpriced: 1 });
	expect(formatUsd(0.00312)).toBe('$0.0031');
	expect(formatUsd(12.345)).toBe('$12.35');
	expect(costSummary({ usd: 0.5, priced: 2, unpriced: 1 }, 4, 'titles')).toBe('estimated $0.5000 (2 of 4 titles priced, 1 without a known price)');
});

test('script batch page: the batch total and each title’s cost so far', async () => {
	const rows = [
		batchRow,
		job('01-first', 'completed', { costUsd: '0.0421', audios: JSON.stringify(['1_en-US.mp3']) }),
		job('02-second', 'running', { step: 'Text to Speech', costUsd: '0.0100' }),
		job('03-third', 'running', { step: 'Text to Speech', costUsd: 'unknown' }),
		job('04-fourth', 'queued'),
		// A Data table gives null for the cost column no step wrote yet: not "cost unknown".
		job('05-fifth', 'queued', { costUsd: null }),
	];
	const { html } = await runOne('scriptBatchPage', { rows, pageUrl: PAGE_URL, batchId: 'b-1', token: 't'.repeat(48) });
	expect(textOf(html, 'cost')).toBe('estimated $0.0521 (2 of 5 titles priced, 1 without a known price)');
	expect(html).toContain('Step: Write Script · $0.0421');
	expect(html).toContain('Step: Text to Speech · cost unknown');
	expect(html.match(/cost unknown/g)).toHaveLength(1);
});

test('GET /scripts/status carries the running cost of the batch and of each job', async () => {
	const rows = [batchRow, job('01-first', 'completed', { costUsd: '0.25' }), job('02-second', 'running', { costUsd: '' })];
	const { status } = await runOne('describeScriptBatch', { rows, batchId: 'b-1' });
	expect(status.estimatedCostUsd).toEqual({ usd: 0.25, priced: 1, unpriced: 0 });
	expect(status.jobs[0].estimatedCostUsd).toBe(0.25);
	expect('estimatedCostUsd' in status.jobs[1]).toBe(false);
});

test('economy: the texts the batch wrote through Gemini batches (the batch row) count in the batch total, page and status', async () => {
	const economyRow = { ...batchRow, request: JSON.stringify({ titles: ['a', 'b'], mode: 'economy' }) };
	const rows = [{ ...economyRow, costUsd: '0.0300' }, job('01-first', 'completed', { costUsd: '0.0100' }), job('02-second', 'queued', { step: "Waiting for Google's batch (economy): adaptations, RUNNING, 3 of 8 answered" })];
	const { status } = await runOne('describeScriptBatch', { rows, batchId: 'b-1' });
	expect(status.estimatedCostUsd).toEqual({ usd: 0.04, priced: 1, unpriced: 0 });
	expect(status.economyCostUsd).toBe(0.03);
	expect(status.jobs[1].step).toBe("Waiting for Google's batch (economy): adaptations, RUNNING, 3 of 8 answered");
	const { html } = await runOne('scriptBatchPage', { rows, pageUrl: PAGE_URL, batchId: 'b-1', token: 't'.repeat(48) });
	expect(textOf(html, 'cost')).toBe('estimated $0.0400 (1 of 2 titles priced)');
	expect(html).toContain("Step: Waiting for Google's batch (economy): adaptations, RUNNING, 3 of 8 answered");
	const unknown = await runOne('describeScriptBatch', { rows: [{ ...economyRow, costUsd: 'unknown' }, ...rows.slice(1)], batchId: 'b-1' });
	expect(unknown.status.economyCostUsd).toBeNull();
	expect(unknown.status.estimatedCostUsd).toEqual({ usd: 0.01, priced: 1, unpriced: 1 });
	// A standard batch never writes it: whatever the Data table gives for it is not a cost.
	const standard = await runOne('describeScriptBatch', { rows: [{ ...batchRow, request: JSON.stringify({ mode: 'standard' }), costUsd: 'unknown' }, ...rows.slice(1)], batchId: 'b-1' });
	expect('economyCostUsd' in standard.status).toBe(false);
	expect(standard.status.estimatedCostUsd).toEqual({ usd: 0.01, priced: 1, unpriced: 0 });
});

test('issues dashboard: the estimated Gemini cost of the issues on the page', async () => {
	const NOW = Date.now();
	const issue = (costUsd) => ({ priority: 'high', status: 'answered', source: 'ai', escalate: false, receivedAt: NOW - 60_000, firstResponseAt: NOW - 59_000, ttfrMs: 1000, costUsd });
	// Not answered yet: the Data table gives null for the cost column nobody wrote.
	const waiting = { ...issue(null), status: 'send_retrying', firstResponseAt: null, ttfrMs: null };
	const data = { generatedAt: new Date(NOW).toISOString(), rows: [issue(0.0002), issue(0.0003), issue(null), issue(undefined), waiting] };
	const { html } = await runOne('issuesDashboard', { data, refresh: false });
	expect(textOf(html, 'cost')).toBe('Gemini cost estimated $0.0005 (2 of 5 issues priced, 1 without a known price)');
});
