import { timingSafeEqual } from 'node:crypto';

/**
 * Whether `value` is a text equal to `expected`, compared in constant time so the answer's
 * timing tells a caller nothing about how much of a secret they guessed. An expected value that
 * is missing, not a text or empty matches nothing: a lookup that found no stored secret must
 * never let an empty guess through.
 */
export function matchesSecret(value: unknown, expected: unknown): boolean {
	if (typeof value !== 'string' || typeof expected !== 'string' || expected === '') return false;
	const given = Buffer.from(value, 'utf8');
	const wanted = Buffer.from(expected, 'utf8');
	// Comparing against itself when the lengths differ keeps the work the same for every guess.
	return timingSafeEqual(given.length === wanted.length ? given : wanted, wanted) && given.length === wanted.length;
}
