'use strict';
// Every node of the package can be found the way users add nodes: by typing into the node
// panel's search in a real n8n 2.41.1 editor (Debian's Chromium, headless, via playwright-core).
// n8n leaves nodes whose codex says "AI" out of the regular search unless their AI subcategories
// include "Root Nodes"; this test is what catches a codex that gets that wrong (with the codex
// the package had before, both searches come back without the node). It also checks that n8n
// offers each node as an AI Agent tool, and saves the search result as docs/node-search.png.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { chromium } = require('playwright-core');

const { runtime, startN8n, stopN8n, printLogsOnFailure } = require('../support/n8n');

const { CHROMIUM, CHROMIUM_ARGS } = runtime;
const VIEWPORT = { width: 1440, height: 900 };
const UI_TIMEOUT_MS = 60_000;
const SCREENSHOT = path.join(runtime.REPO_ROOT, 'docs', 'node-search.png');

jest.setTimeout(300_000);

/** The display name of every node the package ships, read from the built files n8n loads. */
function shippedNodeClasses() {
	runtime.buildPackage({ log: (message) => process.stderr.write(`[e2e] ${message}\n`) });
	return runtime.PACKAGE_JSON.n8n.nodes.map((file) => {
		const exported = require(path.join(runtime.REPO_ROOT, file));
		return Object.values(exported).find((value) => typeof value === 'function');
	});
}

describe('node panel search in the n8n editor', () => {
	let instance;
	let context;
	let page;
	let profile;

	beforeAll(async () => {
		if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run node scripts/system-deps.mjs`);
		instance = await startN8n();
		profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
		// A fresh profile per run (playwright passes it to Chromium as --user-data-dir).
		context = await chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM,
			args: CHROMIUM_ARGS,
			viewport: VIEWPORT,
			deviceScaleFactor: 1,
		});
		page = context.pages()[0] ?? (await context.newPage());
		await page.goto(`${instance.baseUrl}/signin`);
		await page.locator('input[type="email"], input[name="emailOrLdapLoginId"], input[name="email"]').first().fill(instance.owner.email);
		await page.locator('input[type="password"]').first().fill(instance.owner.password);
		await page.keyboard.press('Enter');
		await page.waitForURL((url) => !url.pathname.includes('signin'), { timeout: UI_TIMEOUT_MS });
		// A workflow that already has a trigger, so the panel opens on "What happens next?": the
		// regular view in which n8n hides AI-category nodes that are not root nodes.
		await page.goto(`${instance.baseUrl}/workflow/${runtime.workflowIdFor('missions-generate.json')}`);
		await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: UI_TIMEOUT_MS });
	});

	afterAll(async () => {
		if (context) await context.close();
		if (profile) fs.rmSync(profile, { recursive: true, force: true });
		await stopN8n(instance);
	});

	/** Opens the node panel, types `term`, and returns the names of the nodes listed. */
	async function search(term) {
		const panel = page.locator('[data-test-id="node-creator"]');
		if (!(await panel.isVisible())) {
			await page.locator('[data-test-id="node-creator-plus-button"]').first().click({ timeout: UI_TIMEOUT_MS });
			await panel.waitFor({ timeout: UI_TIMEOUT_MS });
		}
		const bar = page.locator('[data-test-id="node-creator-search-bar"]').first();
		const input = (await bar.evaluate((el) => el.tagName)) === 'INPUT' ? bar : bar.locator('input').first();
		await input.fill('');
		await input.pressSequentially(term, { delay: 20 });
		// The list filters as one types; wait until it shows the result for the whole term.
		await page.waitForTimeout(500);
		// A node with an Operation selector (Content Adapter) is listed as an item with actions.
		const items = '[data-test-id="node-creator-node-item"], [data-test-id="node-creator-action-item"]';
		await page.locator(`${items}, [data-test-id="node-creator-no-results"]`).first().waitFor({ timeout: UI_TIMEOUT_MS });
		return await page.locator(`:is(${items}) [data-test-id="node-creator-item-name"]`).allInnerTexts();
	}

	const nodeClasses = shippedNodeClasses();
	const nodes = nodeClasses.map((NodeClass) => new NodeClass().description.displayName);

	test.each(nodes)('"%s" is found by its name', printLogsOnFailure(() => instance, async (displayName) => {
		expect(await search(displayName.toLowerCase())).toContain(displayName);
		// The first word alone ("mission"), as a user types it.
		expect(await search(displayName.split(' ')[0].toLowerCase())).toContain(displayName);
	}));

	test('n8n offers every node as an AI Agent tool, with no setting needed in 2.41.1', printLogsOnFailure(() => instance, async () => {
		const types = await page.evaluate(async () => await (await fetch('/types/nodes.json')).json());
		for (const NodeClass of nodeClasses) {
			const { name, usableAsTool } = new NodeClass().description;
			const tool = types.find((t) => t.name === `${runtime.PACKAGE_NAME}.${name}Tool`);
			expect({ name, tool: Boolean(tool) }).toEqual({ name, tool: true });
			expect(tool.description).toBe(usableAsTool.replacements?.description ?? new NodeClass().description.description);
		}
	}));

	test('every node of the package is found by "gemini" and "gemini ops"', printLogsOnFailure(() => instance, async () => {
		for (const displayName of nodes) expect(await search('gemini ops')).toContain(displayName);
		const found = await search('gemini');
		for (const displayName of nodes) expect(found).toContain(displayName);
		fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
		await page.locator('[data-test-id="node-creator"]').first().screenshot({ path: SCREENSHOT });
	}));
});
