import type { IDataObject } from 'n8n-workflow';

import { requestOnce } from '../transport/request';
import type { RequestContext } from '../transport/request';
import { resilientCall } from '../transport/resilientCall';
import type { CallAccounting, ResilienceSettings } from '../transport/resilientCall';
import type { ResolvedCredential } from '../credentials';
import { billedCharacters } from '../gemini/pricing';
import { countCloudTtsUsage } from '../gemini/usage';

/**
 * Google Cloud Text-to-Speech v1 over REST: `text:synthesize`, the voice list, and what each
 * voice family refuses. https://cloud.google.com/text-to-speech/docs/reference/rest
 */

/** `input.text` or `input.ssml` may be at most this many UTF-8 bytes per request. */
export const CLOUD_TTS_MAX_INPUT_BYTES = 5000;

export type CloudEncoding = 'MP3' | 'OGG_OPUS' | 'LINEAR16' | 'MULAW' | 'ALAW';

/** MIME type of `audioContent` per encoding; LINEAR16, MULAW and ALAW come with a WAV header. */
export const ENCODING_MIME_TYPES: Record<CloudEncoding, string> = {
	MP3: 'audio/mpeg',
	OGG_OPUS: 'audio/ogg',
	LINEAR16: 'audio/wav',
	MULAW: 'audio/wav',
	ALAW: 'audio/wav',
};

export interface CloudVoice {
	name: string;
	languageCodes: string[];
	ssmlGender?: string;
	naturalSampleRateHertz?: number;
}

export interface AudioSettings {
	encoding: CloudEncoding;
	speakingRate?: number;
	pitch?: number;
	volumeGainDb?: number;
	sampleRateHertz?: number;
}

export interface SynthesisRequest {
	input: { text: string } | { ssml: string };
	languageCode: string;
	voiceName?: string;
	audio: AudioSettings;
}

/**
 * Options a voice family refuses with a 400. Sources: Chirp 3: HD and Chirp HD voices answer
 * "This voice currently does not support SSML input" and "This voice does not support pitch
 * parameters at this time" (Vocab-Apps/anki-hyper-tts#259, home-assistant/core#144824,
 * pipecat-ai/pipecat#1337); Journey voices refuse speaking rate and pitch even at their
 * neutral values (home-assistant/core#130843), and Studio voices refuse pitch (same thread).
 */
export interface VoiceLimits {
	family: string;
	ssml: boolean;
	pitch: boolean;
	speakingRate: boolean;
}

const VOICE_FAMILIES: Array<{ pattern: RegExp } & VoiceLimits> = [
	{ pattern: /-Chirp3-HD-/i, family: 'Chirp 3: HD', ssml: false, pitch: false, speakingRate: true },
	{ pattern: /-Chirp-HD-/i, family: 'Chirp HD', ssml: false, pitch: false, speakingRate: true },
	{ pattern: /-Journey-/i, family: 'Journey', ssml: false, pitch: false, speakingRate: false },
	{ pattern: /-Studio-/i, family: 'Studio', ssml: true, pitch: false, speakingRate: true },
];

export function voiceLimits(voiceName: string | undefined): VoiceLimits | undefined {
	if (!voiceName) return undefined;
	const match = VOICE_FAMILIES.find((family) => family.pattern.test(voiceName));
	if (!match) return undefined;
	return { family: match.family, ssml: match.ssml, pitch: match.pitch, speakingRate: match.speakingRate };
}

/** The request body; neutral values are left out, since some voices refuse the field itself. */
export function buildSynthesisBody(request: SynthesisRequest): IDataObject {
	const { audio } = request;
	const audioConfig: IDataObject = { audioEncoding: audio.encoding };
	if (audio.speakingRate !== undefined && audio.speakingRate !== 1) audioConfig.speakingRate = audio.speakingRate;
	if (audio.pitch) audioConfig.pitch = audio.pitch;
	if (audio.volumeGainDb) audioConfig.volumeGainDb = audio.volumeGainDb;
	if (audio.sampleRateHertz) audioConfig.sampleRateHertz = audio.sampleRateHertz;
	const voice: IDataObject = { languageCode: request.languageCode };
	if (request.voiceName) voice.name = request.voiceName;
	return { input: request.input, voice, audioConfig };
}

/**
 * One synthesis with the shared retries, timeouts, rate limit and concurrency slots. `accept`
 * reads the audio inside the attempt, so a damaged answer is retried like a failed call.
 */
export async function synthesizeSpeech<T>(
	ctx: RequestContext,
	credential: ResolvedCredential,
	request: SynthesisRequest,
	settings: ResilienceSettings,
	accounting: CallAccounting,
	accept: (audio: Buffer, mimeType: string) => T,
): Promise<T> {
	const body = buildSynthesisBody(request);
	return await resilientCall(ctx, credential, settings, accounting, async (timeoutMs, signal) => {
		const response = await requestOnce<{ audioContent?: string }>(
			ctx,
			credential,
			{ credentialType: 'googleCloudTtsApi', method: 'POST', path: '/v1/text:synthesize', body },
			timeoutMs,
			signal,
		);
		countCloudTtsUsage(accounting, request.voiceName, billedCharacters(request.input));
		const content = typeof response.body?.audioContent === 'string' ? response.body.audioContent : '';
		return accept(Buffer.from(content, 'base64'), ENCODING_MIME_TYPES[request.audio.encoding]);
	});
}

/** Voices for a language code (all voices when empty). */
export async function listVoices(
	ctx: RequestContext,
	credential: ResolvedCredential,
	languageCode: string,
	timeoutMs: number,
	signal?: AbortSignal,
): Promise<CloudVoice[]> {
	const qs: IDataObject = {};
	if (languageCode) qs.languageCode = languageCode;
	const { body } = await requestOnce<{ voices?: CloudVoice[] }>(
		ctx,
		credential,
		{ credentialType: 'googleCloudTtsApi', method: 'GET', path: '/v1/voices', qs },
		timeoutMs,
		signal,
	);
	return (body?.voices ?? []).filter((voice) => typeof voice.name === 'string');
}
