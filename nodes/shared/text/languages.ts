/**
 * The languages our nodes write, adapt and speak, as BCP-47 tags (language[-Script][-REGION]).
 * One table for every node: the Content Adapter validates target languages with it, Text to
 * Speech maps them to voices, Issue Triage answers in them. Only tags listed here are accepted,
 * so a typo ("pt-RB", "english") is an error that names the parameter instead of a model
 * quietly answering in some other language.
 */

/** ISO 15924 script a language is normally written in (what the language check looks for). */
export type WritingSystem =
	| 'Latin'
	| 'Cyrillic'
	| 'Greek'
	| 'Arabic'
	| 'Hebrew'
	| 'Devanagari'
	| 'Bengali'
	| 'Gujarati'
	| 'Kannada'
	| 'Malayalam'
	| 'Tamil'
	| 'Telugu'
	| 'Thai'
	| 'Han'
	| 'Japanese'
	| 'Hangul';

export interface LanguageInfo {
	/** English name, e.g. "Portuguese". */
	name: string;
	script: WritingSystem;
	/** Regions (ISO 3166-1 alpha-2, or UN M.49 like 419) accepted after the language subtag. */
	regions: Record<string, string>;
	/** Script subtags accepted (zh-Hans, sr-Latn), with the writing system each means. */
	scripts?: Record<string, WritingSystem>;
}

const r = (pairs: string): Record<string, string> =>
	Object.fromEntries(
		pairs
			.split(';')
			.filter((pair) => pair !== '')
			.map((pair) => pair.split('=') as [string, string]),
	);

export const LANGUAGES: Record<string, LanguageInfo> = {
	ar: { name: 'Arabic', script: 'Arabic', regions: r('SA=Saudi Arabia;EG=Egypt;AE=United Arab Emirates;MA=Morocco') },
	bg: { name: 'Bulgarian', script: 'Cyrillic', regions: r('BG=Bulgaria') },
	bn: { name: 'Bengali', script: 'Bengali', regions: r('BD=Bangladesh;IN=India') },
	ca: { name: 'Catalan', script: 'Latin', regions: r('ES=Spain') },
	cs: { name: 'Czech', script: 'Latin', regions: r('CZ=Czechia') },
	da: { name: 'Danish', script: 'Latin', regions: r('DK=Denmark') },
	de: { name: 'German', script: 'Latin', regions: r('DE=Germany;AT=Austria;CH=Switzerland') },
	el: { name: 'Greek', script: 'Greek', regions: r('GR=Greece') },
	en: {
		name: 'English',
		script: 'Latin',
		regions: r('US=United States;GB=United Kingdom;AU=Australia;CA=Canada;IN=India;IE=Ireland;NZ=New Zealand;ZA=South Africa;SG=Singapore;PH=Philippines'),
	},
	es: {
		name: 'Spanish',
		script: 'Latin',
		regions: r('ES=Spain;MX=Mexico;US=United States;AR=Argentina;CO=Colombia;CL=Chile;PE=Peru;VE=Venezuela;UY=Uruguay;419=Latin America'),
	},
	et: { name: 'Estonian', script: 'Latin', regions: r('EE=Estonia') },
	fi: { name: 'Finnish', script: 'Latin', regions: r('FI=Finland') },
	fil: { name: 'Filipino', script: 'Latin', regions: r('PH=Philippines') },
	fr: { name: 'French', script: 'Latin', regions: r('FR=France;CA=Canada;BE=Belgium;CH=Switzerland') },
	gu: { name: 'Gujarati', script: 'Gujarati', regions: r('IN=India') },
	he: { name: 'Hebrew', script: 'Hebrew', regions: r('IL=Israel') },
	hi: { name: 'Hindi', script: 'Devanagari', regions: r('IN=India') },
	hr: { name: 'Croatian', script: 'Latin', regions: r('HR=Croatia') },
	hu: { name: 'Hungarian', script: 'Latin', regions: r('HU=Hungary') },
	id: { name: 'Indonesian', script: 'Latin', regions: r('ID=Indonesia') },
	it: { name: 'Italian', script: 'Latin', regions: r('IT=Italy;CH=Switzerland') },
	ja: { name: 'Japanese', script: 'Japanese', regions: r('JP=Japan') },
	kn: { name: 'Kannada', script: 'Kannada', regions: r('IN=India') },
	ko: { name: 'Korean', script: 'Hangul', regions: r('KR=South Korea') },
	lt: { name: 'Lithuanian', script: 'Latin', regions: r('LT=Lithuania') },
	lv: { name: 'Latvian', script: 'Latin', regions: r('LV=Latvia') },
	ml: { name: 'Malayalam', script: 'Malayalam', regions: r('IN=India') },
	mr: { name: 'Marathi', script: 'Devanagari', regions: r('IN=India') },
	ms: { name: 'Malay', script: 'Latin', regions: r('MY=Malaysia') },
	nb: { name: 'Norwegian Bokmål', script: 'Latin', regions: r('NO=Norway') },
	nl: { name: 'Dutch', script: 'Latin', regions: r('NL=Netherlands;BE=Belgium') },
	pl: { name: 'Polish', script: 'Latin', regions: r('PL=Poland') },
	pt: { name: 'Portuguese', script: 'Latin', regions: r('BR=Brazil;PT=Portugal;AO=Angola;MZ=Mozambique') },
	ro: { name: 'Romanian', script: 'Latin', regions: r('RO=Romania') },
	ru: { name: 'Russian', script: 'Cyrillic', regions: r('RU=Russia') },
	sk: { name: 'Slovak', script: 'Latin', regions: r('SK=Slovakia') },
	sl: { name: 'Slovenian', script: 'Latin', regions: r('SI=Slovenia') },
	sr: { name: 'Serbian', script: 'Cyrillic', regions: r('RS=Serbia'), scripts: { Cyrl: 'Cyrillic', Latn: 'Latin' } },
	sv: { name: 'Swedish', script: 'Latin', regions: r('SE=Sweden;FI=Finland') },
	sw: { name: 'Swahili', script: 'Latin', regions: r('KE=Kenya;TZ=Tanzania') },
	ta: { name: 'Tamil', script: 'Tamil', regions: r('IN=India;LK=Sri Lanka;SG=Singapore') },
	te: { name: 'Telugu', script: 'Telugu', regions: r('IN=India') },
	th: { name: 'Thai', script: 'Thai', regions: r('TH=Thailand') },
	tr: { name: 'Turkish', script: 'Latin', regions: r('TR=Turkey') },
	uk: { name: 'Ukrainian', script: 'Cyrillic', regions: r('UA=Ukraine') },
	ur: { name: 'Urdu', script: 'Arabic', regions: r('PK=Pakistan;IN=India') },
	vi: { name: 'Vietnamese', script: 'Latin', regions: r('VN=Vietnam') },
	zh: {
		name: 'Chinese',
		script: 'Han',
		regions: r('CN=China;TW=Taiwan;HK=Hong Kong;SG=Singapore'),
		scripts: { Hans: 'Han', Hant: 'Han' },
	},
};

export interface LanguageTag {
	/** Canonical casing: "pt-BR", "zh-Hant-TW", "es-419". */
	tag: string;
	language: string;
	region?: string;
	scriptSubtag?: string;
	/** The writing system text in this language is expected in. */
	script: WritingSystem;
	/** "Portuguese (Brazil)". */
	displayName: string;
}

export type LanguageParse = { ok: true; value: LanguageTag } | { ok: false; reason: string };

const SHAPE = /^([A-Za-z]{2,3})(?:[-_]([A-Za-z]{4}))?(?:[-_]([A-Za-z]{2}|\d{3}))?$/;
const EXAMPLES = 'pt-BR, en-US, es-ES, es-MX, fr-FR, de-DE, ja-JP';

/** Parses and checks one BCP-47 tag; "pt_br" and "PT-br" are accepted and canonicalised. */
export function parseLanguageTag(input: string): LanguageParse {
	const raw = input.trim();
	const match = SHAPE.exec(raw);
	if (!match) {
		return { ok: false, reason: `"${raw}" is not a language code of the form language-REGION (e.g. ${EXAMPLES})` };
	}
	const language = match[1].toLowerCase();
	const info = LANGUAGES[language];
	if (!info) return { ok: false, reason: `"${raw}": the language "${language}" is not supported (e.g. ${EXAMPLES})` };
	let script = info.script;
	let scriptSubtag: string | undefined;
	if (match[2]) {
		scriptSubtag = match[2].charAt(0).toUpperCase() + match[2].slice(1).toLowerCase();
		const known = info.scripts?.[scriptSubtag];
		if (!known) {
			const allowed = Object.keys(info.scripts ?? {});
			return {
				ok: false,
				reason: `"${raw}": ${info.name} is not written with the script "${scriptSubtag}"${allowed.length > 0 ? ` (use ${allowed.join(' or ')})` : ''}`,
			};
		}
		script = known;
	}
	const region = match[3]?.toUpperCase();
	if (region !== undefined && !(region in info.regions)) {
		const allowed = Object.keys(info.regions).map((code) => `${language}-${code}`);
		return { ok: false, reason: `"${raw}": unknown region "${region}" for ${info.name} (use ${allowed.join(', ')})` };
	}
	const tag = [language, scriptSubtag, region].filter((part) => part !== undefined).join('-');
	const displayName = region ? `${info.name} (${info.regions[region]})` : info.name;
	return { ok: true, value: { tag, language, region, scriptSubtag, script, displayName } };
}

/**
 * A list of tags from a parameter: an array, or a string separated by commas, semicolons or
 * new lines. Duplicates (after canonicalising) are dropped, order kept.
 */
export function parseLanguageList(input: unknown): { ok: true; value: LanguageTag[] } | { ok: false; reason: string } {
	const parts = (Array.isArray(input) ? input.map(String) : String(input ?? '').split(/[,;\n]/))
		.map((part) => part.trim())
		.filter((part) => part !== '');
	const seen = new Set<string>();
	const value: LanguageTag[] = [];
	for (const part of parts) {
		const parsed = parseLanguageTag(part);
		if (!parsed.ok) return parsed;
		if (seen.has(parsed.value.tag)) continue;
		seen.add(parsed.value.tag);
		value.push(parsed.value);
	}
	return { ok: true, value };
}

/** The base language of two tags is the same ("pt-BR" and "pt-PT"). */
export function sameLanguage(a: string, b: string): boolean {
	return a.split('-')[0].toLowerCase() === b.split('-')[0].toLowerCase();
}
