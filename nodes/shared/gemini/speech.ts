import type { IDataObject } from 'n8n-workflow';

import { bareModelName } from './catalog';
import { requestOnce } from '../transport/request';
import type { RequestContext } from '../transport/request';
import { resilientCall } from '../transport/resilientCall';
import type { CallAccounting, ResilienceSettings } from '../transport/resilientCall';
import { InvalidOutputError } from '../errors';
import { serviceTierField } from './serviceTier';
import type { ServiceTier } from './serviceTier';
import { countGeminiUsage } from './usage';
import type { GeminiUsageMetadata } from './usage';
import type { ResolvedCredential } from '../credentials';

/**
 * Gemini speech generation over REST: `generateContent` on a TTS model with
 * `responseModalities: ["AUDIO"]`; the audio comes back as inline data whose MIME type says
 * what it is (raw PCM `audio/L16;codec=pcm;rate=24000` on the 2.5 previews).
 * https://ai.google.dev/gemini-api/docs/speech-generation
 */

/** The prebuilt voices of Gemini's speech models, with Google's one-word character. */
export const GEMINI_VOICES: Array<{ name: string; style: string }> = [
	{ name: 'Achernar', style: 'Soft' },
	{ name: 'Achird', style: 'Friendly' },
	{ name: 'Algenib', style: 'Gravelly' },
	{ name: 'Algieba', style: 'Smooth' },
	{ name: 'Alnilam', style: 'Firm' },
	{ name: 'Aoede', style: 'Breezy' },
	{ name: 'Autonoe', style: 'Bright' },
	{ name: 'Callirrhoe', style: 'Easy-going' },
	{ name: 'Charon', style: 'Informative' },
	{ name: 'Despina', style: 'Smooth' },
	{ name: 'Enceladus', style: 'Breathy' },
	{ name: 'Erinome', style: 'Clear' },
	{ name: 'Fenrir', style: 'Excitable' },
	{ name: 'Gacrux', style: 'Mature' },
	{ name: 'Iapetus', style: 'Clear' },
	{ name: 'Kore', style: 'Firm' },
	{ name: 'Laomedeia', style: 'Upbeat' },
	{ name: 'Leda', style: 'Youthful' },
	{ name: 'Orus', style: 'Firm' },
	{ name: 'Pulcherrima', style: 'Forward' },
	{ name: 'Puck', style: 'Upbeat' },
	{ name: 'Rasalgethi', style: 'Informative' },
	{ name: 'Sadachbia', style: 'Lively' },
	{ name: 'Sadaltager', style: 'Knowledgeable' },
	{ name: 'Schedar', style: 'Even' },
	{ name: 'Sulafat', style: 'Warm' },
	{ name: 'Umbriel', style: 'Easy-going' },
	{ name: 'Vindemiatrix', style: 'Gentle' },
	{ name: 'Zephyr', style: 'Bright' },
	{ name: 'Zubenelgenubi', style: 'Casual' },
];

export interface SpeakerVoice {
	/** The label as written in the text ("Joe" in "Joe: Hello"). */
	speaker: string;
	voice: string;
}

export interface SpeechRequest {
	model: string;
	prompt: string;
	/** One voice for the whole text; ignored when `speakers` is set. */
	voice: string;
	/** Two labelled speakers, each with a voice (Gemini supports at most two). */
	speakers?: SpeakerVoice[];
	/** BCP-47 code; empty lets the model detect the language. */
	languageCode?: string;
	/** Standard when absent; sent as the top-level `serviceTier` (see serviceTier.ts). */
	serviceTier?: ServiceTier;
}

export interface SpeechAudio {
	data: Buffer;
	mimeType: string;
}

interface SpeechResponse {
	candidates?: Array<{
		content?: { parts?: Array<{ inlineData?: { mimeType?: string; data?: string }; text?: string }> };
		finishReason?: string;
	}>;
	promptFeedback?: { blockReason?: string };
	usageMetadata?: GeminiUsageMetadata;
}

const prebuilt = (voiceName: string): IDataObject => ({ prebuiltVoiceConfig: { voiceName } });

/** The request body, in the shape the official @google/genai client sends. */
export function buildSpeechBody(request: SpeechRequest): IDataObject {
	const speechConfig: IDataObject =
		request.speakers && request.speakers.length > 0
			? {
					multiSpeakerVoiceConfig: {
						speakerVoiceConfigs: request.speakers.map(({ speaker, voice }) => ({
							speaker,
							voiceConfig: prebuilt(voice),
						})),
					},
				}
			: { voiceConfig: prebuilt(request.voice) };
	if (request.languageCode) speechConfig.languageCode = request.languageCode;
	return {
		contents: [{ role: 'user', parts: [{ text: request.prompt }] }],
		generationConfig: { responseModalities: ['AUDIO'], speechConfig },
		...serviceTierField(request.serviceTier),
	};
}

/** The audio of the first candidate (inline parts of one type joined), or InvalidOutputError. */
export function readSpeechAudio(response: SpeechResponse): SpeechAudio {
	const candidate = response.candidates?.[0];
	const parts = (candidate?.content?.parts ?? []).filter(
		(part) => typeof part.inlineData?.data === 'string' && part.inlineData.data !== '',
	);
	if (parts.length === 0) {
		const reason = response.promptFeedback?.blockReason ?? candidate?.finishReason ?? 'no candidates';
		throw new InvalidOutputError(`the model returned no audio (${reason})`);
	}
	const mimeType = parts[0].inlineData?.mimeType ?? 'audio/L16;codec=pcm;rate=24000';
	if (parts.some((part) => (part.inlineData?.mimeType ?? mimeType) !== mimeType)) {
		throw new InvalidOutputError('the model returned audio parts of different types');
	}
	return {
		data: Buffer.concat(parts.map((part) => Buffer.from(part.inlineData?.data ?? '', 'base64'))),
		mimeType,
	};
}

/**
 * One speech generation with the shared retries, timeouts, rate limit and slots. `accept`
 * reads the audio inside the attempt, so unusable audio is retried like a failed call.
 */
export async function generateSpeech<T>(
	ctx: RequestContext,
	credential: ResolvedCredential,
	request: SpeechRequest,
	settings: ResilienceSettings,
	accounting: CallAccounting,
	accept: (audio: SpeechAudio) => T,
): Promise<T> {
	const tier = request.serviceTier ?? settings.serviceTier;
	const body = buildSpeechBody({ ...request, serviceTier: tier });
	const path = `/v1beta/models/${encodeURIComponent(bareModelName(request.model))}:generateContent`;
	return await resilientCall(ctx, credential, settings, accounting, async (timeoutMs, signal) => {
		const response = await requestOnce<SpeechResponse>(
			ctx,
			credential,
			{ credentialType: 'geminiApi', method: 'POST', path, body },
			timeoutMs,
			signal,
		);
		const parsed = typeof response.body === 'object' && response.body !== null ? response.body : {};
		countGeminiUsage(accounting, request.model, tier, parsed.usageMetadata, response.headers);
		return accept(readSpeechAudio(parsed));
	});
}
