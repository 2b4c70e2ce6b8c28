'use strict';
// Runs a command (n8n) and stops it when the process that started this guardian goes away,
// however it goes, SIGKILL included: our stdin is a pipe from that process, and its end means
// the parent is gone. Started by scripts/n8n-runtime.cjs as the leader of its own process group,
// so `kill -- -<pid>` reaches the guardian and n8n together.
const { spawn } = require('node:child_process');

const DEFAULT_GRACE_MS = 20_000;
// A queue worker is given longer (GEMINI_OPS_STOP_GRACE_MS) to finish its running jobs.
const GRACE_MS = Number(process.env.GEMINI_OPS_STOP_GRACE_MS) || DEFAULT_GRACE_MS;
const [command, ...args] = process.argv.slice(2);

const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
let stopping = false;

function stop() {
	if (stopping) return;
	stopping = true;
	child.kill('SIGTERM');
	setTimeout(() => child.kill('SIGKILL'), GRACE_MS).unref();
}

process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
// A signal to the whole group has reached the child too, and n8n treats a second SIGTERM as
// "die now", so none is forwarded; the child only gets a SIGKILL if it outlives the grace period.
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
	process.on(signal, () => setTimeout(() => child.kill('SIGKILL'), GRACE_MS).unref());
}
child.on('error', (error) => {
	process.stderr.write(`guardian: could not start ${command}: ${error.message}\n`);
	process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
