'use strict';
// The Content Adapter inside a real n8n 2.41.1 with the packed package installed: a test-only
// workflow (webhook → Content Adapter → Respond to Webhook), the local Google fake for Gemini.
// Proves the node loads and runs as n8n runs it, its cache spans executions, and cache entries
// handed in through the request (as a workflow hands in Data table rows) are honoured.
const C = require('../support/fakeGoogleContent');
const { startFakeGoogle } = require('../support/fakeGoogle');
const { runtime, startN8n, stopN8n, printLogsOnFailure } = require('../support/n8n');

jest.setTimeout(120_000);

const MODEL = 'gemini-2.5-flash';
const ADAPT_PATH = 'e2e-content/adapt';
const VARIATIONS_PATH = 'e2e-content/variations';
const ERRORS_PATH = 'e2e-content/errors';

function node(name, type, typeVersion, position, parameters, extra = {}) {
	return { id: `${name.replace(/\W/g, '').toLowerCase()}-0000-4000-8000-000000000000`.slice(0, 36), name, type, typeVersion, position, parameters, ...extra };
}

/**
 * POST <path> with a JSON body → Content Adapter (one operation) → all results as the answer.
 * `errorOutput`: the node is set to *On Error: Continue (using error output)* and only that
 * output (n8n adds it after Results and Report) is answered.
 */
function workflow(id, path, webhookId, adapterParameters, { errorOutput = false, options = {} } = {}) {
	const adapter = node('Content Adapter', `${runtime.PACKAGE_NAME}.contentAdapter`, 1, [250, 0], {
		...adapterParameters,
		options: { model: { __rl: true, mode: 'id', value: MODEL }, parallelCalls: 10, cachedEntriesField: 'body.cachedEntries', ...options },
	}, { credentials: { geminiApi: { id: runtime.CREDENTIALS.gemini.id, name: runtime.CREDENTIALS.gemini.name } }, ...(errorOutput ? { onError: 'continueErrorOutput' } : {}) });
	const respond = [{ node: 'Respond', type: 'main', index: 0 }];
	return {
		id,
		name: `e2e: Content Adapter ${path}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			node('Webhook', 'n8n-nodes-base.webhook', 2.1, [0, 0], { httpMethod: 'POST', path, responseMode: 'responseNode', options: {} }, { webhookId }),
			adapter,
			node('Respond', 'n8n-nodes-base.respondToWebhook', 1.5, [500, 0], { respondWith: 'allIncomingItems', options: {} }),
		],
		connections: {
			Webhook: { main: [[{ node: 'Content Adapter', type: 'main', index: 0 }]] },
			'Content Adapter': { main: errorOutput ? [[], [], respond] : [respond, []] },
		},
	};
}

let fake;
let n8n;
const logged = (fn) => printLogsOnFailure(() => n8n, fn);
const calls = () => fake.stats().byRoute.generateContent || 0;
const post = async (path, body) => await runtime.request(`${n8n.baseUrl}/webhook/${path}`, { method: 'POST', body });

beforeAll(async () => {
	fake = await startFakeGoogle({ latencyMs: 300, seed: 13, apiKeys: ['test-key'] });
	n8n = await startN8n({
		gemini: { apiKey: 'test-key', host: fake.url, requestsPerMinute: 0 },
		extraWorkflows: [
			workflow('e2eContentAdapt1', ADAPT_PATH, 'd5b3f9c2-8c5e-4e30-9c79-2e1f406b3c03', {
				operation: 'adaptToLanguages',
				text: '={{ $json.body.text }}',
				sourceLanguage: '={{ $json.body.sourceLanguage }}',
				targetLanguages: '={{ $json.body.targetLanguages }}',
				title: '={{ $json.body.title }}',
			}),
			workflow('e2eContentVars01', VARIATIONS_PATH, 'e6c4a0d3-9d6f-4f41-8d8a-3f2a517c4d04', {
				operation: 'generateVariations',
				title: '={{ $json.body.title }}',
				language: 'pt-BR',
				masterScript: '',
				variations: '={{ $json.body.variations }}',
			}),
			workflow(
				'e2eContentErrs01',
				ERRORS_PATH,
				'f7d5b1e4-ae70-4052-9e9b-4a3b628d5e05',
				{
					operation: 'adaptToLanguages',
					text: '={{ $json.body.text }}',
					sourceLanguage: 'pt-BR',
					targetLanguages: '={{ $json.body.targetLanguages }}',
				},
				{ errorOutput: true, options: { maxAttempts: 1 } },
			),
		],
	});
}, 900_000);

afterAll(async () => {
	await stopN8n(n8n);
	if (fake) await fake.close();
}, 60_000);

const SOURCE = C.scriptText(C.mulberry32(21), 'pt-BR', 120, { exact: true });

test(
	'adapts into three languages in parallel; the identical request again is answered from the cache',
	logged(async () => {
		const body = { text: SOURCE, sourceLanguage: 'pt-BR', targetLanguages: 'en-US, es-MX, fr-FR', title: 'Guardar dinheiro' };
		fake.reset();
		const before = calls();
		const first = await post(ADAPT_PATH, body);
		expect(first.status).toBe(200);
		expect(first.json.map((r) => r.language)).toEqual(['en-US', 'es-MX', 'fr-FR']);
		for (const result of first.json) {
			expect(result).toMatchObject({ sourceLanguage: 'pt-BR', cached: false, lengthOutOfTolerance: false });
			expect(result.text).toEqual(expect.any(String));
			expect(result.cacheEntry.key).toMatch(/^[0-9a-f]{40}$/);
		}
		expect(calls() - before).toBe(3);
		// The three calls (300 ms each) ran side by side, not one after another: the fake saw
		// them in flight at once. (Counted by the fake, not timed, so a slow machine cannot fail it.)
		expect(fake.stats().maxConcurrencySeen).toBeGreaterThanOrEqual(3);

		const second = await post(ADAPT_PATH, body);
		expect(second.json.map((r) => r.cached)).toEqual([true, true, true]);
		expect(second.json.map((r) => r.text)).toEqual(first.json.map((r) => r.text));
		expect(calls() - before).toBe(3);
	}),
);

test(
	'entries handed in (as a workflow hands in Data table rows) answer a request this process never saw',
	logged(async () => {
		// A row as another worker (or this one before a restart) stored it: keyed the node's own way.
		const { cacheKey, textHash } = require(`${runtime.REPO_ROOT}/dist/nodes/ContentAdapter/engine/cache`);
		const text = C.scriptText(C.mulberry32(22), 'pt-BR', 80, { exact: true });
		const stored = C.scriptText(C.mulberry32(23), 'es-ES', 80, { exact: true });
		const keyFor = (title) =>
			cacheKey(
				'adaptation',
				{ title, source: textHash(text), sourceLanguage: 'pt-BR', language: 'es-ES', tolerance: 0.15 },
				{ model: MODEL, temperature: 0.8, topP: 0.95, maxOutputTokens: 8192 },
			);
		const key = keyFor('Fora da memória');
		const row = { key, value: JSON.stringify({ text: stored, words: 80, model: MODEL }), createdAt: new Date().toISOString() };
		const body = { text, sourceLanguage: 'pt-BR', targetLanguages: 'es-ES', title: 'Fora da memória' };
		const before = calls();
		const res = await post(ADAPT_PATH, { ...body, cachedEntries: [{ key: 'other', value: '{}', createdAt: row.createdAt }, row] });
		expect(res.json[0]).toMatchObject({ language: 'es-ES', cached: true, text: stored });
		expect(calls() - before).toBe(0);
		// An expired row is not trusted: the text is written (1 call).
		const old = { ...row, key: keyFor('Fora da memória 2'), createdAt: new Date(Date.now() - 8 * 24 * 3600 * 1000).toISOString() };
		const fresh = await post(ADAPT_PATH, { ...body, title: 'Fora da memória 2', cachedEntries: [old] });
		expect(fresh.json[0].cached).toBe(false);
		expect(calls() - before).toBe(1);
	}),
);

test(
	'writes the master, then one variation per aspect, in one execution',
	logged(async () => {
		const before = calls();
		const res = await post(VARIATIONS_PATH, { title: 'Como sair das dívidas', variations: 3 });
		expect(res.status).toBe(200);
		expect(res.json.map((r) => r.aspect)).toEqual(['curiosity', 'practical', 'story']);
		expect(new Set(res.json.map((r) => r.masterHash)).size).toBe(1);
		expect(calls() - before).toBe(4);
	}),
);

test(
	'On Error: Continue (using error output): n8n moves a failed language to the error output, with its language inside error',
	logged(async () => {
		// fr-FR comes back in English: it fails the language check; the other language passes.
		fake.configure({
			generateJson: (schema, _body, rng) => {
				const req = C.contentRequest(schema);
				return { language: req.tag, text: C.scriptText(rng, req.tag === 'fr-FR' ? 'en-US' : req.tag, req.words) };
			},
		});
		try {
			const text = C.scriptText(C.mulberry32(24), 'pt-BR', 80, { exact: true });
			const res = await post(ERRORS_PATH, { text, targetLanguages: 'es-ES, fr-FR' });
			expect(res.status).toBe(200);
			// Only the error output is answered: the failed language alone, routed there by n8n
			// (which adds the input item's fields beside `error`).
			expect(res.json).toHaveLength(1);
			expect(res.json[0].error).toMatchObject({ language: 'fr-FR', sourceLanguage: 'pt-BR' });
			expect(res.json[0].error.message).toMatch(/French/);
			expect(res.json[0].body).toMatchObject({ targetLanguages: 'es-ES, fr-FR' });
		} finally {
			fake.configure({ generateJson: undefined });
		}
	}),
);
