'use strict';
// Loopback HTTP: a small request helper, free ports, and n8n's REST API as the owner.
const http = require('node:http');
const net = require('node:net');

const HTTP_TIMEOUT_MS = 30_000;

function request(url, { method = 'GET', headers = {}, body, timeoutMs = HTTP_TIMEOUT_MS } = {}) {
	return new Promise((resolve, reject) => {
		// A string or Buffer is sent as is (e.g. bytes no JSON serialiser would produce), anything else as JSON.
		const payload = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
		const req = http.request(
			url,
			{
				method,
				headers: {
					...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
					...headers,
				},
				timeout: timeoutMs,
				// A fresh connection each time: Node's default agent keeps sockets alive, and one that n8n
				// closed after its 5 s keep-alive while a test was busy fails the next request with
				// "socket hang up" before n8n sees it. Loopback connections cost nothing.
				agent: false,
			},
			(res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let json;
					try {
						json = text ? JSON.parse(text) : undefined;
					} catch {
						json = undefined;
					}
					resolve({ status: res.statusCode, headers: res.headers, text, json });
				});
			},
		);
		req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`)));
		req.on('error', reject);
		if (payload !== undefined) req.write(payload);
		req.end();
	});
}

function isPortFree(port, host = '127.0.0.1') {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, host, () => server.close(() => resolve(true)));
	});
}

function freePort(host = '127.0.0.1') {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, host, () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/** Minimal n8n REST client: cookie login as the owner, then JSON calls under /rest. */
class RestClient {
	constructor(baseUrl) {
		this.baseUrl = baseUrl;
		this.cookie = '';
	}

	async login(email, password) {
		const res = await request(`${this.baseUrl}/rest/login`, {
			method: 'POST',
			body: { emailOrLdapLoginId: email, password },
		});
		if (res.status !== 200) throw new Error(`n8n login failed: HTTP ${res.status} ${res.text}`);
		const setCookie = [].concat(res.headers['set-cookie'] || []);
		this.cookie = setCookie.map((c) => c.split(';')[0]).join('; ');
		return res.json.data;
	}

	async call(method, route, body) {
		const res = await request(`${this.baseUrl}/rest${route}`, { method, body, headers: { cookie: this.cookie } });
		if (res.status < 200 || res.status >= 300) {
			throw new Error(`n8n REST ${method} ${route} failed: HTTP ${res.status} ${res.text}`);
		}
		return res.json?.data;
	}
}

module.exports = { request, isPortFree, freePort, RestClient };
