'use strict';
// The one fast `sleep` for unit tests: backoff and pacing waits are capped at a few milliseconds,
// and an aborted signal still ends the wait the way n8n-workflow's own sleep does. A test opts in
// with one line (Jest hoists it above the requires):
//   jest.mock('n8n-workflow', () => require('../../support/fastSleep').withFastSleep());
const MAX_WAIT_MS = 5;

function withFastSleep(maxWaitMs = MAX_WAIT_MS) {
	const actual = jest.requireActual('n8n-workflow');
	return { ...actual, sleep: jest.fn(async (ms, signal) => await actual.sleep(Math.min(ms, maxWaitMs), signal)) };
}

module.exports = { withFastSleep, MAX_WAIT_MS };
