'use strict';
// One isolated n8n: user folder, package, credentials, workflows, process group, REST setup.
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { createRequire } = require('node:module');

const { PACKAGE_JSON, PACKAGE_NAME, CREDENTIALS, WEBHOOK_SECRET_HEADER, JOB_TABLE, ISSUE_TABLE, REPLY_TABLE, CRITICAL_CLAIM_TABLE, SCRIPT_JOB_TABLE, SCRIPT_CACHE_TABLE, FILES_FOLDER, OWNER } = require('./constants.cjs');
const { request, isPortFree, freePort, RestClient } = require('./http.cjs');
const { prepareWorkflows, webhooksOf } = require('./package.cjs');
const { defaultLog, tail, sleep, isAlive, killGroup, envWithNode, runLogged, spawnGuarded } = require('./process.cjs');

const HEALTH_TIMEOUT_MS = 180_000;
const WEBHOOK_TIMEOUT_MS = 120_000;
const POLL_INTERVAL_MS = 250;
const STOP_GRACE_MS = 20_000;
const PORT_RELEASE_MS = 10_000;
const DEFAULT_WEBHOOK_PREFIX = 'webhook';
const STATUS_API_KEY_LABEL = 'Gemini Ops status webhooks (read executions)';

/**
 * An isolated n8n: its own user folder (database, settings, the installed package), its own
 * ports, its own process group.
 */
class N8nInstance {
	/**
	 * @param {object} options
	 * @param {string} options.userFolder  N8N_USER_FOLDER; created if missing, kept between runs.
	 * @param {number} options.port        Editor/REST/webhook port on 127.0.0.1.
	 * @param {number} [options.brokerPort] Task runner broker port (free one picked if omitted).
	 * @param {object} options.paths       From provision().
	 * @param {string} [options.webhookSecret] Header secret; generated (and kept) when omitted.
	 * @param {{apiKey: string, host?: string, requestsPerMinute?: number}|null} [options.gemini]
	 * @param {{apiKey: string, host?: string, requestsPerMinute?: number}|null} [options.tts]
	 * @param {object[]} [options.extraWorkflows] Extra workflow objects to import (tests).
	 * @param {(workflow: object, file: string) => object} [options.transformWorkflow] Applied to each shipped workflow before import.
	 * @param {object} [options.env] Extra environment for n8n.
	 * @param {string} [options.name='n8n'] Names the log and pid files (queue mode: `worker-1`, …).
	 * @param {string[]} [options.command=['start']] The n8n command (queue mode: `worker --concurrency=…`).
	 * @param {string} [options.workingFolder] Where n8n runs and workflows read/write `.n8n-files/`
	 *   (queue workers: the main's user folder); the user folder by default.
	 * @param {object} [options.state] Secrets shared with another instance (a worker gets the main's).
	 * @param {number} [options.stopGraceMs] How long stop() waits for n8n before SIGKILL.
	 */
	constructor(options) {
		this.options = options;
		this.userFolder = path.resolve(options.userFolder);
		this.workingFolder = path.resolve(options.workingFolder || options.userFolder);
		this.name = options.name || 'n8n';
		this.command = options.command || ['start'];
		this.stopGraceMs = options.stopGraceMs || STOP_GRACE_MS;
		this.port = options.port;
		this.host = '127.0.0.1';
		this.baseUrl = `http://${this.host}:${this.port}`;
		this.paths = options.paths;
		this.logFile = path.join(this.userFolder, `${this.name}.log`);
		this.pidFile = path.join(this.userFolder, `${this.name}.pid`);
		this.stateFile = path.join(this.userFolder, 'gemini-ops-instance.json');
		this.child = null;
		this.pid = null;
		this.workflows = [];
		this.log = options.log || defaultLog;
	}

	/** PID of a live n8n already started from this user folder, or null. */
	runningPid() {
		try {
			const { pid } = JSON.parse(fs.readFileSync(this.pidFile, 'utf8'));
			return isAlive(pid) ? pid : null;
		} catch {
			return null;
		}
	}

	/** Per-folder secrets, generated once: encryption key, owner password, webhook secret. */
	loadState() {
		if (this.options.state) {
			this.state = this.options.state;
			return this.state;
		}
		let state = {};
		try {
			state = JSON.parse(fs.readFileSync(this.stateFile, 'utf8'));
		} catch {
			/* first run */
		}
		let changed = false;
		const ensure = (key, make) => {
			if (!state[key]) {
				state[key] = make();
				changed = true;
			}
		};
		ensure('encryptionKey', () => crypto.randomBytes(24).toString('hex'));
		ensure('ownerPassword', () => `Gemini-${crypto.randomBytes(9).toString('base64url')}1`);
		ensure('generatedWebhookSecret', () => crypto.randomBytes(24).toString('base64url'));
		if (!state.ownerPasswordHash || state.ownerPasswordHashFor !== state.ownerPassword) {
			const n8nRequire = createRequire(path.join(this.paths.n8nDir, 'node_modules', 'n8n', 'package.json'));
			const bcrypt = n8nRequire('bcryptjs');
			state.ownerPasswordHash = bcrypt.hashSync(state.ownerPassword, 10);
			state.ownerPasswordHashFor = state.ownerPassword;
			changed = true;
		}
		if (changed) fs.writeFileSync(this.stateFile, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
		this.state = state;
		this.webhookSecret = this.options.webhookSecret || state.generatedWebhookSecret;
		this.webhookSecretGenerated = !this.options.webhookSecret;
		this.owner = { ...OWNER, password: state.ownerPassword };
		return state;
	}

	env() {
		// Settings a user may override from their shell (N8N_EXPRESSION_ENGINE=vm npm start).
		const tunable = {
			// n8n 2.x evaluates expressions in an isolated-vm by default; on a 2-core machine that
			// roughly doubles webhook latency (docs/RUNNING.md has the numbers), so the local
			// instance uses the in-process engine unless told otherwise.
			N8N_EXPRESSION_ENGINE: 'legacy',
			N8N_LOG_LEVEL: 'info',
			GENERIC_TIMEZONE: 'UTC',
			N8N_DISABLED_MODULES: 'mcp-registry',
			// The first path segment of every production webhook; the workflows build their links
			// from their own webhook address, so any prefix works.
			N8N_ENDPOINT_WEBHOOK: DEFAULT_WEBHOOK_PREFIX,
			// Largest request body n8n parses, in MiB (n8n's default is 16). Our webhooks refuse
			// bodies over 1 MB themselves with a 413; 4 MiB lets those reach that clear answer while
			// capping what n8n parses (a larger body gets n8n's own 500 before any node runs).
			N8N_PAYLOAD_SIZE_MAX: '4',
			// A Code node task may run this long (seconds; n8n's default is 300). None of our
			// workflows uses the task runner on a path where a caller waits; a Code node a user adds
			// on a laptop that runs longer is almost always stuck, and a wedged runner is then
			// noticed and restarted after one minute instead of five.
			N8N_RUNNERS_TASK_TIMEOUT: '60',
			// Binary data (the script batches' audio, their ZIP) on disk instead of in memory.
			N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
		};
		const fromShell = Object.fromEntries(Object.keys(tunable).filter((k) => process.env[k]).map((k) => [k, process.env[k]]));
		return envWithNode(this.paths, {
			...tunable,
			...fromShell,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: this.state.encryptionKey,
			N8N_HOST: this.host,
			N8N_PORT: String(this.port),
			N8N_LISTEN_ADDRESS: this.host,
			N8N_PROTOCOL: 'http',
			N8N_WEBHOOK_URL: `${this.baseUrl}/`,
			N8N_EDITOR_BASE_URL: `${this.baseUrl}/`,
			N8N_SECURE_COOKIE: 'false',
			N8N_RUNNERS_MODE: 'internal',
			...(this.brokerPort ? { N8N_RUNNERS_BROKER_PORT: String(this.brokerPort) } : {}),
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: this.host,
			N8N_PYTHON_ENABLED: 'false',
			// Nothing calls out: no telemetry, version checks, templates, banners or registries.
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_DYNAMIC_BANNERS_ENABLED: 'false',
			N8N_AI_ENABLED: 'false',
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			// n8n 1.x only offered community nodes to the AI Agent as tools with this set; n8n
			// 2.41.1 no longer reads it (usableAsTool nodes are tools by default), and it is kept so
			// the instance behaves the same when pointed at an older n8n.
			N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE: 'true',
			// The owner exists from the first start, so nobody has to click through a setup form.
			N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
			N8N_INSTANCE_OWNER_EMAIL: OWNER.email,
			N8N_INSTANCE_OWNER_FIRST_NAME: OWNER.firstName,
			N8N_INSTANCE_OWNER_LAST_NAME: OWNER.lastName,
			N8N_INSTANCE_OWNER_PASSWORD_HASH: this.state.ownerPasswordHash,
			N8N_LOG_OUTPUT: 'console',
			// Read/Write Files may touch only this folder of the instance (n8n's default is ~/.n8n-files);
			// n8n runs with the user folder as its working folder, so workflows write to `.n8n-files/…`.
			N8N_RESTRICT_FILE_ACCESS_TO: path.join(this.workingFolder, FILES_FOLDER),
			// As in n8n's own Docker image: error responses carry no stack traces.
			NODE_ENV: 'production',
			GEMINI_OPS_STOP_GRACE_MS: String(this.stopGraceMs),
			...(this.options.env || {}),
		});
	}

	/** Runs one n8n CLI command (import, …) against this user folder. */
	async cli(args, label) {
		await runLogged(this.paths.nodeBin, [this.paths.n8nBin, ...args], {
			cwd: this.userFolder,
			env: this.env(),
			logFile: path.join(this.userFolder, 'cli.log'),
			label,
			log: this.log,
		});
	}

	/** Unpacks the tarball where n8n's Community Nodes installer would put the package. */
	installTarball(tarball) {
		const nodesDir = path.join(this.userFolder, '.n8n', 'nodes');
		const target = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
		fs.rmSync(target, { recursive: true, force: true });
		fs.mkdirSync(target, { recursive: true });
		const result = spawnSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'], { encoding: 'utf8' });
		if (result.status !== 0) throw new Error(`could not unpack ${tarball}: ${result.stderr}`);
		const manifest = path.join(nodesDir, 'package.json');
		const pkg = fs.existsSync(manifest) ? JSON.parse(fs.readFileSync(manifest, 'utf8')) : { name: 'installed-nodes', private: true };
		pkg.dependencies = { ...(pkg.dependencies || {}), [PACKAGE_NAME]: PACKAGE_JSON.version };
		fs.writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
		return target;
	}

	credentialsToImport() {
		const list = [
			{
				...CREDENTIALS.webhookSecret,
				data: { name: WEBHOOK_SECRET_HEADER, value: this.webhookSecret },
			},
		];
		// The issue workflows send replies through it; without a key a placeholder keeps them importable.
		const gatewayKey = this.options.gatewayApiKey || process.env.GATEWAY_API_KEY || 'set-your-gateway-api-key';
		list.push({ ...CREDENTIALS.gateway, data: { json: JSON.stringify({ headers: { apikey: gatewayKey } }) } });
		// The key itself exists only once n8n runs: activate() creates it and fills it in.
		list.push({ ...CREDENTIALS.n8nApi, data: { apiKey: '', baseUrl: `${this.baseUrl}/api/v1` } });
		const { gemini, tts } = this.options;
		for (const [credential, given, defaultHost] of [
			[CREDENTIALS.gemini, gemini, 'https://generativelanguage.googleapis.com'],
			[CREDENTIALS.tts, tts, 'https://texttospeech.googleapis.com'],
		]) {
			// Imported even without a key: nodes that require the credential (Content Adapter, Text
			// to Speech) keep their workflows publishable, and then say that the key is missing; the
			// Mission Generator and Issue Triage fall back to templates and rules and say why.
			list.push({
				...credential,
				data: {
					apiKey: given?.apiKey || '',
					host: given?.host || defaultHost,
					requestsPerMinute: Number(given?.requestsPerMinute ?? 0),
				},
			});
		}
		return list;
	}

	/**
	 * Everything before `n8n start`: user folder, package, credentials, workflows.
	 * Idempotent: a second run updates credentials and workflows in place.
	 */
	async setup({ tarball }) {
		fs.mkdirSync(this.userFolder, { recursive: true });
		// n8n's Read/Write Files node writes into existing folders only: the script batches' folder.
		fs.mkdirSync(path.join(this.userFolder, FILES_FOLDER, 'script-batches'), { recursive: true });
		this.loadState();
		this.installTarball(tarball);

		const work = fs.mkdtempSync(path.join(this.userFolder, 'import-'));
		try {
			const credentials = this.credentialsToImport();
			const credentialFile = path.join(work, 'credentials.json');
			fs.writeFileSync(credentialFile, JSON.stringify(credentials), { mode: 0o600 });
			await this.cli(['import:credentials', `--input=${credentialFile}`], 'import credentials');

			const present = new Set(credentials.map((c) => c.type));
			const omit = Object.values(CREDENTIALS).map((c) => c.type).filter((t) => !present.has(t));
			this.workflows = [...prepareWorkflows({ omitCredentialTypes: omit, transform: this.options.transformWorkflow }), ...(this.options.extraWorkflows || [])];
			const workflowDir = path.join(work, 'workflows');
			fs.mkdirSync(workflowDir);
			for (const wf of this.workflows) {
				fs.writeFileSync(path.join(workflowDir, `${wf.id}.json`), JSON.stringify(wf));
			}
			await this.cli(['import:workflow', '--separate', `--input=${workflowDir}`], 'import workflows');
		} finally {
			fs.rmSync(work, { recursive: true, force: true });
		}
	}

	/** Starts n8n in its own process group, output to n8n.log; resolves once it is ready. */
	async start() {
		if (this.runningPid()) throw new Error(`n8n already runs from ${this.userFolder} (pid ${this.runningPid()})`);
		// A just-killed n8n can hold its port for a moment while the kernel tears the process
		// down (the guardian's pid dies first): give the port a few seconds before giving up.
		const portDeadline = Date.now() + PORT_RELEASE_MS;
		while (!(await isPortFree(this.port, this.host))) {
			if (Date.now() > portDeadline) throw new Error(`port ${this.port} on ${this.host} is already in use`);
			await sleep(POLL_INTERVAL_MS);
		}
		this.brokerPort = this.options.brokerPort || (await freePort(this.host));
		if (!this.state) this.loadState();
		const started = Date.now();
		// n8n runs under a guardian in a new process group: stop() signals the group, and should
		// this process die without stopping it (SIGKILL, a crashed test runner), the guardian sees
		// its stdin pipe close and stops n8n, so no orphaned n8n keeps the port.
		spawnGuarded(this, [this.paths.nodeBin, this.paths.n8nBin, ...this.command], { cwd: this.workingFolder, env: this.env(), logFile: this.logFile });
		fs.writeFileSync(this.pidFile, JSON.stringify({ pid: this.pid, port: this.port, startedAt: new Date().toISOString() }));
		await this.waitFor('n8n to answer /healthz/readiness', HEALTH_TIMEOUT_MS, async () => {
			const res = await request(`${this.baseUrl}/healthz/readiness`, { timeoutMs: 2000 }).catch(() => null);
			return res?.status === 200;
		});
		this.readyMs = Date.now() - started;
		return this.readyMs;
	}

	async waitFor(what, timeoutMs, probe) {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (this.exited) {
				throw new Error(`n8n exited (${JSON.stringify(this.exited)}) while waiting for ${what}\n${this.logTail()}`);
			}
			if (await probe()) return;
			await sleep(POLL_INTERVAL_MS);
		}
		throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${this.logTail()}`);
	}

	/** Logs in as the owner, creates the job table if needed and publishes every workflow. */
	async activate() {
		const rest = new RestClient(this.baseUrl);
		await rest.login(this.owner.email, this.owner.password);
		this.rest = rest;
		await this.ensureDataTable(JOB_TABLE);
		await this.ensureDataTable(ISSUE_TABLE);
		await this.ensureDataTable(REPLY_TABLE);
		await this.ensureDataTable(CRITICAL_CLAIM_TABLE);
		await this.ensureDataTable(SCRIPT_JOB_TABLE);
		await this.ensureDataTable(SCRIPT_CACHE_TABLE);
		await this.ensureStatusApiKey();
		// n8n publishes a workflow only after the sub-workflows it calls (Execute Workflow Trigger) are.
		const isSubWorkflow = (wf) => wf.nodes.some((n) => n.type === 'n8n-nodes-base.executeWorkflowTrigger');
		for (const wf of [...this.workflows.filter(isSubWorkflow), ...this.workflows.filter((w) => !isSubWorkflow(w))]) {
			const current = await rest.call('GET', `/workflows/${wf.id}`);
			if (current.activeVersionId === current.versionId && current.active) continue;
			await rest.call('POST', `/workflows/${wf.id}/activate`, { versionId: current.versionId });
		}
	}

	/**
	 * A read-only n8n API key (scope `execution:read`) in the *n8n API* credential the status
	 * webhooks use to ask whether a job's run is still alive. n8n shows a key only when it makes it,
	 * so each start replaces the previous one (same label).
	 */
	async ensureStatusApiKey() {
		const label = STATUS_API_KEY_LABEL;
		const listed = await this.rest.call('GET', `/api-keys?label=${encodeURIComponent(label)}`);
		const keys = Array.isArray(listed) ? listed : listed?.items || [];
		for (const key of keys.filter((k) => k.label === label)) await this.rest.call('DELETE', `/api-keys/${key.id}`);
		const created = await this.rest.call('POST', '/api-keys', { label, scopes: ['execution:read'], expiresAt: null });
		const { id, name, type } = CREDENTIALS.n8nApi;
		await this.rest.call('PATCH', `/credentials/${id}`, { name, type, data: { apiKey: created.rawApiKey, baseUrl: `${this.baseUrl}/api/v1` } });
	}

	/** Creates the Data table (or adds missing columns to an existing one). Returns its id. */
	async ensureDataTable(table) {
		const project = await this.rest.call('GET', '/projects/personal');
		const base = `/projects/${project.id}/data-tables`;
		const listed = await this.rest.call('GET', `${base}?filter=${encodeURIComponent(JSON.stringify({ name: table.name }))}`);
		const existing = (listed?.data || []).find((t) => t.name === table.name);
		if (!existing) {
			const created = await this.rest.call('POST', base, { name: table.name, columns: table.columns });
			return created.id;
		}
		const columns = await this.rest.call('GET', `${base}/${existing.id}/columns`);
		const have = new Set(columns.map((c) => c.name));
		for (const column of table.columns.filter((c) => !have.has(c.name))) {
			await this.rest.call('POST', `${base}/${existing.id}/columns`, column);
		}
		return existing.id;
	}

	/** The production webhook prefix n8n runs with (N8N_ENDPOINT_WEBHOOK). */
	get webhookPrefix() {
		return this.options.env?.N8N_ENDPOINT_WEBHOOK || process.env.N8N_ENDPOINT_WEBHOOK || DEFAULT_WEBHOOK_PREFIX;
	}

	/** Production URL of a webhook path, e.g. `missions/status`. */
	webhookUrl(hookPath) {
		return `${this.baseUrl}/${this.webhookPrefix}/${hookPath}`;
	}

	/** All webhooks of the imported workflows, with their production URLs. */
	webhooks() {
		return this.workflows.flatMap(webhooksOf).map((w) => ({ ...w, url: this.webhookUrl(w.path) }));
	}

	/**
	 * Waits until every webhook is registered, without running any workflow: a request with a
	 * method the webhook does not take gets n8n's "not registered for PUT requests. Did you mean
	 * to make a POST request?" once the path is registered, and "is not registered" before.
	 */
	async waitForWebhooks(timeoutMs = WEBHOOK_TIMEOUT_MS) {
		const started = Date.now();
		for (const hook of this.webhooks()) {
			const probe = hook.method === 'PUT' ? 'PATCH' : 'PUT';
			await this.waitFor(`webhook ${hook.method} ${hook.url}`, timeoutMs, async () => {
				const res = await request(hook.url, { method: probe, timeoutMs: 2000 }).catch(() => null);
				return res !== null && res.text.includes(`Did you mean to make a ${hook.method} request`);
			});
		}
		return Date.now() - started;
	}

	/** SIGTERM to the process group, SIGKILL after a grace period. Safe to call twice. */
	async stop() {
		const pid = this.pid;
		if (!pid) return;
		if (isAlive(pid)) {
			try {
				process.kill(-pid, 'SIGTERM');
			} catch {
				/* already gone */
			}
			const deadline = Date.now() + this.stopGraceMs;
			while (isAlive(pid) && Date.now() < deadline) await sleep(200);
			killGroup(pid, 'SIGKILL');
		}
		this.pid = null;
		this.child?.stdin?.destroy();
		try {
			const recorded = JSON.parse(fs.readFileSync(this.pidFile, 'utf8'));
			if (recorded.pid === pid) fs.rmSync(this.pidFile, { force: true });
		} catch {
			/* no pid file */
		}
	}

	/** Synchronous last resort for process 'exit' handlers. */
	killNow() {
		if (this.pid) killGroup(this.pid, 'SIGKILL');
	}

	logText() {
		try {
			return fs.readFileSync(this.logFile, 'utf8');
		} catch {
			return '';
		}
	}

	logTail(lines = 60) {
		return `--- last lines of ${this.logFile} ---\n${tail(this.logText(), lines)}`;
	}
}

module.exports = { N8nInstance };
