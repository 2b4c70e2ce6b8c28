const COMBINING_MARKS = /[\u0300-\u036f]/g;
const NON_ALPHANUMERIC = /[^\p{L}\p{N}]+/gu;

/**
 * Lower case, accents removed, punctuation and runs of spaces folded into one space,
 * so "Seu Primeiro Orçamento!" and "seu primeiro orcamento" compare as equal.
 */
export function normalizeText(text: string): string {
	return text
		.normalize('NFD')
		.replace(COMBINING_MARKS, '')
		.toLowerCase()
		.replace(NON_ALPHANUMERIC, ' ')
		.trim();
}

export function words(text: string): string[] {
	const normalized = normalizeText(text);
	return normalized === '' ? [] : normalized.split(' ');
}
