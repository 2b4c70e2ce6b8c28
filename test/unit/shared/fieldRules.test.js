'use strict';
// Field rules: paths, types, ranges, and the rule types the shipped workflows need
// (a date-and-time format, equality with a stored secret, a fallback field).
const { checkFieldRules, parsePath } = require('../../../nodes/shared/validation/fieldRules');

describe('field rules', () => {
	test('paths with keys, indexes and every element', () => {
		expect(parsePath('a.b[2][*].c')).toEqual([{ key: 'a' }, { key: 'b' }, { index: 2 }, { each: true }, { key: 'c' }]);
	});

	test('a rule under a list reports the element that breaks it', () => {
		const rules = [{ path: 'items[*].title', required: true, types: ['string'] }];
		expect(checkFieldRules({ items: [{ title: 'a' }, {}] }, rules, true)).toEqual({ field: 'items[1].title', message: 'items[1].title is required' });
	});

	test('number accepts integers, integer refuses fractions', () => {
		expect(checkFieldRules({ n: 3 }, [{ path: 'n', required: true, types: ['number'] }], true)).toBeUndefined();
		expect(checkFieldRules({ n: 2.5 }, [{ path: 'n', required: true, types: ['integer'] }], true)).toEqual({ field: 'n', message: 'n must be a whole number' });
	});
});


describe('rule type: Format, Date and Time', () => {
	const rules = [{ path: 'detectedAt', required: false, types: ['string', 'null'], format: 'dateTime', message: 'detectedAt must be an ISO date and time such as 2026-12-01T10:00:00Z' }];
	test.each(['2026-12-01T10:00:00Z', '2026-12-01T10:00:00.123+02:00', '2026-12-01', '2026-12-01 10:00'])('%s passes', (detectedAt) => {
		expect(checkFieldRules({ detectedAt }, rules, true)).toBeUndefined();
	});
	test.each(['yesterday', '1', '2026-02-30T10:00:00Z', '2026-13-01', '01/12/2026'])('%s fails with the workflow message', (detectedAt) => {
		expect(checkFieldRules({ detectedAt }, rules, true)).toEqual({ field: 'detectedAt', message: rules[0].message });
	});
	test('the generated message names the form', () => {
		expect(checkFieldRules({ at: 'soon' }, [{ path: 'at', required: true, types: [], format: 'dateTime' }], true)).toEqual({ field: 'at', message: 'at must be a date and time such as 2026-12-01T10:00:00Z' });
	});
});

describe('rule type: Must Equal a Value', () => {
	const token = 'a'.repeat(48);
	const rule = (expected) => ({ path: 'token', required: true, types: ['string'], min: 32, mustEqual: { expected } });
	test('the same text passes', () => {
		expect(checkFieldRules({ token }, [rule(token)], true)).toBeUndefined();
	});
	test.each([
		['another text of the same length', 'b'.repeat(48), token],
		['a prefix', token.slice(0, 40), token],
		['a number', 42, '42'],
	])('%s fails', (_label, given, expected) => {
		expect(checkFieldRules({ token: given }, [{ ...rule(expected), min: undefined, types: [] }], true)).toEqual({ field: 'token', message: 'token does not match' });
	});
	test.each([[''], [null], [undefined]])('an expected value of %p matches nothing, not even an empty guess', (expected) => {
		const rules = [{ path: 'token', required: false, types: [], mustEqual: { expected } }];
		expect(checkFieldRules({ token: '' }, rules, true)).toEqual({ field: 'token', message: 'token does not match' });
		expect(checkFieldRules({ token: 'x' }, rules, true)).toEqual({ field: 'token', message: 'token does not match' });
	});
});

describe('rule type: Or Field', () => {
	const message = 'customer.phone (or customer.handle) must be the number or handle the reply goes to';
	const rules = [{ path: 'customer.phone', required: true, types: ['string'], pattern: /^[+0-9A-Za-z@._-]{3,64}$/, orPath: 'customer.handle', message }];
	test.each([
		['the field itself', { phone: '+5511999' }],
		['the other field when the first is missing', { handle: '@ana' }],
		['the other field when the first is null or blank', { phone: '  ', handle: '@ana' }],
	])('%s passes', (_label, customer) => {
		expect(checkFieldRules({ customer }, rules, true)).toBeUndefined();
	});
	test.each([
		['neither field', { name: 'Ana' }],
		['a wrong first field (the other is not consulted)', { phone: 'no spaces allowed', handle: '@ana' }],
		['a wrong other field', { handle: 'x' }],
	])('%s fails, named at the rule\'s field', (_label, customer) => {
		expect(checkFieldRules({ customer }, rules, true)).toEqual({ field: 'customer.phone', message });
	});
	test('a blank body is accepted when the title carries the message', () => {
		const body = [{ path: 'body', required: true, types: ['string'], min: 1, orPath: 'title', message: 'body is empty: send the customer message' }];
		expect(checkFieldRules({ title: 'Card declined', body: '  ' }, body, true)).toBeUndefined();
		expect(checkFieldRules({ title: '', body: '  ' }, body, true)).toMatchObject({ field: 'body', message: 'body is empty: send the customer message' });
		expect(checkFieldRules({ title: null, body: '' }, body, true)).toMatchObject({ field: 'body', message: 'body is empty: send the customer message' });
	});
});
