'use strict';
const { slug, SLUG_MAX_LENGTH } = require('../../../../nodes/shared/text/normalize');

describe('slug', () => {
	test('accents removed, lower case, every run of other characters one dash, no dash at the ends', () => {
		expect(slug('Lição Um!')).toBe('licao-um');
		expect(slug('  --Ação: já, 10%--  ')).toBe('acao-ja-10');
		expect(slug('pt-BR-Neural2-A')).toBe('pt-br-neural2-a');
	});
	test('compatibility forms are unfolded (NFKD), not dropped', () => {
		expect(slug('ﬁnal ①')).toBe('final-1');
	});
	test('letters outside a–z give nothing, so the caller chooses a fallback', () => {
		expect(slug('Привет 你好')).toBe('');
		expect(slug('')).toBe('');
	});
	test('cut at the maximum length', () => {
		const long = 'abc '.repeat(40);
		expect(slug(long)).toHaveLength(SLUG_MAX_LENGTH);
		expect(slug(long, 7)).toBe('abc-abc');
	});
});
