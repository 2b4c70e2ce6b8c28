'use strict';
// Contract (issue #9): the Gemini TTS request our Text to Speech node sends equals the request
// the official @google/genai client sends for the same inputs (one voice, and two speakers).
const { captureOfficialRequest } = require('../support/captureOfficialRequest');
const { startFakeGoogle } = require('../support/fakeGoogle');
const { executeNode } = require('../support/executeNode');
const { TextToSpeech } = require('../../nodes/TextToSpeech/TextToSpeech.node');

const MODEL = 'gemini-2.5-flash-preview-tts';

async function ourRequest(parameters) {
	const fake = await startFakeGoogle({ apiKeys: ['test-key'], ttsCharsPerSecond: 150 });
	try {
		await executeNode(TextToSpeech, {
			parameters: { provider: 'gemini', model: { mode: 'id', value: MODEL }, geminiVoice: 'Kore', secondVoice: 'Puck', speakers: 'auto', ...parameters },
			credentials: { geminiApi: { apiKey: 'test-key', host: fake.url } },
		});
		return fake.stats().requests.find((r) => r.route === 'generateContent');
	} finally {
		await fake.close();
	}
}

async function officialRequest(text, speechConfig) {
	return await captureOfficialRequest({ apiKeys: ['test-key'], clientOptions: { apiVersion: 'v1beta' } }, async (ai) => {
		await ai.models.generateContent({ model: MODEL, contents: text, config: { responseModalities: ['AUDIO'], speechConfig } });
	});
}

test('one voice with a style instruction and a language', async () => {
	const ours = await ourRequest({ text: 'Tenha um ótimo dia!', styleInstruction: 'Say cheerfully', languageCode: 'pt-BR' });
	expect(ours.status).toBe(200);
	const official = await officialRequest('Say cheerfully: Tenha um ótimo dia!', {
		voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } },
		languageCode: 'pt-BR',
	});
	expect(official.status).toBe(200);
	expect(ours.path).toBe(official.path);
	expect(ours.body).toEqual(official.body);
});

test('two speakers from speaker labels', async () => {
	const text = 'Ana: Olá, Bruno!\nBruno: Oi, Ana.';
	const ours = await ourRequest({ text });
	expect(ours.status).toBe(200);
	const official = await officialRequest(`Read aloud this conversation between Ana and Bruno:\n${text}`, {
		multiSpeakerVoiceConfig: {
			speakerVoiceConfigs: [
				{ speaker: 'Ana', voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } },
				{ speaker: 'Bruno', voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Puck' } } },
			],
		},
	});
	expect(official.status).toBe(200);
	expect(ours.body).toEqual(official.body);
});
