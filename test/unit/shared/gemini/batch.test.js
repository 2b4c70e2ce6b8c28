'use strict';

// The shared Batch API client (issue #24) against the Google fake over real HTTP: create, states,
// answers keyed back to requests (by metadata or by order), partial failures, expiry, cancel, the
// 20 MB guard, and which failures are retried (a create only on 429).
jest.mock('n8n-workflow', () => require('../../../support/fastSleep').withFastSleep());

const { startFakeGoogle } = require('../../../support/fakeGoogle');
const { httpRequest } = require('../../../support/executeNode');
const batch = require('../../../../nodes/shared/gemini/batch');
const { geminiCallCostUsd } = require('../../../../nodes/shared/gemini/pricing');
const { newAccounting } = require('../../../../nodes/shared/transport/resilientCall');
const { DEFAULT_RETRY_POLICY } = require('../../../../nodes/shared/transport/retry');
const { GoogleHttpError, InvalidOutputError, CancelledError } = require('../../../../nodes/shared/errors');

const KEY = 'batch-key-SECRET';
const MODEL = 'gemini-3.5-flash';
let fake;
beforeAll(async () => {
	fake = await startFakeGoogle({ apiKeys: [KEY], seed: 5 });
});
afterAll(() => fake.close());
beforeEach(() => {
	fake.reset();
	fake.configure({ batch: {} });
});

function context(signal) {
	return {
		getExecutionCancelSignal: () => signal,
		helpers: {
			httpRequestWithAuthentication: async (_type, options) =>
				await httpRequest({ ...options, headers: { ...options.headers, 'x-goog-api-key': KEY } }),
		},
	};
}
const credential = () => ({ host: fake.url, requestsPerMinute: 0, secrets: [KEY], identity: ['batch-test'] });
const settings = (extra = {}) => ({ retry: { ...DEFAULT_RETRY_POLICY }, callTimeoutMs: 5000, deadlineAt: Date.now() + 20000, retryInvalidOutput: false, hedge: false, ...extra });
const items = (n) => Array.from({ length: n }, (_, i) => ({ key: `title-${i}|en`, request: { model: MODEL, prompt: `Write about topic ${i}`, systemInstruction: 'Be brief', temperature: 0.5 } }));

async function submit(n, extra) {
	const accounting = newAccounting();
	const job = await batch.createBatch(context(), credential(), MODEL, 'test batch', items(n), settings(extra), accounting);
	return { job, accounting };
}

test('create sends the inline batch and reads the Operation; get follows the states; answers find their keys', async () => {
	fake.configure({ batch: { pendingMs: 150, runningMs: 300 } });
	const { job, accounting } = await submit(3);
	expect(job).toMatchObject({ name: expect.stringMatching(/^batches\//), state: 'pending', googleState: 'BATCH_STATE_PENDING', requestCount: 3, pendingCount: 3 });
	const sent = fake.stats().requests.find((r) => r.route === 'batchGenerateContent');
	expect(sent.path).toBe(`/v1beta/models/${MODEL}:batchGenerateContent`);
	expect(sent.body.batch.displayName).toBe('test batch');
	expect(sent.body.batch.inputConfig.requests.requests.map((r) => r.metadata)).toEqual([{ key: 'title-0|en' }, { key: 'title-1|en' }, { key: 'title-2|en' }]);
	expect(sent.body.batch.inputConfig.requests.requests[1].request.contents[0].parts[0].text).toBe('Write about topic 1');
	expect(JSON.stringify(fake.stats())).not.toContain(KEY);

	const seen = new Set([job.state]);
	let read;
	for (const end = Date.now() + 3000; Date.now() < end;) {
		read = await batch.getBatch(context(), credential(), job.name, settings(), accounting);
		seen.add(read.job.state);
		if (batch.isTerminal(read.job.state)) break;
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
	expect([...seen]).toEqual(['pending', 'running', 'succeeded']);
	expect(read.job).toMatchObject({ state: 'succeeded', requestCount: 3, succeededCount: 3 });
	const before = accounting.outputTokens;
	const costBefore = accounting.costUsd;
	const answers = batch.readBatchAnswers(read.operation, ['title-2|en', 'title-0|en', 'title-1|en'], accounting, MODEL);
	expect(answers.map((a) => a.key)).toEqual(['title-2|en', 'title-0|en', 'title-1|en']);
	expect(answers.every((a) => a.ok && a.text.length > 10)).toBe(true);
	expect(accounting.outputTokens).toBeGreaterThan(before);
	// Priced at the batch rate: half of what the same tokens cost on a standard call.
	expect(accounting.servedTiers.batch).toBe(3);
	expect(accounting.costUsd - costBefore).toBeGreaterThan(0);
	const fresh = newAccounting();
	batch.readBatchAnswers(read.operation, ['title-0|en', 'title-1|en', 'title-2|en'], fresh, MODEL);
	const tokens = { inputTokens: fresh.promptTokens, outputTokens: fresh.outputTokens - fresh.thinkingTokens, thinkingTokens: fresh.thinkingTokens, audioOutputTokens: 0 };
	expect(fresh.costUsd).toBeCloseTo(geminiCallCostUsd(MODEL, 'standard', tokens) / 2, 12);
	// Each answer is the one for its own request (the fake's text mentions nothing of the prompt, so
	// compare with the answers read in request order).
	const inOrder = batch.readBatchAnswers(read.operation, ['title-0|en', 'title-1|en', 'title-2|en']);
	expect(answers[0].text).toBe(inOrder[2].text);
	expect(inOrder[0].text).not.toBe(inOrder[1].text);
});

test('without echoed metadata, answers are matched by request order; partial failures say why', async () => {
	fake.configure({ batch: { echoMetadata: false, failRequests: [1] } });
	const { job } = await submit(3);
	const { operation, job: read } = await batch.getBatch(context(), credential(), job.name, settings(), newAccounting());
	expect(read).toMatchObject({ state: 'succeeded', succeededCount: 2, failedCount: 1 });
	const answers = batch.readBatchAnswers(operation, items(3).map((i) => i.key));
	expect(answers.map((a) => a.ok)).toEqual([true, false, true]);
	expect(answers[1]).toEqual({ key: 'title-1|en', ok: false, reason: expect.stringMatching(/^Gemini answered 500: /) });
	// A key the batch never saw has no answer rather than someone else's.
	expect(batch.readBatchAnswers(operation, ['a', 'b', 'c', 'd'])[3]).toMatchObject({ key: 'd', ok: false, reason: expect.stringMatching(/no answer/) });
});

test('expired and failed batches are terminal without answers; FAILED keeps Google\'s reason', async () => {
	fake.configure({ batch: { outcome: 'expired' } });
	const expired = await batch.getBatch(context(), credential(), (await submit(1)).job.name, settings(), newAccounting());
	expect(expired.job).toMatchObject({ state: 'expired', googleState: 'BATCH_STATE_EXPIRED' });
	expect(batch.readBatchAnswers(expired.operation, ['title-0|en'])[0].ok).toBe(false);
	fake.configure({ batch: { outcome: 'failed', failMessage: 'Batch quota exhausted' } });
	const failed = await batch.getBatch(context(), credential(), (await submit(1)).job.name, settings(), newAccounting());
	expect(failed.job).toMatchObject({ state: 'failed', errorMessage: 'Batch quota exhausted' });
});

test('cancel ends a running batch; the name may be given with or without "batches/"', async () => {
	fake.configure({ batch: { runningMs: 60000 } });
	const { job } = await submit(2);
	await batch.cancelBatch(context(), credential(), job.name.replace('batches/', ''), settings(), newAccounting());
	const read = await batch.getBatch(context(), credential(), job.name, settings(), newAccounting());
	expect(read.job.state).toBe('cancelled');
	expect(fake.stats().requests.find((r) => r.route === 'cancelBatch').path).toBe(`/v1beta/${job.name}:cancel`);
});

test('a batch of 20 MB or more is refused before anything is sent', async () => {
	const big = [{ key: 'k', request: { model: MODEL, prompt: 'é'.repeat(10 * 1024 * 1024) } }];
	const error = await batch.createBatch(context(), credential(), MODEL, 'big', big, settings(), newAccounting()).catch((e) => e);
	expect(error).toBeInstanceOf(InvalidOutputError);
	expect(error.message).toMatch(/under 20971520 bytes/);
	expect(fake.stats().calls).toBe(0);
});

test('create is retried on 429 only: a 500 may have created the batch, so it is not sent twice', async () => {
	fake.script(':batchGenerateContent', [{ status: 429, headers: { 'retry-after': '1' } }]);
	const { job, accounting } = await submit(1);
	expect(job.state).toBe('pending');
	expect(accounting).toMatchObject({ calls: 2, retries: 1 });

	fake.reset();
	fake.script(':batchGenerateContent', [{ status: 500 }]);
	const error = await submit(1).catch((e) => e);
	expect(error).toBeInstanceOf(GoogleHttpError);
	expect(error.statusCode).toBe(500);
	expect(fake.stats().byRoute.batchGenerateContent).toBe(1);
	expect(fake.batches()).toEqual([]);
});

test('reads are retried on server errors and stop at once on the cancel signal', async () => {
	const { job } = await submit(1);
	fake.script('/batches/', [{ status: 503 }]);
	const read = await batch.getBatch(context(), credential(), job.name, settings(), newAccounting());
	expect(read.job.state).toBe('succeeded');
	expect(fake.stats().byRoute.getBatch).toBe(2);

	fake.script('/batches/', [{ hang: true }]);
	const controller = new AbortController();
	const pending = batch.getBatch(context(controller.signal), credential(), job.name, settings(), newAccounting()).catch((e) => e);
	await new Promise((resolve) => setTimeout(resolve, 50));
	controller.abort();
	expect(await pending).toBeInstanceOf(CancelledError);
});

test('batch names that could reach another path are refused', () => {
	expect(batch.batchId('batches/abc-1_X')).toBe('abc-1_X');
	expect(batch.batchId('abc')).toBe('abc');
	for (const name of ['batches/../models/x', 'batches/a/b', 'batches/a:cancel', '', 'models/x']) {
		expect(() => batch.batchId(name)).toThrow(/not a Gemini batch name/);
	}
});

test('states from REST (BATCH_STATE_*) and from the official client (JOB_STATE_*) map alike; checks grow 1, 2, 5, 10 min', () => {
	const cases = [['BATCH_STATE_PENDING', 'pending'], ['JOB_STATE_QUEUED', 'pending'], ['BATCH_STATE_RUNNING', 'running'], ['JOB_STATE_SUCCEEDED', 'succeeded'], ['BATCH_STATE_FAILED', 'failed'], ['BATCH_STATE_CANCELLED', 'cancelled'], ['JOB_STATE_EXPIRED', 'expired']];
	for (const [google, ours] of cases) expect(batch.batchStateOf(google, false)).toBe(ours);
	expect(batch.batchStateOf('SOMETHING_NEW', true)).toBe('failed');
	expect(batch.batchStateOf('SOMETHING_NEW', false)).toBe('pending');
	expect([0, 1, 2, 3, 4, 50].map(batch.nextBatchCheckSeconds)).toEqual([60, 120, 300, 600, 600, 600]);
});
