import { normalizeText } from '../../shared/text/normalize';
import { baseLanguage } from './language';
import type { BaseLanguage } from './language';
import type { Category, Priority, Sentiment, Triage } from './types';

/**
 * The rule-based triage used when Gemini cannot be (no credential, breaker open, failures):
 * keyword and pattern lists per language for priority, category and sentiment, and a template
 * reply per category. Matching ignores case and accents. Deliberately conservative: a critical
 * or negative issue is always escalated, since no model looked at it.
 */

const PRIORITY_PATTERNS: Record<Exclude<Priority, 'medium'>, RegExp[]> = {
	critical: [
		/\b(down|outage|offline|not loading|data loss|lost (all|my) data|hacked|security breach|fraud|charged twice|double charged|urgent|asap|emergency|everyone|all users|production)\b/,
		/\b(fora do ar|caiu|parado|parou tudo|nao (abre|carrega|funciona nada)|urgente|invadid[ao]|golpe|fraude|cobrad[ao] (duas|2) vezes|perdi (todos|meus) (os )?dados|vazamento)\b/,
		/\b(caido|no carga|urgente|hackead[ao]|fraude|cobrad[ao] dos veces|perdi (todos )?mis datos)\b/,
	],
	high: [
		/\b(error|bug|crash(es|ed)?|fail(s|ed|ing)?|broken|cannot|can t|unable|not working|refund|blocked|locked out)\b/,
		/\b(erro|falha|travou|trava|quebrado|nao consigo|nao funciona|reembolso|estorno|bloquead[ao])\b/,
		/\b(fallo|falla|no puedo|no funciona|roto|reembolso|bloquead[ao])\b/,
	],
	low: [
		/\b(question|how (do|can) i|suggestion|feature request|would be nice|feedback|just wondering|thanks)\b/,
		/\b(duvida|como (faco|posso)|sugestao|seria bom|elogio|obrigad[oa])\b/,
		/\b(pregunta|como puedo|sugerencia|seria bueno|gracias)\b/,
	],
};

const SENTIMENT_PATTERNS: Record<Exclude<Sentiment, 'neutral'>, RegExp> = {
	negative:
		/\b(angry|terrible|awful|worst|unacceptable|ridiculous|furious|horrible|pessimo|absurdo|raiva|horrivel|inaceitavel|ridiculo|decepcionad[oa]|terrible|inaceptable|enojad[oa])\b|!{2,}/,
	positive: /\b(thanks|thank you|great|love|awesome|obrigad[oa]|otimo|adorei|excelente|gracias|genial)\b/,
};

/** Built-in categories; the node's Categories parameter may replace them. */
export const DEFAULT_CATEGORIES: Category[] = [
	{
		name: 'billing',
		description: 'Payments, charges, invoices, refunds, plans and subscriptions',
		keywords: ['payment', 'charge', 'charged', 'invoice', 'refund', 'billing', 'subscription', 'pagamento', 'cobranca', 'cobrado', 'fatura', 'boleto', 'pix', 'reembolso', 'estorno', 'assinatura', 'pago', 'factura', 'cobro'],
		replyTemplate: '',
	},
	{
		name: 'account',
		description: 'Sign-in, passwords, access, registration and profile data',
		keywords: ['login', 'log in', 'sign in', 'password', 'account', 'access', 'locked', '2fa', 'senha', 'acesso', 'conta', 'entrar', 'cadastro', 'contrasena', 'cuenta', 'acceso'],
		replyTemplate: '',
	},
	{
		name: 'technical',
		description: 'Errors, bugs, crashes, outages and anything not working as it should',
		keywords: ['error', 'bug', 'crash', 'down', 'not working', 'broken', 'slow', 'outage', 'erro', 'falha', 'travou', 'caiu', 'fora do ar', 'nao funciona', 'lento', 'fallo', 'no funciona', 'caido'],
		replyTemplate: '',
	},
	{
		name: 'feature_request',
		description: 'Suggestions and requests for something the product does not do yet',
		keywords: ['feature', 'suggestion', 'would be nice', 'please add', 'sugestao', 'seria bom', 'poderiam adicionar', 'sugerencia', 'seria bueno'],
		replyTemplate: '',
	},
	{
		name: 'general',
		description: 'Questions and anything that fits no other category',
		keywords: [],
		replyTemplate: '',
	},
];

const TEMPLATES: Record<BaseLanguage, Record<string, string>> = {
	pt: {
		billing: 'Recebemos sua mensagem sobre pagamento ou cobrança. Nossa equipe financeira já está verificando e retorna com a solução o quanto antes.',
		account: 'Recebemos seu pedido sobre acesso à conta. Por segurança, um atendente vai confirmar seus dados e ajudar a recuperar o acesso em breve.',
		technical: 'Recebemos o relato do problema técnico e nossa equipe já está investigando. Avisaremos assim que houver uma solução.',
		feature_request: 'Obrigado pela sugestão! Ela foi registrada e será avaliada pela nossa equipe de produto.',
		general: 'Recebemos sua mensagem e um atendente vai responder em breve. Obrigado pela paciência.',
		critical: 'Tratamos isso como prioridade máxima: uma pessoa da equipe já foi acionada.',
	},
	en: {
		billing: 'We received your message about a payment or charge. Our billing team is checking it now and will get back to you with a fix as soon as possible.',
		account: 'We received your request about access to your account. For your security, an agent will confirm your details and help you get back in shortly.',
		technical: 'We received your report of the technical problem and our team is already looking into it. We will let you know as soon as it is fixed.',
		feature_request: 'Thank you for the suggestion! It has been recorded and our product team will review it.',
		general: 'We received your message and an agent will reply shortly. Thank you for your patience.',
		critical: 'We are treating this as top priority: a person on our team has been alerted.',
	},
	es: {
		billing: 'Recibimos tu mensaje sobre un pago o cobro. Nuestro equipo de facturación ya lo está revisando y te responderá lo antes posible.',
		account: 'Recibimos tu solicitud sobre el acceso a tu cuenta. Por seguridad, un agente confirmará tus datos y te ayudará a entrar pronto.',
		technical: 'Recibimos tu reporte del problema técnico y nuestro equipo ya lo está investigando. Te avisaremos en cuanto esté resuelto.',
		feature_request: '¡Gracias por la sugerencia! Quedó registrada y nuestro equipo de producto la evaluará.',
		general: 'Recibimos tu mensaje y un agente te responderá pronto. Gracias por tu paciencia.',
		critical: 'Lo tratamos como máxima prioridad: ya avisamos a una persona del equipo.',
	},
};

export function rulePriority(text: string): Priority {
	const plain = normalizeText(text);
	for (const priority of ['critical', 'high', 'low'] as const) {
		if (PRIORITY_PATTERNS[priority].some((pattern) => pattern.test(plain))) return priority;
	}
	return 'medium';
}

export function ruleSentiment(text: string): Sentiment {
	const plain = normalizeText(text);
	if (SENTIMENT_PATTERNS.negative.test(plain) || /!{2,}/.test(text)) return 'negative';
	return SENTIMENT_PATTERNS.positive.test(plain) ? 'positive' : 'neutral';
}

/** The category with the most keyword hits; the last category (catch-all) when none hits. */
export function ruleCategory(text: string, categories: Category[]): string {
	const plain = ` ${normalizeText(text)} `;
	let best = categories[categories.length - 1]?.name ?? 'general';
	let bestHits = 0;
	for (const category of categories) {
		const hits = category.keywords.filter((keyword) => plain.includes(` ${normalizeText(keyword)}`)).length;
		if (hits > bestHits) {
			best = category.name;
			bestHits = hits;
		}
	}
	return best;
}

export function templateReply(category: Category | undefined, priority: Priority, language: string): string {
	const texts = TEMPLATES[baseLanguage(language) ?? 'en'];
	const body = category?.replyTemplate.trim() || texts[category?.name ?? ''] || texts.general;
	return priority === 'critical' ? `${body} ${texts.critical}` : body;
}

/** A complete triage from rules alone. */
export function ruleTriage(text: string, language: string, categories: Category[]): Triage {
	const priority = rulePriority(text);
	const sentiment = ruleSentiment(text);
	const categoryName = ruleCategory(text, categories);
	const category = categories.find((c) => c.name === categoryName);
	const escalate = priority === 'critical' || priority === 'high' || sentiment === 'negative';
	return {
		priority,
		category: categoryName,
		sentiment,
		language,
		confidence: 0.3,
		summary: text.replace(/\s+/g, ' ').trim().slice(0, 160),
		reply: templateReply(category, priority, language),
		autoResolvable: false,
		escalate,
		escalationReason: escalate
			? `Answered by rules (${priority} priority${sentiment === 'negative' ? ', negative sentiment' : ''}); a person should follow up`
			: null,
	};
}
