'use strict';
// What the real-n8n webhook benches share: n8n's floor webhook (test/bench/floor-webhook.json,
// answers on receipt), a timed POST to a webhook of an instance, and the summary and table
// printing. Used by webhook-soak.js (one n8n) and queue.js (queue mode).
const fs = require('node:fs');
const path = require('node:path');

const { runtime, percentile } = require('../support/n8n');

const FLOOR_WORKFLOW = JSON.parse(fs.readFileSync(path.join(__dirname, 'floor-webhook.json'), 'utf8'));
const FLOOR_PATH = 'bench/floor';
const REQUEST_TIMEOUT_MS = 120_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The floor webhook, with the id the benches import it under (pass to startN8n's extraWorkflows). */
function floorWorkflow() {
	return { ...FLOOR_WORKFLOW, id: 'benchFloorHook01' };
}

/**
 * POSTs to a webhook of `instance` (an N8nInstance: the main in queue mode) with the webhook
 * secret, timing the call: resolves with `{ ms, res }`, never throws on an HTTP status.
 */
function webhookTimer(instance) {
	const headers = { [runtime.WEBHOOK_SECRET_HEADER]: instance.webhookSecret };
	const timed = async (hookPath, body) => {
		const t0 = process.hrtime.bigint();
		const res = await runtime.request(instance.webhookUrl(hookPath), {
			method: 'POST',
			headers,
			body,
			timeoutMs: REQUEST_TIMEOUT_MS,
		});
		return { ms: Number(process.hrtime.bigint() - t0) / 1e6, res };
	};
	return { headers, timed, floor: () => timed(FLOOR_PATH, { ping: true }) };
}

function stats(values) {
	const sorted = [...values].sort((a, b) => a - b);
	return {
		n: sorted.length,
		p50: percentile(sorted, 50),
		p98: percentile(sorted, 98),
		p99: percentile(sorted, 99),
		max: sorted[sorted.length - 1],
	};
}

/** One Markdown table row. */
function row(cells) {
	console.log(`| ${cells.join(' | ')} |`);
}

module.exports = { floorWorkflow, webhookTimer, stats, row, sleep };
