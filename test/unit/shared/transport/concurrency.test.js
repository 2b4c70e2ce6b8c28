const { mapWithConcurrency } = require('../../../../nodes/shared/transport/concurrency');
const { CancelledError } = require('../../../../nodes/shared/errors');

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function deferred() {
	let resolve;
	let reject;
	const promise = new Promise((res, rej) => {
		resolve = res;
		reject = rej;
	});
	return { promise, resolve, reject };
}

// Lets pending promise callbacks (a worker picking up its next item) run.
const flush = () => new Promise((resolve) => setImmediate(resolve));

function trackInFlight() {
	const state = { current: 0, max: 0 };
	const wrap = (task) => async (item, index) => {
		state.current++;
		state.max = Math.max(state.max, state.current);
		try {
			return await task(item, index);
		} finally {
			state.current--;
		}
	};
	return { state, wrap };
}

describe('mapWithConcurrency', () => {
	test.each([1, 3, 10])('never has more than limit=%p tasks in flight, and reaches it', async (limit) => {
		const { state, wrap } = trackInFlight();
		const items = Array.from({ length: 25 }, (_, i) => i);
		await mapWithConcurrency(items, limit, wrap(async () => await delay(1 + Math.floor(Math.random() * 8))));
		expect(state.max).toBe(limit);
	});

	test('keeps results in input order whatever order tasks finish in', async () => {
		const items = Array.from({ length: 30 }, (_, i) => i);
		const finished = [];
		const results = await mapWithConcurrency(items, 7, async (item) => {
			await delay(Math.floor(Math.random() * 15));
			finished.push(item);
			return item * 2;
		});
		expect(results).toEqual(items.map((i) => ({ status: 'fulfilled', value: i * 2 })));
		// Guard that the test really exercised out-of-order completion.
		expect(finished).not.toEqual(items);
	});

	test('is a pool: a free slot takes the next item while a slow one is still running', async () => {
		const gates = [deferred(), deferred(), deferred(), deferred()];
		const started = [];
		const run = mapWithConcurrency([0, 1, 2, 3], 2, async (item) => {
			started.push(item);
			return await gates[item].promise;
		});
		await flush();
		expect(started).toEqual([0, 1]);
		gates[1].resolve('b');
		await flush();
		// Item 0 is still running; a chunked implementation would not have started item 2 yet.
		expect(started).toEqual([0, 1, 2]);
		gates[2].resolve('c');
		await flush();
		expect(started).toEqual([0, 1, 2, 3]);
		gates[0].resolve('a');
		gates[3].resolve('d');
		expect((await run).map((r) => r.value)).toEqual(['a', 'b', 'c', 'd']);
	});

	test('captures each failure on its own item, including synchronous throws', async () => {
		const boom = new Error('async failure');
		const syncBoom = new Error('sync failure');
		const results = await mapWithConcurrency(['ok', 'async', 'sync', 'string', 'ok2'], 2, (item) => {
			if (item === 'sync') throw syncBoom;
			if (item === 'async') return Promise.reject(boom);
			if (item === 'string') return Promise.reject('plain string');
			return Promise.resolve(item.toUpperCase());
		});
		expect(results).toEqual([
			{ status: 'fulfilled', value: 'OK' },
			{ status: 'rejected', reason: boom },
			{ status: 'rejected', reason: syncBoom },
			{ status: 'rejected', reason: 'plain string' },
			{ status: 'fulfilled', value: 'OK2' },
		]);
	});

	test('passes the index to the task', async () => {
		const results = await mapWithConcurrency(['a', 'b', 'c'], 2, async (item, index) => `${item}${index}`);
		expect(results.map((r) => r.value)).toEqual(['a0', 'b1', 'c2']);
	});

	test('empty input resolves to [] without calling the task', async () => {
		const task = jest.fn();
		await expect(mapWithConcurrency([], 4, task)).resolves.toEqual([]);
		expect(task).not.toHaveBeenCalled();
	});

	test.each([0, -3, NaN, 0.5])('limit %p is clamped to 1', async (limit) => {
		const { state, wrap } = trackInFlight();
		const results = await mapWithConcurrency([1, 2, 3, 4], limit, wrap(async (n) => await delay(2).then(() => n)));
		expect(state.max).toBe(1);
		expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
	});

	test('a limit above the item count runs everything at once', async () => {
		const { state, wrap } = trackInFlight();
		await mapWithConcurrency([1, 2, 3], Infinity, wrap(async () => await delay(5)));
		expect(state.max).toBe(3);
	});

	test('after an abort, unstarted items are cancelled without running and running ones are awaited', async () => {
		const controller = new AbortController();
		const calls = [];
		const gate = deferred();
		const run = mapWithConcurrency(
			[0, 1, 2, 3, 4],
			2,
			async (item) => {
				calls.push(item);
				if (item === 1) {
					controller.abort(new Error('stop'));
					throw new Error('aborted mid-flight');
				}
				return await gate.promise;
			},
			controller.signal,
		);
		await flush();
		let settled = false;
		run.then(() => {
			settled = true;
		});
		await flush();
		// Item 0 is still running, so the call must not have resolved yet.
		expect(settled).toBe(false);
		gate.resolve('finished');
		const results = await run;
		expect(calls).toEqual([0, 1]);
		expect(results[0]).toEqual({ status: 'fulfilled', value: 'finished' });
		expect(results[1].status).toBe('rejected');
		for (const result of results.slice(2)) {
			expect(result.status).toBe('rejected');
			expect(result.reason).toBeInstanceOf(CancelledError);
			expect(result.reason.cause).toBe(controller.signal.reason);
		}
	});

	test('an already aborted signal runs nothing', async () => {
		const controller = new AbortController();
		controller.abort();
		const task = jest.fn();
		const results = await mapWithConcurrency([1, 2, 3], 2, task, controller.signal);
		expect(task).not.toHaveBeenCalled();
		expect(results.map((r) => r.reason instanceof CancelledError)).toEqual([true, true, true]);
	});
});
