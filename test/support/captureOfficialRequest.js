'use strict';
// Drive the fake with the OFFICIAL @google/genai client and return what it sent, so our own
// request builders can be compared with the official wire format for the same inputs.
const { startFakeGoogle } = require('./fakeGoogle');

/**
 * Under Jest, @google/genai 3.1.0 fails every call with "fetch failed ... Undici globalDispatcher is
 * not available": it looks up Node's Undici dispatcher on globalThis, which in Jest is the VM sandbox,
 * not the real global where Node keeps it. Copy the real one over so the client runs its normal
 * code path (no custom fetch). Harmless outside Jest.
 */
function ensureUndiciDispatcher() {
	const sym = Symbol.for('undici.globalDispatcher.1');
	if (globalThis[sym]) return;
	const real = require('node:vm').runInThisContext('globalThis');
	if (!real[sym] && typeof real.Headers === 'function') new real.Headers(); // Node initialises Undici lazily
	if (real[sym]) globalThis[sym] = real[sym];
}

/** `new GoogleGenAI({ apiKey, httpOptions: { baseUrl } })`, usable under Jest. */
function officialClient(baseUrl, { apiKey = 'test-key', ...clientOptions } = {}) {
	ensureUndiciDispatcher();
	const { GoogleGenAI } = require('@google/genai');
	return new GoogleGenAI({ apiKey, ...clientOptions, httpOptions: { ...(clientOptions.httpOptions || {}), baseUrl } });
}

/**
 * captureOfficialRequest(fakeOptions, async (ai, fake) => { await ai.models.generateContent(...) })
 * → { path, method, headers, body, status, requests, error }
 * fakeOptions are startFakeGoogle options plus `apiKey` (defaults to the first of apiKeys) and
 * `clientOptions` (merged into `new GoogleGenAI(...)`, e.g. { apiVersion: 'v1beta' }).
 * Note: @google/genai 3.x calls /v1 by default (GOOGLE_GENAI_API_VERSION env can change it).
 * `path` includes the query string (the API key is never recorded; `x-goog-api-key` shows '[redacted]').
 * `requests` holds every request of the run (e.g. pagination); the top-level fields describe the last one.
 * Errors thrown by `fn` (e.g. a scripted 429) are returned as `error` once a request was captured.
 */
async function captureOfficialRequest(fakeOptions, fn) {
	const { apiKey: explicitKey, clientOptions = {}, ...options } = fakeOptions || {};
	const fake = await startFakeGoogle(options);
	try {
		const keys = fake.options.apiKeys;
		const apiKey = explicitKey || (Array.isArray(keys) && keys[0]) || 'test-key';
		const ai = officialClient(fake.url, { ...clientOptions, apiKey });
		let error;
		try {
			await fn(ai, fake);
		} catch (e) {
			error = e;
		}
		const requests = fake.stats().requests.map(({ path, method, headers, body, status, route, model }) => ({ path, method, headers, body, status, route, model }));
		const last = requests[requests.length - 1];
		if (!last) throw error || new Error('the official client sent no request');
		return { path: last.path, method: last.method, headers: last.headers, body: last.body, status: last.status, requests, error };
	} finally {
		await fake.close();
	}
}

module.exports = { captureOfficialRequest, officialClient, ensureUndiciDispatcher };
