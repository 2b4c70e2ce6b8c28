import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { splitAtBoundaries, utf8Bytes } from '../../shared/text/split';
import { CLOUD_TTS_MAX_INPUT_BYTES, listVoices, synthesizeSpeech, voiceLimits } from '../../shared/tts/cloudTts';
import type { AudioSettings, CloudVoice } from '../../shared/tts/cloudTts';
import { resilientCall } from '../../shared/transport/resilientCall';
import { joinAudioParts, readAudioPart } from '../audio/join';
import { splitSsml } from '../text/ssml';
import { synthesizeInOrder } from './chunks';
import type { SpeechJob, SpeechOutcome } from './types';
import { GoogleHttpError, SsmlError } from '../../shared/errors';
import { CLOUD_TTS_CREDENTIAL_NAME, resolveCredential } from '../../shared/credentials';
import type { ResolvedCredential } from '../../shared/credentials';
import { toNodeError } from '../../shared/node/nodeError';
import {
	DEFAULT_AUDIO_ENCODING,
	DEFAULT_CLOUD_LANGUAGE,
	DEFAULT_PITCH,
	DEFAULT_SAMPLE_RATE_HERTZ,
	DEFAULT_SPEAKING_RATE,
	DEFAULT_TEXT_FORMAT,
	DEFAULT_VOLUME_GAIN_DB,
	readCloudParameters,
} from '../parameters';

const VOICES_IN_HINT = 8;

const properties: INodeProperties[] = [
	{
		displayName: 'Text Format',
		name: 'textFormat',
		type: 'options',
		options: [
			{ name: 'Plain Text', value: 'text' },
			{ name: 'SSML', value: 'ssml', description: 'A &lt;speak&gt; document; long SSML is split between the elements directly inside &lt;speak&gt;' },
		],
		default: DEFAULT_TEXT_FORMAT,
	},
	{
		displayName: 'Language Code',
		name: 'languageCode',
		type: 'string',
		required: true,
		default: DEFAULT_CLOUD_LANGUAGE,
		placeholder: 'e.g. pt-BR',
		description: 'BCP-47 language of the text, e.g. en-US, pt-BR, es-ES. The voice list below shows this language\'s voices.',
	},
	{
		displayName: 'Voice',
		name: 'voice',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		description: "Empty uses Google's default voice for the language",
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchCloudVoices', searchable: true },
			},
			{ displayName: 'Name', name: 'id', type: 'string', placeholder: 'e.g. pt-BR-Neural2-A' },
		],
	},
	{
		displayName: 'Audio Encoding',
		name: 'audioEncoding',
		type: 'options',
		options: [
			{ name: 'A-Law (WAV, Telephony)', value: 'alaw' },
			{ name: 'MP3', value: 'mp3' },
			{ name: 'Mu-Law (WAV, Telephony)', value: 'mulaw' },
			{ name: 'Ogg Opus', value: 'oggOpus', description: 'Small files, good quality; plays in browsers and WhatsApp' },
			{ name: 'WAV (LINEAR16)', value: 'linear16', description: 'Uncompressed 16-bit PCM' },
		],
		default: DEFAULT_AUDIO_ENCODING,
	},
	{
		displayName: 'Audio Options',
		name: 'audioOptions',
		type: 'collection',
		placeholder: 'Add Audio Option',
		default: {},
		options: [
			{
				displayName: 'Pitch (Semitones)',
				name: 'pitch',
				type: 'number',
				typeOptions: { minValue: -20, maxValue: 20, numberPrecision: 1 },
				default: DEFAULT_PITCH,
				description: 'From -20 to 20. Chirp, Journey and Studio voices do not accept pitch.',
			},
			{
				displayName: 'Sample Rate (Hz)',
				name: 'sampleRateHertz',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 48000 },
				default: DEFAULT_SAMPLE_RATE_HERTZ,
				description: "0 uses the voice's natural rate (usually 24000)",
			},
			{
				displayName: 'Speaking Rate',
				name: 'speakingRate',
				type: 'number',
				typeOptions: { minValue: 0.25, maxValue: 4, numberPrecision: 2 },
				default: DEFAULT_SPEAKING_RATE,
				description: '1 is normal speed, 2 twice as fast, 0.5 half. Journey voices do not accept it.',
			},
			{
				displayName: 'Volume Gain (dB)',
				name: 'volumeGainDb',
				type: 'number',
				typeOptions: { minValue: -96, maxValue: 16, numberPrecision: 1 },
				default: DEFAULT_VOLUME_GAIN_DB,
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { provider: ['googleCloud'] } }, properties);

/** Refuses, before any call, what the chosen voice's family is known to reject with a 400. */
function checkVoiceFamily(ctx: IExecuteFunctions, itemIndex: number, voiceName: string, ssml: boolean, audio: AudioSettings): void {
	const limits = voiceLimits(voiceName);
	if (!limits) return;
	const refused = [
		ssml && !limits.ssml ? 'SSML input' : '',
		audio.pitch && !limits.pitch ? 'a pitch other than 0' : '',
		audio.speakingRate !== undefined && audio.speakingRate !== 1 && !limits.speakingRate ? 'a speaking rate other than 1' : '',
	].filter(Boolean);
	if (refused.length === 0) return;
	throw new NodeOperationError(ctx.getNode(), `${limits.family} voices like "${voiceName}" do not accept ${refused.join(' or ')}`, {
		itemIndex,
		description: `Google rejects this combination. Set Text Format to Plain Text and remove Pitch/Speaking Rate from Audio Options, or pick a Neural2, WaveNet or Standard voice, which accept them.`,
	});
}

async function voicesFor(job: SpeechJob, credential: ResolvedCredential, languageCode: string): Promise<CloudVoice[]> {
	const key = JSON.stringify([credential.identity, languageCode.toLowerCase()]);
	let voices = job.shared.voices.get(key);
	if (!voices) {
		voices = resilientCall(job.ctx, credential, job.settings, job.accounting, async (timeoutMs, signal) =>
			await listVoices(job.ctx, credential, languageCode, timeoutMs, signal),
		);
		job.shared.voices.set(key, voices);
		voices.catch(() => job.shared.voices.delete(key));
	}
	return await voices;
}

async function checkVoiceExists(job: SpeechJob, credential: ResolvedCredential, languageCode: string, voiceName: string): Promise<void> {
	const voices = await voicesFor(job, credential, languageCode);
	if (voices.some((voice) => voice.name === voiceName)) return;
	const names = voices.map((voice) => voice.name).sort();
	throw new NodeOperationError(job.ctx.getNode(), `Voice "${voiceName}" is not available for language "${languageCode}"`, {
		itemIndex: job.itemIndex,
		description:
			names.length > 0
				? `Pick a voice from the list (it shows the voices of the Language Code) or change the Language Code. Voices for ${languageCode} include: ${names.slice(0, VOICES_IN_HINT).join(', ')}${names.length > VOICES_IN_HINT ? ', …' : ''}.`
				: `Google has no voices for "${languageCode}". Check the Language Code (for example pt-BR, en-US, es-ES).`,
	});
}

/** Google's 400s that a user can fix, turned into what to change; everything else as usual. */
function cloudError(ctx: IExecuteFunctions, error: unknown, itemIndex: number, secrets: readonly string[]): Error {
	if (error instanceof SsmlError) {
		return new NodeOperationError(ctx.getNode(), error.message, {
			itemIndex,
			description: 'Fix the SSML (every tag closed, one <speak> root, & written as &amp;), or set Text Format to Plain Text.',
		});
	}
	if (error instanceof GoogleHttpError && error.statusCode === 400 && /does not support|not supported/i.test(error.googleMessage)) {
		return new NodeOperationError(ctx.getNode(), `Google refused an option for this voice: ${error.googleMessage}`, {
			itemIndex,
			description: 'Newer voice families (Chirp 3: HD, Chirp HD, Journey, Studio) refuse SSML, pitch or speaking rate. Use Plain Text and default Audio Options, or pick a Neural2, WaveNet or Standard voice.',
		});
	}
	return toNodeError(ctx, error, itemIndex, secrets, CLOUD_TTS_CREDENTIAL_NAME);
}

export async function execute(job: SpeechJob): Promise<SpeechOutcome> {
	const { ctx, itemIndex, text } = job;
	const credential = await resolveCredential(ctx, 'googleCloudTtsApi', itemIndex);
	try {
		const { ssml, languageCode, voiceName, audio } = readCloudParameters(ctx, itemIndex);
		checkVoiceFamily(ctx, itemIndex, voiceName, ssml, audio);
		const chunks = ssml
			? splitSsml(text, CLOUD_TTS_MAX_INPUT_BYTES, utf8Bytes)
			: splitAtBoundaries(text, CLOUD_TTS_MAX_INPUT_BYTES, utf8Bytes);
		if (voiceName) await checkVoiceExists(job, credential, languageCode, voiceName);
		const parts = await synthesizeInOrder(chunks, job.settings, async (chunk, settings) =>
			await synthesizeSpeech(
				ctx,
				credential,
				{ input: ssml ? { ssml: chunk } : { text: chunk }, languageCode, voiceName, audio },
				settings,
				job.accounting,
				(data, mimeType) => readAudioPart(data, mimeType),
			),
		);
		return {
			audio: joinAudioParts(parts),
			voice: voiceName || `default (${languageCode})`,
			languageCode,
			encoding: audio.encoding,
			chunkCount: chunks.length,
		};
	} catch (error) {
		throw cloudError(ctx, error, itemIndex, credential.secrets);
	}
}
