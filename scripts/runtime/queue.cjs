'use strict';
// n8n's queue mode on one machine: Postgres, Redis, the main process (editor, REST, every
// webhook, the queue) and N `n8n worker` processes that run the executions. The main is the same
// N8nInstance `npm start` runs; a worker is an N8nInstance with the `worker` command, its own user
// folder (n8n keeps a crash journal and an event log per folder), the main's package, secrets and
// working folder, and its own task-runner broker and health-check ports.
const fs = require('node:fs');
const path = require('node:path');

const { N8nInstance } = require('./instance.cjs');
const { jobsRunOnWorkers } = require('./package.cjs');
const { freePort, isPortFree } = require('./http.cjs');
const { sleep, isAlive } = require('./process.cjs');
const { PostgresServer, RedisServer } = require('./services.cjs');

const DEFAULT_WORKERS = 2;
// n8n's own default: jobs run in parallel per worker. Ours wait on Google most of the time; a
// status read or a progress post is a (short) job too, and queues behind these.
const DEFAULT_CONCURRENCY = 10;
const SECOND_MS = 1000;
const KILL_WAIT_MS = 10_000;
const KILL_POLL_MS = 100;

/**
 * n8n's settings for failure handling in queue mode (each may be overridden from the shell).
 * A dead worker's job is found by Bull when its lease runs out and a live worker next looks for
 * stalled jobs; n8n 2.41 never runs it again (maxStalledCount 0): the main waits up to 30 s more
 * (fixed in n8n) for a late result, then ends the execution `error` and starts the error workflow.
 * Worst case from SIGKILL to that: LOCK_DURATION + STALLED_INTERVAL + 30 s = 41 s.
 */
const QUEUE_SETTINGS = {
	// A running job's lease in Redis (ms; n8n's default 60 s). Shorter finds a dead worker sooner;
	// a live worker loses its job only if its event loop is stuck this long.
	QUEUE_WORKER_LOCK_DURATION: String(8 * SECOND_MS),
	// How often a worker renews that lease (ms; default 10 s): four chances before it runs out.
	QUEUE_WORKER_LOCK_RENEW_TIME: String(2 * SECOND_MS),
	// How often each worker looks for jobs whose lease ran out (ms; default 30 s).
	QUEUE_WORKER_STALLED_INTERVAL: String(3 * SECOND_MS),
	// SIGTERM (a rolling restart): a worker takes no new job and waits this long (s; default 30)
	// for its running ones. 300 s covers the longest bounded job: a Text to Speech item's 100 s
	// deadline, several times (a script title's steps), with room.
	N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '300',
	// Binary data (script audio, ZIPs) in Postgres, n8n 2.41's queue-mode default: any worker reads
	// what another wrote, on this machine or another (`filesystem` would hold it per machine).
	N8N_DEFAULT_BINARY_DATA_MODE: 'database',
};
// The runtime's own wait for a SIGTERMed worker: n8n's graceful timeout plus a margin.
const WORKER_STOP_GRACE_MS = (Number(QUEUE_SETTINGS.N8N_GRACEFUL_SHUTDOWN_TIMEOUT) + 10) * SECOND_MS;

function queueSettings() {
	return Object.fromEntries(Object.entries(QUEUE_SETTINGS).map(([key, value]) => [key, process.env[key] || value]));
}

class QueueCluster {
	/**
	 * @param {object} options  Those of N8nInstance for the main (userFolder, port, paths, gemini,
	 *   tts, webhookSecret, extraWorkflows, env, log), plus:
	 * @param {string} options.postgresBinDir From provisionPostgres().
	 * @param {number} [options.workers=2]
	 * @param {number} [options.concurrency=10] Jobs per worker.
	 * @param {boolean} [options.durable=true] false: Postgres without fsync (tests).
	 */
	constructor(options) {
		this.options = options;
		this.folder = path.resolve(options.userFolder);
		this.userFolder = this.folder;
		this.log = options.log;
		this.workerCount = options.workers ?? DEFAULT_WORKERS;
		this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
		this.postgres = new PostgresServer({ folder: path.join(this.folder, 'postgres'), binDir: options.postgresBinDir, durable: options.durable !== false, log: this.log });
		this.redis = new RedisServer({ folder: path.join(this.folder, 'redis'), log: this.log });
		this.workers = [];
		this.main = null;
	}

	/** Environment every n8n process of the cluster shares. */
	sharedEnv() {
		return { EXECUTIONS_MODE: 'queue', ...this.postgres.n8nEnv(), ...this.redis.n8nEnv(), ...queueSettings(), ...(this.options.env || {}) };
	}

	/** Postgres and Redis; then the main's setup (package, credentials, workflows into Postgres). */
	async setup({ tarball }) {
		await Promise.all([this.postgres.start(), this.redis.start()]);
		this.main = new N8nInstance({ ...this.options, env: this.sharedEnv(), transformWorkflow: jobsRunOnWorkers });
		await this.main.setup({ tarball });
	}

	/** Starts the main, then the workers (they find the database migrated by the main). */
	async start() {
		await this.main.start();
		for (let i = 0; i < this.workerCount; i++) this.workers.push(await this.createWorker(i + 1));
		await Promise.all(this.workers.map((w) => w.start()));
	}

	async createWorker(number) {
		const name = `worker-${number}`;
		const userFolder = path.join(this.folder, 'workers', name);
		// The package the main installed, seen from the worker's own n8n folder.
		const nodes = path.join(userFolder, '.n8n', 'nodes');
		fs.mkdirSync(path.dirname(nodes), { recursive: true });
		if (!fs.existsSync(nodes)) fs.symlinkSync(path.join(this.folder, '.n8n', 'nodes'), nodes, 'dir');
		const port = await freePort();
		return new N8nInstance({
			userFolder,
			workingFolder: this.folder,
			name,
			port,
			paths: this.options.paths,
			state: this.main.state,
			command: ['worker', `--concurrency=${this.concurrency}`],
			stopGraceMs: WORKER_STOP_GRACE_MS,
			log: this.log,
			env: {
				...this.sharedEnv(),
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(port),
				N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			},
		});
	}

	/** Publishes the workflows and waits for every webhook (on the main). */
	async activate() {
		await this.main.activate();
		await this.main.waitForWebhooks();
	}

	/** SIGTERM to a worker: n8n takes no new job and lets running ones finish (graceful timeout). */
	async stopWorker(index) {
		await this.workers[index].stop();
	}

	/**
	 * SIGKILL to a worker's whole process group (n8n and its task runner): a machine lost.
	 * Resolves once the process is gone and its sockets are closed (its health port is free), so
	 * Redis no longer hands it jobs: a job enqueued in the same instant as the kill may still go
	 * to the dying worker, and is then reported like the others it held.
	 */
	async killWorker(index) {
		const worker = this.workers[index];
		const pid = worker.pid;
		worker.killNow();
		worker.pid = null;
		const deadline = Date.now() + KILL_WAIT_MS;
		while ((isAlive(pid) || !(await isPortFree(worker.port))) && Date.now() < deadline) await sleep(KILL_POLL_MS);
		return pid;
	}

	/** Starts a stopped or killed worker again on the same folder and ports. */
	async restartWorker(index) {
		await this.workers[index].start();
	}

	/** Workers first (graceful), then the main, then Redis and Postgres. */
	async stop() {
		await Promise.all(this.workers.map((w) => w.stop()));
		if (this.main) await this.main.stop();
		await Promise.all([this.redis.stop(), this.postgres.stop()]);
	}

	killNow() {
		for (const process of [...this.workers, this.main, this.redis, this.postgres]) process?.killNow();
	}

	/** The end of every process' log: for a failed test. */
	logTail(lines = 60) {
		return [this.main, ...this.workers, this.redis, this.postgres].filter(Boolean).map((p) => p.logTail(lines)).join('\n');
	}

	get pids() {
		return { main: this.main?.pid, workers: this.workers.map((w) => w.pid), postgres: this.postgres.pid, redis: this.redis.pid };
	}
}

module.exports = { QueueCluster, QUEUE_SETTINGS, DEFAULT_WORKERS, DEFAULT_CONCURRENCY };
