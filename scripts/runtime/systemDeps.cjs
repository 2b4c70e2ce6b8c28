'use strict';
// Debian packages that tests, screenshots and benchmarks need beside Node (a browser for the
// editor and page checks, audio tools to prove joined audio decodes, Redis for queue mode). A fresh machine has only
// Node and apt: this installs what is missing, once, and says what it did.
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');

/** Each entry: a file that proves the package is there, and the Debian package(s) giving it. */
const SYSTEM_PACKAGES = [
	{ file: '/usr/bin/chromium', packages: ['chromium'], why: 'browser checks of the editor and pages' },
	{ file: '/usr/bin/ffprobe', packages: ['ffmpeg'], why: 'Text to Speech tests decode joined MP3/WAV/Ogg Opus audio to the end' },
	// n8n's queue mode keeps its job queue in Redis (n8n 2.41 needs Redis 6 or newer; bookworm has 7.0).
	// The package's own service is not used: queue mode starts a redis-server of its own on a free port.
	{ file: '/usr/bin/redis-server', packages: ['redis-server'], why: 'queue mode (npm run start:queue, test/e2e/queue.test.js) keeps its job queue in Redis' },
	{ file: '/usr/bin/file', packages: ['file'], why: 'the Google fake\'s tests identify the audio it makes with file(1)' },
];

function missing() {
	return SYSTEM_PACKAGES.filter((entry) => !fs.existsSync(entry.file));
}

function ensureSystemPackages({ log = (m) => process.stdout.write(`${m}\n`) } = {}) {
	const todo = missing();
	if (todo.length === 0) return { installed: [] };
	const packages = [...new Set(todo.flatMap((entry) => entry.packages))];
	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	if (!isRoot) {
		throw new Error(`Missing Debian packages: ${packages.join(' ')}. Install them (sudo apt-get install -y ${packages.join(' ')}) and run again.`);
	}
	log(`Installing Debian packages: ${packages.join(' ')} (${todo.map((entry) => entry.why).join('; ')})`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...packages]]) {
		const result = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
		if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${result.status})`);
	}
	const still = missing();
	if (still.length > 0) throw new Error(`Still missing after apt-get: ${still.map((entry) => entry.file).join(', ')}`);
	return { installed: packages };
}

module.exports = { SYSTEM_PACKAGES, ensureSystemPackages };
