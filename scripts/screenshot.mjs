// Screenshot of the shipped mission workflow in a real n8n editor (docs/mission-workflow.png):
// a throwaway instance from the same runtime as `npm start`, Debian's Chromium (installed with
// apt-get when missing) driven headless by playwright-core, signed in as the generated owner.
//
//   node scripts/screenshot.mjs [workflow file name, default missions-generate.json] [output png]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { chromium } from 'playwright-core';

import runtime from './n8n-runtime.cjs';

const { CHROMIUM, CHROMIUM_ARGS } = runtime;
const VIEWPORT = { width: 1920, height: 1080 };
const RENDER_TIMEOUT_MS = 60_000;
const SETTLE_MS = 1_500;

const workflowFile = process.argv[2] || 'missions-generate.json';
const output = path.resolve(process.argv[3] || path.join(runtime.REPO_ROOT, 'docs', 'mission-workflow.png'));
const say = (message) => process.stdout.write(`${message}\n`);

function ensureChromium() {
	if (fs.existsSync(CHROMIUM)) return;
	say('Installing Debian chromium (apt-get) …');
	for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'chromium']]) {
		const result = spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
		if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed; install chromium yourself (needs root)`);
	}
}

async function main() {
	ensureChromium();
	const { paths } = await runtime.provision({ log: say });
	runtime.buildPackage({ log: say });
	const userFolder = fs.mkdtempSync(path.join(runtime.cacheDir(), 'screenshot-'));
	const instance = new runtime.N8nInstance({
		userFolder,
		port: await runtime.freePort(),
		paths,
		// A placeholder credential, so the picture is what a user with a Gemini key sees. Nothing is
		// called: the workflow is only opened, never run.
		gemini: { apiKey: 'placeholder-for-the-screenshot', host: 'http://127.0.0.1:9' },
		log: say,
	});
	const onExit = () => instance.killNow();
	process.on('exit', onExit);
	let browser;
	try {
		await instance.setup({ tarball: runtime.packPackage(path.join(userFolder, 'pack')) });
		await instance.start();
		await instance.activate();
		const workflowId = runtime.workflowIdFor(workflowFile);

		browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
		const page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
		await page.goto(`${instance.baseUrl}/signin`);
		await page.locator('input[type="email"], input[name="emailOrLdapLoginId"], input[name="email"]').first().fill(instance.owner.email);
		await page.locator('input[type="password"]').first().fill(instance.owner.password);
		await page.keyboard.press('Enter');
		await page.waitForURL((url) => !url.pathname.includes('signin'), { timeout: RENDER_TIMEOUT_MS });

		await page.goto(`${instance.baseUrl}/workflow/${workflowId}`);
		await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: RENDER_TIMEOUT_MS });
		// Every node icon (built-in and ours) must have loaded before the picture is taken.
		await page.waitForFunction(
			() => [...document.querySelectorAll('[data-test-id="canvas-node"] img')].every((img) => img.complete && img.naturalWidth > 0),
			undefined,
			{ timeout: RENDER_TIMEOUT_MS },
		);
		await page.keyboard.press('Escape');
		await page.mouse.click(VIEWPORT.width / 2, 40);
		await page.keyboard.press('Shift+1'); // zoom to fit
		await page.waitForTimeout(SETTLE_MS);
		fs.mkdirSync(path.dirname(output), { recursive: true });
		await page.screenshot({ path: output });
		const nodeCount = await page.locator('[data-test-id="canvas-node"]').count();
		say(`Saved ${output} (${nodeCount} nodes on the canvas)`);
	} finally {
		if (browser) await browser.close();
		await instance.stop();
		process.off('exit', onExit);
		fs.rmSync(userFolder, { recursive: true, force: true });
	}
}

main().catch((error) => {
	say(`screenshot failed: ${error.stack || error.message}`);
	process.exit(1);
});
