'use strict';
// Size and depth of parsed JSON, measured without recursion.
const { checkJsonBounds, utf8Length } = require('../../../nodes/shared/validation/jsonBounds');

function nested(levels) {
	const root = {};
	let node = root;
	for (let i = 1; i < levels; i++) node = node.a = {};
	return root;
}

describe('checkJsonBounds', () => {
	test('measures depth and size of a value', () => {
		const value = { a: [1, 'xé', [true]], b: { c: null } };
		const result = checkJsonBounds(value, { maxDepth: 10, maxBytes: 1000 });
		expect(result).toEqual({ ok: true, depth: 3, bytes: Buffer.byteLength(JSON.stringify(value)) });
	});

	test('a body nested 200,000 levels deep is refused at the limit, without touching the call stack', () => {
		const result = checkJsonBounds(nested(200_000), { maxDepth: 32, maxBytes: Infinity });
		expect(result).toMatchObject({ ok: false, exceeded: 'depth', limit: 32 });
		expect(result.path.split('.')).toHaveLength(32);
	});

	test('a list of two million items is refused for size before its elements are visited', () => {
		const result = checkJsonBounds(new Array(2_000_000).fill(0), { maxDepth: 32, maxBytes: 1024 * 1024 });
		expect(result).toEqual({ ok: false, exceeded: 'size', path: '', limit: 1024 * 1024 });
	});

	test('counts UTF-8 bytes, surrogate pairs included', () => {
		for (const text of ['abc', 'ção', '日本', '😀x']) expect(utf8Length(text)).toBe(Buffer.byteLength(text));
	});
});

