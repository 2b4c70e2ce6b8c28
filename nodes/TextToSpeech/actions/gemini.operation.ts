import type { INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { modelOption } from '../../shared/gemini/modelOption';
import { GEMINI_VOICES, generateSpeech } from '../../shared/gemini/speech';
import type { SpeakerVoice } from '../../shared/gemini/speech';
import { splitAtBoundaries, utf8Bytes } from '../../shared/text/split';
import { joinAudioParts, readAudioPart } from '../audio/join';
import { chunkDialogue, scanDialogue } from '../text/dialogue';
import { synthesizeInOrder } from './chunks';
import type { SpeechJob, SpeechOutcome } from './types';
import { GEMINI_CREDENTIAL_NAME, resolveCredential } from '../../shared/credentials';
import { toNodeError } from '../../shared/node/nodeError';
import { DEFAULT_GEMINI_VOICE, DEFAULT_SECOND_VOICE, DEFAULT_SPEAKERS, geminiVoice, readGeminiParameters } from '../parameters';

/**
 * Text per request. The speech models accept far more input, but audio output is bounded
 * (about 16k tokens, ~10 minutes) and long generations drift in voice and pace; 4,000 bytes is
 * about 3 to 5 minutes of speech.
 */
export const GEMINI_CHUNK_BYTES = 4000;

const VOICE_OPTIONS = GEMINI_VOICES.map(({ name, style }) => ({ name: `${name} (${style})`, value: name }));

const properties: INodeProperties[] = [
	modelOption('speech', 'A Gemini speech (TTS) model, from the ones your key can use. Empty uses the current default speech model.'),
	{
		displayName: 'Voice',
		name: 'geminiVoice',
		type: 'options',
		options: VOICE_OPTIONS,
		default: DEFAULT_GEMINI_VOICE,
		description: 'The prebuilt voice; in a dialogue, the voice of the first speaker',
	},
	{
		displayName: 'Style Instruction',
		name: 'styleInstruction',
		type: 'string',
		default: '',
		placeholder: 'e.g. Say cheerfully',
		description: 'How to read the text: tone, pace, accent. Sent before the text, never read aloud.',
	},
	{
		displayName: 'Speakers',
		name: 'speakers',
		type: 'options',
		options: [
			{
				name: 'Two Voices When the Text Has Speaker Labels',
				value: 'auto',
				description: 'Lines like "Ana: Olá!" and "Bruno: Oi!" are read by two voices',
			},
			{ name: 'One Voice', value: 'single', description: 'Read everything, labels included, with one voice' },
		],
		default: DEFAULT_SPEAKERS,
	},
	{
		displayName: 'Second Speaker Voice',
		name: 'secondVoice',
		type: 'options',
		options: VOICE_OPTIONS,
		default: DEFAULT_SECOND_VOICE,
		description: 'The voice of the second speaker in a dialogue',
		displayOptions: { show: { speakers: ['auto'] } },
	},
	{
		displayName: 'Language Code',
		name: 'languageCode',
		type: 'string',
		default: '',
		placeholder: 'e.g. pt-BR',
		description: 'Optional BCP-47 code; empty lets the model detect the language',
	},
];

export const description = updateDisplayOptions({ show: { provider: ['gemini'] } }, properties);

export async function execute(job: SpeechJob): Promise<SpeechOutcome> {
	const { ctx, itemIndex, text } = job;
	const credential = await resolveCredential(ctx, 'geminiApi', itemIndex);
	try {
		const { model, voice, style, languageCode, dialogue, secondVoice } = readGeminiParameters(ctx, itemIndex);
		const scan = dialogue ? scanDialogue(text) : { kind: 'none' as const };
		if (scan.kind === 'tooManySpeakers') {
			throw new NodeOperationError(ctx.getNode(), `The text has ${scan.speakers.length} speakers (${scan.speakers.join(', ')}); Gemini speaks at most two`, {
				itemIndex,
				description: 'Keep two speaker labels, split the dialogue into several items, or set Speakers to One Voice.',
			});
		}
		let speakers: SpeakerVoice[] | undefined;
		let chunks: string[];
		let prompt = (chunk: string) => (style ? `${style}: ${chunk}` : chunk);
		if (scan.kind === 'dialogue') {
			const second = geminiVoice(ctx, itemIndex, secondVoice, 'Second Speaker Voice');
			speakers = [
				{ speaker: scan.speakers[0], voice },
				{ speaker: scan.speakers[1], voice: second },
			];
			const lead = style || `Read aloud this conversation between ${scan.speakers[0]} and ${scan.speakers[1]}`;
			prompt = (chunk) => `${lead}:\n${chunk}`;
			chunks = chunkDialogue(scan.turns, GEMINI_CHUNK_BYTES, utf8Bytes);
		} else {
			chunks = splitAtBoundaries(text, GEMINI_CHUNK_BYTES, utf8Bytes);
		}
		const parts = await synthesizeInOrder(chunks, job.settings, async (chunk, settings) =>
			await generateSpeech(
				ctx,
				credential,
				{ model, prompt: prompt(chunk), voice, speakers, languageCode },
				settings,
				job.accounting,
				(audio) => readAudioPart(audio.data, audio.mimeType),
			),
		);
		const audio = joinAudioParts(parts);
		return {
			audio,
			voice: speakers ? speakers.map((speaker) => `${speaker.speaker}=${speaker.voice}`).join(', ') : voice,
			languageCode,
			model,
			encoding: audio.extension === 'wav' ? 'LINEAR16' : audio.extension.toUpperCase(),
			chunkCount: chunks.length,
		};
	} catch (error) {
		throw toNodeError(ctx, error, itemIndex, credential.secrets, GEMINI_CREDENTIAL_NAME);
	}
}
