'use strict';
// Constant-time equality for tokens: what matches and what never does.
const { matchesSecret } = require('../../../nodes/shared/validation/secretMatch');

test('equal texts match; different, shorter, longer or non-text values do not', () => {
	const secret = 'f00d'.repeat(12);
	expect(matchesSecret(secret, secret)).toBe(true);
	expect(matchesSecret('é', 'é')).toBe(true);
	for (const given of ['f00e'.repeat(12), secret.slice(1), secret + '0', '', null, undefined, 48, ['x']]) {
		expect([given, matchesSecret(given, secret)]).toEqual([given, false]);
	}
});

test('an empty or missing expected value matches nothing', () => {
	for (const expected of ['', null, undefined, 0, {}]) {
		expect(matchesSecret('', expected)).toBe(false);
		expect(matchesSecret('anything', expected)).toBe(false);
	}
});
