'use strict';
// What the issue workflow e2e suites (one process, queue mode) share: the deterministic stand-in
// for the model, the operator's one-time edit of a workflow's "Settings" node, and (one process)
// the whole setup: Google fake, messaging gateway fake, n8n started and its issue workflows set.
const { startFakeGoogle } = require('./fakeGoogle');
const { startFakeGateway } = require('./fakeGateway');
const { runtime, startN8n, stopN8n, printLogsOnFailure } = require('./n8n');

/** The same deterministic stand-in for the model as the unit tests: priority from the words. */
function modelAnswer(schema, body) {
	const prompt = body.contents[0].parts[0].text;
	const title = (/Title: (.*)/.exec(prompt) || [])[1] || '';
	const p = prompt.toLowerCase();
	const priority = /down|fora do ar|outage/.test(p) ? 'critical' : /error|erro|cannot/.test(p) ? 'high' : /question|how do/.test(p) ? 'low' : 'medium';
	const long = /long answer/.test(p);
	const reply = long
		? Array.from({ length: 30 }, (_, i) => `Step ${i + 1} of the fix for ${title} is explained in this sentence.`).join(' ')
		: `Answer about ${title}. We are looking into it now.`;
	return {
		priority,
		category: /pay|charge|pagamento/.test(p) ? 'billing' : 'technical',
		sentiment: 'neutral',
		language: 'en',
		confidence: 0.9,
		summary: `Summary of ${title}`,
		reply,
		autoResolvable: priority === 'low',
		escalate: priority === 'critical',
		escalationReason: priority === 'critical' ? 'Outage' : '',
	};
}

/**
 * What an operator does once after importing: fields of the "Settings" node (or `nodeName`: gateway address,
 * resolve endpoint), through n8n's REST API of `instance` (a started n8n or a queue cluster's
 * main), then published again.
 */
async function configureSettings(instance, fileName, values, nodeName = 'Settings') {
	const [shipped] = runtime.prepareWorkflows({ files: [`${runtime.WORKFLOWS_DIR}/${fileName}`] });
	const current = await instance.rest.call('GET', `/workflows/${shipped.id}`);
	const nodes = current.nodes.map((node) => {
		if (node.name !== nodeName) return node;
		const assignments = node.parameters.assignments.assignments.map((a) => (a.name in values ? { ...a, value: values[a.name] } : a));
		return { ...node, parameters: { ...node.parameters, assignments: { assignments } } };
	});
	const updated = await instance.rest.call('PATCH', `/workflows/${shipped.id}`, { nodes, connections: current.connections, versionId: current.versionId });
	await instance.rest.call('POST', `/workflows/${shipped.id}/activate`, { versionId: updated.versionId });
}

/** Polls `probe` (every 250 ms) until it returns something truthy; that value, or a timeout error naming `what`. */
async function waitFor(what, probe, timeoutMs = 90_000) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const value = await probe();
		if (value) return value;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	throw new Error(`timed out waiting for ${what}`);
}

/**
 * The issue workflows in one started n8n, for a Jest suite: registers its beforeAll/afterAll
 * (Google fake answering with `modelAnswer`, a fake messaging gateway, n8n, both workflows'
 * Settings pointed at the gateway) and returns what the tests call. `fake`, `gateway` and `n8n`
 * are getters: they exist once beforeAll ran.
 * @param {object} options
 * @param {string} options.gatewayKey the gateway's API key (GATEWAY_API_KEY while the suite runs)
 * @param {number} options.latencyMs the fake model's latency per call
 * @param {number} options.seed the Google fake's seed
 * @param {object} [options.autoResponse] further Settings of issues-auto-response.json (gatewayUrl is set)
 * @param {number} [options.postTimeoutMs] per webhook call
 * @param {{id: string, event: string, phone: string, title: string, body: string}} options.issues
 *   what `issue()` makes: ids `${id}-n`, event ids `${event}-n-…`, phones `${phone}0000n`, titles `${title} n`
 */
function useIssueWorkflows({ gatewayKey, latencyMs, seed, autoResponse = {}, postTimeoutMs = 60_000, issues }) {
	let fake;
	let gateway;
	let n8n;
	let counter = 0;

	beforeAll(async () => {
		fake = await startFakeGoogle({ latencyMs, seed, apiKeys: ['test-key'], generateJson: modelAnswer });
		gateway = await startFakeGateway({ apiKey: gatewayKey });
		process.env.GATEWAY_API_KEY = gatewayKey;
		n8n = await startN8n({ gemini: { apiKey: 'test-key', host: fake.url, requestsPerMinute: 0 } });
		await configureSettings(n8n, 'issues-auto-response.json', { gatewayUrl: gateway.url, ...autoResponse });
		await configureSettings(n8n, 'issues-auto-resolve.json', { resolveUrl: `${gateway.url}/issues/resolve` });
	}, 900_000);

	afterAll(async () => {
		delete process.env.GATEWAY_API_KEY;
		await stopN8n(n8n);
		if (gateway) await gateway.close();
		if (fake) await fake.close();
	}, 60_000);

	const secret = () => ({ [runtime.WEBHOOK_SECRET_HEADER]: n8n.webhookSecret });
	const hook = (p) => `${n8n.baseUrl}/webhook/${p}`;
	return {
		get fake() {
			return fake;
		},
		get gateway() {
			return gateway;
		},
		get n8n() {
			return n8n;
		},
		/** A test whose failure prints the tail of n8n's log. */
		logged: (fn) => printLogsOnFailure(() => n8n, fn),
		secret,
		hook,
		post: (p, body, headers = secret()) => runtime.request(hook(p), { method: 'POST', headers, body, timeoutMs: postTimeoutMs }),
		/** A new valid issue (its own id, event and phone), `extra` on top. */
		issue: (extra = {}) => {
			counter++;
			const { id, event, phone, title, body } = issues;
			return { id: `${id}-${counter}`, eventId: `${event}-${counter}-${Date.now()}`, title: `${title} ${counter}`, body, customer: { name: 'Ana Souza', phone: `${phone}${String(counter).padStart(5, '0')}` }, channel: 'whatsapp', ...extra };
		},
		waitFor,
	};
}

module.exports = { modelAnswer, configureSettings, useIssueWorkflows, waitFor };
