'use strict';
// The Text to Speech node inside a real n8n 2.41.1 with the packed package installed: a test-only
// workflow (webhook → Text to Speech → Respond with the audio binary), the local Google fake for
// Cloud TTS and Gemini TTS. Proves the node's binary output goes through n8n's own binary data
// handling (filesystem or memory) and arrives as one playable file, long text included.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startFakeGoogle } = require('../support/fakeGoogle');
const { runtime, startN8n, stopN8n, printLogsOnFailure } = require('../support/n8n');

jest.setTimeout(120_000);

function node(name, type, typeVersion, position, parameters, extra = {}) {
	return { id: `${name.replace(/\W/g, '').toLowerCase()}-0000-4000-8000-000000000000`.slice(0, 36), name, type, typeVersion, position, parameters, ...extra };
}

/** POST <path> {text} → Text to Speech → the audio as the HTTP answer (or the report on failure). */
function workflow(id, hookPath, webhookId, ttsParameters, credentials) {
	return {
		id,
		name: `e2e: Text to Speech ${hookPath}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			node('Webhook', 'n8n-nodes-base.webhook', 2.1, [0, 0], { httpMethod: 'POST', path: hookPath, responseMode: 'responseNode', options: {} }, { webhookId }),
			node('Text to Speech', `${runtime.PACKAGE_NAME}.textToSpeech`, 1, [250, 0], ttsParameters, { credentials }),
			node('Respond', 'n8n-nodes-base.respondToWebhook', 1.5, [500, 0], { respondWith: 'binary', inputDataFieldName: 'audio', options: {} }),
		],
		connections: {
			Webhook: { main: [[{ node: 'Text to Speech', type: 'main', index: 0 }]] },
			'Text to Speech': { main: [[{ node: 'Respond', type: 'main', index: 0 }], []] },
		},
	};
}

const cred = (key) => ({ id: runtime.CREDENTIALS[key].id, name: runtime.CREDENTIALS[key].name });
let fake;
let n8n;
const logged = (fn) => printLogsOnFailure(() => n8n, fn);

/** POSTs and returns the raw answer bytes (the harness's request helper reads text). */
async function postForAudio(hookPath, body) {
	const res = await fetch(`${n8n.baseUrl}/webhook/${hookPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}

/** Duration in seconds as ffprobe decodes the whole file (not from headers). */
function decodedSeconds(bytes, extension) {
	const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tts-e2e-')), `audio.${extension}`);
	fs.writeFileSync(file, bytes);
	const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { encoding: 'utf8' });
	return Number(out.trim());
}

beforeAll(async () => {
	fake = await startFakeGoogle({ latencyMs: 100, seed: 5, apiKeys: ['test-key'] });
	n8n = await startN8n({
		gemini: { apiKey: 'test-key', host: fake.url, requestsPerMinute: 0 },
		tts: { apiKey: 'test-key', host: fake.url, requestsPerMinute: 0 },
		extraWorkflows: [
			workflow('e2eTtsCloud00001', 'e2e-tts/cloud', 'f1a2b3c4-0d1e-4f20-8a31-4b5c6d7e8f90', {
				provider: 'googleCloud',
				text: '={{ $json.body.text }}',
				languageCode: 'pt-BR',
				audioEncoding: 'mp3',
				options: { parallelCalls: 3 },
			}, { googleCloudTtsApi: cred('tts') }),
			workflow('e2eTtsGemini0001', 'e2e-tts/gemini', 'a9b8c7d6-1e2f-4a30-9b41-5c6d7e8f9a01', {
				provider: 'gemini',
				text: '={{ $json.body.text }}',
				options: {},
			}, { geminiApi: cred('gemini') }),
		],
	});
}, 900_000);

afterAll(async () => {
	await stopN8n(n8n);
	if (fake) await fake.close();
}, 60_000);

const SENTENCE = 'Economizar é um hábito que se constrói com pequenas escolhas diárias, não com sacrifícios. ';

test(
	'Cloud TTS: a text past 5,000 bytes becomes several requests and one MP3 that decodes to the end',
	logged(async () => {
		fake.reset();
		const text = SENTENCE.repeat(90); // ~8,600 bytes in UTF-8: two or more chunks
		const answer = await postForAudio('e2e-tts/cloud', { text });
		expect(answer.status).toBe(200);
		expect(answer.type).toMatch(/audio\/mpeg/);
		const requests = fake.stats().byRoute.synthesize || 0;
		expect(requests).toBeGreaterThanOrEqual(2);
		// The fake speaks ~15 characters a second: the joined file holds all of it, not one chunk.
		const seconds = decodedSeconds(answer.bytes, 'mp3');
		expect(seconds).toBeGreaterThan((text.length / 15) * 0.8);
	}),
);

test(
	'Gemini TTS: the default speech model answers, and the node delivers a playable WAV',
	logged(async () => {
		fake.reset();
		const answer = await postForAudio('e2e-tts/gemini', { text: 'Olá! Este é um teste de voz.' });
		expect(answer.status).toBe(200);
		expect(answer.type).toMatch(/audio\/(wav|x-wav|wave)/);
		expect(answer.bytes.subarray(0, 4).toString('ascii')).toBe('RIFF');
		// One RIFF header only: a WAV answer is never wrapped twice.
		expect(answer.bytes.indexOf(Buffer.from('RIFF'), 4)).toBe(-1);
		expect(decodedSeconds(answer.bytes, 'wav')).toBeGreaterThan(0.5);
	}),
);
