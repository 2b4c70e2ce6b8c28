import { normalizeText, words } from './normalize';

/** 1 − edit distance ÷ longer length, on normalised text (two-row Levenshtein). */
export function characterSimilarity(a: string, b: string): number {
	const left = normalizeText(a);
	const right = normalizeText(b);
	if (left === right) return 1;
	const longer = Math.max(left.length, right.length);
	if (longer === 0) return 1;
	let previous = Array.from({ length: right.length + 1 }, (_, j) => j);
	for (let i = 1; i <= left.length; i++) {
		const current = [i];
		for (let j = 1; j <= right.length; j++) {
			const substitution = previous[j - 1] + (left[i - 1] === right[j - 1] ? 0 : 1);
			current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
		}
		previous = current;
	}
	return 1 - previous[right.length] / longer;
}

/** Words this alike count as the same word ("gasto"/"gastos"), but not "seu"/"meu". */
export const SAME_WORD_SIMILARITY = 0.75;

/** Dice coefficient over words, where inflected forms of a word still match each other. */
export function wordSimilarity(a: string, b: string): number {
	const left = words(a);
	const right = words(b);
	if (left.length === 0 && right.length === 0) return 1;
	const unmatched = [...left];
	let shared = 0;
	for (const word of right) {
		let index = unmatched.indexOf(word);
		if (index === -1) {
			index = unmatched.findIndex((candidate) => characterSimilarity(candidate, word) >= SAME_WORD_SIMILARITY);
		}
		if (index !== -1) {
			shared++;
			unmatched.splice(index, 1);
		}
	}
	return (2 * shared) / (left.length + right.length);
}

/**
 * Mean of character-level and word-level similarity, in [0, 1].
 * Characters alone call "Seu Primeiro Orçamento" and "Meu Primeiro Orçamento" 95% alike;
 * a different word is a different phrase to a reader, so words weigh in as much as letters.
 * Identical texts (after normalisation) score exactly 1.
 */
export function textSimilarity(a: string, b: string): number {
	if (normalizeText(a) === normalizeText(b)) return 1;
	return (characterSimilarity(a, b) + wordSimilarity(a, b)) / 2;
}
