'use strict';
// End-to-end harness: a real n8n (scripts/n8n-runtime.cjs, the same code `npm start` uses) with
// the packed package installed, started on free loopback ports and always torn down by PID.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const runtime = require('../../scripts/n8n-runtime.cjs');

// Outside the repository, so Jest's file crawler never walks into an n8n user folder.
const E2E_ROOT = path.join(runtime.cacheDir(), 'e2e-runs');
const LOG_TAIL_LINES = 150;

const live = new Set();
let exitHooksInstalled = false;

/** Kills every n8n this process started, synchronously: for process exit and signals. */
function killAll() {
	for (const instance of live) instance.killNow();
}

function installExitHooks() {
	if (exitHooksInstalled) return;
	exitHooksInstalled = true;
	process.on('exit', killAll);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		process.once(signal, () => {
			killAll();
			process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
		});
	}
}

const STALE_RUN_MS = 24 * 60 * 60 * 1000;

/** Removes run folders that interrupted runs left behind (failed runs are kept for a day). */
function removeStaleRuns() {
	if (!fs.existsSync(E2E_ROOT)) return;
	for (const entry of fs.readdirSync(E2E_ROOT)) {
		const folder = path.join(E2E_ROOT, entry);
		if (Date.now() - fs.statSync(folder).mtimeMs > STALE_RUN_MS) fs.rmSync(folder, { recursive: true, force: true });
	}
}

function log(message) {
	process.stderr.write(`[e2e] ${message}\n`);
}

/**
 * Provisions (cached), builds if stale, packs, and starts one n8n with every shipped workflow
 * imported and published. Resolves when all webhooks answer.
 * @param {object} options
 * @param {{apiKey: string, host: string, requestsPerMinute?: number}|null} options.gemini
 * @param {{apiKey: string, host: string, requestsPerMinute?: number}|null} [options.tts]
 * @param {object[]} [options.extraWorkflows]
 * @param {object} [options.env]
 */
async function startN8n({ gemini = null, tts = null, extraWorkflows = [], env = {} } = {}) {
	return launch({ prefix: 'test', options: { gemini, tts, extraWorkflows, env }, create: (options) => new runtime.N8nInstance(options) });
}

/**
 * The same in n8n's queue mode (scripts/runtime/queue.cjs): Postgres, Redis, the main and
 * `workers` n8n workers, every shipped workflow published. Resolves with the cluster once every
 * webhook answers and every worker is ready; `cluster.main` is the N8nInstance the webhook
 * clients take, `cluster.workers[i]` each worker (killWorker/stopWorker/restartWorker by index).
 * Stop it with stopN8n.
 */
async function startQueueN8n({ gemini = null, tts = null, extraWorkflows = [], env = {}, workers = 2 } = {}) {
	return launch({
		prefix: 'queue',
		queue: true,
		options: { gemini, tts, extraWorkflows, env, workers, durable: false },
		create: (options, postgres) => new runtime.QueueCluster({ ...options, postgresBinDir: postgres.binDir }),
	});
}

/** Provision, build, pack, a fresh folder; then setup, start and publish what `create` makes. */
async function launch({ prefix, queue = false, options, create }) {
	const timings = {};
	let t = Date.now();
	const { paths } = await runtime.provision({ log });
	const postgres = queue ? await runtime.provisionPostgres({ log }) : null;
	timings.provisionMs = Date.now() - t;

	t = Date.now();
	runtime.buildPackage({ log });
	timings.buildMs = Date.now() - t;

	removeStaleRuns();
	const userFolder = path.join(E2E_ROOT, `${prefix}-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
	fs.mkdirSync(userFolder, { recursive: true });
	const tarball = runtime.packPackage(path.join(userFolder, 'pack'));

	const target = create(
		{ ...options, userFolder, port: await runtime.freePort(), paths, webhookSecret: `e2e-${crypto.randomBytes(16).toString('hex')}`, log },
		postgres,
	);
	installExitHooks();
	live.add(target);

	try {
		t = Date.now();
		await target.setup({ tarball });
		timings.setupMs = Date.now() - t;
		t = Date.now();
		await target.start();
		timings.readyMs = Date.now() - t;
		t = Date.now();
		await target.activate();
		if (!queue) await target.waitForWebhooks();
		timings.webhooksMs = Date.now() - t;
	} catch (error) {
		await stopN8n(target, { keepFolder: true });
		throw error;
	}
	target.timings = timings;
	log(`n8n ${runtime.N8N_VERSION}${queue ? ' (queue mode)' : ''} ${JSON.stringify(target.pids ?? { pid: target.pid })} (${userFolder}); ${JSON.stringify(timings)}`);
	return target;
}

/** Stops n8n (or a queue cluster) by PID (process groups). Removes the folder unless a test failed or keepFolder. */
async function stopN8n(instance, { keepFolder = false } = {}) {
	if (!instance) return;
	await instance.stop();
	live.delete(instance);
	if (keepFolder || instance.failed) {
		log(`kept ${instance.userFolder} for inspection`);
	} else {
		fs.rmSync(instance.userFolder, { recursive: true, force: true });
	}
}

/**
 * Wraps a test body: on failure prints the end of n8n's log (and marks the instance so its
 * folder is kept), then rethrows.
 */
function printLogsOnFailure(getInstance, fn) {
	return async (...args) => {
		try {
			await fn(...args);
		} catch (error) {
			const instance = getInstance();
			if (instance) {
				instance.failed = true;
				process.stderr.write(`\n${instance.logTail(LOG_TAIL_LINES)}\n`);
			}
			throw error;
		}
	};
}

/** A client for the shipped mission webhooks of one instance. */
function missionClient(instance) {
	const secretHeaders = { [runtime.WEBHOOK_SECRET_HEADER]: instance.webhookSecret };
	const url = (p) => instance.webhookUrl(p);
	return {
		secretHeaders,
		generate(body, { headers = secretHeaders, path: hookPath = 'missions/generate' } = {}) {
			return runtime.request(url(hookPath), { method: 'POST', headers, body });
		},
		cancel(jobId, { headers = secretHeaders } = {}) {
			const query = jobId === undefined ? '' : `?jobId=${encodeURIComponent(jobId)}`;
			return runtime.request(url(`missions/cancel${query}`), { method: 'POST', headers });
		},
		status(jobId, { headers = secretHeaders } = {}) {
			const query = jobId === undefined ? '' : `?jobId=${encodeURIComponent(jobId)}`;
			return runtime.request(url(`missions/status${query}`), { headers });
		},
		/** Polls status until the job finishes; returns every distinct snapshot seen. */
		async waitForJob(jobId, { timeoutMs = 120_000, intervalMs = 100 } = {}) {
			const deadline = Date.now() + timeoutMs;
			const seen = [];
			while (Date.now() < deadline) {
				const res = await this.status(jobId);
				if (res.status !== 200) throw new Error(`status of ${jobId}: HTTP ${res.status} ${res.text}`);
				const snapshot = res.json;
				const last = seen[seen.length - 1];
				if (!last || last.state !== snapshot.state || last.current !== snapshot.current || last.message !== snapshot.message) {
					seen.push(snapshot);
				}
				if (snapshot.state === 'succeeded' || snapshot.state === 'failed') return { final: snapshot, seen };
				await new Promise((resolve) => setTimeout(resolve, intervalMs));
			}
			throw new Error(`job ${jobId} did not finish within ${timeoutMs} ms; last: ${JSON.stringify(seen[seen.length - 1])}`);
		},
	};
}

function percentile(sorted, p) {
	if (sorted.length === 0) return NaN;
	const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
	return sorted[Math.max(0, index)];
}

/**
 * Polls `probe` until it returns something truthy (that value is returned) or `timeoutMs` passes
 * (then throws, naming `what`). `ignoreErrors`: a probe that throws counts as "not yet" (a worker
 * that just died, a REST call refused while n8n restarts).
 */
async function waitUntil(what, probe, timeoutMs, { intervalMs = 200, ignoreErrors = false } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = ignoreErrors ? await probe().catch(() => null) : await probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
}

module.exports = { runtime, startN8n, stopN8n, startQueueN8n, printLogsOnFailure, missionClient, percentile, killAll, waitUntil };
