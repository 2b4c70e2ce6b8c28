'use strict';
// One way to start Debian's Chromium headless for the editor test, page checks and screenshots
// (installed by scripts/system-deps.mjs). Without the networking flags Chromium keeps trying to
// reach Google's services from a machine that has no network, and each refused connection
// costs time.
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

/** Launches headless Chromium through playwright-core (a devDependency). */
async function launchChromium(options = {}) {
	const { chromium } = require('playwright-core');
	return await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, ...options });
}

module.exports = { CHROMIUM, CHROMIUM_ARGS, launchChromium };
