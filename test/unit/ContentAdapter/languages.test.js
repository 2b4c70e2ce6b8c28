'use strict';

// The shared language table and output checks (nodes/shared/text) the Content Adapter relies on,
// on hand-written natural sentences rather than the fake's word salad.
const { parseLanguageTag, parseLanguageList, sameLanguage, LANGUAGES } = require('../../../nodes/shared/text/languages');
const { checkLanguage } = require('../../../nodes/shared/text/languageCheck');
const { checkGeneratedText, countWords, estimateSpeechSeconds, lengthDeviation } = require('../../../nodes/shared/text/generatedText');

const SAMPLES = {
	en: 'Most people think saving money is about earning more, but the real trick is to decide where every dollar goes before the month starts. You do not need an app for that; a notebook and ten minutes on Sunday are enough.',
	pt: 'A maioria das pessoas acha que guardar dinheiro é ganhar mais, mas o segredo é decidir para onde vai cada real antes de o mês começar. Você não precisa de um aplicativo para isso; um caderno e dez minutos no domingo bastam.',
	es: 'La mayoría de la gente cree que ahorrar dinero es ganar más, pero el verdadero truco es decidir a dónde va cada peso antes de que empiece el mes. No necesitas una aplicación para esto; un cuaderno y diez minutos el domingo son suficientes.',
	fr: "La plupart des gens pensent qu'économiser de l'argent consiste à gagner plus, mais le vrai secret est de décider où va chaque euro avant le début du mois. Vous n'avez pas besoin d'une application pour cela ; un carnet et dix minutes le dimanche suffisent.",
	de: 'Die meisten Menschen glauben, dass Sparen bedeutet, mehr zu verdienen, aber der eigentliche Trick ist, vor Monatsbeginn zu entscheiden, wohin jeder Euro geht. Dafür brauchst du keine App; ein Notizbuch und zehn Minuten am Sonntag reichen aus.',
	it: "La maggior parte delle persone pensa che risparmiare significhi guadagnare di più, ma il vero segreto è decidere dove va ogni euro prima che inizi il mese. Non serve un'app per questo; un quaderno e dieci minuti la domenica sono sufficienti.",
	ru: 'Большинство людей думают, что экономить деньги значит больше зарабатывать, но настоящий секрет в том, чтобы решить, куда пойдёт каждый рубль, до начала месяца.',
	ja: 'ほとんどの人はお金を貯めることは収入を増やすことだと考えますが、本当のコツは月が始まる前に一円ごとの使い道を決めることです。',
};

describe('BCP-47 language tags', () => {
	test.each([
		['pt-BR', 'pt-BR', 'Portuguese (Brazil)'],
		['pt_br', 'pt-BR', 'Portuguese (Brazil)'],
		['EN-us', 'en-US', 'English (United States)'],
		['es-419', 'es-419', 'Spanish (Latin America)'],
		['es-MX', 'es-MX', 'Spanish (Mexico)'],
		['zh-hant-tw', 'zh-Hant-TW', 'Chinese (Taiwan)'],
		['sr-Latn', 'sr-Latn', 'Serbian'],
		['fil', 'fil', 'Filipino'],
	])('%s is accepted as %s', (input, tag, displayName) => {
		expect(parseLanguageTag(input)).toMatchObject({ ok: true, value: { tag, displayName } });
	});

	test('script subtags change the expected writing system', () => {
		expect(parseLanguageTag('sr-Latn').value.script).toBe('Latin');
		expect(parseLanguageTag('sr').value.script).toBe('Cyrillic');
	});

	test.each([
		['english', /not a language code/],
		['pt-RB', /unknown region "RB" for Portuguese \(use pt-BR, pt-PT, pt-AO, pt-MZ\)/],
		['xx', /the language "xx" is not supported/],
		['en-US-x-private', /not a language code/],
		['', /not a language code/],
		['ja-Latn', /Japanese is not written with the script "Latn"/],
	])('%s is rejected with a reason', (input, reason) => {
		const parsed = parseLanguageTag(input);
		expect(parsed.ok).toBe(false);
		expect(parsed.reason).toMatch(reason);
	});

	test('lists: strings or arrays, canonical, de-duplicated, first error wins', () => {
		expect(parseLanguageList('pt-BR, es_mx;ES-MX\nen-US').value.map((l) => l.tag)).toEqual(['pt-BR', 'es-MX', 'en-US']);
		expect(parseLanguageList(['fr-CA', 'fr-ca']).value.map((l) => l.tag)).toEqual(['fr-CA']);
		expect(parseLanguageList('pt-BR, nope').reason).toMatch(/"nope"/);
		expect(parseLanguageList('').value).toEqual([]);
		expect(sameLanguage('pt-BR', 'pt-PT')).toBe(true);
		expect(sameLanguage('pt-BR', 'es-ES')).toBe(false);
	});

	test('every listed language names a region table and a writing system', () => {
		for (const [code, info] of Object.entries(LANGUAGES)) {
			expect(code).toMatch(/^[a-z]{2,3}$/);
			expect(Object.keys(info.regions).length).toBeGreaterThan(0);
			expect(typeof info.script).toBe('string');
		}
	});
});

describe('language plausibility on natural text', () => {
	const scripts = { en: 'Latin', pt: 'Latin', es: 'Latin', fr: 'Latin', de: 'Latin', it: 'Latin', ru: 'Cyrillic', ja: 'Japanese' };

	test.each(Object.keys(SAMPLES))('%s text passes as itself', (language) => {
		expect(checkLanguage(SAMPLES[language], language, scripts[language])).toEqual({ plausible: true });
	});

	test.each([
		['pt', 'es'],
		['es', 'pt'],
		['en', 'pt'],
		['pt', 'en'],
		['fr', 'it'],
		['de', 'en'],
		['it', 'es'],
	])('%s text is not taken for %s', (written, asked) => {
		const verdict = checkLanguage(SAMPLES[written], asked, 'Latin');
		expect(verdict.plausible).toBe(false);
	});

	test('the wrong writing system fails whatever the words', () => {
		expect(checkLanguage(SAMPLES.en, 'ru', 'Cyrillic').plausible).toBe(false);
		expect(checkLanguage(SAMPLES.ru, 'pt', 'Latin').plausible).toBe(false);
		expect(checkLanguage(SAMPLES.pt, 'ja', 'Japanese').plausible).toBe(false);
	});

	test('a language without a word list passes unless it reads clearly like a listed one', () => {
		const polish = 'Większość ludzi uważa, że oszczędzanie pieniędzy polega na zarabianiu więcej, ale prawdziwy sekret to zdecydować, gdzie pójdzie każdy złoty, zanim zacznie się miesiąc.';
		expect(checkLanguage(polish, 'pl', 'Latin').plausible).toBe(true);
		expect(checkLanguage(SAMPLES.en, 'pl', 'Latin').plausible).toBe(false);
	});

	test('too short to judge passes', () => {
		expect(checkLanguage('Olá, tudo bem?', 'en', 'Latin').plausible).toBe(true);
	});
});

describe("the Google fake's scripts pass the node's own checks, in every listed language", () => {
	const C = require('../../support/fakeGoogleContent');
	const tags = Object.entries(LANGUAGES).flatMap(([code, info]) => [
		`${code}-${Object.keys(info.regions)[0]}`,
		...Object.keys(info.scripts ?? {}).map((script) => `${code}-${script}`),
	]);

	test.each(tags)('%s', (input) => {
		const tag = parseLanguageTag(input).value;
		const text = C.scriptText(C.mulberry32(input.length), tag.tag, 200);
		expect(checkGeneratedText(text, { language: tag })).toMatchObject({ ok: true });
		expect(lengthDeviation(countWords(text), 200)).toBeLessThanOrEqual(0.07);
	});
});

describe('generated text checks and measures', () => {
	const pt = parseLanguageTag('pt-BR').value;

	test('passes clean prose, trimmed', () => {
		expect(checkGeneratedText(`  ${SAMPLES.pt}\n`, { language: pt })).toEqual({ ok: true, value: SAMPLES.pt });
	});

	test.each([
		['empty', '  ', /empty/],
		['not a string', 42, /empty/],
		['fenced', `\`\`\`text\n${SAMPLES.pt}\n\`\`\``, /code fence/],
		['an echo', `Escreva o roteiro. Answer only with JSON that matches the response schema. ${SAMPLES.pt}`, /repeats the instructions/],
		['in English', SAMPLES.en, /not in Portuguese \(Brazil\)/],
	])('rejects %s', (_name, text, reason) => {
		const verdict = checkGeneratedText(text, { language: pt, instructions: ['Answer only with JSON that matches the response schema.', 'Write in Portuguese.'] });
		expect(verdict.ok).toBe(false);
		expect(verdict.reason).toMatch(reason);
	});

	test('a short instruction quoted in passing is not an echo', () => {
		expect(checkGeneratedText(`Write in Portuguese. ${SAMPLES.pt}`, { language: pt, instructions: ['Write in Portuguese.'] }).ok).toBe(true);
	});

	test('words: spaces for most scripts, 1.5 characters a word for Chinese and Japanese', () => {
		expect(countWords('Olá, mundo! — 10 vezes.')).toBe(4);
		expect(countWords('一二三四五六')).toBe(4);
		expect(countWords('')).toBe(0);
		expect(estimateSpeechSeconds(150)).toBe(60);
		expect(lengthDeviation(85, 100)).toBeCloseTo(0.15);
		expect(lengthDeviation(5, 0)).toBe(0);
	});
});
