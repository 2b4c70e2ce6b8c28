'use strict';

// The pieces under the Issue Triage node, each on its own: the priority-aware call slots, the
// circuit breaker, the reply budget, cosine matching and the rule-based fallback.
const { PrioritySemaphore, getSharedPrioritySemaphore } = require('../../../nodes/shared/transport/prioritySemaphore');
const { CircuitBreaker, isOutageFailure } = require('../../../nodes/shared/transport/circuitBreaker');
const { cosineSimilarity } = require('../../../nodes/shared/gemini/embed');
const { replyBudget, resetReplyBudgets } = require('../../../nodes/IssueTriage/engine/budget');
const { bestMatch, parseKnownReplies } = require('../../../nodes/IssueTriage/engine/replyCache');
const { ruleTriage, rulePriority, DEFAULT_CATEGORIES } = require('../../../nodes/IssueTriage/engine/rules');
const { detectLanguage } = require('../../../nodes/IssueTriage/engine/language');
const { validateTriage } = require('../../../nodes/IssueTriage/engine/prompt');
const { CallTimeoutError, GoogleHttpError } = require('../../../nodes/shared/errors');

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('PrioritySemaphore', () => {
	test('a freed slot goes to the most urgent waiter, FIFO within a priority', async () => {
		const pool = new PrioritySemaphore(1);
		const started = [];
		let release;
		const blocker = pool.run(3, () => new Promise((resolve) => (release = resolve)));
		const job = (rank, name) => pool.run(rank, async () => started.push(name));
		const all = [job(3, 'low-1'), job(2, 'medium'), job(3, 'low-2'), job(0, 'critical-1'), job(0, 'critical-2'), job(1, 'high')];
		await tick();
		expect(started).toEqual([]);
		expect(pool.waiting).toBe(6);
		release();
		await Promise.all([blocker, ...all]);
		expect(started).toEqual(['critical-1', 'critical-2', 'high', 'medium', 'low-1', 'low-2']);
	});

	test('never more than the limit at once; an aborted waiter leaves the queue', async () => {
		const pool = new PrioritySemaphore(2);
		let running = 0;
		let peak = 0;
		const work = () => pool.run(1, async () => {
			running++;
			peak = Math.max(peak, running);
			await new Promise((resolve) => setTimeout(resolve, 5));
			running--;
		});
		const controller = new AbortController();
		const works = [work(), work(), work(), work()];
		const cancelled = pool.run(0, async () => 'never', controller.signal);
		controller.abort();
		await expect(cancelled).rejects.toThrow('stopped');
		await Promise.all(works);
		expect(peak).toBe(2);
		expect(pool.inUse).toBe(0);
	});

	test('lane() is a Semaphore for resilientCall; the shared pool follows the latest limit', async () => {
		const pool = getSharedPrioritySemaphore('test-key', 1);
		expect(getSharedPrioritySemaphore('test-key', 4)).toBe(pool);
		expect(pool.capacity).toBe(4);
		await expect(pool.lane(0).run(async () => 42)).resolves.toBe(42);
	});
});

describe('CircuitBreaker', () => {
	function clock() {
		let t = 1_000_000;
		return { now: () => t, advance: (ms) => (t += ms) };
	}
	const outage = new GoogleHttpError('Gemini', 503, 'UNAVAILABLE', 'overloaded', undefined);

	test('opens after N outage failures in a row, lets one probe through after the cool-down, closes on success', () => {
		const c = clock();
		const breaker = new CircuitBreaker({ failureThreshold: 3, coolDownMs: 30_000, now: c.now });
		for (let i = 0; i < 2; i++) breaker.record(breaker.tryAcquire(), outage);
		expect(breaker.state).toBe('closed');
		breaker.record(breaker.tryAcquire(), new CallTimeoutError('Gemini', 1000));
		expect(breaker.snapshot()).toMatchObject({ state: 'open', consecutiveFailures: 3, opens: 1 });
		expect(breaker.tryAcquire()).toBeUndefined();
		c.advance(30_000);
		expect(breaker.state).toBe('halfOpen');
		const probe = breaker.tryAcquire();
		expect(probe).toEqual({ probe: true });
		expect(breaker.tryAcquire()).toBeUndefined(); // only one probe
		breaker.record(probe);
		expect(breaker.snapshot()).toMatchObject({ state: 'closed', consecutiveFailures: 0, retryAt: null });
	});

	test('a failed probe re-opens for another cool-down; a success in between resets the count', () => {
		const c = clock();
		const breaker = new CircuitBreaker({ failureThreshold: 2, coolDownMs: 1000, now: c.now });
		breaker.record(breaker.tryAcquire(), outage);
		breaker.record(breaker.tryAcquire());
		breaker.record(breaker.tryAcquire(), outage);
		expect(breaker.state).toBe('closed');
		breaker.record(breaker.tryAcquire(), outage);
		expect(breaker.state).toBe('open');
		c.advance(1000);
		breaker.record(breaker.tryAcquire(), outage);
		expect(breaker.snapshot()).toMatchObject({ state: 'open', opens: 2 });
		expect(breaker.snapshot().retryAt).toBe(new Date(c.now() + 1000).toISOString());
	});

	test('429, 400 and bad answers prove the service is up: they do not count', () => {
		expect(isOutageFailure(new GoogleHttpError('Gemini', 429, 'RESOURCE_EXHAUSTED', '', 1000))).toBe(false);
		expect(isOutageFailure(new GoogleHttpError('Gemini', 400, 'INVALID_ARGUMENT', '', undefined))).toBe(false);
		expect(isOutageFailure(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
		const breaker = new CircuitBreaker({ failureThreshold: 1, coolDownMs: 1000 });
		breaker.record(breaker.tryAcquire(), new GoogleHttpError('Gemini', 429, '', '', 1000));
		expect(breaker.state).toBe('closed');
	});
});

describe('reply budget', () => {
	beforeEach(() => resetReplyBudgets());

	test('critical replies per minute: over budget says when the oldest leaves the window', () => {
		const budget = replyBudget('scope');
		const limits = { criticalPerMinute: 2, overallPerMinute: 0 };
		expect(budget.tryReserve('critical', limits, 1000).ok).toBe(true);
		expect(budget.tryReserve('critical', limits, 2000).ok).toBe(true);
		expect(budget.tryReserve('critical', limits, 3000)).toMatchObject({ ok: false, retryAt: 61_000 });
		expect(budget.tryReserve('low', limits, 3000).ok).toBe(true);
		expect(budget.tryReserve('critical', limits, 61_001).ok).toBe(true);
	});

	test('the overall budget counts every priority', () => {
		const budget = replyBudget('scope');
		const limits = { criticalPerMinute: 0, overallPerMinute: 2 };
		budget.tryReserve('low', limits, 0);
		budget.tryReserve('high', limits, 10);
		expect(budget.tryReserve('critical', limits, 20)).toMatchObject({ ok: false, retryAt: 60_000 });
		expect(budget.used(20)).toEqual({ critical: 0, overall: 2 });
	});
});

describe('reply cache matching', () => {
	const entry = (id, embedding, language = 'en', createdAt = new Date().toISOString()) => ({
		id, embedding, reply: 'Reset it under Settings.', priority: 'low', category: 'account', language, createdAt,
	});

	test('cosine similarity', () => {
		expect(cosineSimilarity([1, 0], [1, 0])).toBeCloseTo(1);
		expect(cosineSimilarity([1, 0], [0, 1])).toBeCloseTo(0);
		expect(cosineSimilarity([1, 1], [1, 0])).toBeCloseTo(Math.SQRT1_2);
		expect(cosineSimilarity([1], [1, 0])).toBe(0);
	});

	test('best match at or above the threshold, same language, not expired', () => {
		const now = Date.now();
		const entries = parseKnownReplies([
			entry('a', [1, 0, 0]),
			entry('b', JSON.stringify([0.9, 0.1, 0])),
			entry('pt', [1, 0, 0], 'pt-BR'),
			entry('old', [1, 0, 0], 'en', new Date(now - 10_000).toISOString()),
			{ id: 'broken', embedding: 'not json', reply: 'x', priority: 'low' },
		]);
		expect(entries.map((e) => e.id)).toEqual(['a', 'b', 'pt', 'old']);
		const found = bestMatch([0.9, 0.1, 0], 'en-US', entries, { threshold: 0.8, ttlMs: 5000, now });
		expect(found.match.id).toBe('b');
		expect(found.match.score).toBeGreaterThan(0.99);
		expect(bestMatch([0, 0, 1], 'en', entries, { threshold: 0.8, ttlMs: 5000, now })).toBeUndefined();
		expect(bestMatch([1, 0, 0], 'pt', entries, { threshold: 0.8, ttlMs: 5000, now }).match.id).toBe('pt');
	});
});

describe('rule-based fallback', () => {
	test.each([
		['O sistema está fora do ar, ninguém consegue entrar!', 'critical', 'pt-BR'],
		['Não consigo pagar o boleto, dá erro', 'high', 'pt-BR'],
		['Everything is down for all users', 'critical', 'en'],
		['I cannot log in, it says error', 'high', 'en'],
		['Just a question: how do I export my data?', 'low', 'en'],
		['No puedo entrar a mi cuenta', 'high', 'es'],
		['I would like to know more about the plans', 'medium', 'en'],
	])('%s → %s (%s)', (text, priority, language) => {
		expect(rulePriority(text)).toBe(priority);
		expect(detectLanguage(text)).toBe(language);
	});

	test('category by keywords, template reply in the language, critical escalated', () => {
		const pt = ruleTriage('Fui cobrado duas vezes no pagamento!!', 'pt-BR', DEFAULT_CATEGORIES);
		expect(pt).toMatchObject({ priority: 'critical', category: 'billing', sentiment: 'negative', escalate: true });
		expect(pt.reply).toMatch(/pagamento/);
		const en = ruleTriage('Please add a dark mode, it would be nice', 'en', DEFAULT_CATEGORIES);
		expect(en).toMatchObject({ category: 'feature_request', escalate: false });
		expect(en.reply).toMatch(/suggestion/);
		const custom = [{ name: 'delivery', description: '', keywords: ['entrega'], replyTemplate: 'Sua entrega está sendo rastreada agora.' }, DEFAULT_CATEGORIES[4]];
		expect(ruleTriage('Minha entrega atrasou', 'pt-BR', custom)).toMatchObject({ category: 'delivery', reply: 'Sua entrega está sendo rastreada agora.' });
	});
});

describe('reply validation', () => {
	const answer = { priority: 'High', category: 'Billing', sentiment: 'negative', language: 'pt-BR', confidence: 3, summary: 's', reply: '   Vamos verificar a cobrança agora.  ', autoResolvable: false, escalate: true };
	test('trimmed, at least 10 characters, known priority and category', () => {
		const ok = validateTriage(answer, DEFAULT_CATEGORIES, 'en');
		expect(ok).toMatchObject({ ok: true, value: { priority: 'high', category: 'billing', confidence: 1, reply: 'Vamos verificar a cobrança agora.' } });
		expect(validateTriage({ ...answer, reply: '  short   ' }, DEFAULT_CATEGORIES, 'en')).toMatchObject({ ok: false, reason: expect.stringContaining('10 characters') });
		expect(validateTriage({ ...answer, priority: 'urgent' }, DEFAULT_CATEGORIES, 'en').ok).toBe(false);
		expect(validateTriage({ ...answer, category: 'weather' }, DEFAULT_CATEGORIES, 'en').ok).toBe(false);
		expect(validateTriage({ ...answer, language: 'a sentence' }, DEFAULT_CATEGORIES, 'en').value.language).toBe('en');
	});
});
