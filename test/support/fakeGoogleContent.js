'use strict';
// Content generation for the fake Google APIs: seeded PRNG, model and voice catalogues, prose,
// schema-conforming JSON (Gemini OpenAPI-subset schema and JSON Schema), schema violations and
// trigram-hash embeddings. Pure functions; the server lives in fakeGoogle.js.

function mulberry32(seed) {
	let a = seed >>> 0;
	return function rng() {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** FNV-1a 32-bit hash of a string. */
function hash32(str, salt = 0) {
	let h = (0x811c9dc5 ^ salt) >>> 0;
	for (let i = 0; i < str.length; i++) h = Math.imul(h ^ str.charCodeAt(i), 0x01000193) >>> 0;
	return h;
}

const pick = (rng, arr) => arr[Math.floor(rng() * arr.length)];
const int = (rng, lo, hi) => lo + Math.floor(rng() * (hi - lo + 1));

const ADJ = ('amber ancient bold brisk calm clever cosmic crimson daring distant dusty eager emerald fading fierce ' +
	'frozen gentle gilded golden hidden hollow humble icy jagged lively lone lucky lunar mellow misty ' +
	'molten noble northern patient quiet radiant restless rusty sacred scarlet secret silent silver ' +
	'sleepy solar steady stormy sunken swift tangled tidal velvet vivid wandering wild windy wise').split(' ');
const NOUN = ('anchor archive beacon bridge canyon caravan cipher citadel comet compass corridor crystal ' +
	'delta engine falcon festival forest fortress garden glacier harbor horizon island journal lagoon ' +
	'lantern library lighthouse market meadow mirror monastery mountain nebula oasis orchard outpost ' +
	'passage pavilion quarry reactor reef relay river ruins satellite signal summit temple tower ' +
	'tunnel valley vault village voyage workshop').split(' ');
const VERB = ('chart decode defend deliver discover escort explore gather guide inspect locate map ' +
	'mend protect rebuild recover repair rescue restore scout secure survey track unlock').split(' ');
const FILL = ('before nightfall|with the last supplies|across the old border|under heavy rain|without raising ' +
	'alarms|for the council|beyond the northern ridge|while the tide is low|using only local tools|' +
	'before the festival ends').split('|');

const cap = (w) => w.charAt(0).toUpperCase() + w.slice(1);
const PHRASES = [
	(r) => `The ${cap(pick(r, ADJ))} ${cap(pick(r, NOUN))}`,
	(r) => `${cap(pick(r, VERB))} the ${cap(pick(r, ADJ))} ${cap(pick(r, NOUN))}`,
	(r) => `${cap(pick(r, NOUN))} of the ${cap(pick(r, ADJ))} ${cap(pick(r, NOUN))}`,
	(r) => `${cap(pick(r, ADJ))} ${cap(pick(r, NOUN))} ${cap(pick(r, NOUN))}`,
	(r) => `Beyond the ${cap(pick(r, ADJ))} ${cap(pick(r, NOUN))}`,
];

function sentence(rng, topic) {
	const subject = topic || `the ${pick(rng, ADJ)} ${pick(rng, NOUN)}`;
	const forms = [
		() => `Travel to ${subject} and ${pick(rng, VERB)} the ${pick(rng, ADJ)} ${pick(rng, NOUN)} ${pick(rng, FILL)}.`,
		() => `The team must ${pick(rng, VERB)} ${subject} ${pick(rng, FILL)}.`,
		() => `Near the ${pick(rng, NOUN)}, ${subject} hides a ${pick(rng, ADJ)} ${pick(rng, NOUN)} worth protecting.`,
		() => `Everyone agrees that ${subject} is ${pick(rng, ADJ)}, yet nobody has mapped the ${pick(rng, NOUN)}.`,
	];
	const s = pick(rng, forms)();
	return s.charAt(0).toUpperCase() + s.slice(1);
}

const STOP = new Set('about above after again against because before being below between could doing during every first other their there these those through under until which while would should write please return generate create answer using without within'.split(' '));

/** Deterministic prose loosely derived from the prompt's longer words. */
function prose(rng, prompt) {
	const words = (String(prompt || '').toLowerCase().match(/[\p{L}]{5,}/gu) || []).filter((w) => !STOP.has(w));
	const n = int(rng, 2, 5);
	const out = [];
	for (let i = 0; i < n; i++) out.push(sentence(rng, words.length && rng() < 0.6 ? `the ${pick(rng, words)}` : ''));
	return out.join(' ');
}

// ---------------------------------------------------------------- schema-driven JSON
const num = (v) => (v === undefined || v === null || v === '' ? undefined : Number(v));
const typeOf = (s) => {
	let t = s.type;
	if (Array.isArray(t)) t = t.find((x) => String(x).toLowerCase() !== 'null') || 'null';
	if (t) return String(t).toLowerCase();
	if (s.properties) return 'object';
	if (s.items) return 'array';
	if (s.enum) return 'string';
	return 'string';
};

function resolve(schema, root) {
	let s = schema || {};
	for (let i = 0; i < 20 && typeof s.$ref === 'string'; i++) {
		const parts = s.$ref.replace(/^#\/?/, '').split('/').filter(Boolean);
		s = parts.reduce((o, k) => (o ? o[k.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), root) || {};
	}
	return s;
}

/** Ordered property names: Gemini orders responseSchema keys by propertyOrdering, else alphabetically. */
function propertyNames(s, dialect) {
	const names = Object.keys(s.properties || {});
	if (dialect === 'json') return names;
	if (Array.isArray(s.propertyOrdering)) return [...s.propertyOrdering.filter((k) => names.includes(k)), ...names.filter((k) => !s.propertyOrdering.includes(k)).sort()];
	return names.sort();
}

function freshString(rng, key, s) {
	const k = key.split('.').pop().replace(/\[\]$/, '').toLowerCase();
	const fmt = String(s.format || '').toLowerCase();
	if (fmt === 'date-time') return new Date(Date.UTC(2025, int(rng, 0, 11), int(rng, 1, 28), int(rng, 0, 23), int(rng, 0, 59))).toISOString();
	if (fmt === 'date') return new Date(Date.UTC(2025, int(rng, 0, 11), int(rng, 1, 28))).toISOString().slice(0, 10);
	if (fmt === 'email' || /email/.test(k)) return `${pick(rng, ADJ)}.${pick(rng, NOUN)}${int(rng, 1, 99)}@example.com`;
	if (fmt === 'uri' || fmt === 'url' || /(url|link|uri)$/.test(k)) return `https://example.com/${pick(rng, NOUN)}/${int(rng, 100, 999)}`;
	if (fmt === 'uuid' || k === 'id' || /_id$/.test(k) || /[a-z]Id$/.test(key)) return `${pick(rng, NOUN)}-${Math.floor(rng() * 0xffffff).toString(16).padStart(6, '0')}`;
	if (/title|name|label|heading|headline/.test(k)) return pick(rng, PHRASES)(rng);
	if (/desc|summary|text|body|content|instruction|objective|story|detail|reason|explanation|narrat/.test(k)) {
		return Array.from({ length: int(rng, 1, 3) }, () => sentence(rng)).join(' ');
	}
	return `${pick(rng, ADJ)} ${pick(rng, NOUN)}${rng() < 0.5 ? ` ${pick(rng, FILL)}` : ''}`;
}

function fitLength(str, rng, s) {
	const min = num(s.minLength), max = num(s.maxLength);
	let out = str;
	while (min !== undefined && out.length < min) out += ` ${pick(rng, NOUN)}`;
	if (max !== undefined && out.length > max) out = out.slice(0, max).trimEnd() || out.slice(0, max);
	return out;
}

/**
 * Generate a value conforming to `schema`. ctx: { rng, dialect: 'openapi'|'json', root, memory: Map,
 * duplicateRate }. `memory` maps a field path to strings emitted before (duplicateRate repeats them).
 */
function generate(schema, ctx, key = '$') {
	const { rng } = ctx;
	const s = resolve(schema, ctx.root);
	if (s.const !== undefined) return s.const;
	if (Array.isArray(s.enum) && s.enum.length) return pick(rng, s.enum);
	const alts = s.anyOf || s.oneOf;
	if (Array.isArray(alts) && alts.length && !s.type) {
		const nonNull = alts.filter((a) => String(resolve(a, ctx.root).type).toLowerCase() !== 'null');
		return generate(pick(rng, nonNull.length ? nonNull : alts), ctx, key);
	}
	switch (typeOf(s)) {
		case 'object': {
			const out = {};
			const required = new Set(s.required || []);
			for (const name of propertyNames(s, ctx.dialect)) {
				if (required.has(name) || rng() < 0.85) out[name] = generate(s.properties[name], ctx, `${key}.${name}`);
			}
			return out;
		}
		case 'array': {
			const min = num(s.minItems) ?? 0;
			const max = num(s.maxItems) ?? Math.max(min, 4);
			const n = Math.max(min, Math.min(max, int(rng, Math.max(min, 1), Math.max(min, Math.min(max, 4)))));
			return Array.from({ length: n }, () => generate(s.items || { type: 'string' }, ctx, `${key}[]`));
		}
		case 'integer':
		case 'number': {
			const isInt = typeOf(s) === 'integer';
			let lo = num(s.minimum), hi = num(s.maximum);
			const exLo = typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum : undefined;
			const exHi = typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum : undefined;
			if (exLo !== undefined) lo = isInt ? Math.floor(exLo) + 1 : exLo + 1e-6;
			if (exHi !== undefined) hi = isInt ? Math.ceil(exHi) - 1 : exHi - 1e-6;
			if (lo === undefined) lo = hi !== undefined ? Math.min(0, hi) : 0;
			if (hi === undefined) hi = lo + 100;
			if (isInt) return int(rng, Math.ceil(lo), Math.floor(hi));
			return Math.min(hi, Math.max(lo, Math.round((lo + rng() * (hi - lo)) * 100) / 100));
		}
		case 'boolean':
			return rng() < 0.5;
		case 'null':
			return null;
		default: {
			const path = key.replace(/^\$\.?/, '') || '$';
			const seen = ctx.memory.get(path) || [];
			let value;
			if (seen.length && ctx.duplicateRate > 0 && rng() < ctx.duplicateRate) value = pick(rng, seen);
			else {
				for (let i = 0; i < 6 && (value === undefined || seen.includes(value)); i++) value = fitLength(freshString(rng, key, s), rng, s);
				seen.push(value);
				if (seen.length > 1000) seen.shift();
				ctx.memory.set(path, seen);
			}
			return value;
		}
	}
}

function wrongType(s, root) {
	const t = typeOf(resolve(s, root));
	if (t === 'string') return 12345;
	if (t === 'integer' || t === 'number') return 'not-a-number';
	if (t === 'boolean') return 'yes';
	if (t === 'array') return { unexpected: true };
	return 'unexpected string';
}

/** Mutates `value` so it violates `schema`; returns true when it did. */
function violateIn(value, schema, root) {
	const s = resolve(schema, root);
	if (Array.isArray(value)) {
		if (value.length && s.items && violateIn(value[0], s.items, root)) return true;
		if (value.length) { value[0] = wrongType(s.items || { type: 'string' }, root); return true; }
		return false;
	}
	if (value && typeof value === 'object') {
		const req = (s.required || []).filter((k) => k in value);
		if (req.length) { delete value[req[0]]; return true; }
		for (const [k, v] of Object.entries(value)) if (v && typeof v === 'object' && violateIn(v, s.properties?.[k], root)) return true;
		const k = Object.keys(value)[0];
		if (k !== undefined) { value[k] = wrongType(s.properties?.[k] || {}, root); return true; }
	}
	return false;
}

/** A value that does NOT conform to schema (missing required field / wrong type / wrong enum). */
function violate(value, schema, root) {
	const s = resolve(schema, root);
	if (Array.isArray(s.enum)) return `${s.enum[0]}_NOT_IN_ENUM`;
	const copy = JSON.parse(JSON.stringify(value));
	if (copy !== null && typeof copy === 'object' && violateIn(copy, s, root)) return copy;
	return wrongType(s, root);
}

// ---------------------------------------------------------------- embeddings
/** Bag of character trigrams plus words, signed-hashed into `dim` buckets, L2-normalised. */
function embed(text, dim) {
	const v = new Float64Array(dim);
	const t = ` ${String(text).toLowerCase().replace(/\s+/g, ' ').trim()} `;
	for (let i = 0; i + 3 <= t.length; i++) {
		const h = hash32(t.slice(i, i + 3), 7);
		v[h % dim] += h & 0x80000000 ? -1 : 1;
	}
	for (const w of t.match(/[\p{L}\p{N}]+/gu) || []) {
		const h = hash32(w, 13);
		v[h % dim] += h & 0x80000000 ? -2 : 2;
	}
	let norm = 0;
	for (const x of v) norm += x * x;
	norm = Math.sqrt(norm) || 1;
	return Array.from(v, (x) => Math.round((x / norm) * 1e8) / 1e8);
}

// ---------------------------------------------------------------- catalogues
const TEXT_METHODS = ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'];
const model = (id, displayName, description, extra) => ({ name: `models/${id}`, baseModelId: id, version: '001', displayName, description, ...extra });
const TTS_METHODS = ['countTokens', 'generateContent'];
const EMBED_METHODS = ['embedContent', 'countTextTokens', 'countTokens', 'asyncBatchEmbedContent'];
const TEXT_LIMITS = { inputTokenLimit: 1048576, outputTokenLimit: 65536, supportedGenerationMethods: TEXT_METHODS, temperature: 1, topP: 0.95, topK: 64, maxTemperature: 2, thinking: true };
const TTS_LIMITS = { inputTokenLimit: 8192, outputTokenLimit: 16384, supportedGenerationMethods: TTS_METHODS, temperature: 1, topP: 0.95, topK: 64, maxTemperature: 2 };
const MODELS = [
	model('gemini-2.5-flash', 'Gemini 2.5 Flash', 'Stable version of Gemini 2.5 Flash, our mid-size multimodal model that supports up to 1 million tokens.', TEXT_LIMITS),
	model('gemini-2.5-pro', 'Gemini 2.5 Pro', 'Stable release of Gemini 2.5 Pro.', TEXT_LIMITS),
	model('gemini-2.5-flash-lite', 'Gemini 2.5 Flash-Lite', 'Stable version of Gemini 2.5 Flash-Lite.', TEXT_LIMITS),
	model('gemini-2.5-flash-preview-tts', 'Gemini 2.5 Flash Preview TTS', 'Gemini 2.5 Flash Preview TTS', { ...TTS_LIMITS, version: 'gemini-2.5-flash-exp-tts-2025-05-19' }),
	model('gemini-2.5-pro-preview-tts', 'Gemini 2.5 Pro Preview TTS', 'Gemini 2.5 Pro Preview TTS', { ...TTS_LIMITS, version: 'gemini-2.5-pro-exp-tts-2025-05-19' }),
	model('text-embedding-004', 'Text Embedding 004', 'Obtain a distributed representation of a text.', { version: '004', inputTokenLimit: 2048, outputTokenLimit: 1, supportedGenerationMethods: ['embedContent'] }),
	model('gemini-embedding-001', 'Gemini Embedding 001', 'Obtain a distributed representation of a text.', { inputTokenLimit: 2048, outputTokenLimit: 1, supportedGenerationMethods: EMBED_METHODS }),
	// ---- current models (Gemini API model list and docs as read 2026-12-01; see nodes/shared/gemini/catalog.ts)
	model('gemini-3.8-flash', 'Gemini 3.8 Flash', "Google's most intelligent Flash model, for long-horizon software engineering, agents and complex workflows.", TEXT_LIMITS),
	model('gemini-3.7-flash', 'Gemini 3.7 Flash', 'Previous-generation Flash model for complex coding, agentic workflows and reliable multi-step execution.', TEXT_LIMITS),
	model('gemini-3.6-flash', 'Gemini 3.6 Flash', 'Previous-generation Flash model balancing speed and multimodal capability.', TEXT_LIMITS),
	model('gemini-3.5-flash', 'Gemini 3.5 Flash', 'Legacy Flash model (deprecated; requests are forwarded to Gemini 3.6 Flash).', TEXT_LIMITS),
	model('gemini-3.5-flash-lite', 'Gemini 3.5 Flash-Lite', 'Fastest and most cost-efficient 3.5 model, for high-throughput execution.', TEXT_LIMITS),
	model('gemini-3.1-flash-lite', 'Gemini 3.1 Flash-Lite', 'Frontier-class performance at a fraction of the cost of larger models.', TEXT_LIMITS),
	model('gemini-3.1-pro-preview', 'Gemini 3.1 Pro Preview', 'Advanced intelligence, complex problem solving and strong agentic capabilities.', TEXT_LIMITS),
	model('gemini-3-flash-preview', 'Gemini 3 Flash Preview', 'Frontier-class performance at a fraction of the cost of larger models.', TEXT_LIMITS),
	model('gemini-3.8-flash-tts', 'Gemini 3.8 Flash TTS', 'Flagship creative text-to-speech model with studio-grade voice fidelity.', TTS_LIMITS),
	model('gemini-3.8-flash-lite-tts', 'Gemini 3.8 Flash-Lite TTS', 'Fast, cost-efficient text-to-speech model for high-volume production.', TTS_LIMITS),
	model('gemini-3.1-flash-tts-preview', 'Gemini 3.1 Flash TTS Preview', 'Legacy TTS preview model.', TTS_LIMITS),
	model('gemini-embedding-2', 'Gemini Embedding 2', 'Multimodal embeddings of text, images, video, audio and PDF in one space.', { inputTokenLimit: 8192, outputTokenLimit: 1, supportedGenerationMethods: EMBED_METHODS }),
];
for (const m of MODELS) delete m.baseModelId;
const EMBED_DIMS = { 'text-embedding-004': 768, 'gemini-embedding-001': 3072, 'gemini-embedding-2': 3072 };

// How each text model takes thinking (Gemini thinking docs, read 2026-12-01). `levels`: accepted
// thinkingLevel values (3.x); `budget`: [min, max] thinkingBudget, `off` whether 0 is allowed (2.5);
// `budgetOk`: a 3.0/3.1 model still accepts a budget for backward compatibility (3.5+ answer 400).
const ALL_LEVELS = ['minimal', 'low', 'medium', 'high'];
const THINKING = {
	'gemini-2.5-flash': { budget: [1, 24576], off: true, thinksByDefault: true },
	'gemini-2.5-flash-lite': { budget: [512, 24576], off: true, thinksByDefault: false },
	'gemini-2.5-pro': { budget: [128, 32768], off: false, thinksByDefault: true },
	'gemini-3-flash-preview': { levels: ALL_LEVELS, defaultLevel: 'high', budgetOk: true },
	'gemini-3.1-pro-preview': { levels: ['low', 'medium', 'high'], defaultLevel: 'high', budgetOk: true },
	'gemini-3.1-flash-lite': { levels: ALL_LEVELS, defaultLevel: 'minimal', budgetOk: true },
	'gemini-3.5-flash': { levels: ALL_LEVELS, defaultLevel: 'medium' },
	'gemini-3.5-flash-lite': { levels: ALL_LEVELS, defaultLevel: 'minimal' },
	'gemini-3.6-flash': { levels: ALL_LEVELS, defaultLevel: 'medium' },
	'gemini-3.7-flash': { levels: ['low', 'medium', 'high'], defaultLevel: 'medium' },
	'gemini-3.8-flash': { levels: ['low', 'medium', 'high'], defaultLevel: 'medium' },
};
// Speech models that answer WAV (audio/wav) instead of raw L16 PCM (speech-generation docs).
const WAV_TTS = /^gemini-3\.8-.*tts$/;

const VOICES = [];
for (const [lang, genders] of Object.entries({ 'en-US': 'MALE FEMALE MALE FEMALE', 'pt-BR': 'FEMALE MALE FEMALE', 'es-ES': 'FEMALE MALE FEMALE', 'fr-FR': 'FEMALE MALE FEMALE MALE', 'de-DE': 'FEMALE MALE FEMALE MALE', 'en-GB': 'FEMALE MALE FEMALE MALE' })) {
	const gs = genders.split(' ');
	for (const family of ['Standard', 'Wavenet', 'Neural2']) {
		gs.forEach((g, i) => VOICES.push({ languageCodes: [lang], name: `${lang}-${family}-${'ABCD'[i]}`, ssmlGender: g, naturalSampleRateHertz: 24000 }));
	}
}

module.exports = { mulberry32, hash32, prose, generate, violate, embed, MODELS, EMBED_DIMS, VOICES, resolve, THINKING, WAV_TTS };

// ================================================================================================
// Content Adapter scripts (issue #8; content-adapter branch). Additive: only answers whose root
// schema asks for `text` as "plain text in <tag> (<name>), about <N> words" change; everything
// else goes to the generic generator above, untouched. The text is in the asked language (its
// common function words, or its writing system) and within ±6% of N words, the way a good model
// answers; tests shape worse answers with the fake's `generateJson` hook and `contentAnswer`.
// ================================================================================================
const SCRIPT_WORDS = {
	en: { fn: 'the and of to is in that it you for with this are on be your not have what can will from but'.split(' '), content: 'money budget month plan habit saving goal family salary rent market coffee weekend friend account bill choice future week step'.split(' ') },
	pt: { fn: 'não uma com para você os as do da dos das em que é um no na mais se ao seu sua isso mas são muito também'.split(' '), content: 'dinheiro orçamento mês plano hábito economia meta família salário aluguel mercado café semana amigo conta boleto escolha futuro passo real'.split(' ') },
	es: { fn: 'el los las del y es una por con para que en un se lo su más al como pero esto muy también está son'.split(' '), content: 'dinero presupuesto mes plan hábito ahorro meta familia sueldo alquiler mercado café semana amigo cuenta factura elección futuro paso peso'.split(' ') },
	fr: { fn: 'le la les des et est une un pour dans que qui pas vous sur avec ce du au mais sont nous cette aussi très'.split(' '), content: 'argent budget mois plan habitude épargne objectif famille salaire loyer marché café semaine ami compte facture choix avenir étape euro'.split(' ') },
	de: { fn: 'der die das und ist nicht ein eine zu den mit sie ich auf für es dem sich auch wir wird sind aber noch'.split(' '), content: 'Geld Budget Monat Plan Gewohnheit Ersparnis Ziel Familie Gehalt Miete Markt Kaffee Woche Freund Konto Rechnung Wahl Zukunft Schritt Euro'.split(' ') },
	it: { fn: 'il di che è la per non un una con gli le del della sono ma si questo anche più come nel alla'.split(' '), content: 'denaro budget mese piano abitudine risparmio obiettivo famiglia stipendio affitto mercato caffè settimana amico conto bolletta scelta futuro passo euro'.split(' ') },
	nl: { fn: 'de het een en van is dat niet op te met zijn voor je ook maar wat er ze bij'.split(' '), content: 'geld budget maand plan gewoonte spaargeld doel familie salaris huur markt koffie week vriend rekening keuze toekomst stap euro'.split(' ') },
	ru: { fn: 'и в не на что это как по но из за вы мы для'.split(' '), content: 'деньги бюджет месяц план привычка сбережения цель семья зарплата аренда рынок кофе неделя друг счёт выбор будущее шаг рубль'.split(' ') },
};
const UNSPACED_SCRIPTS = { ja: 'おかねのけいかくをたてるまいつきすこしずつためる家計予算目標貯金習慣', zh: '钱的预算每个月计划习惯储蓄目标家庭工资房租市场咖啡周朋友账户选择未来一步', th: 'กขคงจฉชซญดตถทนบปผพฟมยรลวสหอฮะาิีึืุูเแโใไ่้๊๋' };
// Letters of other writing systems (first, last code point) for languages without a word bank.
const LETTER_RANGES = { ko: [0xac00, 0xd7a3], ar: [0x0627, 0x064a], ur: [0x0627, 0x064a], he: [0x05d0, 0x05ea], el: [0x03b1, 0x03c9], hi: [0x0915, 0x0939], mr: [0x0915, 0x0939], bn: [0x0995, 0x09b9], gu: [0x0a95, 0x0ab9], ta: [0x0b95, 0x0bb9], te: [0x0c15, 0x0c39], kn: [0x0c95, 0x0cb9], ml: [0x0d15, 0x0d39], uk: [0x0430, 0x044f], bg: [0x0430, 0x044f], sr: [0x0430, 0x044f] };
const SCRIPT_DESCRIPTION = /plain text in ([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*) \(.*\), about (\d+) words/;

/** About `words` words of narration in `tag` (e.g. 'pt-BR'); exact when `exact` is true. */
function scriptText(rng, tag, words, { exact = false } = {}) {
	const language = String(tag).split('-')[0].toLowerCase();
	const count = exact ? words : Math.max(1, Math.round(words * (1 + (rng() * 2 - 1) * 0.06)));
	const unspaced = UNSPACED_SCRIPTS[language];
	if (unspaced) {
		// countWords counts 1.5 characters of these scripts as one word; sentences of ~15 characters.
		const chars = Array.from(unspaced);
		const total = Math.round(count * 1.5);
		let out = '';
		for (let i = 0; i < total; i++) out += pick(rng, chars) + ((i + 1) % 15 === 0 ? '。' : '');
		return out.endsWith('。') ? out : `${out}。`;
	}
	const bank = SCRIPT_WORDS[language];
	const tokens = [];
	for (let i = 0; i < count; i++) {
		if (bank) tokens.push(rng() < 0.4 ? pick(rng, bank.fn) : pick(rng, bank.content));
		else if (LETTER_RANGES[language] && !/-Latn/i.test(tag)) {
			const [lo, hi] = LETTER_RANGES[language];
			tokens.push(Array.from({ length: int(rng, 2, 5) }, () => String.fromCodePoint(int(rng, lo, hi))).join(''));
		}
		// A Latin-script language without a bank gets neutral pseudo-words (no listed language's function words).
		else tokens.push(`${pick(rng, ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'vo'])}${pick(rng, ['ren', 'sal', 'tik', 'dor', 'mun'])}`);
	}
	const sentences = [];
	for (let i = 0; i < tokens.length; i += 12) {
		const words12 = tokens.slice(i, i + 12);
		words12[0] = words12[0].charAt(0).toUpperCase() + words12[0].slice(1);
		sentences.push(`${words12.join(' ')}.`);
	}
	return sentences.join(' ');
}

/** The {language, text} answer the Content Adapter's schema asks for. */
function contentAnswer(rng, tag, words, options) {
	return { language: tag, text: scriptText(rng, tag, words, options) };
}

/** Reads language and length from a Content Adapter schema; undefined for any other schema. */
function contentRequest(schema) {
	const description = schema && schema.properties && schema.properties.text && schema.properties.text.description;
	const match = SCRIPT_DESCRIPTION.exec(String(description || ''));
	return match ? { tag: match[1], words: Number(match[2]) } : undefined;
}

const genericGenerate = generate;
module.exports.generate = function generateWithScripts(schema, ctx, key = '$') {
	const request = key === '$' ? contentRequest(resolve(schema, ctx.root)) : undefined;
	if (request) return contentAnswer(ctx.rng, request.tag, request.words);
	return genericGenerate(schema, ctx, key);
};
Object.assign(module.exports, { scriptText, contentAnswer, contentRequest });
