'use strict';

const { Semaphore, MIN_TIME_TO_SEND_MS } = require('../../../../nodes/shared/transport/semaphore');
const { SlotWaitTimeoutError, CancelledError, DeadlineExceededError } = require('../../../../nodes/shared/errors');

/** A task that runs until released from outside, recording when it started. */
function gate(log, name) {
	let open;
	const opened = new Promise((resolve) => (open = resolve));
	return {
		task: async () => {
			log.push(name);
			await opened;
			return name;
		},
		open,
	};
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('Semaphore', () => {
	test('never runs more than its limit, and hands slots over in arrival order (FIFO)', async () => {
		const slots = new Semaphore(2);
		const started = [];
		const gates = ['a', 'b', 'c', 'd', 'e'].map((name) => gate(started, name));
		const runs = gates.map((g) => slots.run(g.task));
		await tick();
		expect(started).toEqual(['a', 'b']);
		expect(slots.inUse).toBe(2);
		expect(slots.queued).toBe(3);
		gates[1].open();
		await tick();
		expect(started).toEqual(['a', 'b', 'c']);
		gates[0].open();
		await tick();
		expect(started).toEqual(['a', 'b', 'c', 'd']);
		for (const g of gates) g.open();
		expect(await Promise.all(runs)).toEqual(['a', 'b', 'c', 'd', 'e']);
		expect(slots.inUse).toBe(0);
	});

	test('a failing task frees its slot and its error reaches only its caller', async () => {
		const slots = new Semaphore(1);
		const failing = slots.run(async () => {
			throw new Error('boom');
		});
		const next = slots.run(async () => 'next');
		await expect(failing).rejects.toThrow('boom');
		await expect(next).resolves.toBe('next');
		expect(slots.inUse).toBe(0);
	});

	test('a waiter whose signal aborts leaves the queue; the slot goes to the one behind it', async () => {
		const slots = new Semaphore(1);
		const started = [];
		const first = gate(started, 'first');
		const running = slots.run(first.task);
		const controller = new AbortController();
		const cancelled = slots.run(gate(started, 'cancelled').task, controller.signal);
		const last = gate(started, 'last');
		const after = slots.run(last.task);
		await tick();
		controller.abort();
		await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
		expect(slots.queued).toBe(1);
		first.open();
		last.open();
		await expect(running).resolves.toBe('first');
		await expect(after).resolves.toBe('last');
		expect(started).toEqual(['first', 'last']);
	});

	test('an aborted signal is refused before taking a slot', async () => {
		const slots = new Semaphore(1);
		const controller = new AbortController();
		controller.abort();
		const task = jest.fn(async () => 'never');
		await expect(slots.run(task, controller.signal)).rejects.toBeInstanceOf(CancelledError);
		expect(task).not.toHaveBeenCalled();
		expect(slots.inUse).toBe(0);
	});

	test('waiting for a slot counts against the deadline: the error says how long it waited and what to raise', async () => {
		const slots = new Semaphore(1);
		const holder = gate([], 'holder');
		const running = slots.run(holder.task);
		const task = jest.fn(async () => 'sent');
		const waitedFor = 80;
		const error = await slots.run(task, undefined, { deadlineAt: Date.now() + waitedFor }).catch((e) => e);
		expect(error).toBeInstanceOf(SlotWaitTimeoutError);
		expect(error).toBeInstanceOf(DeadlineExceededError);
		expect(error.waitedMs).toBeGreaterThanOrEqual(waitedFor - 5);
		expect(error.message).toMatch(/waited 0\.\d s for a free call slot \(Parallel Calls is 1\)/);
		expect(error.message).toMatch(/Raise "Parallel Calls" or "Item Deadline \(Seconds\)"/);
		expect(task).not.toHaveBeenCalled();
		expect(slots.queued).toBe(0);
		holder.open();
		await running;
		expect(slots.inUse).toBe(0);
	});

	test('a slot that frees up with too little of the deadline left is not used to send', async () => {
		const slots = new Semaphore(1);
		const holder = gate([], 'holder');
		const running = slots.run(holder.task);
		const task = jest.fn(async () => 'sent');
		// The deadline is still ahead when the slot frees, but by less than a call needs.
		const waiting = slots.run(task, undefined, { deadlineAt: Date.now() + 200, minTimeLeftMs: MIN_TIME_TO_SEND_MS });
		await new Promise((resolve) => setTimeout(resolve, 30));
		holder.open();
		const error = await waiting.catch((e) => e);
		expect(error).toBeInstanceOf(SlotWaitTimeoutError);
		expect(error.timeLeftMs).toBeLessThan(MIN_TIME_TO_SEND_MS);
		expect(task).not.toHaveBeenCalled();
		await running;
		expect(slots.inUse).toBe(0);
	});

	test('with enough time left the task runs (the limit is a floor, not a refusal)', async () => {
		const slots = new Semaphore(1);
		const result = await slots.run(async () => 'sent', undefined, { deadlineAt: Date.now() + 10 * MIN_TIME_TO_SEND_MS, minTimeLeftMs: MIN_TIME_TO_SEND_MS });
		expect(result).toBe('sent');
	});

	test('runNext waits at the front of the queue (a hedge goes before calls not yet started)', async () => {
		const slots = new Semaphore(1);
		const started = [];
		const holder = gate(started, 'holder');
		const running = slots.run(holder.task);
		const queued = slots.run(async () => started.push('queued'));
		const urgent = slots.runNext(async () => started.push('urgent'));
		await tick();
		holder.open();
		await Promise.all([running, queued, urgent]);
		expect(started).toEqual(['holder', 'urgent', 'queued']);
	});
});
