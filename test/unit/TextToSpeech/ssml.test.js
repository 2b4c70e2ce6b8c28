'use strict';
// SSML splitting (between elements directly inside <speak>, every chunk well-formed) and
// speaker-labelled dialogue chunks of the Text to Speech node (issue #9).
const { splitSsml, parseSsml } = require('../../../nodes/TextToSpeech/text/ssml');
const { scanDialogue, chunkDialogue } = require('../../../nodes/TextToSpeech/text/dialogue');
const { utf8Bytes } = require('../../../nodes/shared/text/split');
const { SsmlError } = require('../../../nodes/shared/errors');

const LIMIT = 5000;
const SENTENCE = 'A ação começa às três horas, e você não vai querer perder a explicação.';

function paragraphs(n) {
	return Array.from({ length: n }, (_, i) => `<p><s>${i}. ${SENTENCE}</s> <break time="300ms"/> <s>${SENTENCE} &amp; mais.</s></p>`);
}

/** The elements directly inside <speak>, as written. */
function children(ssml) {
	const { pieces } = parseSsml(ssml);
	return pieces.map((p) => ssml.slice(p.start, p.end).trim());
}

describe('SSML splitting', () => {
	test('long SSML splits only between top-level elements; every chunk is a well-formed <speak> under 5000 bytes', () => {
		const body = paragraphs(80);
		const ssml = `<speak xml:lang="pt-BR">\n${body.join('\n')}\n</speak>`;
		expect(utf8Bytes(ssml)).toBeGreaterThan(3 * LIMIT);
		const chunks = splitSsml(ssml, LIMIT, utf8Bytes);
		expect(chunks.length).toBeGreaterThanOrEqual(4);
		for (const chunk of chunks) {
			expect(utf8Bytes(chunk)).toBeLessThanOrEqual(LIMIT);
			expect(chunk.startsWith('<speak xml:lang="pt-BR">')).toBe(true);
			expect(chunk.endsWith('</speak>')).toBe(true);
			expect(() => parseSsml(chunk)).not.toThrow();
		}
		// Every element survives whole and in order.
		expect(chunks.flatMap(children)).toEqual(body);
	});

	test('measured in UTF-8 bytes, not characters: accented text splits sooner', () => {
		const accented = `<speak>${Array.from({ length: 48 }, () => '<s>ção ação é à ô ü ñ ção ação é à ô ü ñ ção ação é à ô ü ñ ção ação é à ô ü ñ.</s>').join('')}</speak>`;
		const characters = (t) => Array.from(t).length;
		expect(characters(accented)).toBeLessThanOrEqual(LIMIT);
		expect(utf8Bytes(accented)).toBeGreaterThan(LIMIT);
		expect(splitSsml(accented, LIMIT, characters)).toHaveLength(1);
		expect(splitSsml(accented, LIMIT, utf8Bytes).length).toBeGreaterThan(1);
	});

	test('exactly at the limit stays one request; one byte over splits', () => {
		const make = (bytes) => {
			const shell = '<speak><p></p><p></p></speak>';
			const room = bytes - utf8Bytes(shell);
			const first = 'a'.repeat(Math.floor(room / 2));
			const second = 'b'.repeat(room - first.length);
			return `<speak><p>${first}</p><p>${second}</p></speak>`;
		};
		const exact = make(LIMIT);
		expect(utf8Bytes(exact)).toBe(LIMIT);
		expect(splitSsml(exact, LIMIT, utf8Bytes)).toEqual([exact]);
		const over = make(LIMIT + 1);
		expect(utf8Bytes(over)).toBe(LIMIT + 1);
		const chunks = splitSsml(over, LIMIT, utf8Bytes);
		expect(chunks).toHaveLength(2);
		expect(chunks.flatMap(children)).toEqual(children(over));
	});

	test('text directly inside <speak> may be split at sentence boundaries', () => {
		const text = Array.from({ length: 120 }, (_, i) => `Frase número ${i} com acentuação.`).join(' ');
		const chunks = splitSsml(`<speak>${text}</speak>`, 1000, utf8Bytes);
		expect(chunks.length).toBeGreaterThan(3);
		for (const chunk of chunks) {
			expect(utf8Bytes(chunk)).toBeLessThanOrEqual(1000);
			expect(chunk).toMatch(/^<speak>Frase número \d+ .*\.<\/speak>$/);
		}
	});

	test('one element too large for a request is a clear error naming it and its line', () => {
		const big = `<speak>\n<p>short</p>\n<p>${'<s>Uma frase longa o bastante.</s>'.repeat(300)}</p>\n</speak>`;
		expect(() => splitSsml(big, LIMIT, utf8Bytes)).toThrow(SsmlError);
		expect(() => splitSsml(big, LIMIT, utf8Bytes)).toThrow(/<p> at line 3 is \d+ bytes.*at most 5000 bytes.*smaller <p> or <s>/);
	});

	test.each([
		['<speak><p>Olá</speak>', /<\/speak> closes <p> \(opened at line 1\)/],
		['<speak><p>Olá</p>', /<speak> is never closed/],
		['<speak>Tom & Jerry</speak>', /bare "&"/],
		['<speak>1 < 2</speak>', /"<" that starts no tag/],
		['<p>Olá</p>', /root element is <p>, not <speak>/],
		['Olá <speak>x</speak>', /text outside <speak>/],
		['<speak>a</speak><speak>b</speak>', /second root element/],
		['<speak><break time=300ms/></speak>', /badly written attributes in <break>/],
		['<speak>\n<p>ok</p>\n</s></speak>', /<\/s> closes <speak>|<\/s> closes nothing|line 3/],
		['', /no <speak> element/],
	])('SSML that does not parse is refused: %j', (ssml, message) => {
		expect(() => splitSsml(ssml, LIMIT, utf8Bytes)).toThrow(SsmlError);
		expect(() => splitSsml(ssml, LIMIT, utf8Bytes)).toThrow(message);
	});

	test('declarations, comments, CDATA and entities are accepted', () => {
		const ssml = '<?xml version="1.0"?>\n<!-- intro --><speak version="1.1"><p>R&#36; 10 &amp; &#x263A;</p><![CDATA[ a < b ]]><mark name="m1"/></speak>';
		expect(splitSsml(ssml, LIMIT, utf8Bytes)).toEqual([ssml]);
	});
});

describe('speaker-labelled dialogue', () => {
	test('two labels make a dialogue; unlabelled lines continue the turn', () => {
		const scan = scanDialogue('Ana: Olá, Bruno!\nBruno: Oi, Ana.\nTudo bem?\n\nAna: Tudo ótimo.');
		expect(scan).toEqual({
			kind: 'dialogue',
			speakers: ['Ana', 'Bruno'],
			turns: [
				{ speaker: 'Ana', text: 'Olá, Bruno!' },
				{ speaker: 'Bruno', text: 'Oi, Ana. Tudo bem?' },
				{ speaker: 'Ana', text: 'Tudo ótimo.' },
			],
		});
	});

	test('plain narration, one label, or a first line without label is not a dialogue', () => {
		expect(scanDialogue('Era uma vez. Fim.').kind).toBe('none');
		expect(scanDialogue('Nota: isto é um texto.\nContinua aqui.').kind).toBe('none');
		expect(scanDialogue('Intro sem rótulo.\nAna: Olá\nBruno: Oi').kind).toBe('none');
	});

	test('three speakers are reported (Gemini speaks at most two)', () => {
		expect(scanDialogue('Ana: a\nBruno: b\nCarla: c')).toEqual({ kind: 'tooManySpeakers', speakers: ['Ana', 'Bruno', 'Carla'] });
	});

	test('chunks keep whole labelled lines, and a split turn keeps its label', () => {
		const long = Array.from({ length: 50 }, (_, i) => `Frase ${i} da Ana, bem explicada.`).join(' ');
		const turns = [
			{ speaker: 'Ana', text: long },
			{ speaker: 'Bruno', text: 'Entendi.' },
		];
		const chunks = chunkDialogue(turns, 400, utf8Bytes);
		expect(chunks.length).toBeGreaterThan(3);
		for (const chunk of chunks) {
			expect(utf8Bytes(chunk)).toBeLessThanOrEqual(400);
			for (const line of chunk.split('\n')) expect(line).toMatch(/^(Ana|Bruno): \S/);
		}
		const spoken = chunks.join('\n').split('\n').map((line) => line.replace(/^(Ana|Bruno): /, '')).join(' ');
		expect(spoken).toBe(`${long} Entendi.`);
	});
});
