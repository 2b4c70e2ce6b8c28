'use strict';
// The script batch progress page: every title, its step or error, audio players and the ZIP link,
// every value escaped; reloads itself until every job has finished.
const { run, runOne, HOSTILE } = require('./helpers');

const PAGE_URL = 'https://n8n.example/webhook/scripts/progress';
const batchRow = { kind: 'batch', batchId: 'b-1', token: 't'.repeat(48), folder: '.n8n-files/script-batches' };
const job = (slug, state, extra = {}) => ({ kind: 'job', title: `Title ${slug}`, slug, state, step: 'Write Script', error: '', audios: '', files: '', ...extra });
const params = (rows) => ({ rows, pageUrl: PAGE_URL, batchId: 'b-1', token: 't'.repeat(48) });

test('a finished batch: 100%, no reload, every title in folder order with playable audio and the ZIP link', async () => {
	const rows = [
		batchRow,
		job('02-second', 'completed', { audios: JSON.stringify(['1_en-US.mp3', '2_pt-BR.mp3']) }),
		job('01-first', 'completed', { audios: JSON.stringify(['1_en-US.mp3']) }),
	];
	const { html } = await runOne('scriptBatchPage', params(rows));
	expect(html).toMatch(/^<!doctype html>/);
	expect(html).toContain('<title>Script batch 100%</title>');
	expect(html).not.toContain('http-equiv="refresh"');
	expect(html.indexOf('Title 01-first')).toBeLessThan(html.indexOf('Title 02-second'));
	expect(html).toContain('2 titles · 2 done · 0 failed · 3 audio files ready');
	const sources = [...html.matchAll(/<audio[^>]* src="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
	expect(sources).toEqual([
		`https://n8n.example/webhook/scripts/audio?batchId=b-1&token=${'t'.repeat(48)}&file=01-first%2F1_en-US.mp3`,
		`https://n8n.example/webhook/scripts/audio?batchId=b-1&token=${'t'.repeat(48)}&file=02-second%2F1_en-US.mp3`,
		`https://n8n.example/webhook/scripts/audio?batchId=b-1&token=${'t'.repeat(48)}&file=02-second%2F2_pt-BR.mp3`,
	]);
	expect(html).toContain('<span>1 · en-US</span>');
	expect(html).toContain(`href="https://n8n.example/webhook/scripts/download?batchId=b-1&amp;token=${'t'.repeat(48)}"`);
});

test('a running batch reloads every 3 s, shows each step or failure and no ZIP link before a title is done', async () => {
	const rows = [batchRow, job('01-a', 'running', { step: 'Text to Speech' }), job('02-b', 'failed', { error: 'Quota exceeded' }), job('03-c', 'queued')];
	const { html } = await runOne('scriptBatchPage', params(rows));
	expect(html).toContain('<meta http-equiv="refresh" content="3">');
	expect(html).toContain('<title>Script batch 33%</title>');
	expect(html).toContain('Step: Text to Speech');
	expect(html).toContain('Failed: Quota exceeded');
	expect(html).toContain('<span class="badge failed">failed</span>');
	expect(html).toContain('The ZIP link appears when the first title is finished.');
	expect(html).toContain('refreshing every 3 s');
	expect(html).not.toContain('<audio');
});

test('hostile titles, steps, errors and file names are escaped, never markup', async () => {
	const rows = [
		batchRow,
		job('01-x', 'completed', { title: HOSTILE, audios: JSON.stringify([`${HOSTILE}.mp3`]) }),
		job('02-y', 'failed', { error: HOSTILE }),
		job('03-z', HOSTILE, { step: HOSTILE }),
	];
	const { html } = await runOne('scriptBatchPage', { ...params(rows), batchId: '"><script>', token: '&' });
	expect(html).not.toContain('<script>');
	expect(html).toContain('<span class="badge &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&quot;\'">');
	expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&quot;');
	expect(html).toContain('batchId=%22%3E%3Cscript%3E&amp;token=%26');
});

test('no rows at all: an empty page at 0%, still reloading (the batch may not be saved yet)', async () => {
	const { html } = await runOne('scriptBatchPage', params([]));
	expect(html).toContain('<title>Script batch 0%</title>');
	expect(html).toContain('0 titles · 0 done · 0 failed · 0 audio files ready');
	expect(html).toContain('http-equiv="refresh"');
	expect(html).toContain('style="width:4%"');
});

test('rows may come as items ({json}) as $(…).all() gives them, or as JSON text', async () => {
	const rows = [batchRow, job('01-a', 'completed', { audios: '["1_en.mp3"]' })];
	const fromItems = await runOne('scriptBatchPage', params(rows.map((json) => ({ json, pairedItem: { item: 0 } }))));
	const fromText = await runOne('scriptBatchPage', params(JSON.stringify(rows)));
	const fromRows = await runOne('scriptBatchPage', params(rows));
	expect(fromItems.html).toBe(fromRows.html);
	expect(fromText.html).toBe(fromRows.html);
	expect(fromRows.html).toContain('1 audio files ready');
});

test('bad input: an error item in its place with Continue On Fail, a named failure without', async () => {
	const good = params([batchRow]);
	const output = await run(
		'scriptBatchPage',
		[good, { ...good, rows: 'not json' }, { ...good, rows: [batchRow, job('01-a', 'completed', { audios: '{oops' })] }, { ...good, pageUrl: '' }, good],
		{ continueOnFail: true },
	);
	expect(output).toHaveLength(1);
	const items = output[0];
	expect(items.map((i) => i.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
	expect(items[0].json.html).toContain('<!doctype html>');
	for (const failed of items.slice(1, 4)) expect(Object.keys(failed.json)).toEqual(['error']);
	expect(items[1].json.error.message).toBe('Batch Rows is not valid JSON');
	expect(items[2].json.error.message).toMatch(/^Batch Rows holds data that cannot be read: .*JSON/);
	expect(items[3].json.error.message).toBe('Page URL is empty');
	expect(items[3].json.error.description).toMatch(/webhookUrl/);
	expect(items[4].json.html).toContain('<!doctype html>');

	await expect(run('scriptBatchPage', { ...good, rows: [1, 2] })).rejects.toThrow('Batch Rows must be a list of rows (objects)');
});
