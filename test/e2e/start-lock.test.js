'use strict';
// A second `npm start` in the same clone says where the first runs and stops before it builds
// anything (no n8n is started here: the first start is stood in for by a lock held by this PID).
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const runtime = require('../../scripts/n8n-runtime.cjs');

test('a second npm start in this clone names the running one and exits before building', () => {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gemini-ops-lock-'));
	const lockDir = path.join(work, 'locks');
	fs.mkdirSync(lockDir);
	const cloneId = crypto.createHash('sha256').update(runtime.REPO_ROOT).digest('hex').slice(0, 16);
	const lockFile = path.join(lockDir, `start-${cloneId}.json`);
	const holder = { pid: process.pid, port: 5999, url: 'http://127.0.0.1:5999/', userFolder: path.join(work, 'first'), repo: runtime.REPO_ROOT };
	fs.writeFileSync(lockFile, JSON.stringify(holder));
	const sentinel = path.join(runtime.REPO_ROOT, 'dist', `.start-lock-test-${process.pid}`);
	fs.mkdirSync(path.dirname(sentinel), { recursive: true });
	fs.writeFileSync(sentinel, 'dist/ must survive');
	try {
		// Another port and another user folder: only the clone lock can stop it.
		const second = spawnSync(process.execPath, [path.join(runtime.REPO_ROOT, 'scripts', 'start.mjs')], {
			env: { ...process.env, GEMINI_OPS_LOCK_DIR: lockDir, GEMINI_OPS_USER_FOLDER: path.join(work, 'second'), N8N_PORT: '5998' },
			encoding: 'utf8',
			timeout: 60_000,
		});
		expect(second.status).toBe(1);
		expect(second.stdout).toContain(`already running from this clone: npm start pid ${process.pid}, editor http://127.0.0.1:5999/`);
		expect(second.stdout).toContain(holder.userFolder);
		expect(second.stdout).not.toContain('Building');
		expect(fs.existsSync(sentinel)).toBe(true);
		expect(JSON.parse(fs.readFileSync(lockFile, 'utf8')).pid).toBe(process.pid);
	} finally {
		fs.rmSync(sentinel, { force: true });
		fs.rmSync(work, { recursive: true, force: true });
	}
});
