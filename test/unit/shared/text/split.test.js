'use strict';
const { splitAtBoundaries, utf8Bytes, characters } = require('../../../../nodes/shared/text/split');

const words = (text) => text.split(/\s+/).filter(Boolean);

describe('utf8Bytes', () => {
	test.each([
		['abc', 3],
		['ação', 6],
		['日本', 6],
		['👍', 4],
		['', 0],
	])('%s is %i bytes', (text, bytes) => {
		expect(utf8Bytes(text)).toBe(bytes);
		expect(utf8Bytes(text)).toBe(Buffer.byteLength(text, 'utf8'));
	});
});

describe('splitAtBoundaries', () => {
	test('short text is one chunk; empty text none', () => {
		expect(splitAtBoundaries('  Hello there.  ', 100)).toEqual(['Hello there.']);
		expect(splitAtBoundaries('   ', 100)).toEqual([]);
	});

	test('exact limit fits, one byte over splits at a sentence', () => {
		const text = 'Uma frase. Outra frase.';
		expect(splitAtBoundaries(text, utf8Bytes(text), utf8Bytes)).toEqual([text]);
		expect(splitAtBoundaries(text, utf8Bytes(text) - 1, utf8Bytes)).toEqual(['Uma frase.', 'Outra frase.']);
	});

	test('bytes, not characters: accented text splits earlier by bytes', () => {
		const text = 'Ação é ótima. Não há dúvida.';
		expect(characters(text)).toBeLessThanOrEqual(28);
		expect(splitAtBoundaries(text, 28, characters)).toHaveLength(1);
		const byBytes = splitAtBoundaries(text, 28, utf8Bytes);
		expect(byBytes).toEqual(['Ação é ótima.', 'Não há dúvida.']);
		for (const chunk of byBytes) expect(utf8Bytes(chunk)).toBeLessThanOrEqual(28);
	});

	test('paragraphs before sentences, sentences before clauses, never inside a word', () => {
		const text = 'First paragraph here. Still first.\n\nSecond one, with a clause; and another clause that runs long.';
		const chunks = splitAtBoundaries(text, 40);
		expect(chunks[0]).toBe('First paragraph here. Still first.');
		for (const chunk of chunks) expect(characters(chunk)).toBeLessThanOrEqual(40);
		expect(words(chunks.join(' '))).toEqual(words(text));
		expect(chunks.some((chunk) => chunk.endsWith('clause;'))).toBe(true);
	});

	test('a word longer than the limit is the only thing cut inside', () => {
		const chunks = splitAtBoundaries('see https://example.com/very/long/path now', 10);
		for (const chunk of chunks) expect(characters(chunk)).toBeLessThanOrEqual(10);
		expect(chunks.join('').replace(/\s/g, '')).toBe('seehttps://example.com/very/long/pathnow');
	});

	test('a long text keeps every word in order under the limit', () => {
		const sentence = 'Economizar é um hábito que se constrói com pequenas escolhas diárias, não com sacrifícios. ';
		const text = sentence.repeat(200);
		const chunks = splitAtBoundaries(text, 5000, utf8Bytes);
		expect(chunks.length).toBeGreaterThan(1);
		for (const chunk of chunks) {
			expect(utf8Bytes(chunk)).toBeLessThanOrEqual(5000);
			expect(chunk.endsWith('sacrifícios.')).toBe(true);
		}
		expect(words(chunks.join(' '))).toEqual(words(text));
	});

	test('rejects a limit below 1', () => {
		expect(() => splitAtBoundaries('x', 0)).toThrow(RangeError);
	});
});
