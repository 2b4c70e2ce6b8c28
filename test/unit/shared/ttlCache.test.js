'use strict';
const { TtlCache } = require('../../../nodes/shared/cache/ttlCache');

function clock(start = 0) {
	let t = start;
	return { now: () => t, advance: (ms) => (t += ms) };
}

describe('TtlCache', () => {
	test('hit before expiry, miss after', () => {
		const c = clock();
		const cache = new TtlCache({ ttlMs: 1000, maxEntries: 10, now: c.now });
		cache.set('a', 1);
		c.advance(999);
		expect(cache.get('a')).toBe(1);
		c.advance(1);
		expect(cache.get('a')).toBeUndefined();
		expect(cache.size).toBe(0);
	});

	test('entry bound drops the least recently used', () => {
		const cache = new TtlCache({ ttlMs: 1000, maxEntries: 2 });
		cache.set('a', 1);
		cache.set('b', 2);
		cache.get('a');
		cache.set('c', 3);
		expect(cache.get('b')).toBeUndefined();
		expect(cache.get('a')).toBe(1);
		expect(cache.get('c')).toBe(3);
	});

	test('size bound counts sizes, replaces and refuses a value too large alone', () => {
		const cache = new TtlCache({ ttlMs: 1000, maxEntries: 100, maxSize: 10, sizeOf: (v) => v.length });
		cache.set('a', 'xxxx');
		cache.set('b', 'yyyy');
		expect(cache.totalBytes).toBe(8);
		cache.set('a', 'zz');
		expect(cache.totalBytes).toBe(6);
		cache.set('c', 'wwwww');
		expect(cache.totalBytes).toBeLessThanOrEqual(10);
		expect(cache.get('b')).toBeUndefined();
		expect(cache.set('big', 'x'.repeat(11))).toBe(false);
		expect(cache.get('big')).toBeUndefined();
	});

	test('delete and clear', () => {
		const cache = new TtlCache({ ttlMs: 1000, maxEntries: 5, sizeOf: () => 1 });
		cache.set('a', 1);
		cache.set('b', 2);
		expect(cache.delete('a')).toBe(true);
		expect(cache.delete('a')).toBe(false);
		cache.clear();
		expect(cache.size).toBe(0);
		expect(cache.totalBytes).toBe(0);
	});
});
