const { execFileSync } = require('node:child_process');
const { RETRYABLE_STATUS_CODES, NEVER_RETRY_STATUS_CODES, parseRetryAfter, parseRetryInfoDelay, serverRequestedDelayMs, classifyStatus } = require('../../../../nodes/shared/transport/retryHints');
const { redactSecrets } = require('../../../../nodes/shared/secrets');
const path = require('node:path');

const ERRORS_SOURCE = path.join(__dirname, '../../../../nodes/shared/transport/retryHints.ts');
const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);

function googleError(retryDelay, extraDetails = []) {
	return {
		error: {
			code: 429,
			status: 'RESOURCE_EXHAUSTED',
			message: 'Quota exceeded',
			details: [
				...extraDetails,
				{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay },
			],
		},
	};
}

describe('status code lists', () => {
	test('retryable and never-retry lists are as documented and disjoint', () => {
		expect(RETRYABLE_STATUS_CODES).toEqual([408, 429, 500, 502, 503, 504]);
		expect(NEVER_RETRY_STATUS_CODES).toEqual([400, 401, 403, 404]);
		expect(RETRYABLE_STATUS_CODES.filter((c) => NEVER_RETRY_STATUS_CODES.includes(c))).toEqual([]);
	});

	test('classifyStatus retries only the retryable list and passes the server delay on', () => {
		expect(classifyStatus(429, 1500)).toEqual({ retry: true, minDelayMs: 1500, reason: 'HTTP 429' });
		expect(classifyStatus(503).retry).toBe(true);
		for (const code of [...NEVER_RETRY_STATUS_CODES, 409, 422, 200]) {
			expect(classifyStatus(code, 1000).retry).toBe(false);
		}
		expect(classifyStatus(undefined)).toEqual({ retry: false, reason: 'no HTTP status' });
	});
});

describe('parseRetryAfter', () => {
	test.each([
		['5', 5000],
		['0', 0],
		['1.5', 1500],
		['0.25', 250],
		[' 2 ', 2000],
		[['3', '9'], 3000],
	])('delta-seconds %p -> %p ms', (value, expected) => {
		expect(parseRetryAfter(value, NOW)).toBe(expected);
	});

	test.each([['-1'], ['-0.5'], ['abc'], [''], ['1e3'], ['5s'], ['Infinity'], [undefined], [null], [[]]])(
		'garbage or negative %p -> undefined',
		(value) => {
			expect(parseRetryAfter(value, NOW)).toBeUndefined();
		},
	);

	test('IMF-fixdate in the future gives the difference, in the past gives 0', () => {
		const future = new Date(NOW + 7000).toUTCString();
		expect(parseRetryAfter(future, NOW)).toBe(7000);
		expect(parseRetryAfter(new Date(NOW - 60_000).toUTCString(), NOW)).toBe(0);
	});

	test('RFC 850 and asctime forms are read as GMT whatever the local zone', () => {
		const at = Date.UTC(1994, 10, 6, 8, 49, 37);
		expect(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', at - 1000)).toBe(1000);
		// Jest sandboxes process.env, so the zone can only be changed in a child process.
		const probe = [
			"const ts = require('typescript');",
			"const source = require('node:fs').readFileSync(process.argv[1], 'utf8');",
			"const m = { exports: {} };",
			"new Function('exports', 'module', ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText)(m.exports, m);",
			`process.stdout.write(String(m.exports.parseRetryAfter('Sun Nov  6 08:49:37 1994', ${at - 2000})));`,
		].join('\n');
		const output = execFileSync(process.execPath, ['-e', probe, ERRORS_SOURCE], {
			env: { ...process.env, TZ: 'America/New_York' },
			encoding: 'utf8',
		});
		expect(output).toBe('2000');
	});

	test('an unreadable date with a day name is still undefined', () => {
		expect(parseRetryAfter('Sunday, the day after tomorrow', NOW)).toBeUndefined();
	});
});

describe('parseRetryInfoDelay', () => {
	test.each([
		['30s', 30_000],
		['0.5s', 500],
		['1.000340s', 1001],
		['0s', 0],
		['2.000000001s', 2001],
	])('Duration %p -> %p ms (rounded up)', (retryDelay, expected) => {
		expect(parseRetryInfoDelay(googleError(retryDelay))).toBe(expected);
	});

	test('reads a JSON string body and skips other detail types', () => {
		const body = googleError('7s', [
			{ '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [] },
		]);
		expect(parseRetryInfoDelay(JSON.stringify(body))).toBe(7000);
	});

	test('reads a body wrapped in an array (streaming endpoints)', () => {
		expect(parseRetryInfoDelay([googleError('4s')])).toBe(4000);
	});

	test('accepts the object form of a Duration', () => {
		expect(parseRetryInfoDelay(googleError({ seconds: '2', nanos: 500_000_000 }))).toBe(2500);
	});

	test.each([
		[undefined],
		[null],
		[42],
		['not json'],
		['{"error":{}}'],
		[{ error: { details: 'nope' } }],
		[{ error: { details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo' }] } }],
		[googleError('soon')],
		[googleError('-1s')],
		[googleError('30')],
		[googleError({ seconds: -1 })],
	])('no usable RetryInfo %p -> undefined', (body) => {
		expect(parseRetryInfoDelay(body)).toBeUndefined();
	});
});

describe('serverRequestedDelayMs', () => {
	test('takes the longer of header and body, or whichever exists', () => {
		expect(serverRequestedDelayMs('2', googleError('5s'), NOW)).toBe(5000);
		expect(serverRequestedDelayMs('9', googleError('5s'), NOW)).toBe(9000);
		expect(serverRequestedDelayMs(undefined, googleError('5s'), NOW)).toBe(5000);
		expect(serverRequestedDelayMs('3', undefined, NOW)).toBe(3000);
		expect(serverRequestedDelayMs(undefined, {}, NOW)).toBeUndefined();
	});
});

describe('redactSecrets', () => {
	test('replaces every occurrence of every secret', () => {
		const text = 'key AIzaSecret1 failed; retry with AIzaSecret1 and tok-9999';
		expect(redactSecrets(text, ['AIzaSecret1', 'tok-9999'])).toBe(
			'key [redacted] failed; retry with [redacted] and [redacted]',
		);
	});

	test('ignores empty and short secrets so ordinary words survive', () => {
		expect(redactSecrets('the cat sat', ['', 'cat', 'at'])).toBe('the cat sat');
		expect(redactSecrets('abcd', ['abcd'])).toBe('[redacted]');
	});

	test('redacts the longer of two overlapping secrets whole', () => {
		expect(redactSecrets('value=secretsecret2', ['secret', 'secretsecret2'])).toBe('value=[redacted]');
	});

	test('redacts key= query parameters without knowing the key', () => {
		expect(
			redactSecrets('GET https://g.test/v1beta/models?key=AIzaUnknown123&alt=sse failed', []),
		).toBe('GET https://g.test/v1beta/models?key=[redacted]&alt=sse failed');
		expect(redactSecrets('key=abc123 at start', [])).toBe('key=[redacted] at start');
		// A parameter that merely ends in "key" is not an API key parameter.
		expect(redactSecrets('?monkey=banana', [])).toBe('?monkey=banana');
	});

	test('redacts x-goog-api-key header values in raw and JSON form', () => {
		expect(redactSecrets('x-goog-api-key: AIzaHeader987\nother: 1', [])).toBe(
			'x-goog-api-key: [redacted]\nother: 1',
		);
		expect(redactSecrets('{"X-Goog-Api-Key":"AIzaJson555","a":1}', [])).toBe(
			'{"X-Goog-Api-Key":"[redacted]","a":1}',
		);
	});

	test('leaves text without secrets untouched', () => {
		expect(redactSecrets('Quota exceeded for model gemini-2.5-flash', ['AIzaNotHere'])).toBe(
			'Quota exceeded for model gemini-2.5-flash',
		);
	});
});
