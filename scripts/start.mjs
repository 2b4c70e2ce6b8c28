// `npm start`: build this package, provision a pinned n8n (cached), install the packed tarball
// into an isolated n8n user folder, import and publish workflows/, create credentials from the
// environment, start n8n and print how to call it. Ctrl-C stops n8n (its whole process group).
//
// Environment: GEMINI_API_KEY, GEMINI_HOST, GEMINI_REQUESTS_PER_MINUTE, GOOGLE_TTS_API_KEY,
// GOOGLE_TTS_HOST, WEBHOOK_SECRET, N8N_PORT (default 5678), GEMINI_OPS_CACHE_DIR,
// GEMINI_OPS_USER_FOLDER (default <cache>/instances/start, outside the repository so that
// `n8n-node lint` and Jest never walk n8n's own files).
//
// `npm run start:queue [-- --workers N --concurrency C]`: the same in n8n's queue mode (README,
// "Scaling out"): Postgres and Redis started here, the main process, N workers (default 2), all
// in <cache>/instances/start-queue (GEMINI_OPS_USER_FOLDER overrides).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import runtime from './n8n-runtime.cjs';

const DEFAULT_PORT = 5678;
const EXAMPLE_REQUEST = { tier: 'BEGINNER', count: 20, locale: 'en' };

const argv = process.argv.slice(2);
const flag = (name) => {
	const at = argv.indexOf(`--${name}`);
	return at === -1 ? undefined : Number(argv[at + 1]);
};
const queue = argv.includes('--queue');
const workers = flag('workers') ?? runtime.DEFAULT_WORKERS;
const concurrency = flag('concurrency') ?? runtime.DEFAULT_CONCURRENCY;
if (!(Number.isInteger(workers) && workers >= 1) || !(Number.isInteger(concurrency) && concurrency >= 1)) {
	process.stdout.write('--workers and --concurrency take a whole number of at least 1, e.g. npm run start:queue -- --workers 3\n');
	process.exit(1);
}
const userFolder = path.resolve(process.env.GEMINI_OPS_USER_FOLDER || path.join(runtime.cacheDir(), 'instances', queue ? 'start-queue' : 'start'));
const port = Number(process.env.N8N_PORT || DEFAULT_PORT);
const started = Date.now();
// Two locks, both taken before anything is built: one per clone (a second `npm start` here,
// whatever its port or user folder, would rebuild dist/ under the running one) and one per user
// folder (two clones must not share one n8n database). Each holds the PID of its `npm start`.
const cloneId = crypto.createHash('sha256').update(runtime.REPO_ROOT).digest('hex').slice(0, 16);
const LOCKS = [
	{ file: path.join(process.env.GEMINI_OPS_LOCK_DIR || path.join(runtime.cacheDir(), 'locks'), `start-${cloneId}.json`), what: 'from this clone' },
	{ file: path.join(userFolder, 'start.lock'), what: `with the user folder ${userFolder}` },
];
const held = [];
let cluster = null;
let stopping = false;

const say = (message = '') => process.stdout.write(`${message}\n`);
const step = (n, total, message) => say(`\n[${n}/${total}] ${message}`);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** A lock file holding our PID; a live holder stops this start, a dead one is taken over. */
function takeLock({ file, what }) {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	const mine = { pid: process.pid, port, url: `http://127.0.0.1:${port}/`, userFolder, repo: runtime.REPO_ROOT };
	for (;;) {
		try {
			fs.writeFileSync(file, JSON.stringify(mine), { flag: 'wx' });
			held.push(file);
			return;
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
			let holder = {};
			try {
				holder = JSON.parse(fs.readFileSync(file, 'utf8'));
			} catch {
				/* half-written: treat as stale */
			}
			if (runtime.isAlive(holder.pid)) {
				say(`n8n-nodes-gemini-ops is already running ${what}: npm start pid ${holder.pid}, editor ${holder.url}`);
				say(`  user folder ${holder.userFolder}${holder.repo ? `, clone ${holder.repo}` : ''}`);
				say(`Use that one, or stop it first (Ctrl-C in its terminal, or: kill ${holder.pid}). Nothing was built or changed.`);
				releaseLock();
				process.exit(1);
			}
			fs.rmSync(file, { force: true });
		}
	}
}

function releaseLock() {
	for (const file of held.splice(0)) {
		try {
			if (JSON.parse(fs.readFileSync(file, 'utf8')).pid === process.pid) fs.rmSync(file, { force: true });
		} catch {
			/* already gone */
		}
	}
}

function credentialsFromEnv() {
	const env = process.env;
	return {
		webhookSecret: env.WEBHOOK_SECRET || undefined,
		gemini: env.GEMINI_API_KEY
			? { apiKey: env.GEMINI_API_KEY, host: env.GEMINI_HOST || undefined, requestsPerMinute: Number(env.GEMINI_REQUESTS_PER_MINUTE || 0) }
			: null,
		tts: env.GOOGLE_TTS_API_KEY ? { apiKey: env.GOOGLE_TTS_API_KEY, host: env.GOOGLE_TTS_HOST || undefined } : null,
	};
}

function printSummary(instance, credentials, timings) {
	const secretHeader = `${runtime.WEBHOOK_SECRET_HEADER}: ${instance.webhookSecret}`;
	const generate = instance.webhooks().find((w) => w.path === 'missions/generate');
	const status = instance.webhooks().find((w) => w.path === 'missions/status');
	say('');
	say('─'.repeat(78));
	say(`n8n ${runtime.N8N_VERSION} is running with ${runtime.PACKAGE_NAME} (pid ${instance.pid})`);
	if (cluster) {
		const { postgres, redis } = cluster;
		say(`Queue mode: ${cluster.workers.length} workers (${concurrency} jobs each; pids ${cluster.workers.map((w) => w.pid).join(', ')}; health ${cluster.workers.map((w) => `${w.baseUrl}/healthz`).join(' ')})`);
		say(`  Postgres ${postgres.host}:${postgres.port} (database ${postgres.database}, log ${postgres.logFile}), Redis ${redis.host}:${redis.port}`);
		say(`  Which worker ran what: "Worker started execution" in ${path.join(userFolder, 'workers', '<worker>', '<worker>.log')}`);
	}
	say('');
	say(`Editor      ${instance.baseUrl}/`);
	say(`  sign in   ${instance.owner.email} / ${instance.owner.password}`);
	say('');
	say('Webhooks');
	for (const hook of instance.webhooks()) {
		say(`  ${hook.method.padEnd(5)} ${hook.url}${hook.authenticated ? `   (header ${runtime.WEBHOOK_SECRET_HEADER})` : '   (checks its own token or secret: links from other answers)'}`);
	}
	say('');
	say(
		credentials.webhookSecret
			? `Webhook secret: from WEBHOOK_SECRET`
			: `Webhook secret (generated, kept in ${instance.stateFile}; set WEBHOOK_SECRET to choose one):\n  ${instance.webhookSecret}`,
	);
	say(
		credentials.gemini
			? `Gemini: GEMINI_API_KEY set${credentials.gemini.host ? `, host ${credentials.gemini.host}` : ''}`
			: 'Gemini: GEMINI_API_KEY is not set, so missions come from the built-in templates only; a job that\n' +
					'        needs more than they hold says so (report.fallbackUsed, and its message). Set it and restart for Gemini.',
	);
	say(`Google Cloud TTS: ${credentials.tts ? 'GOOGLE_TTS_API_KEY set' : 'GOOGLE_TTS_API_KEY not set'}`);
	if (generate && status) {
		say('');
		say('Try it:');
		say(`  curl -s -X POST '${generate.url}' \\`);
		say(`    -H '${secretHeader}' -H 'Content-Type: application/json' \\`);
		say(`    -d '${JSON.stringify(EXAMPLE_REQUEST)}'`);
		say(`  curl -s '${status.url}?jobId=<jobId from the answer>' -H '${secretHeader}'`);
	}
	say('');
	say(`Logs: ${instance.logFile}${cluster ? ` and ${cluster.workers.map((w) => w.logFile).join(', ')}` : ''}`);
	say(
		`Ready in ${seconds(Date.now() - started)} (build ${seconds(timings.build)}, provision ${seconds(timings.provision)}, ` +
			`setup ${seconds(timings.setup)}, n8n start ${seconds(timings.start)}, publish ${seconds(timings.publish)}). Ctrl-C stops n8n` +
			(cluster ? ` (workers finish running jobs first, up to ${runtime.QUEUE_SETTINGS.N8N_GRACEFUL_SHUTDOWN_TIMEOUT} s; a second Ctrl-C stops at once).` : '.'),
	);
	say('─'.repeat(78));
}

async function main() {
	for (const lock of LOCKS) takeLock(lock);
	process.on('exit', releaseLock);
	const TOTAL = 5;
	const timings = {};
	const credentials = credentialsFromEnv();
	if (!(await runtime.isPortFree(port))) {
		say(`Port ${port} on 127.0.0.1 is in use by another program. Stop it or choose another port: N8N_PORT=5680 npm start`);
		process.exit(1);
	}

	step(1, TOTAL, 'Building the package (npm run build)');
	let t = Date.now();
	runtime.buildPackage({ force: true, log: say });
	timings.build = Date.now() - t;

	step(2, TOTAL, `Provisioning Node.js ${runtime.NODE_VERSION} and n8n ${runtime.N8N_VERSION} in ${runtime.cacheDir()}`);
	t = Date.now();
	const { paths, nodeResult, n8nResult } = await runtime.provision({ log: say });
	const postgresResult = queue ? await runtime.provisionPostgres({ log: say }) : { cached: true };
	timings.provision = Date.now() - t;
	say(nodeResult.cached && n8nResult.cached && postgresResult.cached ? '  already provisioned' : `  provisioned in ${seconds(timings.provision)}`);

	step(3, TOTAL, `${queue ? 'Starting Postgres and Redis, i' : 'I'}nstalling the packed tarball and importing workflows into ${userFolder}`);
	t = Date.now();
	const tarball = runtime.packPackage(path.join(userFolder, 'pack'));
	const options = { userFolder, port, paths, ...credentials, log: say };
	cluster = queue ? new runtime.QueueCluster({ ...options, postgresBinDir: postgresResult.binDir, workers, concurrency }) : null;
	process.on('exit', () => cluster?.killNow());
	if (cluster) await cluster.setup({ tarball });
	const instance = cluster ? cluster.main : new runtime.N8nInstance(options);
	if (!cluster) await instance.setup({ tarball });
	timings.setup = Date.now() - t;
	say(`  ${path.basename(tarball)} → ${path.join(userFolder, '.n8n', 'nodes', 'node_modules', runtime.PACKAGE_NAME)}`);
	say(`  ${instance.workflows.length} workflows imported: ${instance.workflows.map((w) => w.name).join(', ')}`);

	const stop = async (signal) => {
		if (stopping) {
			if (cluster) {
				say(`${signal}: stopping everything now`);
				cluster.killNow();
				releaseLock();
				process.exit(1);
			}
			return;
		}
		stopping = true;
		say(`\n${signal ? `${signal}: ` : ''}stopping n8n (pid ${instance.pid}${cluster ? ', its workers, Redis and Postgres' : ''}) …`);
		await (cluster || instance).stop();
		say('n8n stopped.');
		releaseLock();
		process.exit(0);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
	process.on('SIGHUP', () => stop('SIGHUP'));
	process.on('exit', () => instance.killNow());

	step(4, TOTAL, `Starting n8n on http://127.0.0.1:${port}${cluster ? ` and ${workers} workers` : ''} (log: ${instance.logFile})`);
	t = Date.now();
	await (cluster || instance).start();
	timings.start = Date.now() - t;
	say(`  n8n answers after ${seconds(timings.start)}`);

	step(5, TOTAL, 'Creating the job Data table and publishing the workflows');
	t = Date.now();
	await instance.activate();
	await instance.waitForWebhooks();
	timings.publish = Date.now() - t;

	printSummary(instance, credentials, timings);

	for (const child of cluster ? [instance, ...cluster.workers] : [instance]) watchExit(child);
}

function watchExit(instance) {
	instance.child.on('exit', (code, signal) => {
		if (stopping) return;
		say(`\n${instance.name} exited unexpectedly (${signal ?? `exit code ${code}`}).\n${instance.logTail(40)}`);
		cluster?.killNow();
		releaseLock();
		process.exit(1);
	});
}

main().catch((error) => {
	say(`\nnpm start failed: ${error.message}`);
	process.exit(1);
});
