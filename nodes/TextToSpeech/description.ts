import type { INodeProperties } from 'n8n-workflow';

import { resilienceOptionProperties } from '../shared/node/resilienceOptions';
import * as gemini from './actions/gemini.operation';
import * as googleCloud from './actions/googleCloud.operation';
import {
	DEFAULT_BINARY_PROPERTY,
	DEFAULT_MAX_CHARACTERS,
	DEFAULT_PROVIDER,
	MAX_CHARACTERS_LIMIT,
	TTS_RESILIENCE_DEFAULTS,
} from './parameters';

const maxCharacters: INodeProperties = {
	displayName: 'Max Text Length (Characters)',
	name: 'maxCharacters',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_CHARACTERS_LIMIT },
	default: DEFAULT_MAX_CHARACTERS,
	description: 'Longer text fails with a clear error instead of running up a large bill. Raise it for audiobook-length text.',
};

const options: INodeProperties[] = [maxCharacters, ...resilienceOptionProperties(TTS_RESILIENCE_DEFAULTS)].sort((a, b) =>
	a.displayName.localeCompare(b.displayName),
);

export const textToSpeechProperties: INodeProperties[] = [
	{
		displayName: 'Provider',
		name: 'provider',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Gemini TTS',
				value: 'gemini',
				description: 'Expressive speech from a Gemini speech model, style instructions, two-voice dialogue (WAV)',
			},
			{
				name: 'Google Cloud Text-to-Speech',
				value: 'googleCloud',
				description: 'Hundreds of voices in 50+ languages, SSML, MP3/Ogg Opus/WAV output',
			},
		],
		default: DEFAULT_PROVIDER,
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 6 },
		required: true,
		default: '',
		description: 'What to say. Long text is split at sentence boundaries, synthesised in parallel and joined into one file.',
	},
	...googleCloud.description,
	...gemini.description,
	{
		displayName: 'Title',
		name: 'title',
		type: 'string',
		default: '',
		description: 'Optional; used for the file name and copied to the output',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: DEFAULT_BINARY_PROPERTY,
		hint: 'The name of the output binary field to put the audio file in',
	},
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '',
		placeholder: 'e.g. lesson-3-narration',
		description: 'Empty builds one from the title, language and voice. The right extension is added when missing.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options,
	},
];
