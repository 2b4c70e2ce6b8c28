'use strict';

const { detectLanguage, checkLanguage } = require('../../../../nodes/shared/text/languageCheck');

describe('detectLanguage', () => {
	const SUPPORT = ['pt', 'en', 'es'];

	test.each([
		['O sistema está fora do ar, ninguém consegue entrar!', 'pt'],
		['Não consigo pagar o boleto, dá erro', 'pt'],
		['I cannot log in, it says error', 'en'],
		['Just a question: how do I export my data?', 'en'],
		['No puedo entrar a mi cuenta', 'es'],
		['Hola, el pago no funciona, gracias', 'es'],
	])('%s → %s', (text, language) => {
		expect(detectLanguage(text, SUPPORT)).toBe(language);
	});

	test('undefined when the text holds none of the candidates\u2019 words, so the caller picks its default', () => {
		expect(detectLanguage('ERR_503 #4412', SUPPORT)).toBeUndefined();
		expect(detectLanguage('', SUPPORT)).toBeUndefined();
	});

	test('only the candidates are guessed; a tie goes to the earlier one', () => {
		const french = 'Le paiement ne fonctionne pas et je ne peux pas me connecter avec mon compte';
		expect(detectLanguage(french, [...SUPPORT, 'fr'])).toBe('fr');
		expect([...SUPPORT, undefined]).toContain(detectLanguage(french, SUPPORT));
		// "está" is a common word of both Portuguese and Spanish.
		expect(detectLanguage('está', ['pt', 'es'])).toBe('pt');
		expect(detectLanguage('está', ['es', 'pt'])).toBe('es');
		expect(detectLanguage('the payment', ['xx', 'en'])).toBe('en');
	});

	test('the message words do not change the plausibility check of long text', () => {
		// "please", "thanks", "payment" are counted by detection only: this English text still has
		// too few English function words for the check, exactly as before detection shared the lists.
		const text = 'Please thanks payment account hello please thanks payment account hello please thanks';
		expect(checkLanguage(text, 'en', 'Latin')).toMatchObject({ plausible: false });
		expect(detectLanguage(text, ['en', 'pt'])).toBe('en');
	});
});
