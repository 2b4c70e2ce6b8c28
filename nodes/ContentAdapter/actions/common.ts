import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { estimateSpeechSeconds, SPOKEN_WORDS_PER_MINUTE } from '../../shared/text/generatedText';
import { textHash } from '../engine/cache';
import type { TextKind, TextResult } from '../engine/types';
import { DEFAULT_LANGUAGE, DEFAULT_TARGET_WORDS, MAX_TARGET_WORDS, MIN_TARGET_WORDS } from '../parameters';

/** Properties more than one operation shows, and the fields every result item carries. */

export function titleProperty(required: boolean, description: string): INodeProperties {
	return {
		displayName: 'Title',
		name: 'title',
		type: 'string',
		default: '',
		required,
		placeholder: 'e.g. How to save your first 1,000 a month',
		description,
	};
}

export function languageProperty(name: string, displayName: string, description: string): INodeProperties {
	return {
		displayName,
		name,
		type: 'string',
		default: DEFAULT_LANGUAGE,
		placeholder: 'e.g. pt-BR',
		description,
	};
}

export const briefProperty: INodeProperties = {
	displayName: 'Brief',
	name: 'brief',
	type: 'collection',
	placeholder: 'Add Brief Field',
	default: {},
	options: [
		{
			displayName: 'Audience',
			name: 'audience',
			type: 'string',
			default: '',
			placeholder: 'e.g. young adults starting their first job',
			description: 'Who the video is for',
		},
		{
			displayName: 'Duration (Minutes)',
			name: 'durationMinutes',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 20, numberPrecision: 1 },
			default: 0,
			description: `Spoken length, at about ${SPOKEN_WORDS_PER_MINUTE} words a minute. When set (above 0) it replaces Length (Words).`,
		},
		{
			displayName: 'Length (Words)',
			name: 'targetWords',
			type: 'number',
			typeOptions: { minValue: MIN_TARGET_WORDS, maxValue: MAX_TARGET_WORDS },
			default: DEFAULT_TARGET_WORDS,
			description: `About how many words the script has (${MIN_TARGET_WORDS} to ${MAX_TARGET_WORDS})`,
		},
		{
			displayName: 'Tone',
			name: 'tone',
			type: 'string',
			default: '',
			placeholder: 'e.g. warm, direct, a little humorous',
		},
	],
};

/** Fields every text result carries: cache status and, when wanted, the entry to store. */
export function textFields(result: TextResult, emitEntries: boolean): IDataObject {
	const fields: IDataObject = {
		words: result.words,
		estimatedSeconds: estimateSpeechSeconds(result.words),
		model: result.model,
		cached: result.cached,
	};
	if (emitEntries) fields.cacheEntry = result.cacheEntry;
	return fields;
}

/**
 * A text's result item: what identifies it (`base`: title, language, aspect, hashes), the text,
 * and the shared fields. One builder for the standard path and Economy's Check Batch, so both
 * deliver the same items.
 */
export function resultJson(kind: TextKind, base: IDataObject, value: TextResult, emitEntries: boolean): IDataObject {
	const own: IDataObject =
		kind === 'adaptation'
			? { text: value.text, lengthOutOfTolerance: value.lengthOutOfTolerance }
			: { script: value.text, scriptHash: textHash(value.text) };
	return { ...base, ...own, ...textFields(value, emitEntries) };
}
