'use strict';

// Hedged requests through resilientCall, over real HTTP to the Google fake: a hung first request
// gets one backup once it runs past the threshold, the first good answer wins and the loser's
// connection is closed (seen at the fake). Real timers; the threshold is shortened through
// settings.hedgePolicy so each test takes well under a second.
const { startFakeGoogle } = require('../../../support/fakeGoogle');
const { httpRequest } = require('../../../support/executeNode');
const { rejectionOf } = require('../../../support/assertions');
const { resilientCall, newAccounting } = require('../../../../nodes/shared/transport/resilientCall');
const { requestOnce } = require('../../../../nodes/shared/transport/request');
const { getSharedRateLimiter } = require('../../../../nodes/shared/transport/rateLimiter');
const { Semaphore } = require('../../../../nodes/shared/transport/semaphore');
const { latencyKey } = require('../../../../nodes/shared/transport/latencyTracker');
const { hedgeBudgetFor, DEFAULT_HEDGE_POLICY } = require('../../../../nodes/shared/transport/hedge');
const { CallNotNeededError, GoogleHttpError, RateLimitWaitError, CancelledError, InvalidOutputError } = require('../../../../nodes/shared/errors');
const { resolveCredential, credentialKey } = require('../../../../nodes/shared/credentials');
const { resetProcessState } = require('../../../../nodes/shared/state');

const PATH = '/v1beta/models/gemini-2.5-flash:generateContent';
const LATENCY_MS = 20;
// The backup is due at exactly 100 ms: multiplier 0 leaves only the floor, so a loaded machine
// slowing the warm-up calls cannot move the threshold (hedgeDelayMs has its own tests).
const HEDGE_AFTER_MS = 100;
const POLICY = { minDelayMs: HEDGE_AFTER_MS, multiplier: 0, coldStartFraction: 0.15 };
const WARM_UP_CALLS = DEFAULT_HEDGE_POLICY.minSamples;

let fake;
let keyNumber = 0;
beforeAll(async () => {
	fake = await startFakeGoogle({ apiKeys: null, latencyMs: LATENCY_MS });
});
afterAll(async () => {
	await fake.close();
});
beforeEach(async () => {
	// Requests an earlier test gave up on end by their own timeout (see expectNothingInFlight).
	await waitFor(() => fake.stats().inFlight === 0, settings().callTimeoutMs + 4000);
	fake.reset();
	resetProcessState();
});

/** A fresh API key per test, so no rate limiter or history is shared between tests. */
async function setup({ requestsPerMinute = 0, signal } = {}) {
	const apiKey = `hedge-key-${++keyNumber}`;
	const ctx = {
		getNode: () => ({ name: 'hedge test' }),
		getExecutionCancelSignal: () => signal,
		getCredentials: async () => ({ apiKey, host: fake.url, requestsPerMinute }),
		helpers: {
			// As n8n 2.41 does: the request gets the execution's cancel signal, never the node's own.
			httpRequestWithAuthentication: async (_type, options) =>
				await httpRequest({ ...options, abortSignal: signal, headers: { ...options.headers, 'x-goog-api-key': apiKey } }),
		},
	};
	const credential = await resolveCredential(ctx, 'geminiApi');
	return { ctx, credential };
}

function settings(overrides = {}) {
	return {
		retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
		callTimeoutMs: 1500,
		deadlineAt: Date.now() + 20_000,
		retryInvalidOutput: true,
		operation: 'test',
		hedgePolicy: POLICY,
		...overrides,
	};
}

let promptNumber = 0;
function call({ ctx, credential }, options = {}, accounting = newAccounting()) {
	const body = { contents: [{ role: 'user', parts: [{ text: `prompt ${++promptNumber}` }] }] };
	return resilientCall(ctx, credential, settings(options), accounting, async (timeoutMs, signal) =>
		(await requestOnce(ctx, credential, { credentialType: 'geminiApi', method: 'POST', path: PATH, body }, timeoutMs, signal)).body,
	);
}

/** Like call(), but the answer must hold a candidate, as generateStructured checks (InvalidOutputError otherwise). */
function callParsed({ ctx, credential }, options = {}, accounting = newAccounting()) {
	const body = { contents: [{ role: 'user', parts: [{ text: `prompt ${++promptNumber}` }] }] };
	return resilientCall(ctx, credential, settings(options), accounting, async (timeoutMs, signal) => {
		const answer = (await requestOnce(ctx, credential, { credentialType: 'geminiApi', method: 'POST', path: PATH, body }, timeoutMs, signal)).body;
		if (typeof answer !== 'object' || answer === null || !Array.isArray(answer.candidates) || answer.candidates.length === 0) {
			throw new InvalidOutputError('the answer was not usable');
		}
		return answer;
	});
}

async function warmUp(client, options = {}) {
	for (let i = 0; i < WARM_UP_CALLS; i++) await call(client, options);
	fake.reset();
}

/** Polls `condition` every 10 ms for at most `ms`; every wait in these tests is bounded. */
async function waitFor(condition, ms = 1000) {
	for (let waited = 0; waited < ms && !condition(); waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
	return condition();
}

/** Aborted requests close their connection; the fake counts them out on 'close'. */
/**
 * n8n 2.41 gives the HTTP helper the execution's cancel signal, never ours, so a request we gave
 * up on (a lost race, a dropped call) is not cut at the socket: the node stops waiting at once
 * (each test checks its own timing) and the socket ends by the request's `timeout` option. This
 * waits for that, so no test starts with another's sockets still open.
 */
async function expectNothingInFlight(withinMs = settings().callTimeoutMs + 1000) {
	await waitFor(() => fake.stats().inFlight === 0, withinMs);
	expect(fake.stats().inFlight).toBe(0);
}

const requestTimes = () => fake.stats().requests.filter((r) => r.route === 'generateContent').map((r) => r.at);

test('cold start: no history yet, a hung call gets its backup at the prior (15% of the timeout)', async () => {
	const client = await setup();
	fake.script(PATH, [{ hang: true }]);
	const accounting = newAccounting();
	const startedAt = Date.now();
	const answer = await call(client, { callTimeoutMs: 4000 }, accounting);
	expect(answer.candidates).toHaveLength(1);
	expect(accounting).toMatchObject({ calls: 2, retries: 0, failedCalls: 0, hedges: 1, hedgeWins: 1 });
	const [first, backup] = requestTimes();
	expect(first).toBeGreaterThanOrEqual(startedAt);
	expect(backup - startedAt).toBeGreaterThanOrEqual(600 - 5);
	// Nobody waited for the hung request's 4 s timeout.
	expect(Date.now() - startedAt).toBeLessThan(2000);
	await expectNothingInFlight(5000);
});

test('cold start with hedging off: a hung call waits out its timeout and is retried', async () => {
	const client = await setup();
	fake.script(PATH, [{ hang: true }]);
	const accounting = newAccounting();
	const answer = await call(client, { callTimeoutMs: 400, hedge: false }, accounting);
	expect(answer.candidates).toHaveLength(1);
	expect(accounting).toMatchObject({ calls: 2, retries: 1, failedCalls: 1, hedges: 0, hedgeWins: 0 });
	expect(accounting.latenciesMs[0]).toBeGreaterThanOrEqual(400 - 2);
});

for (const [kind, answer] of [
	['malformed JSON', { malformed: true }],
	['an empty candidate list', { emptyCandidates: true }],
	['HTTP 503', { status: 503 }],
]) {
	test(`a backup answering ${kind} ends the race at once; the hung first request is not waited for`, async () => {
		const client = await setup();
		await warmUp(client);
		fake.script(PATH, [{ hang: true }, answer]);
		const accounting = newAccounting();
		const startedAt = Date.now();
		const result = await callParsed(client, { callTimeoutMs: 3000 }, accounting);
		expect(result.candidates).toHaveLength(1);
		// The hung first, the failing backup, then the retry that answers.
		expect(accounting).toMatchObject({ calls: 3, retries: 1, hedges: 1, hedgeWins: 0 });
		// Well before the hung request's 3 s timeout.
		expect(Date.now() - startedAt).toBeLessThan(1500);
		await expectNothingInFlight(4000);
	});
}

test('a hung request gets one backup after the threshold; the backup wins and the hung one is aborted', async () => {
	const client = await setup();
	await warmUp(client);
	fake.script(PATH, [{ hang: true }]);
	const accounting = newAccounting();
	const answer = await call(client, {}, accounting);
	expect(answer.candidates).toHaveLength(1);
	expect(accounting).toMatchObject({ calls: 2, retries: 0, failedCalls: 0, hedges: 1, hedgeWins: 1 });
	expect(accounting.latenciesMs).toHaveLength(1);
	const [first, backup] = requestTimes();
	// Arrival times at the fake: a loaded machine delays the first request's arrival a little.
	expect(backup - first).toBeGreaterThanOrEqual(HEDGE_AFTER_MS - 30);
	expect(backup - first).toBeLessThan(1500);
	await expectNothingInFlight();
});

test('when the first request answers before the backup, the first wins and the backup is aborted', async () => {
	const client = await setup();
	await warmUp(client);
	// Slow but not hung: answers 300 ms in, while the backup (sent at 100 ms) hangs.
	fake.script(PATH, [{ delayMs: 300 }, { hang: true }]);
	const accounting = newAccounting();
	await call(client, {}, accounting);
	expect(accounting).toMatchObject({ calls: 2, failedCalls: 0, hedges: 1, hedgeWins: 0 });
	await expectNothingInFlight();
});

test('a call answering within the threshold sends no backup', async () => {
	const client = await setup();
	await warmUp(client);
	const accounting = newAccounting();
	await call(client, {}, accounting);
	expect(accounting).toMatchObject({ calls: 1, hedges: 0 });
	expect(fake.stats().calls).toBe(1);
});

test('a retryable failure of the first request while the backup is in flight: the backup still wins, no retry', async () => {
	const client = await setup();
	await warmUp(client);
	fake.script(PATH, [{ status: 503, delayMs: 200 }, { delayMs: 250 }]);
	const accounting = newAccounting();
	const answer = await call(client, {}, accounting);
	expect(answer.candidates).toHaveLength(1);
	expect(accounting).toMatchObject({ calls: 2, retries: 0, failedCalls: 1, hedges: 1, hedgeWins: 1 });
});

test('when both fail the attempt fails with the first failure', async () => {
	const client = await setup();
	await warmUp(client);
	fake.script(PATH, [{ status: 503, delayMs: 200 }, { status: 500, delayMs: 250 }]);
	const accounting = newAccounting();
	const error = await rejectionOf(call(client, { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }, accounting));
	expect(error).toBeInstanceOf(GoogleHttpError);
	expect(error.statusCode).toBe(503);
	expect(accounting).toMatchObject({ calls: 2, retries: 0, failedCalls: 2, hedges: 1, hedgeWins: 0 });
});

test('a failing backup fails the attempt at once, dropping the hung first request; the retry policy runs as usual', async () => {
	const client = await setup();
	await warmUp(client);
	fake.script(PATH, [{ hang: true }, { status: 503 }]);
	const accounting = newAccounting();
	const answer = await call(client, {}, accounting);
	expect(answer.candidates).toHaveLength(1);
	// Hung first request (aborted, not counted as failed), failed backup, successful retry.
	expect(accounting).toMatchObject({ calls: 3, retries: 1, failedCalls: 1, hedges: 1, hedgeWins: 0 });
	const [first, , retry] = requestTimes();
	expect(retry - first).toBeLessThan(1500);
	await expectNothingInFlight();
});

test('a failure the backup would only repeat (HTTP 400) ends the attempt at once', async () => {
	const client = await setup();
	await warmUp(client);
	fake.script(PATH, [{ status: 400, delayMs: 200 }, { hang: true }]);
	const accounting = newAccounting();
	const started = Date.now();
	const error = await rejectionOf(call(client, {}, accounting));
	expect(error.statusCode).toBe(400);
	expect(Date.now() - started).toBeLessThan(1500);
	expect(accounting).toMatchObject({ calls: 2, failedCalls: 1, hedges: 1, hedgeWins: 0 });
	await expectNothingInFlight();
});

test('the budget caps backups: past it, a hung call waits out its timeout as without hedging', async () => {
	const client = await setup();
	const policy = { ...POLICY, budgetHedges: 1, budgetWindowCalls: 100 };
	await warmUp(client, { hedgePolicy: policy });
	fake.script(PATH, [{ hang: true }, { hang: true }]);
	const accounting = newAccounting();
	await call(client, { hedgePolicy: policy, callTimeoutMs: 400 }, accounting);
	// The first hung call was hedged; the hedge hung too, so the attempt timed out and was retried.
	expect(accounting).toMatchObject({ hedges: 1, retries: 1 });
	fake.reset();
	fake.script(PATH, [{ hang: true }]);
	const second = newAccounting();
	await call(client, { hedgePolicy: policy, callTimeoutMs: 400 }, second);
	expect(second).toMatchObject({ calls: 2, retries: 1, failedCalls: 1, hedges: 0 });
	expect(fake.stats().calls).toBe(2);
});

test('Hedge Slow Calls off: no backup even with history', async () => {
	const client = await setup();
	await warmUp(client);
	fake.script(PATH, [{ hang: true }]);
	const accounting = newAccounting();
	await call(client, { hedge: false, callTimeoutMs: 400 }, accounting);
	expect(accounting).toMatchObject({ calls: 2, retries: 1, hedges: 0, hedgeWins: 0 });
});

test('the backup takes a call slot, ahead of calls that have not started yet', async () => {
	const client = await setup();
	await warmUp(client);
	const slots = new Semaphore(2);
	// An unrelated call holds the second slot until released.
	let releaseOther;
	const other = slots.run(() => new Promise((resolve) => (releaseOther = resolve)));
	fake.script(PATH, [{ hang: true }]);
	const accounting = newAccounting();
	const hedgedCall = call(client, { slots }, accounting);
	// Queued after the hung call started, so before its backup is due.
	let backupsWhenQueuedRan;
	const queued = slots.run(async () => {
		backupsWhenQueuedRan = accounting.hedges;
	});
	await new Promise((resolve) => setTimeout(resolve, HEDGE_AFTER_MS * 3));
	// Due for 200 ms, but no slot: nothing sent yet.
	expect(accounting.hedges).toBe(0);
	expect(fake.stats().calls).toBe(1);
	const releasedAt = Date.now();
	releaseOther();
	await Promise.all([hedgedCall, other, queued]);
	expect(accounting).toMatchObject({ hedges: 1, hedgeWins: 1 });
	expect(requestTimes()[1]).toBeGreaterThanOrEqual(releasedAt);
	// The backup took the freed slot before the call queued ahead of it in time.
	expect(backupsWhenQueuedRan).toBe(1);
});

test('with a single slot the backup can never be sent: the attempt behaves as without hedging', async () => {
	const client = await setup();
	await warmUp(client);
	fake.script(PATH, [{ hang: true }]);
	const accounting = newAccounting();
	await call(client, { slots: new Semaphore(1), callTimeoutMs: 400 }, accounting);
	expect(accounting).toMatchObject({ calls: 2, retries: 1, hedges: 0 });
});

test('the backup counts against the credential requests-per-minute limit', async () => {
	// 12 per minute: 10 warm-up calls, the hung call and its backup use all of them.
	const client = await setup({ requestsPerMinute: 12 });
	await warmUp(client);
	fake.script(PATH, [{ hang: true }]);
	const accounting = newAccounting();
	await call(client, {}, accounting);
	expect(accounting).toMatchObject({ calls: 2, hedges: 1, hedgeWins: 1 });
	const limiter = getSharedRateLimiter(credentialKey(client.credential.identity), 12);
	const error = await rejectionOf(limiter.acquire(undefined, Date.now() + 1000));
	expect(error).toBeInstanceOf(RateLimitWaitError);
});

test('no rate-limit grant before the attempt ends: the backup is not sent and its budget is returned', async () => {
	// 11 per minute: after the warm-up and the hung call, nothing is left for a backup.
	const client = await setup({ requestsPerMinute: 11 });
	const policy = { ...POLICY, budgetHedges: 1 };
	await warmUp(client, { hedgePolicy: policy });
	fake.script(PATH, [{ hang: true }]);
	const accounting = newAccounting();
	const error = await rejectionOf(call(client, { callTimeoutMs: 400, hedgePolicy: policy }, accounting));
	// The retry after the timeout cannot get a grant either, before the item deadline.
	expect(error).toBeInstanceOf(RateLimitWaitError);
	expect(accounting).toMatchObject({ calls: 1, hedges: 0 });
	expect(fake.stats().calls).toBe(1);
	// The unsent backup went back to the budget.
	expect(hedgeBudgetFor(latencyKey(client.credential.identity, 'test'), policy).tryTake()).toBeDefined();
});

test('the cancel signal aborts the first request and the backup', async () => {
	const controller = new AbortController();
	const client = await setup({ signal: controller.signal });
	await warmUp(client);
	fake.script(PATH, [{ hang: true }, { hang: true }]);
	const accounting = newAccounting();
	const pending = call(client, {}, accounting);
	expect(await waitFor(() => fake.stats().inFlight === 2)).toBe(true);
	expect(accounting.hedges).toBe(1);
	controller.abort();
	const error = await rejectionOf(pending);
	expect(error).toBeInstanceOf(CancelledError);
	await expectNothingInFlight();
});

test('an answer no longer wanted when the backup is due is dropped instead of hedged', async () => {
	const client = await setup();
	await warmUp(client);
	fake.script(PATH, [{ hang: true }]);
	let wanted = true;
	const accounting = newAccounting();
	const pending = call(client, { stillWanted: () => wanted }, accounting);
	await new Promise((resolve) => setTimeout(resolve, HEDGE_AFTER_MS / 2));
	wanted = false;
	const error = await rejectionOf(pending);
	expect(error).toBeInstanceOf(CallNotNeededError);
	expect(accounting).toMatchObject({ calls: 1, failedCalls: 0, hedges: 0 });
	await expectNothingInFlight();
});
