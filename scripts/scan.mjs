// Runs n8n's own verification scanner (@n8n/scan-community-package) offline, twice:
// on the source tree with the scanner's source patterns, and on the unpacked `npm pack`
// tarball, which is what n8n Cloud would verify.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = new URL('..', import.meta.url).pathname;

async function check(label, dir, patterns) {
	const result = await analyzePackage(dir, patterns);
	// The scanner passes an empty match; for us that means a broken pattern or an empty pack.
	if (result.passed && result.message === 'No files found to analyze') {
		console.error(`scan ${label}: no files matched ${patterns.join(', ')}`);
		return false;
	}
	if (!result.passed) {
		console.error(`scan ${label}: ${result.message}\n${result.details ?? ''}`);
		return false;
	}
	console.log(`scan ${label}: passed`);
	return true;
}

const work = mkdtempSync(join(tmpdir(), 'gemini-ops-scan-'));
try {
	const sourceOk = await check('source tree', root, SOURCE_FILE_PATTERNS);
	const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {
		cwd: root,
		encoding: 'utf8',
	}).trim().split('\n').pop();
	execFileSync('tar', ['-xzf', join(work, packed), '-C', work]);
	const tarballOk = await check('npm pack tarball', join(work, 'package'), ['**/*.js', 'package.json']);
	if (!sourceOk || !tarballOk) process.exitCode = 1;
} finally {
	rmSync(work, { recursive: true, force: true });
}
