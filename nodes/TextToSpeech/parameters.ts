import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CLOUD_TTS_CREDENTIAL_NAME, GEMINI_CREDENTIAL_NAME } from '../shared/credentials';
import { DEFAULT_TTS_MODEL } from '../shared/gemini/catalog';
import { GEMINI_VOICES } from '../shared/gemini/speech';
import { invalidParameter, modelParameter, numberOption, numberOr } from '../shared/node/parameters';
import { readResilience } from '../shared/node/resilienceOptions';
import type { ResilienceOptions } from '../shared/node/resilienceOptions';
import type { AudioSettings, CloudEncoding } from '../shared/tts/cloudTts';

/**
 * Every parameter of the Text to Speech node is read and checked here, and the defaults the
 * panel shows are the constants below (description.ts and the operations import them).
 */

export type Provider = 'googleCloud' | 'gemini';

export const DEFAULT_PROVIDER: Provider = 'googleCloud';
/** Text longer than this fails with a clear error unless the user raises the option. */
export const DEFAULT_MAX_CHARACTERS = 50000;
export const MAX_CHARACTERS_LIMIT = 1000000;
export const DEFAULT_BINARY_PROPERTY = 'audio';

/** Speech calls are slower than text calls: longer per-call timeout and item deadline. */
export const TTS_RESILIENCE_DEFAULTS = {
	parallelCalls: 3,
	callTimeoutSeconds: 60,
	itemDeadlineSeconds: 600,
	service: 'text-to-speech',
};

export const DEFAULT_TEXT_FORMAT = 'text';
export const DEFAULT_CLOUD_LANGUAGE = 'en-US';
export const DEFAULT_AUDIO_ENCODING = 'mp3';
/** Google's neutral values: sent only when changed (0 Hz means the voice's natural rate). */
export const DEFAULT_PITCH = 0;
export const DEFAULT_SAMPLE_RATE_HERTZ = 0;
export const DEFAULT_SPEAKING_RATE = 1;
export const DEFAULT_VOLUME_GAIN_DB = 0;
const AUDIO_OPTION_DEFAULTS = {
	pitch: DEFAULT_PITCH,
	sampleRateHertz: DEFAULT_SAMPLE_RATE_HERTZ,
	speakingRate: DEFAULT_SPEAKING_RATE,
	volumeGainDb: DEFAULT_VOLUME_GAIN_DB,
};

export const DEFAULT_GEMINI_VOICE = 'Kore';
export const DEFAULT_SECOND_VOICE = 'Puck';
export const DEFAULT_SPEAKERS = 'auto';

/** The Audio Encoding option values and what Google calls them. */
const ENCODINGS: Record<string, CloudEncoding> = {
	mp3: 'MP3',
	oggOpus: 'OGG_OPUS',
	linear16: 'LINEAR16',
	mulaw: 'MULAW',
	alaw: 'ALAW',
};

/** What the credential is called in the Credential field, per provider (for error advice). */
export const CREDENTIAL_NAMES: Record<Provider, string> = {
	googleCloud: CLOUD_TTS_CREDENTIAL_NAME,
	gemini: GEMINI_CREDENTIAL_NAME,
};

function stringParameter(ctx: IExecuteFunctions, name: string, itemIndex: number, fallback = ''): string {
	return String(ctx.getNodeParameter(name, itemIndex, fallback) ?? '');
}

/** What holds for the whole execution: Provider cannot be an expression; the caps come from the first item. */
export interface NodeSettings {
	provider: Provider;
	resilience: ResilienceOptions;
}

/** The Options collection of an item: Max Text Length and the shared resilience options. */
function optionsCollection(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	return (ctx.getNodeParameter('options', itemIndex, {}) ?? {}) as IDataObject;
}

export function readNodeSettings(ctx: IExecuteFunctions): NodeSettings {
	return {
		provider: ctx.getNodeParameter('provider', 0, DEFAULT_PROVIDER) === 'gemini' ? 'gemini' : 'googleCloud',
		resilience: readResilience(optionsCollection(ctx, 0), TTS_RESILIENCE_DEFAULTS),
	};
}

export interface ItemParameters {
	text: string;
	/** Trimmed; empty when not set. */
	title: string;
	/** As typed, trimmed; empty builds a name from the title, language and voice. */
	fileName: string;
	binaryProperty: string;
	resilience: ResilienceOptions;
}

/** Text, title, output naming and options of one item; refuses empty text and text over Max Text Length. */
export function readItemParameters(ctx: IExecuteFunctions, itemIndex: number): ItemParameters {
	const spoken = stringParameter(ctx, 'text', itemIndex);
	const options = optionsCollection(ctx, itemIndex);
	const maxCharacters = numberOr(options.maxCharacters, DEFAULT_MAX_CHARACTERS);
	if (spoken.trim() === '') {
		throw invalidParameter(ctx, itemIndex, 'The text', 'is empty, so there is nothing to say', 'Set Text, or check that the expression in Text finds a value in this item.');
	}
	const characters = Array.from(spoken).length;
	if (characters > maxCharacters) {
		throw new NodeOperationError(ctx.getNode(), `The text has ${characters.toLocaleString('en-US')} characters, more than Max Text Length (${maxCharacters.toLocaleString('en-US')})`, {
			itemIndex,
			description: 'Raise Options → Max Text Length (Characters), or split the text into several items.',
		});
	}
	return {
		text: spoken,
		title: stringParameter(ctx, 'title', itemIndex).trim(),
		fileName: stringParameter(ctx, 'fileName', itemIndex).trim(),
		binaryProperty: stringParameter(ctx, 'binaryPropertyName', itemIndex, DEFAULT_BINARY_PROPERTY).trim() || DEFAULT_BINARY_PROPERTY,
		resilience: readResilience(options, TTS_RESILIENCE_DEFAULTS),
	};
}

export interface CloudParameters {
	ssml: boolean;
	languageCode: string;
	/** Empty uses Google's default voice for the language. */
	voiceName: string;
	audio: AudioSettings;
}

export function readCloudParameters(ctx: IExecuteFunctions, itemIndex: number): CloudParameters {
	const languageCode = stringParameter(ctx, 'languageCode', itemIndex).trim();
	if (languageCode === '') {
		throw invalidParameter(ctx, itemIndex, 'Language Code', 'is empty', 'Set it to the language of the text, e.g. en-US or pt-BR.');
	}
	const options = (ctx.getNodeParameter('audioOptions', itemIndex, {}) ?? {}) as IDataObject;
	return {
		ssml: ctx.getNodeParameter('textFormat', itemIndex, DEFAULT_TEXT_FORMAT) === 'ssml',
		languageCode,
		voiceName: String(ctx.getNodeParameter('voice', itemIndex, '', { extractValue: true }) ?? '').trim(),
		audio: {
			encoding: ENCODINGS[stringParameter(ctx, 'audioEncoding', itemIndex, DEFAULT_AUDIO_ENCODING)] ?? ENCODINGS[DEFAULT_AUDIO_ENCODING],
			speakingRate: numberOption(options, 'speakingRate', AUDIO_OPTION_DEFAULTS),
			pitch: numberOption(options, 'pitch', AUDIO_OPTION_DEFAULTS),
			volumeGainDb: numberOption(options, 'volumeGainDb', AUDIO_OPTION_DEFAULTS),
			sampleRateHertz: numberOption(options, 'sampleRateHertz', AUDIO_OPTION_DEFAULTS),
		},
	};
}

export interface GeminiParameters {
	model: string;
	voice: string;
	/** Without a trailing colon: the prompt adds its own. */
	style: string;
	/** Empty lets the model detect the language. */
	languageCode: string;
	/** Whether speaker labels make a two-voice dialogue. */
	dialogue: boolean;
	/** Checked with geminiVoice only when the text turns out to be a dialogue. */
	secondVoice: string;
}

/** A prebuilt Gemini voice by name (any case), or a failure listing the voices. */
export function geminiVoice(ctx: IExecuteFunctions, itemIndex: number, name: string, label: string): string {
	const voice = GEMINI_VOICES.find((candidate) => candidate.name.toLowerCase() === name.trim().toLowerCase());
	if (voice) return voice.name;
	throw invalidParameter(ctx, itemIndex, `"${name}"`, 'is not a Gemini voice', `Set ${label} to one of: ${GEMINI_VOICES.map((candidate) => candidate.name).join(', ')}.`);
}

export function readGeminiParameters(ctx: IExecuteFunctions, itemIndex: number): GeminiParameters {
	const dialogue = ctx.getNodeParameter('speakers', itemIndex, DEFAULT_SPEAKERS) === 'auto';
	return {
		model: modelParameter(ctx, 'model', itemIndex, DEFAULT_TTS_MODEL),
		voice: geminiVoice(ctx, itemIndex, stringParameter(ctx, 'geminiVoice', itemIndex, DEFAULT_GEMINI_VOICE), 'Voice'),
		style: stringParameter(ctx, 'styleInstruction', itemIndex).trim().replace(/:\s*$/, ''),
		languageCode: stringParameter(ctx, 'languageCode', itemIndex).trim(),
		dialogue,
		// Shown (and so set) only for Two Voices.
		secondVoice: dialogue ? stringParameter(ctx, 'secondVoice', itemIndex, DEFAULT_SECOND_VOICE) : DEFAULT_SECOND_VOICE,
	};
}
