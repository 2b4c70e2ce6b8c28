/**
 * Splits text into chunks no larger than a limit, cutting at the most natural boundary that
 * fits: paragraph, then sentence, then clause, then word. A single word larger than the limit
 * (a URL, a long token) is the only thing ever cut inside, by code point. Used for speech
 * synthesis limits (measured in UTF-8 bytes) and chat-sized replies (measured in characters).
 */

export type Measure = (text: string) => number;

const SURROGATE_HIGH_START = 0xd800;
const SURROGATE_HIGH_END = 0xdbff;
const ONE_BYTE_MAX = 0x7f;
const TWO_BYTES_MAX = 0x7ff;

/** UTF-8 length without Buffer or TextEncoder: accents count 2, most CJK 3, emoji 4. */
export const utf8Bytes: Measure = (text) => {
	let bytes = 0;
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (code <= ONE_BYTE_MAX) bytes += 1;
		else if (code <= TWO_BYTES_MAX) bytes += 2;
		else if (code >= SURROGATE_HIGH_START && code <= SURROGATE_HIGH_END && index + 1 < text.length) {
			bytes += 4;
			index++;
		} else bytes += 3;
	}
	return bytes;
};

/** Length in code points (what a person counts as characters; an emoji is one). */
export const characters: Measure = (text) => Array.from(text).length;

// Each boundary matches the whitespace that follows it, so a piece keeps its own punctuation.
const BOUNDARIES: RegExp[] = [
	/\n[ \t]*\n\s*/g, // paragraph
	/(?<=[.!?…。！？]["'”’»)\]]*)\s+/g, // sentence
	/(?<=[,;:，；：—–])\s+/g, // clause
	/\s+/g, // word
];

function splitKeep(text: string, boundary: RegExp): string[] {
	const pieces: string[] = [];
	let last = 0;
	for (const match of text.matchAll(boundary)) {
		const end = (match.index ?? 0) + match[0].length;
		if (end > last) {
			pieces.push(text.slice(last, end));
			last = end;
		}
	}
	if (last < text.length) pieces.push(text.slice(last));
	return pieces;
}

function hardSplit(word: string, max: number, measure: Measure): string[] {
	const chunks: string[] = [];
	let current = '';
	for (const symbol of Array.from(word)) {
		if (current !== '' && measure(current + symbol) > max) {
			chunks.push(current);
			current = '';
		}
		current += symbol;
	}
	if (current !== '') chunks.push(current);
	return chunks;
}

function pack(text: string, max: number, measure: Measure, level: number): string[] {
	if (level >= BOUNDARIES.length) return hardSplit(text.trim(), max, measure);
	const chunks: string[] = [];
	let current = '';
	const flush = () => {
		if (current.trim() !== '') chunks.push(current.trim());
		current = '';
	};
	for (const piece of splitKeep(text, BOUNDARIES[level])) {
		if (measure(piece.trim()) > max) {
			flush();
			chunks.push(...pack(piece, max, measure, level + 1));
		} else if (measure((current + piece).trim()) <= max) {
			current += piece;
		} else {
			flush();
			current = piece;
		}
	}
	flush();
	return chunks;
}

/**
 * Chunks of `text`, in order, each at most `max` by `measure`, trimmed and non-empty. Joining
 * them with single spaces gives back the text's words in order. Empty text gives [].
 */
export function splitAtBoundaries(text: string, max: number, measure: Measure = characters): string[] {
	if (!(max >= 1)) throw new RangeError(`max must be at least 1, not ${String(max)}`);
	if (text.trim() === '') return [];
	if (measure(text.trim()) <= max) return [text.trim()];
	return pack(text, max, measure, 0);
}
