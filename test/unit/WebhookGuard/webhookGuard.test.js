'use strict';
// Webhook Guard in-process: the two outputs, pairing, job fields, requests given by expression, error items.
const { WebhookGuard } = require('../../../nodes/WebhookGuard/WebhookGuard.node');
const { DEFAULT_MAX_DEPTH, DEFAULT_MAX_SIZE_KB } = require('../../../nodes/WebhookGuard/parameters');
const { uuidV7 } = require('../../../nodes/shared/jobIds');
const { executeNode } = require('../../support/executeNode');

const MISSION_RULES = [
	{ field: 'tier', required: true, types: ['string'], max: '40', pattern: '^[A-Za-z][A-Za-z0-9_ -]*$' },
	{ field: 'count', required: true, types: ['integer'], min: '1', max: '200' },
	{ field: 'locale', required: true, types: ['string'], allowed: 'pt-BR, en' },
	{ field: 'existingMissions', types: ['array'], max: '1000' },
	{ field: 'existingMissions[*]', types: ['string', 'object'], min: '1', max: '300' },
	{ field: 'existingMissions[*].title', required: true, types: ['string'], min: '1' },
];

function nested(levels) {
	const root = {};
	let node = root;
	for (let i = 1; i < levels; i++) node = node.a = {};
	return root;
}

async function guard(items, parameters = {}) {
	const { output } = await executeNode(WebhookGuard, {
		items,
		parameters: {
			operation: 'checkRequest',
			requestField: 'body',
			maxDepth: DEFAULT_MAX_DEPTH,
			maxSizeKb: DEFAULT_MAX_SIZE_KB,
			rules: { rule: MISSION_RULES },
			options: {},
			...parameters,
		},
	});
	return output;
}

const ok = { tier: ' BEGINNER ', count: 20, locale: 'en' };

describe('Webhook Guard: Check Request', () => {
	test('a valid request goes to Valid with the checked fields trimmed; headers and the raw body are not passed on', async () => {
		const [valid, invalid] = await guard([
			{ headers: { 'x-webhook-secret': 's3cret' }, body: { ...ok, extra: 'x' }, webhookUrl: 'http://h/webhook/a', query: {} },
		]);
		expect(invalid).toEqual([]);
		expect(valid).toEqual([{ json: { webhookUrl: 'http://h/webhook/a', query: {}, request: { tier: 'BEGINNER', count: 20, locale: 'en' } }, pairedItem: { item: 0 } }]);
		expect(JSON.stringify(valid)).not.toContain('s3cret');
	});

	test.each([
		['missing tier', { count: 1, locale: 'en' }, 'tier', 'tier is required'],
		['tier of the wrong type', { ...ok, tier: 5 }, 'tier', 'tier must be a text'],
		['tier of 5,000 characters', { ...ok, tier: 'A'.repeat(5000) }, 'tier', 'tier must be at most 40 characters long', 40],
		['tier with odd characters', { ...ok, tier: '<script>' }, 'tier', 'tier does not have the expected form'],
		['count as text', { ...ok, count: '20' }, 'count', 'count must be a whole number'],
		['count too high', { ...ok, count: 201 }, 'count', 'count must be from 1 to 200', 200],
		['count zero', { ...ok, count: 0 }, 'count', 'count must be from 1 to 200', 1],
		['unknown locale', { ...ok, locale: 'fr' }, 'locale', 'locale must be one of: pt-BR, en'],
		['existingMissions not a list', { ...ok, existingMissions: 'a' }, 'existingMissions', 'existingMissions must be a list'],
		['existingMissions too long', { ...ok, existingMissions: new Array(1001).fill('t') }, 'existingMissions', 'existingMissions must hold at most 1000 items', 1000],
		['an empty title', { ...ok, existingMissions: ['a', '  '] }, 'existingMissions[1]', 'existingMissions[1] must be 1 to 300 characters long', 1],
		['an object without title', { ...ok, existingMissions: [{ name: 'x' }] }, 'existingMissions[0].title', 'existingMissions[0].title is required'],
		['a number as mission', { ...ok, existingMissions: [7] }, 'existingMissions[0]', 'existingMissions[0] must be a text or an object'],
	])('%s → 400 naming the field', async (_label, body, field, message, ...rest) => {
		const limit = rest[0];
		const [valid, [rejected]] = await guard([{ body }]);
		expect(valid).toEqual([]);
		expect(rejected.json).toEqual({ statusCode: 400, body: { error: 'invalid_request', field, message, ...(limit === undefined ? {} : { limit }) } });
	});

	test.each([
		['an array', [ok]],
		['a string', 'tier=BEGINNER'],
		['null', null],
	])('a body that is %s → 400 on body', async (_label, body) => {
		const [, [rejected]] = await guard([{ body }]);
		expect(rejected.json).toEqual({ statusCode: 400, body: { error: 'invalid_request', field: 'body', message: 'Send a JSON object in the body' } });
	});

	test('a body nested 5,000 levels → 400 naming the depth limit', async () => {
		const [, [rejected]] = await guard([{ body: nested(5000) }]);
		expect(rejected.json.statusCode).toBe(400);
		expect(rejected.json.body).toMatchObject({ error: 'invalid_request', limit: DEFAULT_MAX_DEPTH, message: `The request is nested deeper than ${DEFAULT_MAX_DEPTH} levels` });
	});

	test('a body over the size limit → 413, by its Content-Length or by its content', async () => {
		const big = { ...ok, existingMissions: ['x'.repeat(2 * 1024 * 1024)] };
		const [, byContent] = await guard([{ body: big }]);
		const [, byHeader] = await guard([{ headers: { 'content-length': String(5 * 1024 * 1024) }, body: ok }]);
		for (const [rejected] of [byContent, byHeader]) {
			expect(rejected.json).toMatchObject({ statusCode: 413, body: { error: 'payload_too_large', limit: DEFAULT_MAX_SIZE_KB * 1024 } });
		}
	});

	test('Add Job ID and Token gives each valid item its own random jobId and private token', async () => {
		const [valid] = await guard([{ body: ok }, { body: ok }], { options: { addJobFields: true } });
		for (const { json } of valid) {
			expect(json.jobId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
			expect(json.jobToken).toMatch(/^[0-9a-f]{48}$/);
		}
		expect(valid[0].json.jobId).not.toBe(valid[1].json.jobId);
		expect(valid[0].json.jobToken).not.toBe(valid[1].json.jobToken);
		const [plain] = await guard([{ body: ok }]);
		expect(plain[0].json).not.toHaveProperty('jobId');
	});

	test('job ids are UUID version 7: the issue time reads back from the first 12 hex digits, the rest is random', () => {
		const at = Date.UTC(2026, 11, 1, 10, 0, 0, 123);
		const ids = Array.from({ length: 200 }, () => uuidV7(at));
		for (const id of ids) {
			expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
			expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
		}
		expect(new Set(ids).size).toBe(ids.length);
		expect(uuidV7(at + 1) > uuidV7(at)).toBe(true);
	});

	test('several items keep their order and pairing across the two outputs', async () => {
		const [valid, invalid] = await guard([{ body: ok }, { body: { ...ok, count: -1 } }, { body: ok }]);
		expect(valid.map((i) => i.pairedItem.item)).toEqual([0, 2]);
		expect(invalid.map((i) => i.pairedItem.item)).toEqual([1]);
	});

	test('a broken rule is an error for the author; with Continue On Fail it becomes an error item', async () => {
		const parameters = { operation: 'checkRequest', rules: { rule: [{ field: 'tier', pattern: '([' }] }, options: {} };
		await expect(executeNode(WebhookGuard, { items: [{ body: ok }], parameters })).rejects.toThrow('Field rule "tier": the Pattern is not a valid regular expression');
		const { output } = await executeNode(WebhookGuard, { items: [{ body: ok }, { body: ok }], parameters, continueOnFail: true });
		// n8n routes an item to the error output only when its json holds nothing but `error`.
		expect(output[0]).toEqual([0, 1].map((item) => ({ json: { error: { message: expect.stringContaining('Pattern'), description: expect.any(String) } }, pairedItem: { item } })));
		expect(output[1]).toEqual([]);
	});

	test('a request given below is checked instead of a field of the item, and the item is passed on whole', async () => {
		const row = { kind: 'batch', token: 't'.repeat(48) };
		const parameters = (itemIndex) => ({
			operation: 'checkRequest',
			source: 'value',
			request: itemIndex === 0 ? { token: 't'.repeat(48) } : JSON.stringify({ token: 'wrong' }),
			rules: { rule: [{ field: 'token', required: true, types: ['string'], mustEqual: true, expected: row.token }] },
			options: {},
		});
		const { output } = await executeNode(WebhookGuard, { items: [{ ...row }, { ...row }], parameters });
		expect(output[0]).toEqual([{ json: { ...row, request: { token: row.token } }, pairedItem: { item: 0 } }]);
		expect(output[1]).toEqual([{ json: { statusCode: 400, body: { error: 'invalid_request', field: 'token', message: 'token does not match' } }, pairedItem: { item: 1 } }]);
	});

	test('a Request that is not JSON is an error for the author', async () => {
		const parameters = { operation: 'checkRequest', source: 'value', request: '{oops', rules: { rule: [{ field: 'a' }] }, options: {} };
		await expect(executeNode(WebhookGuard, { items: [{}], parameters })).rejects.toThrow('The Request is not valid JSON');
	});

	test('request-level options: the messages for a non-object and a too large request, and broken UTF-8', async () => {
		const options = { notObjectMessage: 'Send a JSON object such as {"id": "1"}', tooLargeMessage: 'Too big: send the issue, not attachments', rejectBrokenText: true };
		const [, [notObject]] = await guard([{ body: [1, 2] }], { options });
		expect(notObject.json.body).toEqual({ error: 'invalid_request', field: 'body', message: options.notObjectMessage });
		const [, [tooLarge]] = await guard([{ body: { ...ok, x: 'x'.repeat(2048) } }], { maxSizeKb: 1, options });
		expect(tooLarge.json).toMatchObject({ statusCode: 413, body: { message: options.tooLargeMessage } });
		const [, [broken]] = await guard([{ body: { ...ok, note: 'caf\ufffd' } }], { options });
		expect(broken.json.body).toEqual({ error: 'invalid_request', field: 'body', message: 'The request is not valid UTF-8 text' });
		const [valid] = await guard([{ body: { ...ok, note: 'Café' } }], { options });
		expect(valid).toHaveLength(1);
	});
});
