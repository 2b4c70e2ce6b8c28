'use strict';
// The shipped issue workflows in a real n8n 2.41.1 with the packed package installed, driven
// only through their webhooks: the local Google fake stands in for Gemini, a fake messaging
// gateway on loopback records every message and resolve call it receives.

const { runtime, percentile } = require('../support/n8n');
const { useIssueWorkflows } = require('../support/issueWorkflow');

const GATEWAY_KEY = 'gateway-e2e-key-123';
const FAKE_LATENCY_MS = 300;
const CRITICAL_BUDGET = 5;

jest.setTimeout(180_000);

const suite = useIssueWorkflows({
	gatewayKey: GATEWAY_KEY,
	latencyMs: FAKE_LATENCY_MS,
	seed: 5,
	autoResponse: { gatewayInstance: 'support-e2e' },
	issues: { id: 'T', event: 'evt', phone: '55119999', title: 'Logo looks odd', body: 'The logo is blurry on the invoice page' },
});
const { logged, secret, hook, post, issue, waitFor } = suite;

async function dashboardRows() {
	const res = await runtime.request(hook('issues/dashboard/data'), { headers: secret() });
	expect(res.status).toBe(200);
	return res.json.rows;
}

describe('POST /webhook/issues', () => {
	test(
		'triages, sends the reply through the gateway in order, records firstResponseAt and answers with the triage',
		logged(async () => {
			const body = issue({ title: 'Export fails with an error', body: 'I cannot export, long answer please' });
			const sentAt = Date.now();
			const res = await post('issues', body);
			expect(res.status).toBe(200);
			expect(res.json).toMatchObject({ issueId: body.id, priority: 'high', category: 'technical', source: 'ai', sent: true, duplicate: false });
			expect(res.json.cacheEntry).toBeUndefined();
			expect(res.json.replyParts.length).toBeGreaterThan(1);
			const messages = suite.gateway.messages().filter((m) => m.number === body.customer.phone);
			expect(messages.map((m) => m.text)).toEqual(res.json.replyParts);
			expect(messages.every((m) => m.instance === 'support-e2e')).toBe(true);
			const ttfrMs = messages[0].receivedAt - sentAt;
			process.stderr.write(`[e2e] first issue: TTFR ${ttfrMs} ms (gateway received − webhook sent), fake model latency ${FAKE_LATENCY_MS} ms\n`);
			const rows = await dashboardRows();
			expect(rows.some((row) => row.status === 'answered' && row.priority === 'high' && row.ttfrMs > 0)).toBe(true);
			// The triage's estimated cost (Issue Triage report) is on the issue's row.
			const row = rows.find((r) => r.status === 'answered' && r.priority === 'high');
			expect(row.costUsd).toBeGreaterThan(0);
		}),
	);

	test(
		'without the secret: 403 and nothing recorded or sent',
		logged(async () => {
			const before = (await dashboardRows()).length;
			const sentBefore = suite.gateway.messages().length;
			const res = await post('issues', issue(), { [runtime.WEBHOOK_SECRET_HEADER]: 'wrong' });
			expect(res.status).toBe(403);
			expect((await dashboardRows()).length).toBe(before);
			expect(suite.gateway.messages().length).toBe(sentBefore);
		}),
	);

	test(
		'every bad input gets a 4xx naming the problem, and nothing is half-recorded',
		logged(async () => {
			const before = (await dashboardRows()).length;
			const sentBefore = suite.gateway.messages().length;
			const cases = [
				[[1, 2, 3], 400, 'body'],
				[{ ...issue(), id: undefined }, 400, 'id'],
				[{ ...issue(), id: { nested: true } }, 400, 'id'],
				[{ ...issue(), body: 42 }, 400, 'body'],
				[{ ...issue(), title: '', body: '   ' }, 400, 'body'],
				[{ ...issue(), customer: 'Ana' }, 400, 'customer'],
				[{ ...issue(), customer: { name: 'Ana' } }, 400, 'customer.phone'],
				[{ ...issue(), priority: 'urgent' }, 400, 'priority'],
				[{ ...issue(), detectedAt: 'yesterday' }, 400, 'detectedAt'],
				[{ ...issue(), history: 'hello' }, 400, 'history'],
				[{ ...issue(), customer: { phone: '5511', language: 'Portuguese' } }, 400, 'customer.language'],
				[{ ...issue(), body: 'x'.repeat(1024 * 1024) }, 413, 'body'],
			];
			for (const [body, status, field] of cases) {
				const res = await post('issues', body);
				expect({ field, status: res.status }).toEqual({ field, status });
				expect(res.json).toMatchObject({ error: 'invalid_request', field });
				expect(res.json.message.length).toBeGreaterThan(10);
			}
			const invalidUtf8 = Buffer.concat([Buffer.from('{"id":"u1","title":"x","body":"caf'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('","customer":{"phone":"5511999"}}')]);
			const raw = await runtime.request(hook('issues'), { method: 'POST', headers: secret(), body: invalidUtf8 });
			expect(raw.status).toBe(400);
			expect(raw.json).toMatchObject({ field: 'body', message: expect.stringContaining('UTF-8') });
			expect((await dashboardRows()).length).toBe(before);
			expect(suite.gateway.messages().length).toBe(sentBefore);
		}),
	);

	test(
		'duplicates: a repeat later answers duplicate:true and sends nothing; three deliveries at the same moment send one reply',
		logged(async () => {
			const first = issue();
			expect((await post('issues', first)).status).toBe(200);
			const sent = suite.gateway.messages().length;
			const again = await post('issues', first);
			expect(again.status).toBe(200);
			expect(again.json).toMatchObject({ duplicate: true, pending: false, issueId: first.id, status: 'answered' });
			expect(suite.gateway.messages().length).toBe(sent);

			const rowsBefore = (await dashboardRows()).length;
			const simultaneous = issue();
			const answers = await Promise.all([1, 2, 3].map(() => post('issues', simultaneous)));
			expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
			// The later two: `duplicate` (caught in-process), or `pending` when they found the first
			// delivery's row still on its way (its reply not sent yet), never a second reply.
			expect(answers.filter((a) => a.json.duplicate === true || a.json.pending === true)).toHaveLength(2);
			expect(answers.filter((a) => a.json.duplicate === false && a.json.pending !== true)).toHaveLength(1);
			const messages = suite.gateway.messages().filter((m) => m.number === simultaneous.customer.phone);
			expect(messages).toHaveLength(1);
			expect((await dashboardRows()).length).toBe(rowsBefore + 1);
		}),
	);

	test(
		`critical issues over the budget (${CRITICAL_BUDGET} a minute) get 202 with retryAt and are answered when it comes`,
		logged(async () => {
			const criticals = Array.from({ length: CRITICAL_BUDGET + 2 }, (_, i) => issue({ title: `Checkout down ${i}`, body: 'Outage for all users' }));
			const answers = await Promise.all(criticals.map((body) => post('issues', body)));
			const answered = answers.filter((a) => a.status === 200);
			const deferred = answers.filter((a) => a.status === 202);
			expect(answered.length + deferred.length).toBe(criticals.length);
			expect(answered.length).toBeLessThanOrEqual(CRITICAL_BUDGET);
			expect(deferred.length).toBeGreaterThanOrEqual(2);
			for (const d of deferred) {
				expect(d.json).toMatchObject({ deferred: true, priority: 'critical' });
				expect(Date.parse(d.json.retryAt)).toBeGreaterThan(Date.now());
			}
			const phones = criticals.map((c) => c.customer.phone);
			await waitFor('every critical issue to be answered', () => phones.every((p) => suite.gateway.messages().some((m) => m.number === p)), 100_000);
			const sendTimes = suite.gateway.messages().filter((m) => phones.includes(m.number)).map((m) => m.receivedAt).sort((a, b) => a - b);
			// Never more than the budget inside any 60 s window.
			for (let i = CRITICAL_BUDGET; i < sendTimes.length; i++) expect(sendTimes[i] - sendTimes[i - CRITICAL_BUDGET]).toBeGreaterThanOrEqual(59_000);
			const rows = await dashboardRows();
			expect(rows.filter((r) => r.priority === 'critical' && r.status === 'answered').length).toBeGreaterThanOrEqual(criticals.length);
		}),
		180_000,
	);
});

describe('auto resolve', () => {
	test(
		'a silent customer: after the wait the triage resolves it through the resolve endpoint and records resolvedAt',
		logged(async () => {
			const body = issue({ title: 'Question about exports', body: 'How do I export to CSV?' });
			expect((await post('issues', body)).json.priority).toBe('low');
			const waiting = await post('issues/awaiting-customer', { issueId: body.id, waitSeconds: 2 });
			expect(waiting.status).toBe(202);
			expect(waiting.json).toMatchObject({ waiting: true, issueId: body.id, waitSeconds: 2 });
			// n8n looks for waits that ran out about once a minute, so a 2 s limit ends within ~60 s.
			const resolved = await waitFor('the resolve call', () => suite.gateway.resolved().find((r) => r.issueId === body.id), 100_000);
			expect(resolved).toMatchObject({ reason: 'no_customer_reply', waitedSeconds: 2 });
			await waitFor('resolvedAt on the row', async () => (await dashboardRows()).some((r) => r.status === 'resolved' && r.ttrMs >= 2000), 15_000);
		}),
	);

	test(
		'the customer answers: the waiting run resumes at once and the issue goes back to an agent, not resolved',
		logged(async () => {
			const body = issue({ title: 'Printer question', body: 'How do I print the invoice?' });
			expect((await post('issues', body)).status).toBe(200);
			expect((await post('issues/awaiting-customer', { issueId: body.id, waitSeconds: 120 })).status).toBe(202);
			const reply = await waitFor('the run to wait', async () => {
				const res = await post('issues/customer-reply', { issueId: body.id, text: 'It works now, thanks' });
				return res.status === 200 ? res : null;
			}, 15_000);
			expect(reply.json).toMatchObject({ resumed: true, issueId: body.id });
			await waitFor('status with_agent', async () => (await dashboardRows()).some((r) => r.status === 'with_agent'), 15_000);
			const again = await post('issues/customer-reply', { issueId: body.id, text: 'hello?' });
			expect(again.status).toBe(404);
			expect(suite.gateway.resolved().some((r) => r.issueId === body.id)).toBe(false);
		}),
	);

	test(
		'unknown issues and bad requests are refused',
		logged(async () => {
			expect((await post('issues/awaiting-customer', { issueId: 'nope-404' })).status).toBe(404);
			const bad = await post('issues/awaiting-customer', { issueId: 'x', waitSeconds: -1 });
			expect(bad.status).toBe(400);
			expect(bad.json.field).toBe('waitSeconds');
			expect((await post('issues/customer-reply', { text: 'hi' })).json.field).toBe('issueId');
			expect((await post('issues/awaiting-customer', { issueId: 'x' }, {})).status).toBe(403);
		}),
	);
});

describe('dashboard', () => {
	test(
		'GET /webhook/issues/dashboard: 403 without the secret; the page with inline SVG charts with it (query or header)',
		logged(async () => {
			expect((await runtime.request(hook('issues/dashboard'))).status).toBe(403);
			expect((await runtime.request(hook('issues/dashboard?secret=wrong'))).status).toBe(403);
			const page = await runtime.request(hook(`issues/dashboard?secret=${encodeURIComponent(suite.n8n.webhookSecret)}`));
			expect(page.status).toBe(200);
			expect(page.headers['content-type']).toMatch(/text\/html/);
			expect(page.text).toContain('<svg');
			const embedded = JSON.parse(/<script id="initial" type="application\/json">([\s\S]*?)<\/script>/.exec(page.text)[1]);
			expect(embedded.rows.length).toBeGreaterThan(0);
			expect(embedded.rows.length).toBe((await dashboardRows()).length);
			expect(JSON.stringify(embedded)).not.toMatch(/resumeUrl|customerHandle|reply/);
			expect(page.text).toMatch(/<span id="cost">Gemini cost estimated \$\d+\.\d{4} \(\d+ of \d+ issues priced/);
			const viaHeader = await runtime.request(hook('issues/dashboard'), { headers: secret() });
			expect(viaHeader.status).toBe(200);
		}),
	);
});

describe('first response time', () => {
	test(
		'TTFR = gateway received − webhook sent, over 20 issues one after another',
		logged(async () => {
			const samples = [];
			for (let i = 0; i < 20; i++) {
				const body = issue({ title: `Colour question ${i}`, body: `The colour number ${i} looks odd on screen ${i * 7}` });
				const sentAt = Date.now();
				const res = await post('issues', body);
				expect(res.status).toBe(200);
				const message = suite.gateway.messages().find((m) => m.number === body.customer.phone);
				samples.push(message.receivedAt - sentAt);
			}
			samples.sort((a, b) => a - b);
			const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(samples, p));
			process.stderr.write(`[e2e] TTFR over ${samples.length} issues (model latency ${FAKE_LATENCY_MS} ms per call, embedding + generation): p50 ${p50} ms, p95 ${p95} ms, p99 ${p99} ms\n`);
			expect(p95).toBeLessThan(2 * FAKE_LATENCY_MS + 3000);
		}),
		120_000,
	);
});

// `ISSUES_DASHBOARD_SCREENSHOT=docs/issues-dashboard.png npx jest test/e2e/issues.test.js --selectProjects e2e`
// saves the dashboard, with the issues of this run, as Debian's Chromium renders it.
const SCREENSHOT = process.env.ISSUES_DASHBOARD_SCREENSHOT;
(SCREENSHOT ? test : test.skip)(
	'dashboard screenshot in a real browser',
	logged(async () => {
		const browser = await runtime.launchChromium();
		try {
			const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
			await page.goto(hook(`issues/dashboard?secret=${encodeURIComponent(suite.n8n.webhookSecret)}`));
			await page.waitForSelector('#timeline rect');
			await page.screenshot({ path: require('node:path').resolve(runtime.REPO_ROOT, SCREENSHOT), fullPage: true });
		} finally {
			await browser.close();
		}
	}),
);
