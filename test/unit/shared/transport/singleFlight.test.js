'use strict';

const { SingleFlight } = require('../../../../nodes/shared/transport/singleFlight');
const { FlightWaitTimeoutError, CancelledError } = require('../../../../nodes/shared/errors');

/** Work that finishes when told to, and notices when its own signal aborts. */
function controllable() {
	const state = { runs: 0, signal: undefined, finish: undefined, fail: undefined };
	state.work = async (emit, signal) => {
		state.runs++;
		state.signal = signal;
		return await new Promise((resolve, reject) => {
			state.finish = resolve;
			state.fail = reject;
			signal.addEventListener('abort', () => reject(signal.reason), { once: true });
		});
	};
	return state;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('SingleFlight', () => {
	test('callers with the same key share one run; the first leads, the others are told it was shared', async () => {
		const flights = new SingleFlight();
		const work = controllable();
		const a = flights.run('job-1', work.work);
		const b = flights.run('job-1', work.work);
		await tick();
		work.finish('result');
		expect(await a).toEqual({ value: 'result', shared: false });
		expect(await b).toEqual({ value: 'result', shared: true });
		expect(work.runs).toBe(1);
		expect(flights.size).toBe(0);
	});

	test('different keys never share', async () => {
		const flights = new SingleFlight();
		const one = controllable();
		const two = controllable();
		const a = flights.run('job-1', one.work);
		const b = flights.run('job-2', two.work);
		await tick();
		one.finish('one');
		two.finish('two');
		expect((await a).value).toBe('one');
		expect((await b).value).toBe('two');
	});

	test('an error is shared by every caller, and the next call starts afresh', async () => {
		const flights = new SingleFlight();
		const work = controllable();
		const a = flights.run('k', work.work);
		const b = flights.run('k', work.work);
		await tick();
		const failure = new Error('quota');
		work.fail(failure);
		await expect(a).rejects.toBe(failure);
		await expect(b).rejects.toBe(failure);
		const again = controllable();
		const c = flights.run('k', again.work);
		await tick();
		again.finish('fresh');
		expect(await c).toEqual({ value: 'fresh', shared: false });
	});

	test('events reach every caller still waiting', async () => {
		const flights = new SingleFlight();
		let emit;
		let finish;
		const work = async (e) => {
			emit = e;
			return await new Promise((resolve) => (finish = resolve));
		};
		const seenA = [];
		const seenB = [];
		const a = flights.run('k', work, (event) => seenA.push(event));
		const b = flights.run('k', work, (event) => seenB.push(event));
		await tick();
		emit('half');
		finish('done');
		await Promise.all([a, b]);
		expect(seenA).toEqual(['half']);
		expect(seenB).toEqual(['half']);
	});

	test('an event the work emits before its first await reaches the first caller', async () => {
		const flights = new SingleFlight();
		const seen = [];
		await flights.run('k', async (emit) => {
			emit('at once');
			return 'done';
		}, (event) => seen.push(event));
		expect(seen).toEqual(['at once']);
	});

	test('the first caller stopping does not cancel the work while another caller waits', async () => {
		const flights = new SingleFlight();
		const work = controllable();
		const leader = new AbortController();
		const a = flights.run('k', work.work, undefined, { signal: leader.signal });
		const b = flights.run('k', work.work);
		await tick();
		leader.abort();
		await expect(a).rejects.toBeInstanceOf(CancelledError);
		expect(work.signal.aborted).toBe(false);
		work.finish('for b');
		expect(await b).toEqual({ value: 'for b', shared: true });
	});

	test('work bound to a stopped caller is done again as the next waiting caller\'s own work', async () => {
		const flights = new SingleFlight();
		const leader = new AbortController();
		const ran = [];
		// Each caller's work goes through its own "execution": stopping the leader cancels its work.
		const workOf = (name, signal) => async () => {
			ran.push(name);
			await new Promise((resolve) => setTimeout(resolve, 20));
			return signal && signal.aborted ? 'partial' : `done by ${name}`;
		};
		const a = flights.run('k', workOf('a', leader.signal), undefined, { signal: leader.signal, boundToCaller: true });
		const b = flights.run('k', workOf('b'), undefined, { boundToCaller: true });
		await tick();
		leader.abort();
		await expect(a).rejects.toBeInstanceOf(CancelledError);
		expect(await b).toEqual({ value: 'done by b', shared: true });
		expect(ran).toEqual(['a', 'b']);
	});

	test('without boundToCaller a stopped leader\'s finished result is kept; its failure is handed on', async () => {
		const flights = new SingleFlight();
		const leader = new AbortController();
		let calls = 0;
		const failsOnce = async () => {
			calls++;
			await new Promise((resolve) => setTimeout(resolve, 10));
			if (calls === 1) throw new Error('cancelled under the leader');
			return 'second try';
		};
		const a = flights.run('k', failsOnce, undefined, { signal: leader.signal });
		const b = flights.run('k', failsOnce);
		await tick();
		leader.abort();
		await expect(a).rejects.toBeInstanceOf(CancelledError);
		expect(await b).toEqual({ value: 'second try', shared: true });
		expect(calls).toBe(2);
	});

	test('when every caller has stopped waiting, the work is aborted and forgotten', async () => {
		const flights = new SingleFlight();
		const work = controllable();
		const one = new AbortController();
		const two = new AbortController();
		const a = flights.run('k', work.work, undefined, { signal: one.signal });
		const b = flights.run('k', work.work, undefined, { signal: two.signal });
		await tick();
		one.abort();
		await expect(a).rejects.toBeInstanceOf(CancelledError);
		expect(work.signal.aborted).toBe(false);
		two.abort();
		await expect(b).rejects.toBeInstanceOf(CancelledError);
		expect(work.signal.aborted).toBe(true);
		expect(flights.size).toBe(0);
	});

	test("each caller's own deadline bounds its wait; the work goes on for the others", async () => {
		const flights = new SingleFlight();
		const work = controllable();
		const a = flights.run('k', work.work);
		const hurried = flights.run('k', work.work, undefined, { deadlineAt: Date.now() + 50 });
		const error = await hurried.catch((e) => e);
		expect(error).toBeInstanceOf(FlightWaitTimeoutError);
		expect(error.message).toMatch(/deadline passed after waiting 0\.\d s for the same job/);
		expect(work.signal.aborted).toBe(false);
		work.finish('late');
		expect(await a).toEqual({ value: 'late', shared: false });
	});

	test('clear forgets the flights: waiting callers still get their result, the next caller starts anew, and the old flight never removes the new one', async () => {
		const flights = new SingleFlight();
		const first = controllable();
		const second = controllable();
		const a = flights.run('job-1', first.work);
		await tick();
		flights.clear();
		expect(flights.size).toBe(0);
		const b = flights.run('job-1', second.work);
		await tick();
		expect(second.runs).toBe(1);
		first.finish('old');
		expect(await a).toEqual({ value: 'old', shared: false });
		expect(flights.size).toBe(1);
		const c = flights.run('job-1', second.work);
		second.finish('new');
		expect(await b).toEqual({ value: 'new', shared: false });
		expect(await c).toEqual({ value: 'new', shared: true });
		expect(second.runs).toBe(1);
	});

	test('an already aborted caller is refused without starting anything', async () => {
		const flights = new SingleFlight();
		const controller = new AbortController();
		controller.abort();
		const work = jest.fn();
		await expect(flights.run('k', work, undefined, { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
		expect(work).not.toHaveBeenCalled();
	});

	test('clear (resetProcessState) forgets running flights: a later caller starts afresh, the running work goes on', async () => {
		const flights = new SingleFlight();
		const first = controllable();
		const second = controllable();
		const a = flights.run('k', first.work);
		flights.clear();
		expect(flights.size).toBe(0);
		const b = flights.run('k', second.work);
		await tick();
		expect(first.signal.aborted).toBe(false);
		first.finish('one');
		second.finish('two');
		expect(await a).toEqual({ value: 'one', shared: false });
		expect(await b).toEqual({ value: 'two', shared: false });
		expect(flights.size).toBe(0);
	});
});
