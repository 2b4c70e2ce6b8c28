'use strict';

// Issue Triage inside one process: the node talks real HTTP to the local Google fake through
// the shared transport. Only `sleep` is sped up (backoff waits), and recorded.
jest.mock('n8n-workflow', () => require('../../support/fastSleep').withFastSleep());

const { sleep } = require('n8n-workflow');
const { startFakeGoogle, NO_FAULTS } = require('../../support/fakeGoogle');
const C = require('../../support/fakeGoogleContent');
const { executeNode } = require('../../support/executeNode');
const { IssueTriage } = require('../../../nodes/IssueTriage/IssueTriage.node');
const { DEFAULT_TEXT_MODEL, DEFAULT_EMBEDDING_MODEL } = require('../../../nodes/shared/gemini/catalog');
const { resetProcessState } = require('../../../nodes/shared/state');

const API_KEY = 'test-key-SECRET-triage-123456';
const MODEL = DEFAULT_TEXT_MODEL;
const OUTPUTS = ['critical', 'high', 'medium', 'low', 'deferred', 'duplicate', 'report'];

let fake;
beforeAll(async () => {
	fake = await startFakeGoogle({ apiKeys: [API_KEY], seed: 11 });
});
afterAll(async () => {
	await fake.close();
});
beforeEach(() => {
	fake.reset();
	fake.configure({ latencyMs: 0, faults: NO_FAULTS, generateJson: modelAnswer, rpmPerKey: 0 });
	resetProcessState();
	sleep.mockClear();
});

/** A deterministic stand-in for the model: priority from the words, reply naming the title. */
function modelAnswer(schema, body) {
	const prompt = body.contents[0].parts[0].text;
	const title = (/Title: (.*)/.exec(prompt) || [])[1] || '';
	const p = prompt.toLowerCase();
	const priority = /down|fora do ar|outage/.test(p) ? 'critical' : /error|erro|cannot/.test(p) ? 'high' : /question|how do/.test(p) ? 'low' : 'medium';
	return {
		priority,
		category: /pay|charge|pagamento/.test(p) ? 'billing' : 'technical',
		sentiment: 'neutral',
		language: /não|está|nao/.test(p) ? 'pt-BR' : 'en',
		confidence: 0.9,
		summary: `Summary of ${title}`,
		reply: `Answer about ${title}. We are looking into it now.`,
		autoResolvable: priority === 'low',
		escalate: priority === 'critical',
		escalationReason: priority === 'critical' ? 'Outage' : '',
	};
}

const gemini = (extra = {}) => ({ geminiApi: { apiKey: API_KEY, host: fake.url, ...extra } });
const baseOptions = (extra = {}) => ({ model: { mode: 'id', value: MODEL }, replyCache: false, ...extra });
const issue = (id, title, body = '', extra = {}) => ({ id, title, body, customer: { name: 'Ana Souza', phone: '+5511999990000' }, channel: 'whatsapp', ...extra });

async function triage(items, options = {}, run = {}) {
	const { output, ...rest } = await executeNode(IssueTriage, {
		parameters: { splitByPriority: true, options: baseOptions(options), ...(run.parameters || {}) },
		items,
		credentials: run.credentials === undefined ? gemini() : run.credentials,
		continueOnFail: run.continueOnFail,
		nodeCredentials: run.nodeCredentials,
		signal: run.signal,
	});
	const named = Object.fromEntries(OUTPUTS.map((name, index) => [name, output[index]]));
	return { output, named, report: output[output.length - 1].at(-1).json, ...rest };
}

/** Every input item leaves through exactly one output (the report item aside), paired to itself. */
function expectEachItemOnce(output, count) {
	const paired = output
		.flatMap((items, index) => (index === output.length - 1 ? items.slice(0, -1) : items))
		.map((item) => item.pairedItem.item)
		.sort((a, b) => a - b);
	expect(paired).toEqual(Array.from({ length: count }, (_, i) => i));
}

const generateCalls = () => fake.stats().byRoute.generateContent ?? 0;
const titlesCalled = () =>
	fake.stats().requests.filter((r) => r.route === 'generateContent').map((r) => (/Title: (.*)/.exec(r.body.contents[0].parts[0].text) || [])[1]);

describe('outputs', () => {
	test('one output per priority, Deferred, Duplicate and Report; each item once, in input order, paired', async () => {
		const items = [
			issue('1', 'Question about plans', 'How do I change my plan?'),
			issue('2', 'Checkout is down', 'Outage for everyone'),
			issue('3', 'Payment error', 'I cannot pay, error 500'),
			issue('4', 'Colour of the logo', 'The logo looks odd'),
			issue('5', 'Another question', 'How do I export?'),
		];
		const { output, named, report } = await triage(items);
		expect(output).toHaveLength(7);
		expect(named.critical.map((i) => i.json.issueId)).toEqual(['2']);
		expect(named.high.map((i) => i.json.issueId)).toEqual(['3']);
		expect(named.medium.map((i) => i.json.issueId)).toEqual(['4']);
		expect(named.low.map((i) => i.json.issueId)).toEqual(['1', '5']);
		expectEachItemOnce(output, 5);
		const critical = named.critical[0].json;
		expect(critical).toMatchObject({
			priority: 'critical',
			category: 'technical',
			source: 'ai',
			escalate: true,
			reply: 'Hi Ana, Answer about Checkout is down. We are looking into it now.',
			customer: { name: 'Ana Souza', handle: '+5511999990000' },
			channel: 'whatsapp',
			cacheMatch: null,
			fallbackReason: null,
			resumedFromDeferral: false,
		});
		expect(critical.replyParts).toEqual([critical.reply]);
		expect(Date.parse(critical.triagedAt)).toBeGreaterThanOrEqual(Date.parse(critical.detectedAt));
		expect(critical.latencyMs).toBeGreaterThanOrEqual(0);
		expect(report).toMatchObject({
			items: 5,
			triaged: 5,
			deferred: 0,
			duplicates: 0,
			failed: 0,
			byPriority: { critical: 1, high: 1, medium: 1, low: 2 },
			bySource: { ai: 5, cache: 0, fallback: 0 },
			apiCalls: 5,
			fallbackUsed: false,
			breaker: { state: 'closed', consecutiveFailures: 0 },
		});
		expect(report.promptTokens).toBeGreaterThan(0);
		// Cost: the tokens it is computed from, at the tier that served each call.
		const { modelPrices } = require('../../../nodes/shared/gemini/pricing');
		const price = modelPrices(MODEL);
		expect(report.tokens.input).toBe(report.promptTokens);
		expect(report.tokens.output + report.tokens.thinking).toBe(report.outputTokens);
		expect(report.servedTiers).toEqual({ standard: 5 });
		expect(report.estimatedCostUsd).toBeGreaterThan(0);
		expect(report.estimatedCostUsd).toBeCloseTo((report.tokens.input * price.input + report.outputTokens * price.output) / 1e6, 5);
		expect(output[6].at(-1).pairedItem).toHaveLength(5);
	});

	test('single output: Triaged, Deferred, Duplicate, Report, in input order', async () => {
		const items = [issue('1', 'Question', 'How do I pay?'), issue('2', 'Site down', 'outage'), issue('3', 'Logo', 'odd')];
		const { output } = await triage(items, {}, { parameters: { splitByPriority: false } });
		expect(output).toHaveLength(4);
		expect(output[0].map((i) => i.json.issueId)).toEqual(['1', '2', '3']);
		expect(output[0].map((i) => i.json.priority)).toEqual(['low', 'critical', 'medium']);
		expectEachItemOnce(output, 3);
	});

	test('fields mapped from any helpdesk JSON; history and language reach the prompt', async () => {
		const items = [{ ticket: { number: 77, subject: 'Pagamento recusado', text: 'Meu pagamento não passa' }, contact: { first: 'João', wa: '+55' }, lang: 'pt-BR', msgs: [{ from: 'customer', text: 'oi' }, 'ainda sem resposta'] }];
		const fields = { issueId: 'ticket.number', title: 'ticket.subject', body: 'ticket.text', customerName: 'contact.first', customerHandle: 'contact.wa', language: 'lang', history: 'msgs' };
		const { named } = await triage(items, {}, { parameters: { fields } });
		const [item] = named.medium;
		expect(item.json).toMatchObject({ issueId: '77', language: 'pt-BR', category: 'billing', customer: { name: 'João', handle: '+55' } });
		expect(item.json.reply.startsWith('Olá, João!')).toBe(true);
		const prompt = fake.stats().requests[0].body.contents[0].parts[0].text;
		expect(prompt).toContain('customer: oi');
		expect(prompt).toContain('ainda sem resposta');
		expect(prompt).toContain('Customer language (if known): pt-BR');
	});

	test('a long reply is split into chat-sized parts at sentence boundaries', async () => {
		const sentence = (i) => `Sentence number ${i} explains one more step of the fix in plain words.`;
		const long = Array.from({ length: 40 }, (_, i) => sentence(i)).join(' ');
		fake.configure({ generateJson: (schema, body) => ({ ...modelAnswer(schema, body), reply: long }) });
		const { named } = await triage([issue('1', 'Logo', 'odd')], { replyPartCharacters: 1000 });
		const { reply, replyParts } = named.medium[0].json;
		expect(replyParts.length).toBeGreaterThanOrEqual(3);
		for (const part of replyParts) {
			expect(Array.from(part).length).toBeLessThanOrEqual(1000);
			expect(part).toMatch(/\.$/);
		}
		expect(replyParts.join(' ')).toBe(reply);
	});

	test('an issue without text fails clearly; with Continue On Fail it is an error item and the rest go on', async () => {
		const items = [issue('1', 'Logo', 'odd'), { id: '2', title: '  ', body: '' }];
		await expect(triage(items)).rejects.toThrow('The issue has no text');
		// The execution failed, so nothing was sent: the first issue is not remembered as answered.
		const { output, named, report } = await triage(items, {}, { continueOnFail: true });
		expect(named.medium).toHaveLength(1);
		expect(named.critical[0]).toMatchObject({ json: { error: { message: expect.stringContaining('no text') } }, pairedItem: { item: 1 } });
		expect(named.report).toHaveLength(1);
		expect(report).toMatchObject({ items: 2, triaged: 1, failed: 1 });
		expectEachItemOnce(output, 2);
	});

	test.each([
		['one output per priority', true, 7],
		['one Triaged output', false, 4],
	])('with Continue On Fail an error item sits on output 0 (%s), in its input position, json only error, paired', async (_label, splitByPriority, outputs) => {
		// Item 1 fails; items 0 and 2 are critical, so with the split they share output 0 with it.
		const items = [issue('1', 'Checkout is down', 'Outage'), { id: '2', title: '', body: ' ' }, issue('3', 'Login is down', 'Outage for all')];
		const { output, report } = await triage(items, {}, { continueOnFail: true, parameters: { splitByPriority } });
		expect(output).toHaveLength(outputs);
		expect(output[0].map((item) => item.pairedItem.item)).toEqual([0, 1, 2]);
		const failed = output[0][1];
		expect(Object.keys(failed.json)).toEqual(['error']);
		expect(failed.json.error).toMatchObject({ message: expect.stringContaining('no text'), description: expect.stringContaining('Input Fields') });
		expect(failed.pairedItem).toEqual({ item: 1 });
		expect(output[0][0].json.issueId).toBe('1');
		expect(output.slice(1).flat().filter((item) => 'error' in item.json)).toEqual([]);
		expect(report).toMatchObject({ items: 3, triaged: 2, failed: 1 });
		expectEachItemOnce(output, 3);
	});
});

describe('fallback', () => {
	test('without a credential: rules and template replies in the customer language, marked fallback', async () => {
		const items = [
			issue('1', 'Sistema fora do ar', 'Ninguém consegue acessar, urgente'),
			issue('2', 'Question', 'How do I change my password?', { customer: { name: 'Bob' } }),
			issue('3', 'Cobro', 'No puedo ver mi factura, el pago falla'),
		];
		const { named, report } = await triage(items, {}, { credentials: {} });
		expect(named.critical[0].json).toMatchObject({ issueId: '1', source: 'fallback', language: 'pt-BR', escalate: true });
		expect(named.critical[0].json.reply).toMatch(/^Olá, Ana! .*prioridade máxima/);
		expect(named.low[0].json).toMatchObject({ issueId: '2', category: 'account', language: 'en' });
		expect(named.low[0].json.reply).toMatch(/^Hi Bob, /);
		expect(named.high[0].json).toMatchObject({ issueId: '3', category: 'billing', language: 'es' });
		for (const item of [...named.critical, ...named.low, ...named.high]) {
			expect(item.json.fallbackReason).toMatch(/No Gemini credential/);
			expect(item.json.reply.length).toBeGreaterThanOrEqual(10);
		}
		expect(report).toMatchObject({ apiCalls: 0, fallbackUsed: true, bySource: { fallback: 3 }, breaker: null });
		expect(fake.stats().calls).toBe(0);
	});

	test('a selected credential that cannot be loaded: rules answer and say why', async () => {
		const { named, report } = await triage([issue('1', 'Logo', 'odd')], {}, { credentials: {}, nodeCredentials: { geminiApi: { id: '9', name: 'Deleted key' } } });
		expect(named.medium[0].json).toMatchObject({ source: 'fallback', fallbackReason: expect.stringContaining('"Deleted key" could not be loaded') });
		expect(report.fallbackUsed).toBe(true);
	});

	test('a stopped execution ends at once: the hanging call is cancelled, nothing is left waiting', async () => {
		fake.script(':generateContent', [{ hang: true }]);
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 200);
		const started = Date.now();
		await expect(triage([issue('1', 'Logo', 'odd')], { callTimeoutSeconds: 60 }, { signal: controller.signal })).rejects.toThrow('stopped');
		expect(Date.now() - started).toBeLessThan(2000);
		// The cancelled item was not answered, so its next delivery is triaged.
		const again = await triage([issue('1', 'Logo', 'odd')]);
		expect(again.named.medium).toHaveLength(1);
	});

	test('Gemini failing after its retries: the rules answer, with the reason and no key in it', async () => {
		fake.script(':generateContent', [{ status: 500 }, { status: 500 }, { status: 500 }]);
		const { named, report } = await triage([issue('1', 'Checkout down', 'outage')], { breakerFailures: 5 });
		expect(named.critical[0].json).toMatchObject({ source: 'fallback', fallbackReason: expect.stringMatching(/Gemini failed \(Gemini answered HTTP 500.*after 3 attempts\)/) });
		expect(report).toMatchObject({ apiCalls: 3, retries: 2, failedCalls: 3, fallbackUsed: true });
	});

	test('a rejected key (HTTP 400) is not retried; the rules answer and the key appears nowhere', async () => {
		const { output } = await triage([issue('1', 'Logo', 'odd')], {}, { credentials: gemini({ apiKey: 'wrong-SECRET-key-987654' }) });
		const text = JSON.stringify(output);
		expect(text).not.toContain('wrong-SECRET-key-987654');
		expect(output[2][0].json).toMatchObject({ source: 'fallback', fallbackReason: expect.stringContaining('HTTP 400') });
		expect(generateCalls()).toBe(1);
	});

	test('a reply shorter than 10 characters is invalid: retried, then the fallback', async () => {
		fake.configure({ generateJson: (schema, body) => ({ ...modelAnswer(schema, body), reply: '   ok.   ' }) });
		const { named, report } = await triage([issue('1', 'Logo', 'odd')], { maxAttempts: 2 });
		expect(named.medium[0].json).toMatchObject({ source: 'fallback', fallbackReason: expect.stringContaining('fewer than 10 characters') });
		expect(report.apiCalls).toBe(2);
	});

	test('429 with Retry-After is waited out (what the server asked) and answered by Gemini', async () => {
		fake.script(':generateContent', [{ status: 429, headers: { 'retry-after': '2' } }]);
		const { named, report } = await triage([issue('1', 'Logo', 'odd')]);
		expect(named.medium[0].json.source).toBe('ai');
		expect(report).toMatchObject({ apiCalls: 2, retries: 1 });
		expect(sleep.mock.calls.some(([ms]) => ms >= 2000 && ms <= 2200)).toBe(true);
	});

	test('every fault the fake injects, 60 issues: 0 lost, each answered by Gemini or the rules', async () => {
		fake.configure({ faults: { rate429: 0.15, retryAfterSeconds: 1, rate500: 0.1, rate503: 0.1, rateMalformed: 0.1, rateSchemaViolation: 0.1, rateEmptyCandidates: 0.1 } });
		const items = Array.from({ length: 60 }, (_, i) => issue(String(i), `Issue ${i}`, i % 3 === 0 ? 'site down' : 'how do I pay'));
		const { output, report } = await triage(items, { breakerFailures: 100, parallelCalls: 5, criticalPerMinute: 0 });
		expectEachItemOnce(output, 60);
		expect(report.triaged).toBe(60);
		expect(report.bySource.ai + report.bySource.fallback).toBe(60);
		expect(report.bySource.ai).toBeGreaterThan(30);
		expect(report.retries).toBeGreaterThan(0);
		const fallbacks = output.slice(0, 4).flat().filter((i) => i.json.source === 'fallback');
		expect(fallbacks.length).toBe(report.bySource.fallback);
		for (const item of fallbacks) expect(item.json.fallbackReason).toMatch(/Gemini failed/);
	});
});

describe('circuit breaker', () => {
	test('3 server errors in a row open it: later issues skip Gemini; after the cool-down one probe closes it', async () => {
		fake.script(':generateContent', [{ status: 503 }, { status: 503 }, { status: 503 }]);
		const options = { maxAttempts: 1, breakerFailures: 3, breakerCoolDownSeconds: 1, parallelCalls: 1, parallelItems: 1 };
		const items = Array.from({ length: 6 }, (_, i) => issue(String(i), `Logo ${i}`, 'odd'));
		const first = await triage(items, options);
		expect(generateCalls()).toBe(3);
		expect(first.report.bySource).toEqual({ ai: 0, cache: 0, fallback: 6 });
		expect(first.report.breaker).toMatchObject({ state: 'open', consecutiveFailures: 3, opens: 1 });
		const skipped = first.named.medium.slice(3).map((i) => i.json.fallbackReason);
		for (const reason of skipped) expect(reason).toMatch(/circuit breaker is open/);

		await new Promise((resolve) => setTimeout(resolve, 1100));
		const second = await triage([issue('a', 'Logo a', 'odd'), issue('b', 'Logo b', 'odd')], options);
		expect(second.report.bySource.ai).toBe(2);
		expect(second.report.breaker).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
		expect(generateCalls()).toBe(5);
	});

	test('timeouts count too; calls queued when it opens are not sent', async () => {
		// One failure opens it: with a threshold of 2 the test would race the two hung calls'
		// timeouts (a queued call sent between them answers and resets the count, as it should).
		fake.script(':generateContent', [{ hang: true }, { hang: true }]);
		const options = { maxAttempts: 1, breakerFailures: 1, breakerCoolDownSeconds: 60, callTimeoutSeconds: 1, parallelCalls: 2 };
		const items = Array.from({ length: 8 }, (_, i) => issue(String(i), `Logo ${i}`, 'odd'));
		const { report, output } = await triage(items, options);
		expectEachItemOnce(output, 8);
		expect(generateCalls()).toBe(2);
		expect(report.bySource.fallback).toBe(8);
		expect(report.breaker.state).toBe('open');
		const reasons = output[2].map((i) => i.json.fallbackReason);
		expect(reasons.filter((r) => /did not answer within 1 s/.test(r))).toHaveLength(2);
		expect(reasons.filter((r) => /circuit breaker (is open|opened while)/.test(r))).toHaveLength(6);
	});
});

describe('priority', () => {
	test('within an execution, critical issues get the first call slot', async () => {
		const items = [issue('1', 'Question 1', 'how do I'), issue('2', 'Question 2', 'how do I'), issue('3', 'Site down', 'outage'), issue('4', 'Bug', 'error')];
		await triage(items, { parallelCalls: 1, parallelItems: 1 });
		expect(titlesCalled()).toEqual(['Site down', 'Bug', 'Question 1', 'Question 2']);
	});

	test('across concurrent executions, a critical issue overtakes calls already queued', async () => {
		fake.configure({ latencyMs: 80 });
		const lows = Array.from({ length: 5 }, (_, i) => issue(`l${i}`, `Question ${i}`, 'how do I'));
		const first = triage(lows, { parallelCalls: 1 });
		while (generateCalls() < 1) await new Promise((resolve) => setTimeout(resolve, 5));
		const second = triage([issue('c', 'Site down', 'outage for all')], { parallelCalls: 1 });
		const [a, b] = await Promise.all([first, second]);
		expect(b.named.critical).toHaveLength(1);
		expect(a.named.low).toHaveLength(5);
		const order = titlesCalled();
		expect(order).toHaveLength(6);
		expect(order[1]).toBe('Site down');
	});

	test('critical replies over the per-minute budget go to Deferred with retryAt, and come back without a new call', async () => {
		const items = Array.from({ length: 4 }, (_, i) => issue(`c${i}`, `Site down ${i}`, 'outage', { eventId: `evt-${i}` }));
		const before = Date.now();
		const { named, report } = await triage(items, { criticalPerMinute: 2 });
		expect(named.critical.map((i) => i.json.issueId)).toEqual(['c0', 'c1']);
		expect(named.deferred.map((i) => i.pairedItem.item)).toEqual([2, 3]);
		for (const item of named.deferred) {
			const retryAt = Date.parse(item.json.retryAt);
			expect(retryAt).toBeGreaterThan(before + 59_000);
			expect(retryAt).toBeLessThanOrEqual(Date.now() + 60_000);
			expect(item.json).toMatchObject({ id: expect.any(String), title: expect.any(String), deferred: true, deferredReason: expect.stringContaining('Critical reply budget of 2') });
			expect(item.json.triage).toMatchObject({ priority: 'critical', source: 'ai', deferralId: expect.any(String) });
		}
		expect(report).toMatchObject({ deferred: 2, triaged: 2, budget: { criticalPerMinute: 2, usedLastMinute: { critical: 2, overall: 2 } } });
		expect(generateCalls()).toBe(4);

		// A second delivery of a deferred event is a duplicate; the deferred item itself is not.
		const again = await triage([items[2]], { criticalPerMinute: 2 });
		expect(again.named.duplicate[0].json).toMatchObject({ duplicate: true, duplicateOf: { state: 'deferred' } });
		const back = await triage(named.deferred.map((i) => i.json), { criticalPerMinute: 0 });
		expect(back.named.critical.map((i) => i.json.issueId)).toEqual(['c2', 'c3']);
		expect(back.named.critical[0].json).toMatchObject({ source: 'ai', resumedFromDeferral: true, reply: expect.stringContaining('Site down 2') });
		expect(named.deferred[0].json.deferrals).toBe(1);
		expect(generateCalls()).toBe(4);
	});

	test('the overall budget defers every priority', async () => {
		const items = Array.from({ length: 3 }, (_, i) => issue(String(i), `Logo ${i}`, 'odd'));
		const { named } = await triage(items, { repliesPerMinute: 1 });
		expect(named.medium).toHaveLength(1);
		expect(named.deferred).toHaveLength(2);
		expect(named.deferred[0].json.deferredReason).toMatch(/Reply budget of 1 per minute/);
	});
});

describe('reply cache', () => {
	const dims = 256;
	const known = (id, text, reply) => ({ id, embedding: JSON.stringify(C.embed(text, dims)), reply, priority: 'high', category: 'account', language: 'en', summary: 'Password reset', createdAt: new Date().toISOString() });

	test('a similar known reply is reused without a generation call, with the matched id and score', async () => {
		const items = [{ ...issue('9', 'Cannot log in', 'I forgot my password and cannot log in to my account'), knownReplies: [known('k1', 'Cannot log in\nI forgot my password and cannot log into my account', 'Use "Forgot password" on the sign-in page; the link arrives in a minute.'), known('k2', 'Invoice missing\nWhere is my invoice for March?', 'Invoices are under Billing.')] }];
		const { named, report } = await triage(items, { replyCache: true }, { parameters: { knownRepliesField: 'knownReplies' } });
		const [item] = named.high;
		expect(item.json).toMatchObject({ source: 'cache', category: 'account', cacheMatch: { id: 'k1', score: expect.any(Number) } });
		expect(item.json.cacheMatch.score).toBeGreaterThanOrEqual(0.8);
		expect(item.json.reply).toBe('Hi Ana, Use "Forgot password" on the sign-in page; the link arrives in a minute.');
		expect(item.json.cacheEntry).toBeUndefined();
		expect(generateCalls()).toBe(0);
		expect(fake.stats().byRoute.batchEmbedContents).toBe(1);
		expect(fake.stats().requests[0].path).toContain(DEFAULT_EMBEDDING_MODEL);
		expect(report).toMatchObject({ cacheHits: 1, bySource: { cache: 1 }, embeddingCalls: 1 });
	});

	test('a new issue gets an AI reply plus a cache entry to store; a near-repeat later reuses it', async () => {
		const options = { replyCache: true, cacheSimilarity: 0.8 };
		const first = await triage([issue('1', 'Export to CSV fails', 'When I export the report to CSV I get an error')], options);
		const entry = first.named.high[0].json.cacheEntry;
		expect(entry).toMatchObject({ id: '1', priority: 'high', reply: 'Answer about Export to CSV fails. We are looking into it now.', language: 'en' });
		expect(entry.embedding).toHaveLength(dims);
		const second = await triage([issue('2', 'Export to CSV fails', 'When I export my report to CSV I get an error')], options);
		expect(second.named.high[0].json).toMatchObject({ source: 'cache', cacheMatch: { id: '1' } });
		const third = await triage([issue('3', 'Dark mode', 'Please add a dark theme to the app')], options);
		expect(third.named.medium[0].json.source).toBe('ai');
		expect(generateCalls()).toBe(2);
	});

	test('an embedding failure only skips the lookup: the issue is still answered', async () => {
		fake.script(':batchEmbedContents', [{ status: 400 }]);
		const { named, report } = await triage([issue('1', 'Logo', 'odd')], { replyCache: true });
		expect(named.medium[0].json.source).toBe('ai');
		expect(report).toMatchObject({ embeddingCalls: 1, embeddingFailures: 1 });
	});
});

describe('duplicates', () => {
	test('the same event twice in one execution: one reply, the other on Duplicate', async () => {
		const items = [issue('1', 'Site down', 'outage', { eventId: 'e-1' }), issue('1', 'Site down', 'outage', { eventId: 'e-1' })];
		const { named, output } = await triage(items);
		expect(named.critical).toHaveLength(1);
		expect(named.duplicate).toHaveLength(1);
		expect(named.duplicate[0].json).toMatchObject({ duplicate: true, eventId: 'e-1', simultaneous: true, duplicateOf: { state: 'answered', priority: 'critical' } });
		expect(generateCalls()).toBe(1);
		expectEachItemOnce(output, 2);
	});

	test('two executions delivering the same event at the same moment produce exactly one reply', async () => {
		fake.configure({ latencyMs: 100 });
		const delivery = () => triage([issue('7', 'Payment error', 'cannot pay', { eventId: 'evt-77' })]);
		const runs = await Promise.all([delivery(), delivery(), delivery()]);
		const replies = runs.flatMap((run) => run.named.high);
		const duplicates = runs.flatMap((run) => run.named.duplicate);
		expect(replies).toHaveLength(1);
		expect(duplicates).toHaveLength(2);
		for (const duplicate of duplicates) expect(duplicate.json.duplicateOf.reply).toBe(replies[0].json.reply);
		expect(generateCalls()).toBe(1);
	});

	test('within the window a later delivery is a duplicate; without eventId, same id and same text is', async () => {
		await triage([issue('1', 'Logo', 'odd', { eventId: 'e-9' })]);
		const later = await triage([issue('1', 'Logo', 'odd', { eventId: 'e-9' })]);
		expect(later.named.duplicate[0].json.duplicateOf).toMatchObject({ state: 'answered', reply: expect.stringContaining('Logo') });

		await triage([issue('5', 'Printer', 'paper jam')]);
		const same = await triage([issue('5', 'Printer', '  Paper jam! ')]);
		expect(same.named.duplicate).toHaveLength(1);
		const changed = await triage([issue('5', 'Printer', 'paper jam again, now it smokes')]);
		expect(changed.named.duplicate).toHaveLength(0);
		expect(generateCalls()).toBe(3);
	});

	test('after the window the same event is answered again', async () => {
		const options = { duplicateWindowMinutes: 0.01 };
		await triage([issue('1', 'Logo', 'odd', { eventId: 'e-w' })], options);
		await new Promise((resolve) => setTimeout(resolve, 700));
		const again = await triage([issue('1', 'Logo', 'odd', { eventId: 'e-w' })], options);
		expect(again.named.medium).toHaveLength(1);
	});

	test('a failed item is forgotten, so its next delivery is triaged, not a duplicate', async () => {
		const bad = { id: '1', title: '', body: '', eventId: 'e-bad' };
		await triage([bad], {}, { continueOnFail: true });
		const fixed = await triage([{ ...issue('1', 'Logo', 'odd'), eventId: 'e-bad' }]);
		expect(fixed.named.medium).toHaveLength(1);
	});
});
