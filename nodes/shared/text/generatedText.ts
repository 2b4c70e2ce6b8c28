import { checkLanguage } from './languageCheck';
import type { LanguageTag } from './languages';
import { normalizeText } from './normalize';

/**
 * Checks a model's prose before anyone downstream reads or speaks it: not empty, no markdown
 * fence left in, not an echo of our own instructions, and plausibly in the language asked for.
 * Word counts and speaking time live here too, so every node measures length the same way.
 */

/** Characters per word for scripts written without spaces (Chinese, Japanese, Thai). */
const UNSPACED_CHARS_PER_WORD = 1.5;
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/gu;
/** A typical narration pace; what a voice actually takes varies by voice and language. */
export const SPOKEN_WORDS_PER_MINUTE = 150;
const SECONDS_PER_MINUTE = 60;
/** An instruction line shorter than this is too generic to call an echo ("Write in English"). */
const MIN_ECHO_WORDS = 6;

/** Words in running text; characters of unspaced scripts count 1 word per 1.5 characters. */
export function countWords(text: string): number {
	const unspaced = text.match(UNSPACED)?.length ?? 0;
	const spaced = text
		.replace(UNSPACED, ' ')
		.split(/\s+/)
		.filter((token) => /[\p{L}\p{N}]/u.test(token)).length;
	return spaced + Math.round(unspaced / UNSPACED_CHARS_PER_WORD);
}

/** Seconds a narrator needs for `words` at the typical pace. */
export function estimateSpeechSeconds(words: number): number {
	return Math.round((words / SPOKEN_WORDS_PER_MINUTE) * SECONDS_PER_MINUTE);
}

export interface GeneratedTextRules {
	/** The language the text must be in. */
	language?: LanguageTag;
	/** Our own instruction sentences: the answer must not repeat any of them. */
	instructions?: string[];
}

export type TextVerdict = { ok: true; value: string } | { ok: false; reason: string };

/** The text trimmed when it passes every rule, else why not. */
export function checkGeneratedText(raw: unknown, rules: GeneratedTextRules = {}): TextVerdict {
	if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, reason: 'the text is empty' };
	const text = raw.trim();
	if (text.includes('```')) return { ok: false, reason: 'the text still contains a markdown code fence' };
	const normalized = ` ${normalizeText(text)} `;
	for (const instruction of rules.instructions ?? []) {
		const line = normalizeText(instruction);
		if (line.split(' ').length >= MIN_ECHO_WORDS && normalized.includes(` ${line} `)) {
			return { ok: false, reason: 'the text repeats the instructions instead of following them' };
		}
	}
	if (rules.language) {
		const verdict = checkLanguage(text, rules.language.language, rules.language.script);
		if (!verdict.plausible) return { ok: false, reason: `not in ${rules.language.displayName}: ${verdict.reason}` };
	}
	return { ok: true, value: text };
}

/** Relative distance of `words` from `target`: 0.1 means 10% longer or shorter. */
export function lengthDeviation(words: number, target: number): number {
	if (target <= 0) return 0;
	return Math.abs(words - target) / target;
}
