'use strict';
// The progress token travels in a header, never in the address (access logs, execution data).
const http = require('node:http');
const { executeNode } = require('../../support/executeNode');
const { MissionGenerator } = require('../../../nodes/MissionGenerator/MissionGenerator.node');
const { PROGRESS_TOKEN_HEADER } = require('../../../nodes/MissionGenerator/engine/progress');

async function withReceiver(fn) {
	const received = [];
	const server = http.createServer((req, res) => {
		req.resume();
		req.on('end', () => {
			received.push({ url: req.url, token: req.headers[PROGRESS_TOKEN_HEADER.toLowerCase()] });
			res.end('{}');
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	try {
		await fn(`http://127.0.0.1:${server.address().port}/progress?jobId=job-t`);
	} finally {
		server.close();
	}
	return received;
}

test('every progress update carries the Progress Token in its header and the address stays as given', async () => {
	const token = 'a1b2c3d4e5f6a1b2c3d4e5f6';
	const received = await withReceiver(async (progressUrl) => {
		await executeNode(MissionGenerator, { parameters: { tier: 'BEGINNER', count: 3, locale: 'en', progressUrl, progressToken: token, jobId: 'job-t' } });
	});
	expect(received.length).toBeGreaterThan(0);
	for (const update of received) expect(update).toEqual({ url: '/progress?jobId=job-t', token });
});

test('without a Progress Token no token header is sent', async () => {
	const received = await withReceiver(async (progressUrl) => {
		await executeNode(MissionGenerator, { parameters: { tier: 'BEGINNER', count: 3, locale: 'en', progressUrl, jobId: 'job-t' } });
	});
	expect(received.length).toBeGreaterThan(0);
	for (const update of received) expect(update.token).toBeUndefined();
});
