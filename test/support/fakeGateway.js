'use strict';
// A fake messaging gateway on loopback, shaped like the Evolution API WhatsApp instance of seed
// 004: POST /message/sendText/{instance} with an `apikey` header and {number, text}. It also
// takes the resolve endpoint the auto-resolve workflow calls (POST /issues/resolve). Everything
// received is recorded with its arrival time; the key is checked but never recorded.
//
//   const gateway = await startFakeGateway({ apiKey, latencyMs, failRate });
//   gateway.url / messages() / resolved() / refusals() / configure(partial) / reset() / close()
//
// Faults, for the send and resolve retries (each refusal answers `status`, 503 by default, with
// `Retry-After: retryAfter` seconds when given, and is recorded in refusals()):
//   gateway.failNext(3, { retryAfter: 1 })        the next 3 sends are refused
//   gateway.failFor(10_000)                        every send is refused for the next 10 s
//   gateway.refuse((m) => m.text.startsWith('Step 3'), 2)   that message, the next 2 times it comes
//   gateway.failResolve(2)                         the next 2 resolve calls are refused
// Every accepted message carries `seq`, its place in the order of arrival.
const http = require('node:http');

const DEFAULTS = { apiKey: 'gateway-test-key', latencyMs: 0, failRate: 0, seed: 1 };

function startFakeGateway(options = {}) {
	const opts = { ...DEFAULTS, ...options };
	let messages = [];
	let resolved = [];
	let rejected = 0;
	let counter = 0;
	let seq = 0;
	let faults = { next: 0, until: 0, rules: [], resolveNext: 0, answer: {}, resolveAnswer: {} };
	let refusals = [];
	const timers = new Set();
	// A deterministic sequence, so a failure rate gives the same failures on every run.
	const random = () => {
		counter++;
		const x = Math.sin(opts.seed * 9973 + counter) * 10000;
		return x - Math.floor(x);
	};

	const reply = (res, status, body) => {
		if (res.destroyed) return;
		const text = JSON.stringify(body);
		res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
		res.end(text);
	};

	/** The fault that refuses this message, or null: a rule about the message first, then "next N", then the time window. */
	const sendFault = (message) => {
		const rule = faults.rules.find((r) => r.times > 0 && r.match(message));
		if (rule) {
			rule.times--;
			return rule.answer;
		}
		if (faults.next > 0) {
			faults.next--;
			return faults.answer;
		}
		return Date.now() < faults.until ? faults.answer : null;
	};
	const refuse = (res, answer, record) => {
		refusals.push({ ...record, status: answer.status || 503 });
		if (res.destroyed) return;
		const text = JSON.stringify({ error: 'gateway busy, try again later' });
		const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
		if (answer.retryAfter !== undefined) headers['retry-after'] = String(answer.retryAfter);
		res.writeHead(answer.status || 503, headers);
		res.end(text);
	};

	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			const receivedAt = Date.now();
			let body;
			try {
				body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
			} catch {
				return reply(res, 400, { error: 'invalid JSON' });
			}
			const send = req.method === 'POST' && /^\/message\/sendText\/([^/?]+)$/.exec(req.url);
			// Only the messaging API takes the key; the resolve endpoint stands for another service.
			if (send && req.headers.apikey !== opts.apiKey) {
				rejected++;
				return reply(res, 401, { error: 'Unauthorized' });
			}
			const respond = () => {
				if (send) {
					if (typeof body.number !== 'string' || typeof body.text !== 'string' || body.text === '') {
						return reply(res, 400, { error: 'number and text are required' });
					}
					if (random() < opts.failRate) return reply(res, 503, { error: 'gateway busy' });
					const message = { instance: decodeURIComponent(send[1]), number: body.number, text: body.text, receivedAt };
					const fault = sendFault(message);
					if (fault) return refuse(res, fault, { ...message, kind: 'send' });
					message.seq = ++seq;
					messages.push(message);
					return reply(res, 201, { key: { id: `msg-${messages.length}` }, status: 'PENDING' });
				}
				if (req.method === 'POST' && req.url === '/issues/resolve') {
					if (faults.resolveNext > 0) {
						faults.resolveNext--;
						return refuse(res, faults.resolveAnswer, { ...body, receivedAt, kind: 'resolve' });
					}
					resolved.push({ ...body, receivedAt });
					return reply(res, 200, { ok: true });
				}
				return reply(res, 404, { error: 'not found' });
			};
			if (!(opts.latencyMs > 0)) return respond();
			const timer = setTimeout(() => {
				timers.delete(timer);
				respond();
			}, opts.latencyMs);
			timers.add(timer);
		});
	});

	const gateway = {
		url: '',
		messages: () => messages.map((m) => ({ ...m })),
		resolved: () => resolved.map((r) => ({ ...r })),
		rejected: () => rejected,
		refusals: () => refusals.map((r) => ({ ...r })),
		failNext(count, answer = {}) {
			faults.next = count;
			faults.answer = answer;
			return gateway;
		},
		failFor(ms, answer = {}) {
			faults.until = Date.now() + ms;
			faults.answer = answer;
			return gateway;
		},
		refuse(match, times = 1, answer = {}) {
			faults.rules.push({ match, times, answer });
			return gateway;
		},
		failResolve(count, answer = {}) {
			faults.resolveNext = count;
			faults.resolveAnswer = answer;
			return gateway;
		},
		configure(partial) {
			Object.assign(opts, partial);
			return gateway;
		},
		reset() {
			messages = [];
			resolved = [];
			rejected = 0;
			refusals = [];
			faults = { next: 0, until: 0, rules: [], resolveNext: 0, answer: {}, resolveAnswer: {} };
			return gateway;
		},
		close() {
			for (const timer of timers) clearTimeout(timer);
			return new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		},
	};
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.port || 0, '127.0.0.1', () => {
			gateway.url = `http://127.0.0.1:${server.address().port}`;
			resolve(gateway);
		});
	});
}

module.exports = { startFakeGateway };
