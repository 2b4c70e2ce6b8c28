const { getEventListeners } = require('node:events');
const { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_ITEM_DEADLINE_MS, remainingMs, callTimeoutMs, linkedAbortSignal } = require('../../../../nodes/shared/transport/deadline');

const abortListeners = (signal) => getEventListeners(signal, 'abort').length;

describe('constants', () => {
	test('a call fits several times into an item budget that stays under proxy limits', () => {
		expect(DEFAULT_CALL_TIMEOUT_MS).toBe(30_000);
		expect(DEFAULT_ITEM_DEADLINE_MS).toBe(100_000);
		expect(DEFAULT_ITEM_DEADLINE_MS).toBeGreaterThan(DEFAULT_CALL_TIMEOUT_MS);
	});
});

describe('remainingMs', () => {
	test('Infinity without a deadline, the difference before it, 0 after it', () => {
		expect(remainingMs(undefined, 1000)).toBe(Infinity);
		expect(remainingMs(1500, 1000)).toBe(500);
		expect(remainingMs(1000, 1000)).toBe(0);
		expect(remainingMs(900, 1000)).toBe(0);
	});

	test('defaults now to the wall clock', () => {
		const left = remainingMs(Date.now() + 10_000);
		expect(left).toBeGreaterThan(9000);
		expect(left).toBeLessThanOrEqual(10_000);
	});
});

describe('callTimeoutMs', () => {
	test('is the per-call timeout when the deadline is far or absent', () => {
		expect(callTimeoutMs(30_000, undefined, 0)).toBe(30_000);
		expect(callTimeoutMs(30_000, 100_000, 0)).toBe(30_000);
	});

	test('shrinks to what is left of the deadline and never goes negative', () => {
		expect(callTimeoutMs(30_000, 12_000, 0)).toBe(12_000);
		expect(callTimeoutMs(30_000, 0, 5000)).toBe(0);
		expect(callTimeoutMs(-5, undefined, 0)).toBe(0);
	});
});

describe('linkedAbortSignal', () => {
	test('aborts when any input aborts, with that input\'s reason', () => {
		const a = new AbortController();
		const b = new AbortController();
		const { signal } = linkedAbortSignal(a.signal, undefined, b.signal);
		expect(signal.aborted).toBe(false);
		const reason = new Error('timeout');
		b.abort(reason);
		expect(signal.aborted).toBe(true);
		expect(signal.reason).toBe(reason);
	});

	test('is aborted at once when an input already is', () => {
		const a = new AbortController();
		const b = new AbortController();
		b.abort('gone');
		const { signal } = linkedAbortSignal(a.signal, b.signal);
		expect(signal.aborted).toBe(true);
		expect(signal.reason).toBe('gone');
		expect(abortListeners(a.signal)).toBe(0);
	});

	test('with no inputs it is a plain signal that never aborts', () => {
		const { signal, dispose } = linkedAbortSignal();
		expect(signal.aborted).toBe(false);
		expect(() => dispose()).not.toThrow();
	});

	test('dispose removes every listener it added and unlinks the inputs', () => {
		const a = new AbortController();
		const b = new AbortController();
		const { signal, dispose } = linkedAbortSignal(a.signal, b.signal);
		expect(abortListeners(a.signal)).toBe(1);
		expect(abortListeners(b.signal)).toBe(1);
		dispose();
		expect(abortListeners(a.signal)).toBe(0);
		expect(abortListeners(b.signal)).toBe(0);
		a.abort();
		expect(signal.aborted).toBe(false);
		dispose();
	});

	test('once one input fires, the listeners on the others are released', () => {
		const a = new AbortController();
		const b = new AbortController();
		linkedAbortSignal(a.signal, b.signal);
		a.abort();
		expect(abortListeners(b.signal)).toBe(0);
	});

	test('many short-lived links on one long-lived signal do not accumulate listeners', () => {
		const execution = new AbortController();
		for (let i = 0; i < 1000; i++) linkedAbortSignal(execution.signal, new AbortController().signal).dispose();
		expect(abortListeners(execution.signal)).toBe(0);
	});
});
