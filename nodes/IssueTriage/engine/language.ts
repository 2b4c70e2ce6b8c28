/**
 * Language of an issue: the one the input gives, else a guess from common words. Only the
 * languages the fallback has replies for are guessed; anything else falls back to English.
 */

export type BaseLanguage = 'pt' | 'en' | 'es';

const STOP_WORDS: Record<BaseLanguage, string[]> = {
	pt: ['não', 'nao', 'está', 'estou', 'meu', 'minha', 'você', 'voce', 'obrigado', 'obrigada', 'para', 'com', 'uma', 'isso', 'já', 'consigo', 'olá', 'ola', 'quando', 'pagamento', 'conta', 'ninguém', 'consegue', 'acessar', 'também', 'ainda', 'até', 'aqui'],
	en: ['the', 'is', 'not', 'my', 'i', 'you', 'and', 'with', 'this', 'cannot', "can't", 'please', 'hello', 'thanks', 'when', 'payment', 'account', 'it'],
	es: ['el', 'la', 'no', 'mi', 'usted', 'puedo', 'gracias', 'hola', 'cuando', 'pago', 'cuenta', 'esto', 'está', 'por', 'favor', 'funciona'],
};

export function baseLanguage(language: string): BaseLanguage | undefined {
	const base = language.trim().toLowerCase().split(/[-_]/)[0];
	return base === 'pt' || base === 'en' || base === 'es' ? base : undefined;
}

/** Best guess among pt, en and es from word counts; `fallback` when nothing matches. */
export function detectLanguage(text: string, fallback = 'en'): string {
	const words = text.toLowerCase().match(/[\p{L}']+/gu) ?? [];
	let best: BaseLanguage | undefined;
	let bestScore = 0;
	for (const language of Object.keys(STOP_WORDS) as BaseLanguage[]) {
		const list = STOP_WORDS[language];
		const score = words.filter((word) => list.includes(word)).length;
		if (score > bestScore) {
			best = language;
			bestScore = score;
		}
	}
	if (best === 'pt') return 'pt-BR';
	return best ?? fallback;
}

/** The input's language when it names one, else the detected one. */
export function languageOf(given: string, text: string, fallback: string): string {
	return given.trim() !== '' ? given.trim() : detectLanguage(text, fallback);
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
