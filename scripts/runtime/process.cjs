'use strict';
// Child processes, logging and liveness checks.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const PROGRESS_INTERVAL_MS = 10_000;

function defaultLog(message) {
	process.stdout.write(`${message}\n`);
}

function tail(text, lines = 40) {
	return String(text).split('\n').slice(-lines).join('\n');
}

function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function isAlive(pid) {
	if (!Number.isInteger(pid) || pid <= 0) return false;
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

/** Environment for npm and n8n: the pinned Node.js first on PATH, so every `node` is that one. */
function envWithNode(paths, extra = {}) {
	return { ...process.env, PATH: `${paths.nodeBinDir}${path.delimiter}${process.env.PATH}`, ...extra };
}

/**
 * Runs a command, writing its output to logFile, printing "label … 40s" every 10 s so a long
 * install visibly progresses. Rejects with the end of the log on failure.
 */
function runLogged(command, args, { cwd, env, logFile, label, log = defaultLog }) {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const out = fs.openSync(logFile, 'a');
		fs.writeSync(out, `\n$ ${command} ${args.join(' ')}\n`);
		const child = spawn(command, args, { cwd, env, stdio: ['ignore', out, out] });
		const ticker = setInterval(() => {
			log(`  ${label} … ${Math.round((Date.now() - started) / 1000)}s`);
		}, PROGRESS_INTERVAL_MS);
		const finish = (error) => {
			clearInterval(ticker);
			fs.closeSync(out);
			if (error) {
				const logText = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
				error.message += `\n--- last lines of ${logFile} ---\n${tail(logText)}`;
				reject(error);
			} else resolve(Date.now() - started);
		};
		child.on('error', finish);
		child.on('exit', (code, signal) => {
			if (code === 0) finish();
			else finish(new Error(`${label} failed (${signal ?? `exit code ${code}`})`));
		});
	});
}

function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
	} catch {
		/* the group is gone */
	}
}

const GUARDIAN = require('node:path').join(__dirname, 'guardian.cjs');

/**
 * Starts `args` (a program and its arguments) under the guardian: its own process group, output
 * appended to `logFile`, and a stdin pipe whose close makes the guardian stop the program, so
 * nothing outlives the process that started it. Sets `holder.child`, `.pid` and `.exited`.
 */
function spawnGuarded(holder, args, { cwd, env, logFile }) {
	const out = fs.openSync(logFile, 'a');
	const child = spawn(process.execPath, [GUARDIAN, ...args], { cwd, env, stdio: ['pipe', out, out], detached: true });
	fs.closeSync(out);
	child.stdin.on('error', () => {});
	holder.child = child;
	holder.pid = child.pid;
	holder.exited = null;
	child.on('exit', (code, signal) => {
		holder.exited = { code, signal };
	});
	return child;
}

module.exports = { defaultLog, tail, sleep, isAlive, killGroup, envWithNode, runLogged, spawnGuarded };
