import type { IDataObject } from 'n8n-workflow';

import type { LanguageTag } from '../../shared/text/languages';

/**
 * Prompts and the answer schema. PROMPT_VERSION is part of every cache key: change it whenever
 * a prompt changes meaning, so texts written by the old prompt are not served for the new one.
 */
export const PROMPT_VERSION = 'content-adapter/1';

/** Built-in guidance per angle; the Aspects parameter defaults to these names. */
export const ASPECT_HINTS: Record<string, string> = {
	curiosity: 'open with a surprising question or fact and keep the viewer curious to the end',
	practical: 'give concrete steps the viewer can apply today',
	story: 'tell it as a short story about one person facing the problem',
	contrarian: 'challenge a common belief about the topic, then show what works instead',
	beginner: 'explain it simply, for someone who has never heard of the topic',
};

export interface Brief {
	audience: string;
	tone: string;
	targetWords: number;
}

const SYSTEM_LINES = [
	'You write scripts for short narrated videos and adapt them for audiences in other countries.',
	'Answer only with JSON that matches the response schema.',
	'The text is plain prose for a narrator to read aloud: no markdown, no headings, no bullet lists, no stage directions and no title line.',
];
const VARIATION_RULE =
	'Keep the facts and the message of the master script; change the hook, the structure and the examples to fit the angle.';
const ADAPTATION_RULE =
	'This is cultural adaptation, not literal translation: make idioms, examples, names, currencies, units and dates local, and keep the tone, the structure and the length.';

export const SYSTEM_INSTRUCTION = SYSTEM_LINES.join(' ');

/** Sentences of ours that must never come back in an answer. */
export const OWN_INSTRUCTIONS = [...SYSTEM_LINES, VARIATION_RULE, ADAPTATION_RULE];

function briefLines(brief: Brief): string[] {
	const lines: string[] = [];
	if (brief.audience) lines.push(`Audience: ${brief.audience}.`);
	if (brief.tone) lines.push(`Tone: ${brief.tone}.`);
	return lines;
}

function languageLine(language: LanguageTag): string {
	return `Language: ${language.displayName} (${language.tag}). Write every word in this language.`;
}

function quoted(text: string): string {
	return `"""\n${text}\n"""`;
}

export function scriptPrompt(title: string, language: LanguageTag, brief: Brief): string {
	return [
		`Write the master script for a narrated video titled "${title}".`,
		languageLine(language),
		`Length: about ${brief.targetWords} words.`,
		...briefLines(brief),
	].join('\n');
}

export function aspectHint(aspect: string): string {
	return ASPECT_HINTS[aspect.toLowerCase()] ?? aspect;
}

export function variationPrompt(
	title: string,
	aspect: string,
	master: string,
	language: LanguageTag,
	brief: Brief,
	targetWords: number,
): string {
	return [
		`Rewrite the master script below as a variation for the video titled "${title}", built around one angle: ${aspect} (${aspectHint(aspect)}).`,
		VARIATION_RULE,
		languageLine(language),
		`Length: about ${targetWords} words.`,
		...briefLines(brief),
		'Master script:',
		quoted(master),
	].join('\n');
}

export function adaptationPrompt(
	text: string,
	title: string,
	source: LanguageTag,
	target: LanguageTag,
	sourceWords: number,
	tolerance: number,
): string {
	const min = Math.floor(sourceWords * (1 - tolerance));
	const max = Math.ceil(sourceWords * (1 + tolerance));
	return [
		`Adapt the text below from ${source.displayName} (${source.tag}) to ${target.displayName} (${target.tag}) for an audience in that region.`,
		ADAPTATION_RULE,
		languageLine(target),
		`Length: between ${min} and ${max} words (the text has ${sourceWords}).`,
		...(title ? [`It is the script of a video titled "${title}".`] : []),
		'Text:',
		quoted(text),
	].join('\n');
}

/** Appended when an answer missed the length, so the next attempt knows by how much. */
export function lengthCorrection(words: number, target: number, tolerance: number): string {
	const min = Math.floor(target * (1 - tolerance));
	const max = Math.ceil(target * (1 + tolerance));
	return `Your previous answer had ${words} words. Write between ${min} and ${max} words this time.`;
}

/**
 * The answer's shape. The text field's description repeats language and length: Gemini reads
 * schema descriptions as instructions, and the language enum makes it name what it wrote in.
 */
export function textSchema(kind: string, language: LanguageTag, targetWords: number): IDataObject {
	return {
		type: 'OBJECT',
		properties: {
			language: { type: 'STRING', enum: [language.tag], description: 'The language code of the text' },
			text: {
				type: 'STRING',
				description: `The whole ${kind} as plain text in ${language.tag} (${language.displayName}), about ${targetWords} words, no markdown`,
			},
		},
		required: ['language', 'text'],
		propertyOrdering: ['language', 'text'],
	};
}
