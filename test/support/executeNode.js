// Runs one of our nodes in-process the way n8n's executor calls it: an IExecuteFunctions with
// real parameters, items, credentials, continueOnFail and the execution cancel signal, and
// helpers.httpRequest(WithAuthentication) that send real HTTP (fetch) to the local Google fake.
// Authentication is applied from the credential class's own `authenticate` definition, so a test
// also proves the credential sends the key where Google expects it.
'use strict';

// Jest compiles the TypeScript sources; benchmarks run plain node against the built dist/.
const ROOT = process.env.GEMINI_OPS_FROM_DIST ? '../../dist' : '../..';
const { GeminiApi } = require(`${ROOT}/credentials/GeminiApi.credentials`);
const { GoogleCloudTtsApi } = require(`${ROOT}/credentials/GoogleCloudTtsApi.credentials`);

const CREDENTIAL_CLASSES = { geminiApi: GeminiApi, googleCloudTtsApi: GoogleCloudTtsApi };

function readPath(source, path) {
	return path.split('.').reduce((value, key) => (value == null ? undefined : value[key]), source);
}

function resolveExpression(template, credentials) {
	return String(template).replace(/^=/, '').replace(/\{\{\s*\$credentials\??\.(\w+)\s*\}\}/g, (_, key) =>
		String(credentials[key] ?? ''),
	);
}

function applyAuthentication(type, credentials, options) {
	const Credential = CREDENTIAL_CLASSES[type];
	if (!Credential) throw new Error(`unknown credential type ${type}`);
	const { authenticate } = new Credential();
	const headers = { ...(options.headers || {}) };
	for (const [name, value] of Object.entries(authenticate.properties.headers || {})) {
		headers[name] = resolveExpression(value, credentials);
	}
	return { ...options, headers };
}

/** Mimics n8n's axios-based helper closely enough for our transport: same options, same errors. */
async function httpRequest(options) {
	const url = new URL(options.url);
	for (const [key, value] of Object.entries(options.qs || {})) url.searchParams.set(key, String(value));
	const controller = new AbortController();
	const timers = [];
	if (options.timeout) {
		timers.push(setTimeout(() => controller.abort(Object.assign(new Error('timeout'), { timeout: true })), options.timeout));
	}
	const onAbort = () => controller.abort(options.abortSignal.reason);
	if (options.abortSignal) {
		if (options.abortSignal.aborted) onAbort();
		else options.abortSignal.addEventListener('abort', onAbort, { once: true });
	}
	const headers = { ...(options.headers || {}) };
	let body;
	if (options.body !== undefined) {
		body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
		headers['content-type'] = headers['content-type'] || 'application/json';
	}
	try {
		const response = await fetch(url, { method: options.method || 'GET', headers, body, signal: controller.signal });
		const text = await response.text();
		let parsed = text;
		if (options.json !== false) {
			try {
				parsed = text === '' ? undefined : JSON.parse(text);
			} catch {
				parsed = text;
			}
		}
		const responseHeaders = Object.fromEntries(response.headers.entries());
		if (response.status >= 400 && !options.ignoreHttpStatusErrors) {
			const error = new Error(`Request failed with status code ${response.status}`);
			error.httpCode = String(response.status);
			error.response = { status: response.status, headers: responseHeaders, data: parsed };
			throw error;
		}
		return options.returnFullResponse
			? { body: parsed, headers: responseHeaders, statusCode: response.status, statusMessage: response.statusText }
			: parsed;
	} catch (error) {
		if (controller.signal.aborted) {
			const reason = controller.signal.reason;
			if (reason && reason.timeout) {
				throw Object.assign(new Error(`timeout of ${options.timeout}ms exceeded`), { code: 'ECONNABORTED' });
			}
			throw Object.assign(new Error('canceled'), { code: 'ERR_CANCELED', name: 'CanceledError' });
		}
		const code = error.cause && error.cause.code;
		if (code) throw Object.assign(new Error(`${code}: ${error.cause.message}`), { code });
		throw error;
	} finally {
		timers.forEach(clearTimeout);
		if (options.abortSignal) options.abortSignal.removeEventListener('abort', onAbort);
	}
}

/**
 * @param {object} NodeClass the node class (e.g. MissionGenerator)
 * @param {object} run
 * @param {object|function} run.parameters node parameters, or (itemIndex) => parameters
 * @param {Array<object>} [run.items] input items' json (default one empty item)
 * @param {object} [run.credentials] e.g. { geminiApi: { apiKey, host } }
 * @param {boolean} [run.continueOnFail]
 * @param {AbortSignal} [run.signal] the execution cancel signal
 */
async function executeNode(NodeClass, run) {
	const node = new NodeClass();
	const items = (run.items || [{}]).map((json) => ({ json }));
	const credentials = run.credentials || {};
	const logs = [];
	const httpCalls = [];
	const parametersFor = (itemIndex) =>
		typeof run.parameters === 'function' ? run.parameters(itemIndex) : run.parameters || {};
	const nodeInfo = {
		id: 'node-under-test',
		name: node.description.defaults.name,
		type: `n8n-nodes-gemini-ops.${node.description.name}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: parametersFor(0),
		// What the workflow selected; `run.nodeCredentials` can select one that does not load.
		credentials:
			run.nodeCredentials ||
			Object.fromEntries(Object.keys(credentials).map((type) => [type, { id: '1', name: type }])),
	};
	const logger = Object.fromEntries(
		['debug', 'info', 'warn', 'error'].map((level) => [level, (message, meta) => logs.push({ level, message, meta })]),
	);
	const ctx = {
		getNode: () => nodeInfo,
		getInputData: () => items,
		continueOnFail: () => Boolean(run.continueOnFail),
		getExecutionCancelSignal: () => run.signal,
		onExecutionCancellation: () => {},
		logger,
		// Load-options methods read the parameters being edited (e.g. a voice list by language).
		getCurrentNodeParameter: (name) => readPath(parametersFor(0), name),
		getNodeParameter(name, itemIndex, fallback, options) {
			let value = readPath(parametersFor(itemIndex), name);
			if (value === undefined) value = fallback;
			if (options && options.extractValue && value && typeof value === 'object' && 'value' in value) {
				value = value.value;
			}
			return value;
		},
		async getCredentials(type) {
			if (!credentials[type]) throw new Error(`Node does not have any credentials set for "${type}"`);
			return { ...credentials[type] };
		},
		helpers: {
			// Like n8n's in-memory binary mode: the file travels base64-encoded in the item.
			async prepareBinaryData(data, fileName, mimeType) {
				const extension = fileName && fileName.includes('.') ? fileName.split('.').pop() : undefined;
				return { data: Buffer.from(data).toString('base64'), mimeType, fileName, fileExtension: extension, fileSize: `${data.length} B` };
			},
			async httpRequest(options) {
				httpCalls.push({ url: options.url, method: options.method });
				return await httpRequest(options);
			},
			async httpRequestWithAuthentication(type, options) {
				httpCalls.push({ url: options.url, method: options.method, credentialType: type });
				// As n8n 2.41 does (n8n-core request-helpers/authentication.js): the request gets the
				// execution's cancel signal in place of whatever abortSignal the node passed, so a node
				// cannot rely on its own abort reaching the socket.
				const asN8nSends = { ...options, abortSignal: run.signal };
				return await httpRequest(applyAuthentication(type, credentials[type] || {}, asN8nSends));
			},
		},
	};
	if (run.method) {
		// Load-options / list-search methods get the same context (they only use a subset).
		const [kind, name] = run.method;
		return { result: await node.methods[kind][name].call(ctx, ...(run.args || [])), logs, httpCalls };
	}
	const output = await node.execute.call(ctx);
	return { output, logs, httpCalls };
}

module.exports = { executeNode, httpRequest };
