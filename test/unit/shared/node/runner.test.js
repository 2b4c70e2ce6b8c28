'use strict';
// The shared item runner every router calls: order, pairing, and the one error rule.
const { NodeOperationError } = require('n8n-workflow');
const { runItems } = require('../../../../nodes/shared/node/runner');

const node = { name: 'Test', type: 'x', typeVersion: 1, parameters: {} };

function ctx({ items = 3, continueOnFail = false, signal } = {}) {
	return {
		getNode: () => node,
		getInputData: () => Array.from({ length: items }, (_v, i) => ({ json: { i } })),
		continueOnFail: () => continueOnFail,
		getExecutionCancelSignal: () => signal,
	};
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test('outputs come back in input order, paired, whatever order the items finish or start in', async () => {
	const started = [];
	const { outputs, results } = await runItems(ctx({ items: 4 }), {
		concurrency: 4,
		outputs: 2,
		order: [3, 1, 0, 2],
		credentialName: 'Gemini API',
		run: async (i) => {
			started.push(i);
			await delay((4 - i) * 5);
			return `r${i}`;
		},
		emit: (value, i) => [{ output: 0, json: { value } }, { output: 1, json: { report: i } }],
	});
	expect(started).toEqual([3, 1, 0, 2]);
	expect(outputs[0].map((item) => item.json.value)).toEqual(['r0', 'r1', 'r2', 'r3']);
	expect(outputs[0].map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
	expect(outputs[1].map((item) => item.json.report)).toEqual([0, 1, 2, 3]);
	expect(results).toEqual(['r0', 'r1', 'r2', 'r3']);
});

test('with Continue On Fail a failure is an item on output 0, in its input place, with only `error` in json', async () => {
	const { outputs, results } = await runItems(ctx({ continueOnFail: true }), {
		concurrency: 2,
		outputs: 2,
		credentialName: 'Gemini API',
		run: async (i) => {
			if (i === 1) throw new NodeOperationError(node, 'Title is empty', { description: 'Fill in Title' });
			return i;
		},
		emit: (value) => (value === 2 ? [{ failure: new TypeError('x is not a function'), context: { language: 'fr-FR' } }] : [{ output: 0, json: { value } }]),
	});
	expect(outputs[0]).toEqual([
		{ json: { value: 0 }, pairedItem: { item: 0 } },
		{ json: { error: { message: 'Title is empty', description: 'Fill in Title' } }, pairedItem: { item: 1 } },
		{ json: { error: { language: 'fr-FR', message: expect.stringContaining('x is not a function'), description: expect.any(String) } }, pairedItem: { item: 2 } },
	]);
	for (const item of outputs[0].slice(1)) expect(Object.keys(item.json)).toEqual(['error']);
	expect(outputs[1]).toEqual([]);
	expect(results).toEqual([0, undefined, 2]);
});

test('without Continue On Fail the first failure in input order stops the node, after beforeStop sees every result', async () => {
	const seen = [];
	const ours = new NodeOperationError(node, 'second item is wrong');
	const run = runItems(ctx(), {
		concurrency: 3,
		outputs: 1,
		credentialName: 'Gemini API',
		run: async (i) => {
			if (i === 2) throw new Error('third fails first');
			if (i === 1) {
				await delay(20);
				throw ours;
			}
			return i;
		},
		emit: (value) => [{ output: 0, json: { value } }],
		beforeStop: (results) => seen.push([...results]),
	});
	await expect(run).rejects.toBe(ours);
	expect(seen).toEqual([[0, undefined, undefined]]);
});

test('a stopped execution: items not yet started end as cancelled, nothing is lost', async () => {
	const controller = new AbortController();
	const { outputs } = await runItems(ctx({ items: 3, continueOnFail: true, signal: controller.signal }), {
		concurrency: 1,
		outputs: 1,
		credentialName: 'Gemini API',
		run: async (i) => {
			controller.abort();
			return i;
		},
		emit: (value) => [{ output: 0, json: { value } }],
	});
	expect(outputs[0]).toHaveLength(3);
	expect(outputs[0][0].json).toEqual({ value: 0 });
	expect(outputs[0][1].json.error.message).toMatch(/stopped|cancel/i);
});
