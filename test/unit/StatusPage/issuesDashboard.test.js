'use strict';
// The issues dashboard drawn on the server: the numbers, the SVG charts, the embedded data, the
// optional reload, and escaping of every value that comes from an issue row.
const { runOne, run, HOSTILE } = require('./helpers');
const { duration, percentile } = require('../../../nodes/StatusPage/dashboardCharts');

const NOW = Date.now();
const issue = (overrides) => ({ priority: 'high', status: 'answered', source: 'ai', escalate: false, receivedAt: NOW - 60_000, firstResponseAt: NOW - 59_000, resolvedAt: null, ttfrMs: 1000, ttrMs: null, ...overrides });

function embedded(html) {
	return JSON.parse(/<script id="initial" type="application\/json">([\s\S]*?)<\/script>/.exec(html)[1]);
}
const textOf = (html, id) => new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(html)[1];

test('times, rates, sources, statuses and the timeline from the rows', async () => {
	const rows = [
		issue({ ttfrMs: 800 }),
		issue({ ttfrMs: 3000, source: 'cache' }),
		issue({ ttfrMs: 90_000, status: 'resolved', ttrMs: 600_000 }),
		issue({ status: 'escalated', escalate: true, firstResponseAt: null, ttfrMs: null, priority: 'critical' }),
		{ priority: 'low', status: 'received' }, // no receivedAt: not an issue the page can place
	];
	const data = { generatedAt: new Date(NOW).toISOString(), rows };
	const { html } = await runOne('issuesDashboard', { data, refresh: false });
	expect(textOf(html, 'ttfr50')).toBe('3.0 s');
	expect(textOf(html, 'ttfr95')).toBe('median · p95 90.0 s · 3 answered');
	expect(textOf(html, 'ttr50')).toBe('10 min');
	expect(textOf(html, 'updated')).toMatch(/^4 issues · updated \d\d:\d\d:\d\d UTC$/);
	expect(html).toContain('>75%</text>'); // automation: 3 of 4
	expect(html).toContain('>3 of 4</text>');
	expect(html).toContain('>25%</text>'); // escalation: 1 of 4
	expect(html).toContain('ai 2 (67%)');
	expect(html).toContain('cache 1 (33%)');
	expect(html).toContain('answered 2 (50%)');
	expect(html).toMatch(/<svg id="timeline"[^>]*>.*<rect [^>]*fill="#d93025"/);
	expect(html).not.toContain('http-equiv="refresh"');
	expect(embedded(html)).toEqual(data);
	expect(html).not.toMatch(/<script(?! id="initial" type="application\/json")/);
});

test('not delivered: replies that failed after the last round, with those still retrying and failed resolve calls', async () => {
	const rows = [
		issue({}),
		issue({ status: 'send_failed', escalate: true, firstResponseAt: null, ttfrMs: null }),
		issue({ status: 'send_failed', escalate: true, firstResponseAt: null, ttfrMs: null }),
		issue({ status: 'send_retrying', firstResponseAt: null, ttfrMs: null }),
		issue({ status: 'resolve_failed' }),
	];
	const { html } = await runOne('issuesDashboard', { data: { rows }, refresh: false });
	expect(textOf(html, 'notDelivered')).toBe('2');
	expect(textOf(html, 'notDeliveredDetail')).toBe('replies escalated · 1 still retrying · 1 resolve calls failed');
	expect(html).toContain('send_retrying 1 (20%)');
	const healthy = await runOne('issuesDashboard', { data: { rows: [issue({})] }, refresh: false });
	expect(textOf(healthy.html, 'notDelivered')).toBe('0');
	expect(textOf(healthy.html, 'notDeliveredDetail')).toBe('replies escalated · 0 still retrying · 0 resolve calls failed');
});

test('with refresh the page reloads itself every 5 seconds', async () => {
	const { html } = await runOne('issuesDashboard', { data: { rows: [issue({})] }, refresh: true });
	expect(html).toContain('<meta http-equiv="refresh" content="5">');
});

test('hostile statuses, sources and priorities are escaped; the embedded data cannot close its script', async () => {
	const data = { rows: [issue({ status: HOSTILE, priority: HOSTILE, source: HOSTILE }), issue({ status: '</script><script>alert(1)</script>' })] };
	const { html } = await runOne('issuesDashboard', { data, refresh: false });
	expect(html.match(/<script/g)).toHaveLength(1);
	expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&quot;\' 1 (50%)');
	expect(embedded(html)).toEqual(data);
});

test('no rows, or no data at all: dashes and zeros, never a broken page', async () => {
	for (const data of [{ rows: [] }, {}, '']) {
		const { html } = await runOne('issuesDashboard', { data, refresh: false });
		expect(textOf(html, 'ttfr50')).toBe('–');
		expect(textOf(html, 'ttr95')).toBe('median · p95 – · 0 resolved');
		expect(html).toContain('>0 of 0</text>');
		expect(html).toMatch(/<\/html>\n$/);
	}
});

test('data that is not an object or rows that are not a list: an error item with Continue On Fail', async () => {
	const output = await run('issuesDashboard', [{ data: [1, 2] }, { data: { rows: 'many' } }, { data: { rows: [] } }], { continueOnFail: true });
	const [items] = output;
	expect(items[0].json).toEqual({ error: expect.objectContaining({ message: 'Dashboard Data must be an object' }) });
	expect(items[1].json).toEqual({ error: expect.objectContaining({ message: 'Dashboard Data has "rows" that is not a list' }) });
	expect(items[2].json.html).toContain('<svg');
	expect(items.map((i) => i.pairedItem.item)).toEqual([0, 1, 2]);
});

test('durations and percentiles read as before', () => {
	expect([duration(null), duration(999), duration(1500), duration(119_999), duration(120_000), duration(7_200_000)]).toEqual(['–', '999 ms', '1.5 s', '120.0 s', '2 min', '2.0 h']);
	expect(percentile([], 50)).toBeNull();
	expect(percentile([1, 2, 3, 4], 50)).toBe(2);
	expect(percentile([1, 2, 3, 4], 95)).toBe(4);
});
