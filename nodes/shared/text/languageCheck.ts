import type { WritingSystem } from './languages';

/**
 * A cheap "is this plausibly in language X?" check for model output: no model, no dictionary.
 * Two signals: the writing system of the letters (Cyrillic text is not Portuguese), and for
 * Latin-script languages the share of very common function words ("the", "não", "los"), which
 * tells English from Portuguese from Spanish within a few sentences. It catches the failures
 * that matter (an answer left in the source language, or in English); it does not tell regional
 * variants apart (pt-BR from pt-PT), which the prompt has to get right. The same word lists
 * also guess the language of a customer message (`detectLanguage`), the one detector every node uses.
 */

const SCRIPT_PATTERNS: Record<WritingSystem, RegExp> = {
	Latin: /\p{Script=Latin}/u,
	Cyrillic: /\p{Script=Cyrillic}/u,
	Greek: /\p{Script=Greek}/u,
	Arabic: /\p{Script=Arabic}/u,
	Hebrew: /\p{Script=Hebrew}/u,
	Devanagari: /\p{Script=Devanagari}/u,
	Bengali: /\p{Script=Bengali}/u,
	Gujarati: /\p{Script=Gujarati}/u,
	Kannada: /\p{Script=Kannada}/u,
	Malayalam: /\p{Script=Malayalam}/u,
	Tamil: /\p{Script=Tamil}/u,
	Telugu: /\p{Script=Telugu}/u,
	Thai: /\p{Script=Thai}/u,
	Han: /\p{Script=Han}/u,
	// Japanese mixes kanji with both kana.
	Japanese: /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u,
	Hangul: /\p{Script=Hangul}/u,
};

/** Function words frequent in running text and rare in the other listed languages. */
const STOP_WORDS: Record<string, Set<string>> = Object.fromEntries(
	Object.entries({
		en: 'the and of to is in that it you for with this are was on be your not have what they we can will from but',
		pt: 'não uma com para você os as do da dos das em que é um no na mais se ao seu sua isso mas são muito também pelo pela',
		es: 'el los las del y es una por con para que en un se no lo su más al como pero esto muy también está son',
		fr: 'le la les des et est une un pour dans que qui pas vous sur avec ce du au mais sont nous cette aussi très',
		de: 'der die das und ist nicht ein eine zu den mit sie ich auf für es dem sich auch wir wird sind aber noch',
		it: 'il di che è la per non un una con gli le del della sono ma si questo anche più come nel alla',
		nl: 'de het een en van is dat niet op te met zijn voor je ook maar wat er ze bij',
	}).map(([language, words]) => [language, new Set(words.split(' '))]),
);

/** Below this many words a text is too short to judge; it passes. */
const MIN_WORDS_TO_JUDGE = 12;
/** At least this share of letters must be in the expected writing system. */
const MIN_SCRIPT_SHARE = 0.5;
/** Another language wins when its function-word share is this much larger and not tiny. */
const RIVAL_FACTOR = 1.5;
const MIN_RIVAL_SHARE = 0.08;
/** The expected language must show at least this share of its function words. */
const MIN_OWN_SHARE = 0.03;

export type LanguageVerdict = { plausible: true } | { plausible: false; reason: string; detected?: string };

/**
 * Words frequent in short customer messages (greetings, thanks, "can't", "payment"), counted by
 * detection besides the function words: a title and one line hold too few function words to tell
 * Portuguese from Spanish. The plausibility check keeps to function words (it judges long text).
 */
const MESSAGE_WORDS: Record<string, string> = {
	en: "my i cannot can't please hello thanks when payment account",
	pt: 'nao está estou meu minha voce obrigado obrigada já consigo olá ola quando pagamento conta ninguém consegue acessar ainda até aqui',
	es: 'la mi usted puedo gracias hola cuando pago cuenta favor funciona',
};

const DETECTION_WORDS: Record<string, Set<string>> = Object.fromEntries(
	Object.entries(STOP_WORDS).map(([language, set]) => [language, new Set([...set, ...(MESSAGE_WORDS[language]?.split(' ') ?? [])])]),
);

function letters(text: string): string[] {
	return Array.from(text).filter((char) => /\p{L}/u.test(char));
}

function tokens(text: string): string[] {
	return text
		.toLowerCase()
		.split(/[^\p{L}\p{M}'’]+/u)
		.filter((token) => token !== '');
}

/** Share of each listed language's function words among the text's words. */
export function functionWordShares(text: string): Record<string, number> {
	const words = tokens(text);
	const shares: Record<string, number> = {};
	for (const [language, set] of Object.entries(STOP_WORDS)) {
		const hits = words.filter((word) => set.has(word)).length;
		shares[language] = words.length > 0 ? hits / words.length : 0;
	}
	return shares;
}

/** Is `text` plausibly written in `language` (a base language subtag) with `script`? */
export function checkLanguage(text: string, language: string, script: WritingSystem): LanguageVerdict {
	const all = letters(text);
	if (all.length === 0) return { plausible: false, reason: 'the text has no letters' };
	const pattern = SCRIPT_PATTERNS[script];
	const share = all.filter((char) => pattern.test(char)).length / all.length;
	if (share < MIN_SCRIPT_SHARE) {
		return { plausible: false, reason: `the text is not written in ${script} script (${Math.round(share * 100)}% of letters)` };
	}
	if (script !== 'Latin' || tokens(text).length < MIN_WORDS_TO_JUDGE) return { plausible: true };

	const shares = functionWordShares(text);
	const [best, bestShare] = Object.entries(shares).sort((a, b) => b[1] - a[1])[0];
	const own = shares[language];
	if (own === undefined) {
		// No word list for this language: only a clear match to a listed one counts against it.
		return bestShare >= MIN_RIVAL_SHARE * 2
			? { plausible: false, reason: `the text reads like "${best}"`, detected: best }
			: { plausible: true };
	}
	if (best !== language && bestShare >= MIN_RIVAL_SHARE && bestShare >= own * RIVAL_FACTOR) {
		return { plausible: false, reason: `the text reads like "${best}", not "${language}"`, detected: best };
	}
	if (own < MIN_OWN_SHARE) return { plausible: false, reason: `the text has almost no common "${language}" words` };
	return { plausible: true };
}

/**
 * The language among `candidates` (base subtags, in order of preference on a tie) whose common
 * words the text uses most, or undefined when it uses none of them (the caller picks a default).
 */
export function detectLanguage(text: string, candidates: readonly string[]): string | undefined {
	const words = tokens(text);
	let best: string | undefined;
	let bestHits = 0;
	for (const language of candidates) {
		const set = DETECTION_WORDS[language];
		const hits = set ? words.filter((word) => set.has(word)).length : 0;
		if (hits > bestHits) {
			best = language;
			bestHits = hits;
		}
	}
	return best;
}
