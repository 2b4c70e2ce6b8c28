'use strict';
// Progress updates are retried briefly (429/5xx and network errors), honouring Retry-After up to a
// cap, and a receiver that stays down shows in the report without failing the job.
jest.mock('n8n-workflow', () => require('../../support/fastSleep').withFastSleep());
const http = require('node:http');
const { sleep } = require('n8n-workflow');
const { executeNode } = require('../../support/executeNode');
const { MissionGenerator } = require('../../../nodes/MissionGenerator/MissionGenerator.node');
const { PROGRESS_MAX_TRIES, PROGRESS_RETRY_MAX_WAIT_MS } = require('../../../nodes/MissionGenerator/engine/progress');

/** A progress receiver whose answer to each request is chosen by `answer(n)` (n counts requests from 1). */
async function withReceiver(answer, fn) {
	const received = [];
	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			const { status, headers = {} } = answer(received.length + 1);
			received.push({ status, body: JSON.parse(body) });
			res.writeHead(status, { 'content-type': 'application/json', ...headers });
			res.end('{}');
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	try {
		return { received, output: await fn(`http://127.0.0.1:${server.address().port}/progress`) };
	} finally {
		server.close();
	}
}
const run = async (progressUrl) => (await executeNode(MissionGenerator, { parameters: { tier: 'BEGINNER', count: 3, locale: 'en', progressUrl, jobId: 'job-r' } })).output;

beforeEach(() => sleep.mockClear());

test('a receiver that refuses the first try of every update (503, Retry-After: 7): each update arrives once, in order, after the capped wait', async () => {
	const { received, output } = await withReceiver((n) => (n % 2 === 1 ? { status: 503, headers: { 'retry-after': '7' } } : { status: 200 }), run);
	const delivered = received.filter((r) => r.status === 200).map((r) => r.body);
	expect(delivered.length).toBeGreaterThan(0);
	expect(received.filter((r) => r.status === 503).map((r) => r.body)).toEqual(delivered); // each refused once, then delivered
	const report = output[1][0].json;
	expect(report).toMatchObject({ progressUpdatesSent: delivered.length, progressUpdatesFailed: 0, progressUpdatesRetried: delivered.length });
	expect(report.progressLastFailure).toBeUndefined();
	expect(sleep.mock.calls.filter(([ms]) => ms === PROGRESS_RETRY_MAX_WAIT_MS)).toHaveLength(delivered.length);
	const currents = delivered.map((u) => u.current);
	expect([...currents].sort((a, b) => a - b)).toEqual(currents);
});

test('a receiver that stays down (500): every update tried a few times, the job still delivers, the report says why', async () => {
	const { received, output } = await withReceiver(() => ({ status: 500 }), run);
	expect(output[0]).toHaveLength(3);
	const report = output[1][0].json;
	expect(report.progressUpdatesSent).toBe(0);
	expect(report.progressUpdatesFailed).toBeGreaterThan(0);
	expect(received).toHaveLength(report.progressUpdatesFailed * PROGRESS_MAX_TRIES);
	expect(report.progressUpdatesRetried).toBe(report.progressUpdatesFailed * (PROGRESS_MAX_TRIES - 1));
	expect(report.progressLastFailure).toBe('HTTP 500');
});

test('a refusal that repeating cannot fix (400) is not retried', async () => {
	const { received, output } = await withReceiver(() => ({ status: 400 }), run);
	const report = output[1][0].json;
	expect(received).toHaveLength(report.progressUpdatesFailed);
	expect(report).toMatchObject({ progressUpdatesSent: 0, progressUpdatesRetried: 0, progressLastFailure: 'HTTP 400' });
});

test('an unreachable receiver: a network error code, never the address, in the report', async () => {
	const output = await run('http://127.0.0.1:1/unreachable?token=secret-in-url');
	const report = output[1][0].json;
	expect(output[0]).toHaveLength(3);
	expect(report.progressUpdatesFailed).toBeGreaterThan(0);
	expect(report.progressLastFailure).toMatch(/^[A-Z_]+$|network error/);
	expect(JSON.stringify(report)).not.toContain('secret-in-url');
});
