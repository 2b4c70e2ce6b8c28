'use strict';
// The fake gateway's fault injection: what the send and resolve retry tests rely on.
const { startFakeGateway } = require('./fakeGateway');

let gateway;
beforeAll(async () => {
	gateway = await startFakeGateway({ apiKey: 'k' });
});
afterAll(() => gateway.close());
afterEach(() => gateway.reset());

const send = async (text, number = '5511') => {
	const res = await fetch(`${gateway.url}/message/sendText/x`, { method: 'POST', headers: { apikey: 'k', 'content-type': 'application/json' }, body: JSON.stringify({ number, text }) });
	return { status: res.status, retryAfter: res.headers.get('retry-after') };
};
const resolve = async (issueId) => (await fetch(`${gateway.url}/issues/resolve`, { method: 'POST', body: JSON.stringify({ issueId }) })).status;

test('failNext: the next N sends answer 503 with Retry-After, then they are accepted and numbered in order', async () => {
	gateway.failNext(2, { retryAfter: 3 });
	expect(await send('a')).toEqual({ status: 503, retryAfter: '3' });
	expect(await send('a')).toEqual({ status: 503, retryAfter: '3' });
	expect((await send('a')).status).toBe(201);
	expect((await send('b')).status).toBe(201);
	expect(gateway.messages().map((m) => [m.seq, m.text])).toEqual([[1, 'a'], [2, 'b']]);
	expect(gateway.refusals().map((r) => [r.kind, r.text, r.status])).toEqual([['send', 'a', 503], ['send', 'a', 503]]);
});

test('failFor: every send in the window is refused, the first after it accepted', async () => {
	gateway.failFor(300, { status: 502 });
	expect((await send('a')).status).toBe(502);
	expect((await send('b')).status).toBe(502);
	await new Promise((r) => setTimeout(r, 320));
	expect((await send('c')).status).toBe(201);
	expect(gateway.messages().map((m) => m.text)).toEqual(['c']);
});

test('refuse: only the matching message, only as many times as asked; others pass', async () => {
	gateway.refuse((m) => m.text === 'part 2', 2);
	expect((await send('part 1')).status).toBe(201);
	expect((await send('part 2')).status).toBe(503);
	expect((await send('part 2')).status).toBe(503);
	expect((await send('part 2')).status).toBe(201);
	expect(gateway.messages().map((m) => m.text)).toEqual(['part 1', 'part 2']);
});

test('failResolve: the resolve endpoint refuses the next N calls, recorded apart from sends', async () => {
	gateway.failResolve(1, { retryAfter: 1 });
	expect(await resolve('I-1')).toBe(503);
	expect(await resolve('I-1')).toBe(200);
	expect(gateway.resolved().map((r) => r.issueId)).toEqual(['I-1']);
	expect(gateway.refusals()).toEqual([expect.objectContaining({ kind: 'resolve', issueId: 'I-1', status: 503 })]);
});

test('reset clears faults and records', async () => {
	gateway.failNext(5);
	gateway.reset();
	expect((await send('a')).status).toBe(201);
	expect(gateway.refusals()).toEqual([]);
});
