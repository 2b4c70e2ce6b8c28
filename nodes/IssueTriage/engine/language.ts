import { detectLanguage } from '../../shared/text/languageCheck';

/**
 * Language of an issue: the one the input gives, else a guess by the shared detector. Only the
 * languages the fallback has replies for are guessed; anything else falls back to the default.
 */

export type BaseLanguage = 'pt' | 'en' | 'es';

/** Guessed in this order of preference when a text is as much one as another. */
const RECOGNISED: readonly BaseLanguage[] = ['pt', 'en', 'es'];
/** A guessed language gets this region: the helpdesk's customers write Brazilian Portuguese. */
const REGION_OF_GUESS: Partial<Record<BaseLanguage, string>> = { pt: 'pt-BR' };

export function baseLanguage(language: string): BaseLanguage | undefined {
	const base = language.trim().toLowerCase().split(/[-_]/)[0];
	return (RECOGNISED as readonly string[]).includes(base) ? (base as BaseLanguage) : undefined;
}

/** The input's language when it names one, else the detected one, else `fallback`. */
export function languageOf(given: string, text: string, fallback: string): string {
	if (given.trim() !== '') return given.trim();
	const detected = detectLanguage(text, RECOGNISED) as BaseLanguage | undefined;
	return detected ? (REGION_OF_GUESS[detected] ?? detected) : fallback;
}

const GREETINGS: Record<BaseLanguage, (name: string) => string> = {
	pt: (name) => (name ? `Olá, ${name}!` : 'Olá!'),
	en: (name) => (name ? `Hi ${name},` : 'Hi,'),
	es: (name) => (name ? `Hola, ${name}:` : 'Hola:'),
};

/** The greeting put before every reply (replies themselves never name the customer). */
export function greeting(language: string, name: string): string {
	const first = name.trim().split(/\s+/)[0] ?? '';
	return GREETINGS[baseLanguage(language) ?? 'en'](first);
}
