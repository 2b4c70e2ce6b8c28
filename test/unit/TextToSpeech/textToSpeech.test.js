'use strict';
// Text to Speech node (issue #9) inside one process against the local Google fake over real
// HTTP. Only `sleep` is sped up (backoff waits). Joined audio is decoded to the end by ffmpeg.
jest.mock('n8n-workflow', () => require('../../support/fastSleep').withFastSleep());

const { startFakeGoogle, NO_FAULTS } = require('../../support/fakeGoogle');
const { executeNode } = require('../../support/executeNode');
const audio = require('../../support/audio');
const { TextToSpeech } = require('../../../nodes/TextToSpeech/TextToSpeech.node');
const { DEFAULT_TTS_MODEL } = require('../../../nodes/shared/gemini/catalog');
const { utf8Bytes } = require('../../../nodes/shared/text/split');

const API_KEY = 'tts-key-SECRET-98765';
// Ten times faster than real speech keeps the audio of long texts small and the tests quick.
const CHARS_PER_SECOND = 150;
let fake;

beforeAll(async () => {
	fake = await startFakeGoogle({ apiKeys: [API_KEY], seed: 9, ttsCharsPerSecond: CHARS_PER_SECOND });
});
afterAll(async () => {
	await fake.close();
});
beforeEach(() => {
	fake.reset();
	fake.configure({ latencyMs: 0, latencyJitter: 0, maxConcurrency: 0, faults: NO_FAULTS, rpmPerKey: 0 });
});

const cloud = () => ({ googleCloudTtsApi: { apiKey: API_KEY, host: fake.url } });
const gemini = () => ({ geminiApi: { apiKey: API_KEY, host: fake.url } });
const SENTENCE = 'A educação financeira começa com pequenas ações diárias, e você já está no caminho certo. ';
/** Whole sentences, at least `characters` long. */
const longText = (characters) => SENTENCE.repeat(Math.ceil(characters / SENTENCE.length)).trim();
const binaryOf = (item, field = 'audio') => Buffer.from(item.binary[field].data, 'base64');
const synthRequests = () => fake.stats().requests.filter((r) => r.route === 'synthesize');
/** Seconds the fake speaks for one request's text (what each chunk contributes). */
const fakeSeconds = (text, rate = 1) => Math.max(0.25, text.replace(/<[^>]*>/g, '').length / CHARS_PER_SECOND / rate);

function cloudParameters(extra = {}) {
	return { provider: 'googleCloud', text: 'Olá! Bem-vindo.', textFormat: 'text', languageCode: 'pt-BR', voice: { mode: 'list', value: '' }, audioEncoding: 'mp3', ...extra };
}

describe('Google Cloud Text-to-Speech', () => {
	test.each([
		['mp3', 'audio/mpeg', 'mp3'],
		['oggOpus', 'audio/ogg', 'ogg'],
		['linear16', 'audio/wav', 'wav'],
	])('long text (%s): chunks of ≤ 5000 UTF-8 bytes at sentence ends, joined into one file that decodes to the end', async (encoding, mimeType, extension) => {
		const text = longText(12000);
		const { output } = await executeNode(TextToSpeech, {
			parameters: cloudParameters({ text, audioEncoding: encoding, title: 'Lição Um', voice: { mode: 'list', value: 'pt-BR-Neural2-A' } }),
			credentials: cloud(),
		});
		const [items, reports] = output;
		const requests = synthRequests();
		expect(requests.length).toBeGreaterThanOrEqual(3);
		for (const request of requests) {
			expect(utf8Bytes(request.body.input.text)).toBeLessThanOrEqual(5000);
			expect(request.body.input.text).toMatch(/[.!?]$/);
		}
		expect(requests.map((r) => r.body.input.text).join(' ')).toBe(text);
		const { json } = items[0];
		expect(json).toMatchObject({ provider: 'googleCloud', voice: 'pt-BR-Neural2-A', languageCode: 'pt-BR', mimeType, chunkCount: requests.length, title: 'Lição Um' });
		expect(json.fileName).toBe(`licao-um-pt-br-neural2-a.${extension}`);
		expect(items[0].binary.audio).toMatchObject({ mimeType, fileName: json.fileName });
		const file = binaryOf(items[0]);
		expect(json.fileSize).toBe(file.length);
		const decoded = audio.decode(file, extension);
		expect(decoded.errors).toBe('');
		expect(decoded.seconds).toBeCloseTo(json.durationSeconds, 1);
		const expected = requests.reduce((s, r) => s + fakeSeconds(r.body.input.text), 0);
		expect(Math.abs(decoded.seconds - expected)).toBeLessThan(0.1 * requests.length);
		expect(reports[0].json).toMatchObject({ provider: 'googleCloud', chunkCount: requests.length, apiCalls: requests.length + 1, retries: 0, failedCalls: 0, fallbackUsed: false });
		expect(items[0].pairedItem).toEqual({ item: 0 });
	});

	test('speaking rate, pitch and volume are sent; neutral values are left out', async () => {
		await executeNode(TextToSpeech, { parameters: cloudParameters({ audioOptions: { speakingRate: 1.25, pitch: -2, volumeGainDb: 3, sampleRateHertz: 44100 } }), credentials: cloud() });
		await executeNode(TextToSpeech, { parameters: cloudParameters({ audioOptions: { speakingRate: 1, pitch: 0, volumeGainDb: 0 } }), credentials: cloud() });
		const [tuned, neutral] = synthRequests();
		expect(tuned.body.audioConfig).toEqual({ audioEncoding: 'MP3', speakingRate: 1.25, pitch: -2, volumeGainDb: 3, sampleRateHertz: 44100 });
		expect(neutral.body.audioConfig).toEqual({ audioEncoding: 'MP3' });
		expect(neutral.body.voice).toEqual({ languageCode: 'pt-BR' });
	});

	test('SSML is split between top-level elements and sent as ssml', async () => {
		const paragraphs = Array.from({ length: 70 }, (_, i) => `<p>${i}. ${SENTENCE.trim()}</p>`);
		const ssml = `<speak>${paragraphs.join('')}</speak>`;
		const { output } = await executeNode(TextToSpeech, { parameters: cloudParameters({ text: ssml, textFormat: 'ssml' }), credentials: cloud() });
		const requests = synthRequests();
		expect(requests.length).toBeGreaterThan(1);
		for (const r of requests) expect(r.body.input.ssml).toMatch(/^<speak>(<p>[^<]*<\/p> ?)+<\/speak>$/);
		expect(output[0][0].json.chunkCount).toBe(requests.length);
	});

	test('the voice list comes from the voices API, filtered by the Language Code', async () => {
		const { result } = await executeNode(TextToSpeech, { method: ['listSearch', 'searchCloudVoices'], parameters: { languageCode: 'es-ES' }, credentials: cloud() });
		expect(result.results.length).toBeGreaterThan(3);
		expect(result.results.every((r) => r.value.startsWith('es-ES-'))).toBe(true);
		expect(result.results[0].name).toMatch(/^es-ES-\w+-[A-D] \((female|male), \w+\)$/);
		expect(fake.stats().requests[0].path).toBe('/v1/voices?languageCode=es-ES');
	});
});

describe('Gemini TTS', () => {
	const PREVIEW_TTS = 'gemini-2.5-flash-preview-tts';
	const geminiParameters = (extra = {}) => ({ provider: 'gemini', text: 'Tenha um ótimo dia!', model: { mode: 'id', value: PREVIEW_TTS }, geminiVoice: 'Kore', speakers: 'auto', secondVoice: 'Puck', ...extra });
	const speechAnswer = (seconds) => ({ candidates: [{ content: { role: 'model', parts: [{ inlineData: { mimeType: 'audio/L16;codec=pcm;rate=24000', data: audio.pcm16(seconds).toString('base64') } }] }, finishReason: 'STOP' }] });

	test('an empty Model uses the catalog default speech model', async () => {
		fake.script(':generateContent', [{ status: 200, body: speechAnswer(0.5) }]);
		const { output } = await executeNode(TextToSpeech, { parameters: geminiParameters({ model: { mode: 'list', value: '' } }), credentials: gemini() });
		expect(fake.stats().requests[0].path).toBe(`/v1beta/models/${DEFAULT_TTS_MODEL}:generateContent`);
		expect(output[0][0].json.model).toBe(DEFAULT_TTS_MODEL);
	});

	test('raw PCM (audio/L16;codec=pcm;rate=24000) becomes one playable WAV; voice config and style instruction', async () => {
		const text = longText(9000);
		const { output } = await executeNode(TextToSpeech, { parameters: geminiParameters({ text, styleInstruction: 'Say cheerfully:' }), credentials: gemini() });
		const requests = fake.stats().requests.filter((r) => r.route === 'generateContent');
		expect(requests.length).toBe(3);
		for (const r of requests) {
			expect(r.path).toBe(`/v1beta/models/${PREVIEW_TTS}:generateContent`);
			expect(r.body.generationConfig).toEqual({ responseModalities: ['AUDIO'], speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } } });
			expect(r.body.contents[0].parts[0].text).toMatch(/^Say cheerfully: A educação/);
		}
		const { json } = output[0][0];
		expect(json).toMatchObject({ provider: 'gemini', model: PREVIEW_TTS, voice: 'Kore', mimeType: 'audio/wav', encoding: 'LINEAR16', chunkCount: 3 });
		const file = binaryOf(output[0][0]);
		expect(file.toString('latin1', 0, 4)).toBe('RIFF');
		expect(file.readUInt32LE(24)).toBe(24000);
		expect(file.indexOf('RIFF', 4)).toBe(-1);
		const decoded = audio.decode(file, 'wav');
		expect(decoded.seconds).toBeCloseTo(json.durationSeconds, 2);
		const expected = requests.reduce((s, r) => s + fakeSeconds(r.body.contents[0].parts[0].text), 0);
		expect(decoded.seconds).toBeCloseTo(expected, 1);
		expect(output[1][0].json.outputTokens).toBeGreaterThan(0);
	});

	test('a WAV answer (newer models) is not wrapped again', async () => {
		const pcm = audio.pcm16(1.2, 24000);
		const body = { candidates: [{ content: { role: 'model', parts: [{ inlineData: { mimeType: 'audio/wav', data: audio.wav(pcm).toString('base64') } }] }, finishReason: 'STOP' }] };
		fake.script(':generateContent', [{ status: 200, body }]);
		const { output } = await executeNode(TextToSpeech, { parameters: geminiParameters(), credentials: gemini() });
		const file = binaryOf(output[0][0]);
		expect(file.length).toBe(44 + pcm.length);
		expect(output[0][0].json.durationSeconds).toBeCloseTo(1.2, 2);
	});

	test('speaker labels make a two-voice dialogue; labels stay on every line', async () => {
		const text = 'Ana: Olá, Bruno! Como foi a semana?\nBruno: Foi ótima, Ana.\nAna: Que bom!';
		const { output } = await executeNode(TextToSpeech, { parameters: geminiParameters({ text, secondVoice: 'Charon' }), credentials: gemini() });
		const [request] = fake.stats().requests;
		expect(request.body.generationConfig.speechConfig).toEqual({
			multiSpeakerVoiceConfig: {
				speakerVoiceConfigs: [
					{ speaker: 'Ana', voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } },
					{ speaker: 'Bruno', voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Charon' } } },
				],
			},
		});
		expect(request.body.contents[0].parts[0].text).toBe(`Read aloud this conversation between Ana and Bruno:\n${text}`);
		expect(output[0][0].json.voice).toBe('Ana=Kore, Bruno=Charon');
	});

	test('three speakers is a clear error; One Voice reads the labels as text', async () => {
		const text = 'Ana: a.\nBruno: b.\nCarla: c.';
		const failed = await executeNode(TextToSpeech, { parameters: geminiParameters({ text }), credentials: gemini(), continueOnFail: true });
		expect(failed.output[0][0].json.error.message).toMatch(/3 speakers \(Ana, Bruno, Carla\); Gemini speaks at most two/);
		expect(fake.stats().calls).toBe(0);
		const single = await executeNode(TextToSpeech, { parameters: geminiParameters({ text, speakers: 'single' }), credentials: gemini() });
		expect(single.output[0]).toHaveLength(1);
		expect(fake.stats().requests[0].body.generationConfig.speechConfig.voiceConfig).toBeDefined();
	});
});

describe('the cap: at most N requests in flight across all items and chunks', () => {
	test.each([[3], [2]])('parallelCalls %i holds with many items of several chunks each', async (cap) => {
		// The fake answers 429 to any request beyond the cap, so a breach would show as retries.
		fake.configure({ latencyMs: 60, maxConcurrency: cap });
		const texts = Array.from({ length: 8 }, (_, i) => longText(i % 2 ? 11000 : 1500));
		const { output } = await executeNode(TextToSpeech, {
			parameters: (i) => cloudParameters({ text: texts[i], options: { parallelCalls: cap, parallelItems: 10, hedgeSlowCalls: false } }),
			items: texts.map((text) => ({ text })),
			credentials: cloud(),
		});
		const stats = fake.stats();
		expect(stats.maxConcurrencySeen).toBe(cap);
		expect(stats.byStatus[429]).toBeUndefined();
		expect(output[0]).toHaveLength(texts.length);
		expect(output[0].map((item) => item.pairedItem.item)).toEqual(texts.map((_, i) => i));
		expect(stats.byRoute.synthesize).toBe(output[0].reduce((s, item) => s + item.json.chunkCount, 0));
	});
});

describe('faults the fake injects: retried, and no item is lost', () => {
	const items = Array.from({ length: 12 }, (_, i) => ({ text: `${i}. ${longText(i % 3 === 0 ? 6000 : 400)}` }));
	const run = (provider, options) =>
		executeNode(TextToSpeech, {
			parameters: (i) => ({
				...(provider === 'gemini'
					? { provider: 'gemini', model: { mode: 'id', value: 'gemini-2.5-flash-preview-tts' }, geminiVoice: 'Puck', speakers: 'single' }
					: cloudParameters({ audioEncoding: 'oggOpus' })),
				text: items[i].text,
				options: { maxAttempts: 6, callTimeoutSeconds: 20, hedgeSlowCalls: false, ...options },
			}),
			items,
			credentials: provider === 'gemini' ? gemini() : cloud(),
			continueOnFail: true,
		});

	test.each([
		['googleCloud', { rate429: 0.25 }],
		['googleCloud', { rate500: 0.25 }],
		['googleCloud', { rate503: 0.25 }],
		['googleCloud', { rateMalformed: 0.25 }],
		['googleCloud', { rateHang: 0.2 }],
		['gemini', { rate429: 0.25 }],
		['gemini', { rate500: 0.25 }],
		['gemini', { rate503: 0.25 }],
		['gemini', { rateMalformed: 0.25 }],
		['gemini', { rateEmptyCandidates: 0.3 }],
		['gemini', { rateHang: 0.2 }],
	])('%s with %j', async (provider, faults) => {
		fake.configure({ faults: { ...NO_FAULTS, ...faults, retryAfterSeconds: 0, retryInfoDelay: '0s' } });
		// A hung request is only noticed by the per-call timeout: keep it short there.
		const { output } = await run(provider, faults.rateHang ? { callTimeoutSeconds: 2 } : {});
		const [audioItems, reports] = output;
		expect(audioItems.filter((item) => item.json.error).map((item) => item.json.error)).toEqual([]);
		expect(audioItems).toHaveLength(items.length);
		expect(reports).toHaveLength(items.length);
		expect(reports.every((r) => r.json.error === undefined)).toBe(true);
		expect(reports.reduce((s, r) => s + r.json.retries, 0)).toBeGreaterThan(0);
		expect(audioItems.map((item) => item.pairedItem.item)).toEqual(items.map((_, i) => i));
		for (const item of audioItems) expect(item.json.durationSeconds).toBeGreaterThan(0);
	}, 30000);

	test('when a chunk fails for good, the item fails clearly, its other chunks stop, and other items go on', async () => {
		fake.script('text:synthesize', [{ status: 400, message: 'Something is wrong with chunk one.' }]);
		const { output } = await executeNode(TextToSpeech, {
			parameters: (i) => cloudParameters({ text: i === 0 ? longText(30000) : 'Frase curta.', options: { parallelCalls: 1 } }),
			items: [{}, {}],
			credentials: cloud(),
			continueOnFail: true,
		});
		const [audioItems, reports] = output;
		expect(audioItems[0].json.error.message).toMatch(/HTTP 400/);
		expect(audioItems[0].json.error.description).toMatch(/Something is wrong with chunk one/);
		expect(audioItems).toHaveLength(2);
		expect(audioItems[1].json.fileName).toMatch(/\.mp3$/);
		expect(audioItems[1].pairedItem).toEqual({ item: 1 });
		expect(reports.map((report) => report.pairedItem)).toEqual([{ item: 1 }]);
		// Item 0 had 7 chunks; after the first failed, the ones waiting for the slot were never sent.
		expect(fake.stats().byRoute.synthesize).toBeLessThanOrEqual(3);
	});
});

test('stopping the execution ends waiting and in-flight requests at once', async () => {
	fake.configure({ latencyMs: 5000 });
	const controller = new AbortController();
	const texts = Array.from({ length: 6 }, () => longText(9000));
	const started = Date.now();
	setTimeout(() => controller.abort(), 200);
	const { output } = await executeNode(TextToSpeech, {
		parameters: (i) => cloudParameters({ text: texts[i] }),
		items: texts.map((text) => ({ text })),
		credentials: cloud(),
		continueOnFail: true,
		signal: controller.signal,
	});
	expect(Date.now() - started).toBeLessThan(2000);
	expect(output[0]).toHaveLength(texts.length);
	expect(output[1]).toHaveLength(0);
	for (const item of output[0]) expect(item.json.error.message).toMatch(/stopped|[Cc]ancelled/);
});

test('with Continue On Fail a failed item is an error item on Audio (output 0), in its input position, paired to it; Report has only the others', async () => {
	const texts = ['Primeira frase.', '   ', 'Terceira frase.'];
	const { output } = await executeNode(TextToSpeech, {
		parameters: (i) => cloudParameters({ text: texts[i] }),
		items: texts.map((text) => ({ text })),
		credentials: cloud(),
		continueOnFail: true,
	});
	const [audioItems, reports] = output;
	expect(audioItems.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	expect(Object.keys(audioItems[1].json)).toEqual(['error']);
	expect(audioItems[1].json.error.message).toMatch(/text is empty/);
	expect(audioItems[1].binary).toBeUndefined();
	for (const index of [0, 2]) expect(audioItems[index].binary.audio.fileName).toMatch(/\.mp3$/);
	expect(reports.map((report) => report.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
	expect(reports.every((report) => report.json.error === undefined)).toBe(true);
});

describe('clear errors', () => {
	const failure = async (parameters, credentials = cloud()) => {
		const { output } = await executeNode(TextToSpeech, { parameters, credentials, continueOnFail: true });
		expect(Object.keys(output[0][0].json)).toEqual(['error']);
		expect(output[1]).toHaveLength(0);
		const { error } = output[0][0].json;
		expect(error).toBeDefined();
		expect(JSON.stringify(output)).not.toContain(API_KEY);
		return error;
	};

	test('empty text', async () => {
		const error = await failure(cloudParameters({ text: '   ' }));
		expect(error.message).toMatch(/text is empty/);
		expect(fake.stats().calls).toBe(0);
	});

	test('text above the per-item ceiling says how to raise it', async () => {
		const text = longText(60000);
		const error = await failure(cloudParameters({ text }));
		expect(error.message).toBe(`The text has ${text.length.toLocaleString('en-US')} characters, more than Max Text Length (50,000)`);
		expect(error.description).toMatch(/Max Text Length/);
		const raised = await executeNode(TextToSpeech, { parameters: cloudParameters({ text: longText(60000), options: { maxCharacters: 70000 } }), credentials: cloud() });
		expect(raised.output[0][0].json.chunkCount).toBeGreaterThan(10);
	});

	test('a voice unknown for the language names voices that exist', async () => {
		const error = await failure(cloudParameters({ voice: { mode: 'id', value: 'en-US-Neural2-A' } }));
		expect(error.message).toBe('Voice "en-US-Neural2-A" is not available for language "pt-BR"');
		expect(error.description).toMatch(/pt-BR-Neural2-A/);
		expect(fake.stats().byRoute.synthesize).toBeUndefined();
	});

	test('SSML that does not parse', async () => {
		const error = await failure(cloudParameters({ text: '<speak><p>Olá</speak>', textFormat: 'ssml' }));
		expect(error.message).toMatch(/SSML does not parse: <\/speak> closes <p>/);
		expect(error.description).toMatch(/Plain Text/);
		expect(fake.stats().calls).toBe(0);
	});

	test('options a voice family refuses are named before any call (Chirp 3: HD and SSML or pitch)', async () => {
		const ssml = await failure(cloudParameters({ text: '<speak>Oi</speak>', textFormat: 'ssml', voice: { mode: 'id', value: 'pt-BR-Chirp3-HD-Kore' } }));
		expect(ssml.message).toMatch(/Chirp 3: HD voices like "pt-BR-Chirp3-HD-Kore" do not accept SSML input/);
		const pitch = await failure(cloudParameters({ voice: { mode: 'id', value: 'en-US-Journey-F' }, languageCode: 'en-US', audioOptions: { pitch: 2, speakingRate: 1.2 } }));
		expect(pitch.message).toMatch(/Journey voices .* do not accept a pitch other than 0 or a speaking rate other than 1/);
		expect(fake.stats().calls).toBe(0);
	});

	test("Google's own 'does not support' 400 becomes a hint", async () => {
		fake.script('text:synthesize', [{ status: 400, message: 'This voice does not support pitch parameters at this time.' }]);
		const error = await failure(cloudParameters({ audioOptions: { pitch: 3 } }));
		expect(error.message).toMatch(/Google refused an option for this voice: This voice does not support pitch/);
		expect(error.description).toMatch(/Neural2, WaveNet or Standard/);
	});

	test('a bad key is reported without the key; without Continue On Fail the node throws', async () => {
		const badKey = 'wrong-SECRET-key';
		await expect(
			executeNode(TextToSpeech, { parameters: cloudParameters(), credentials: { googleCloudTtsApi: { apiKey: badKey, host: fake.url } } }),
		).rejects.toThrow(/HTTP 400/);
		const { output } = await executeNode(TextToSpeech, { parameters: cloudParameters(), credentials: { googleCloudTtsApi: { apiKey: badKey, host: fake.url } }, continueOnFail: true });
		expect(JSON.stringify(output)).not.toContain(badKey);
		expect(output[0][0].json.error.description).toMatch(/Google Cloud Text-to-Speech API/);
	});
});
