'use strict';

const { normalizeText, words } = require('../../../../nodes/shared/text/normalize');
const { characterSimilarity, wordSimilarity, textSimilarity } = require('../../../../nodes/shared/text/similarity');
const { extractJson } = require('../../../../nodes/shared/text/json');

describe('normalizeText', () => {
	test('folds case, accents and punctuation', () => {
		expect(normalizeText('  Seu PRIMEIRO Orçamento!! ')).toBe('seu primeiro orcamento');
		expect(words('Ação, já: 10%')).toEqual(['acao', 'ja', '10']);
		expect(words('   ')).toEqual([]);
	});
});

describe('similarity', () => {
	test('identical after normalisation is exactly 1', () => {
		expect(textSimilarity('Desvende Seus Gastos', 'desvende seus gastos')).toBe(1);
	});
	test('a swapped word weighs more than its letters', () => {
		expect(characterSimilarity('Seu Primeiro Orçamento', 'Meu Primeiro Orçamento')).toBeGreaterThan(0.95);
		expect(textSimilarity('Seu Primeiro Orçamento', 'Meu Primeiro Orçamento')).toBeLessThan(0.85);
	});
	test('an inflected word still matches (plural)', () => {
		expect(wordSimilarity('Semana sem Delivery', 'Semana sem Deliverys')).toBe(1);
		expect(textSimilarity('Semana sem Delivery', 'Semana sem Deliverys')).toBeGreaterThanOrEqual(0.95);
	});
	test('unrelated texts score low and scores are symmetric', () => {
		const a = 'Registre 10 transações';
		const b = 'Crie uma meta de viagem';
		expect(textSimilarity(a, b)).toBeLessThan(0.4);
		expect(textSimilarity(a, b)).toBeCloseTo(textSimilarity(b, a), 10);
	});
});

describe('extractJson', () => {
	test('plain, fenced, and surrounded by prose', () => {
		expect(extractJson('[1,2]')).toEqual([1, 2]);
		expect(extractJson('Here:\n```json\n{"a": 1}\n```\nbye')).toEqual({ a: 1 });
		expect(extractJson('Sure! [{"title":"x"}] hope it helps')).toEqual([{ title: 'x' }]);
	});
	test('undefined when nothing parses (truncated output)', () => {
		expect(extractJson('[{"title": "cut off')).toBeUndefined();
		expect(extractJson('')).toBeUndefined();
	});
});
