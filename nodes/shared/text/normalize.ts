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

const SEPARATORS = /[\s_-]+/g;

/**
 * The form in which two names a user typed (a level, a label, an enum value) are compared:
 * accents and case folded, surrounding space dropped, runs of spaces, dashes and underscores made
 * one underscore. "  Intermédiate " and "INTERMEDIATE" give the same key; "Beginer" does not.
 */
export function canonicalName(text: string): string {
	return text.normalize('NFD').replace(COMBINING_MARKS, '').trim().replace(SEPARATORS, '_').toUpperCase();
}

/** Whether two typed names are the same under canonicalName. */
export function sameName(a: string, b: string): boolean {
	return canonicalName(a) === canonicalName(b);
}

const NOT_SLUG = /[^a-z0-9]+/g;
const EDGE_DASHES = /^-+|-+$/g;
/** Long enough to recognise a title in a file name, short enough for any file system. */
export const SLUG_MAX_LENGTH = 60;

/**
 * A file-name-safe form of a title or name: compatibility forms unfolded ("ﬁ" → "fi"), accents
 * removed, lower case, every run of anything else one dash, at most `maxLength` characters.
 * "Lição Um!" gives "licao-um"; letters outside a–z (Cyrillic, CJK…) are dropped, so a text
 * made only of them gives "" and the caller picks its own fallback.
 */
export function slug(text: string, maxLength = SLUG_MAX_LENGTH): string {
	return text
		.normalize('NFKD')
		.replace(COMBINING_MARKS, '')
		.toLowerCase()
		.replace(NOT_SLUG, '-')
		.replace(EDGE_DASHES, '')
		.slice(0, maxLength);
}
