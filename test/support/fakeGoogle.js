'use strict';
// A local fake of the Google APIs our nodes call (Gemini API v1beta/v1 and Cloud Text-to-Speech v1),
// following Google's REST wire format, with seeded content, latency and fault injection.
// Binds 127.0.0.1 only. Never logs or stores API keys (stats use 'key#<index>').
//
//   const fake = await startFakeGoogle({ seed, latencyMs, latencyJitter, apiKeys, rejectStatus, rpmPerKey,
//     windowMs, maxConcurrency, concurrencyStatus, duplicateRate, faults: {...}, generateJson, ttsCharsPerSecond,
//     retiredModels, batch });
//   fake.url / configure(partial) / script(pathSubstring, steps) / stats() / batches() / reset() / close()
// apiKeys: null accepts any non-empty key (stats then use 'key#<sha256 prefix>').
// Randomness is derived per request from (seed, route, model, query, raw body, n-th repeat of that
// request), so results do not depend on arrival order under concurrency; repeats of a request differ.
// Script steps: { status, headers, body, message, retryDelay, delayMs } | { hang } | { malformed } |
// { schemaViolation } | { emptyCandidates }; a 429 step without body gets Google's envelope with
// RetryInfo (retryDelay from its retry-after header, or faults.retryInfoDelay); 'retry-after': null omits it.
// Malformed = truncated JSON text inside a valid envelope in JSON mode, else a truncated HTTP body.
// retiredModels: ['gemini-2.5-flash', ...] answer as Google does for a shut-down model (404 NOT_FOUND
// "This model models/X is no longer available. …") on every route and are left out of the model list;
// { 'gemini-2.5-flash': { status, message } } overrides the answer (e.g. a gateway's 503).
// SHUT_DOWN_MODELS lists what Google had shut down by 2026-12-01. Thinking is checked like the API:
// 400 for thinkingBudget with thinkingLevel, a level the model does not take, a level sent to 2.5,
// a budget sent to 3.5+ or outside the model's range (fakeGoogleContent THINKING).
// Latency: latencyModel 'flat' (default: latencyMs ± latencyJitter per response) or 'tokens' (time to first
// token + time per output token, with jitter; see the latency model region below).
// Service tiers (generateContent): a top-level serviceTier "flex" | "priority" | "standard" is accepted like
// the API; every answer names the tier that served it in the x-gemini-service-tier header and in
// usageMetadata.serviceTier. flex: { latencyMs, shedRate } makes Flex calls slower and sheds that fraction
// with 503 UNAVAILABLE; priority: { downgradeRate } serves that fraction of Priority calls at standard.
// Routes: GET /v1beta|v1/models[/{m}], POST /v1beta|v1/models/{m}:generateContent|streamGenerateContent|
// embedContent|batchEmbedContents|countTokens|batchGenerateContent, GET /v1beta|v1/batches/{id},
// POST /v1beta|v1/batches/{id}:cancel (the Batch API, see fakeBatches.js and the `batch` option),
// POST /v1/text:synthesize, GET /v1/voices.
const http = require('node:http');
const crypto = require('node:crypto');
const C = require('./fakeGoogleContent');
const audio = require('./audio');
const { createBatchStore, INLINE_LIMIT_BYTES } = require('./fakeBatches');

const STATUS = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 408: 'DEADLINE_EXCEEDED', 409: 'ABORTED', 429: 'RESOURCE_EXHAUSTED', 499: 'CANCELLED', 500: 'INTERNAL', 501: 'NOT_IMPLEMENTED', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED' };
const MESSAGES = {
	429: 'Resource has been exhausted (e.g. check quota).',
	500: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
	503: 'The model is overloaded. Please try again later.',
};
// ------------------------------------------------------------------ latency model
// 'flat': every response waits latencyMs ± latencyJitter (a fraction), whatever its size.
// 'tokens': a response waits ttftMs (time to first token) + output tokens × msPerToken, each part
// jittered independently by ± tokenJitter, so a call writing 10 missions takes longer than one
// writing 1. Output tokens = candidatesTokenCount + thoughtsTokenCount (thinking is generated
// too); errors and bodies without usage wait ttftMs only. Defaults from published Gemini 2.5
// Flash figures: Artificial Analysis measures ~270 output tokens/s (≈ 3.7 ms per token) and a
// time to first token of ~0.40 s, as cited at https://amallo.ai/wiki/gemini-2-5-flash ; a
// client-side measurement of ~0.5 s TTFT for Flash models without thinking is at
// https://danielcorin.com/til/gemini/gemini-uses-thinking-by-default .
const LATENCY_DEFAULTS = { latencyModel: 'flat', ttftMs: 400, msPerToken: 3.7, tokenJitter: 0.2 };

function jittered(value, jitter, rng) {
	const j = Math.max(0, Math.min(1, jitter || 0));
	return Math.max(0, (value || 0) * (1 + j * (2 * rng() - 1)));
}

/** Output tokens the model wrote for a payload (0 for errors and bodies without usage). */
function outputTokensOf(payload) {
	const usage = payload && payload.usageMetadata;
	if (!usage) return 0;
	return (Number(usage.candidatesTokenCount) || 0) + (Number(usage.thoughtsTokenCount) || 0);
}

/** Milliseconds before a response is sent, under the configured latency model. */
function latencyMsFor(opts, rng, payload) {
	if (opts.latencyModel !== 'tokens') return jittered(opts.latencyMs, opts.latencyJitter, rng);
	return jittered(opts.ttftMs, opts.tokenJitter, rng) + jittered(outputTokensOf(payload) * (opts.msPerToken || 0), opts.tokenJitter, rng);
}

/** Every fault rate at zero: `fake.configure({ faults: { ...NO_FAULTS, rate429: 0.2 } })`. */
const NO_FAULTS = { rate429: 0, rate500: 0, rate503: 0, rateHang: 0, rateMalformed: 0, rateSchemaViolation: 0, rateEmptyCandidates: 0 };
const DEFAULT_FAULTS = { rate429: 0, retryAfterSeconds: 1, retryInfoDelay: '1s', rate500: 0, rate503: 0, rateHang: 0, rateMalformed: 0, rateSchemaViolation: 0, rateEmptyCandidates: 0 };
const DEFAULTS = { port: 0, seed: 42, latencyMs: 0, latencyJitter: 0, apiKeys: ['test-key'], rejectStatus: undefined, rpmPerKey: 0, windowMs: 60000, maxConcurrency: 0, concurrencyStatus: 429, duplicateRate: 0, generateJson: undefined, ttsCharsPerSecond: 15, maxRequestsKept: 500, retiredModels: [], flex: { latencyMs: 0, shedRate: 0 }, priority: { downgradeRate: 0 }, ...LATENCY_DEFAULTS };
const REDACT = new Set(['x-goog-api-key', 'authorization']);
const GEN_TOP = new Set(['model', 'contents', 'systemInstruction', 'generationConfig', 'safetySettings', 'tools', 'toolConfig', 'cachedContent', 'labels', 'serviceTier', 'store']);
const GEN_CFG = new Set(['temperature', 'topP', 'topK', 'candidateCount', 'maxOutputTokens', 'stopSequences', 'responseLogprobs', 'logprobs', 'presencePenalty', 'frequencyPenalty', 'seed', 'responseMimeType', 'responseSchema', 'responseJsonSchema', 'responseModalities', 'speechConfig', 'thinkingConfig', 'mediaResolution', 'imageConfig', 'enableEnhancedCivicAnswers']);

const camel = (k) => k.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
const camelKeys = (o) => (o && typeof o === 'object' && !Array.isArray(o) ? Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k), v])) : o);
const tokens = (text) => Math.max(1, Math.ceil(String(text).length / 4));
const seconds = (ms) => `${Math.max(0, ms / 1000).toFixed(3).replace(/\.?0+$/, '')}s`;

class HttpError extends Error {
	constructor(code, message, details, headers) {
		super(message);
		Object.assign(this, { code, details, headers });
	}
}
const bad = (message) => new HttpError(400, message);

function errorBody(code, message, details) {
	const error = { code, message: message || MESSAGES[code] || http.STATUS_CODES[code] || 'Error', status: STATUS[code] || 'UNKNOWN' };
	if (details && details.length) error.details = details;
	return { error };
}

function retryError(message, retryAfterSeconds, retryDelay, extraDetails = []) {
	const headers = retryAfterSeconds == null ? {} : { 'retry-after': String(retryAfterSeconds) };
	const details = [...extraDetails];
	if (retryDelay != null) details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay });
	return new HttpError(429, message || MESSAGES[429], details, headers);
}

function matchRoute(method, pathname) {
	let m = /^\/(v1|v1beta)\/models\/?$/.exec(pathname);
	if (m && method === 'GET') return { name: 'listModels', version: m[1] };
	m = /^\/(v1|v1beta)\/models\/([^/:]+)(?::([A-Za-z]+))?$/.exec(pathname);
	if (m && !m[3] && method === 'GET') return { name: 'getModel', version: m[1], model: decodeURIComponent(m[2]) };
	if (m && m[3] && method === 'POST') return { name: m[3], version: m[1], model: decodeURIComponent(m[2]) };
	m = /^\/(v1|v1beta)\/batches\/([^/:]+)(?::cancel)?$/.exec(pathname);
	if (m && method === 'GET' && !pathname.endsWith(':cancel')) return { name: 'getBatch', version: m[1], batch: m[2] };
	if (m && method === 'POST' && pathname.endsWith(':cancel')) return { name: 'cancelBatch', version: m[1], batch: m[2] };
	if (pathname === '/v1/text:synthesize' && method === 'POST') return { name: 'synthesize', service: 'texttospeech' };
	if (pathname === '/v1/voices' && method === 'GET') return { name: 'listVoices', service: 'texttospeech' };
	return null;
}
const METHODS = new Set(['generateContent', 'streamGenerateContent', 'embedContent', 'batchEmbedContents', 'countTokens', 'batchGenerateContent']);

function findModel(route, method, retired) {
	const gone = retiredAnswer(retired, route.model);
	if (gone) throw gone;
	const model = C.MODELS.find((m) => m.name === `models/${route.model}`);
	if (!model || (method && !model.supportedGenerationMethods.includes(method))) {
		throw new HttpError(404, `models/${route.model} is not found for API version ${route.version}, or is not supported for ${method || 'get'}. Call ListModels to see the list of available models and their supported methods.`);
	}
	return model;
}

function textOf(content) {
	return (content && Array.isArray(content.parts) ? content.parts : []).map((p) => (typeof p.text === 'string' ? p.text : '')).join(' ');
}

function validateContents(contents, prefix = 'GenerateContentRequest') {
	if (!Array.isArray(contents) || contents.length === 0) throw bad(`* ${prefix}.contents: contents is not specified\n`);
	contents.forEach((c, i) => {
		if (!c || typeof c !== 'object' || Array.isArray(c)) throw bad(`Invalid value at 'contents[${i}]' (type.googleapis.com/google.ai.generativelanguage.v1beta.Content), ${JSON.stringify(c)}`);
		if (c.role !== undefined && c.role !== 'user' && c.role !== 'model') throw bad('Please use a valid role: user, model.');
		if (!Array.isArray(c.parts) || c.parts.length === 0) throw bad(`* ${prefix}.contents[${i}].parts: contents.parts must not be empty.\n`);
	});
}


// ------------------------------------------------------------------ models of today (issue #7)
// Shut down on the Gemini API by 2026-12-01 (ai.google.dev/gemini-api/docs/deprecations and
// changelog, read 2026-12-01). Pass as `retiredModels` to make the fake answer like today's API.
const SHUT_DOWN_MODELS = ['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-3-pro-preview', 'gemini-2.0-flash', 'gemini-2.0-flash-lite', 'text-embedding-004', 'embedding-001'];
const LEVEL_ENUM = new Set(['minimal', 'low', 'medium', 'high']);

/** Google's answer for a shut-down model (as users of the real API report it), or a configured one. */
function retiredAnswer(retired, id) {
	const entry = Array.isArray(retired) ? (retired.includes(id) ? {} : undefined) : retired && retired[id];
	if (entry === undefined || entry === null || entry === false) return undefined;
	const status = entry.status || 404;
	const message = entry.message || `This model models/${id} is no longer available. Please update your code to use a newer model for the latest features and improvements.`;
	return new HttpError(status, message);
}

function isRetired(retired, id) {
	return retiredAnswer(retired, id) !== undefined;
}

/**
 * Validates generationConfig.thinkingConfig against the model's documented thinking controls and
 * returns { budget, level } (undefined when not set). Throws 400s with the API's wording.
 */
function checkThinking(id, thinkingConfig) {
	const tc = camelKeys(thinkingConfig || {});
	const budget = tc.thinkingBudget === undefined || tc.thinkingBudget === null ? undefined : Number(tc.thinkingBudget);
	const rawLevel = tc.thinkingLevel === undefined || tc.thinkingLevel === null ? undefined : String(tc.thinkingLevel);
	if (budget !== undefined && rawLevel !== undefined) throw bad('You can only set only one of thinking budget and thinking level.');
	const spec = C.THINKING[id];
	let level;
	if (rawLevel !== undefined) {
		level = rawLevel.toLowerCase();
		if (!LEVEL_ENUM.has(level)) throw bad(`Invalid value at 'generation_config.thinking_config.thinking_level' (type.googleapis.com/google.ai.generativelanguage.v1beta.GenerationConfig.ThinkingConfig.ThinkingLevel), ${JSON.stringify(rawLevel)}`);
		if (!spec || !spec.levels) throw bad('Thinking level is not supported for this model.');
		if (!spec.levels.includes(level)) throw bad(`Thinking level ${level.toUpperCase()} is not supported for this model. Please retry with other thinking level.`);
	}
	if (budget !== undefined) {
		if (!Number.isInteger(budget)) throw bad(`Invalid value at 'generation_config.thinking_config.thinking_budget' (TYPE_INT32), ${JSON.stringify(tc.thinkingBudget)}`);
		if (spec && spec.levels && !spec.budgetOk) throw bad('Thinking budget is not supported for this model. Use thinking level instead.');
		if (spec && spec.budget) {
			if (budget === 0 && !spec.off) throw bad('Budget 0 is invalid. This model only works in thinking mode.');
			const [min, max] = spec.budget;
			if (budget !== 0 && budget !== -1 && (budget < min || budget > max)) throw bad(`The thinking budget (${budget}) is invalid.`);
		}
	}
	return { budget, level };
}

/** Thought tokens for one answer: none for speech, by level for 3.x, by budget for 2.5. */
function thoughtTokens(id, { budget, level }, rng, isTts) {
	if (isTts) return 0;
	const spec = C.THINKING[id] || {};
	if (spec.levels && budget === undefined) {
		const span = { minimal: 0, low: 96, medium: 320, high: 480 }[level || spec.defaultLevel];
		return span ? Math.floor(16 + rng() * span) : 0;
	}
	const thinks = budget === undefined ? spec.thinksByDefault !== false && !/lite$/.test(id) : budget !== 0;
	return thinks ? Math.floor(32 + rng() * (budget > 0 ? Math.min(budget, 480) : 480)) : 0;
}

/** Inline audio as the model answers it: WAV for the 3.8 speech models, raw L16 PCM before. */
function speechPart(id, secs) {
	const pcm = audio.pcm16(secs, 24000);
	if (C.WAV_TTS.test(id)) return { inlineData: { mimeType: 'audio/wav', data: audio.wav(pcm, 24000).toString('base64') } };
	return { inlineData: { mimeType: 'audio/L16;codec=pcm;rate=24000', data: pcm.toString('base64') } };
}

function startFakeGoogle(userOptions = {}) {
	const opts = { ...DEFAULTS, ...userOptions, faults: { ...DEFAULT_FAULTS, ...(userOptions.faults || {}) } };
	let stats, scripts, occurrences, memory, windows;
	const timers = new Set();
	// Function declarations below are hoisted, so the store can take generateContent here.
	const batches = createBatchStore({ opts, C, HttpError, bad, generate: (route, body, rng) => generateContent(route, body, rng) });
	const reset = () => {
		batches.clear();
		stats = { calls: 0, byRoute: {}, byStatus: {}, inFlight: stats ? stats.inFlight : 0, maxConcurrencySeen: stats ? stats.inFlight : 0, perKeyTimestamps: {}, requests: [] };
		scripts = [];
		occurrences = new Map();
		memory = new Map();
		windows = new Map();
	};
	reset();

	const keyId = (key) => {
		if (Array.isArray(opts.apiKeys)) {
			const i = opts.apiKeys.indexOf(key);
			return i >= 0 ? `key#${i}` : null;
		}
		return `key#${crypto.createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
	};

	function authError(key, service) {
		if (!key) {
			return new HttpError(opts.rejectStatus || 403, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
		}
		return new HttpError(opts.rejectStatus || 400, 'API key not valid. Please pass a valid API key.', [
			{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: `${service}.googleapis.com` } },
			{ '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message: 'API key not valid. Please pass a valid API key.' },
		]);
	}

	function checkQuota(id, route) {
		if (!(opts.rpmPerKey > 0)) return;
		const now = Date.now();
		const win = (windows.get(id) || []).filter((t) => t > now - opts.windowMs);
		windows.set(id, win);
		if (win.length >= opts.rpmPerKey) {
			const waitMs = win[0] + opts.windowMs - now;
			throw retryError('You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.', Math.max(1, Math.ceil(waitMs / 1000)), seconds(waitMs), [
				{ '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_requests', quotaId: 'GenerateRequestsPerMinutePerProjectPerModel', quotaDimensions: { location: 'global', model: route.model || route.name }, quotaValue: String(opts.rpmPerKey) }] },
				{ '@type': 'type.googleapis.com/google.rpc.Help', links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }] },
			]);
		}
		win.push(now);
	}

	// ------------------------------------------------------------------ handlers
	function generateContent(route, body, rng, fault) {
		findModel(route, 'generateContent', opts.retiredModels);
		const unknown = Object.keys(body).find((k) => !GEN_TOP.has(camel(k)));
		if (unknown) throw bad(`Invalid JSON payload received. Unknown name "${unknown}": Cannot find field.`);
		body = camelKeys(body);
		validateContents(body.contents);
		if (body.systemInstruction !== undefined && (typeof body.systemInstruction !== 'object' || Array.isArray(body.systemInstruction))) {
			throw bad(`Invalid value at 'system_instruction' (type.googleapis.com/google.ai.generativelanguage.v1beta.Content), ${JSON.stringify(body.systemInstruction)}`);
		}
		const gc = camelKeys(body.generationConfig || {});
		const badCfg = Object.keys(body.generationConfig || {}).find((k) => !GEN_CFG.has(camel(k)));
		if (badCfg) throw bad(`Invalid JSON payload received. Unknown name "${badCfg}" at 'generation_config': Cannot find field.`);
		const mime = gc.responseMimeType || 'text/plain';
		if ((gc.responseSchema || gc.responseJsonSchema) && !['application/json', 'text/x.enum'].includes(mime)) {
			throw bad('* GenerateContentRequest.generation_config.response_mime_type: response_mime_type must be one of ["application/json", "text/x.enum"] when response_schema is set.\n');
		}
		const id = route.model;
		const isTts = /-tts($|-)/.test(id);
		const wantsAudio = (gc.responseModalities || []).some((m) => String(m).toUpperCase() === 'AUDIO');
		if (isTts !== wantsAudio) {
			const asked = (gc.responseModalities || ['TEXT']).map((m) => String(m).toUpperCase()).join(', ');
			throw bad(`The requested combination of response modalities (${asked}) is not supported by the model. models/${id} accepts the following combination of response modalities:\n* ${isTts ? 'AUDIO' : 'TEXT'}\n`);
		}
		const thinking = checkThinking(id, gc.thinkingConfig);

		const prompt = body.contents.map(textOf).join('\n');
		const promptTokenCount = tokens(`${textOf(body.systemInstruction)}${prompt}`);
		const usageMetadata = { promptTokenCount, totalTokenCount: promptTokenCount, promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokenCount }] };
		const responseId = Buffer.from(Array.from({ length: 16 }, () => Math.floor(rng() * 256))).toString('base64url').slice(0, 22);
		const envelope = (extra) => ({ ...extra, usageMetadata, modelVersion: id, responseId });
		if (fault === 'empty') {
			if (rng() < 0.5) return envelope({ candidates: [], promptFeedback: { blockReason: 'OTHER' } });
			return envelope({ candidates: [{ finishReason: 'SAFETY', index: 0, safetyRatings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true }] }] });
		}
		if (wantsAudio) {
			const secs = audio.speechSeconds(textOf(body.contents[body.contents.length - 1]), 1, opts.ttsCharsPerSecond);
			const count = Math.ceil(secs * 25);
			Object.assign(usageMetadata, { candidatesTokenCount: count, totalTokenCount: promptTokenCount + count, candidatesTokensDetails: [{ modality: 'AUDIO', tokenCount: count }] });
			return envelope({ candidates: [{ content: { parts: [speechPart(id, secs)], role: 'model' }, finishReason: 'STOP', index: 0 }] });
		}
		let text;
		if (mime === 'application/json') {
			const dialect = gc.responseJsonSchema ? 'json' : 'openapi';
			const schema = gc.responseJsonSchema || gc.responseSchema;
			let value;
			if (typeof opts.generateJson === 'function') value = opts.generateJson(schema, body, rng);
			else if (schema) value = C.generate(schema, { rng, dialect, root: schema, memory, duplicateRate: opts.duplicateRate });
			else value = { response: C.prose(rng, prompt) };
			if (fault === 'schema' && schema) value = C.violate(value, schema, schema);
			text = JSON.stringify(value, null, 2);
			if (fault === 'malformed') {
				text = text.slice(0, Math.max(1, Math.floor(text.length * 0.6)));
				try { JSON.parse(text); text += ' {"'; } catch { /* already invalid */ }
			}
		} else if (mime === 'text/x.enum') {
			const s = C.resolve(gc.responseSchema || gc.responseJsonSchema, gc.responseSchema || gc.responseJsonSchema);
			text = String(s.enum && s.enum.length ? s.enum[Math.floor(rng() * s.enum.length)] : C.prose(rng, prompt));
		} else {
			const seen = memory.get('#text') || [];
			text = seen.length && opts.duplicateRate > 0 && rng() < opts.duplicateRate ? seen[Math.floor(rng() * seen.length)] : C.prose(rng, prompt);
			memory.set('#text', [...seen.slice(-999), text]);
		}
		const thoughts = thoughtTokens(id, thinking, rng, isTts);
		const maxOut = num(gc.maxOutputTokens);
		let finishReason = 'STOP';
		let parts = [{ text }];
		if (maxOut !== undefined && thoughts + tokens(text) > maxOut) {
			finishReason = 'MAX_TOKENS';
			const room = maxOut - thoughts;
			parts = room > 0 ? [{ text: text.slice(0, room * 4) }] : undefined;
		}
		const out = parts ? tokens(parts[0].text) : 0;
		Object.assign(usageMetadata, { candidatesTokenCount: out, totalTokenCount: promptTokenCount + out + thoughts });
		if (thoughts) usageMetadata.thoughtsTokenCount = thoughts;
		if (!parts) delete usageMetadata.candidatesTokenCount;
		const content = parts ? { parts, role: 'model' } : { role: 'model' };
		return envelope({ candidates: [{ content, finishReason, index: 0 }] });
	}

	function embedOne(route, req, i, prefix) {
		const r = camelKeys(req || {});
		if (r.model !== undefined && r.model !== `models/${route.model}`) {
			throw bad(`* ${prefix}.requests[${i}].model: Model names should match the parent model name: models/${route.model}, got ${r.model}.\n`);
		}
		const text = textOf(r.content);
		if (!r.content || !text.trim()) throw bad(`* ${prefix === 'EmbedContentRequest' ? prefix : `${prefix}.requests[${i}]`}.content: contents is not specified\n`);
		const full = C.EMBED_DIMS[route.model] || 768;
		const dim = r.outputDimensionality === undefined ? full : num(r.outputDimensionality);
		if (!(dim >= 1 && dim <= full)) throw bad(`* ${prefix}.output_dimensionality: output_dimensionality must be between 1 and ${full}.\n`);
		return { values: C.embed(text, dim) };
	}

	function synthesize(body) {
		body = camelKeys(body);
		const input = camelKeys(body.input || {});
		const raw = typeof input.ssml === 'string' ? input.ssml : input.text;
		if (typeof raw !== 'string' || raw === '') throw bad('Either `input.text` or `input.ssml` needs to be set.');
		if (Buffer.byteLength(raw, 'utf8') > 5000) {
			throw bad('Either `input.text` or `input.ssml` is longer than the limit of 5000 bytes. This limit is different from quotas. To fix, reduce the byte length of the characters in this request, or consider using the Long Audio API: https://cloud.google.com/text-to-speech/docs/create-audio-text-long-audio-synthesis.');
		}
		const voice = camelKeys(body.voice || {});
		const cfg = camelKeys(body.audioConfig || {});
		if (!voice.languageCode) throw bad("Invalid value at 'voice.language_code': the language code is required.");
		const lang = String(voice.languageCode).toLowerCase();
		if (voice.name) {
			const v = C.VOICES.find((x) => x.name === voice.name);
			if (!v) throw bad(`Voice '${voice.name}' does not exist. Is it misspelled?`);
			if (v.languageCodes[0].toLowerCase() !== lang) throw bad(`Requested language code '${voice.languageCode}' doesn't match the voice '${voice.name}''s language code '${v.languageCodes[0].toLowerCase()}'. Either set them to be the same or do not specify the language code.`);
		} else if (!C.VOICES.some((x) => x.languageCodes[0].toLowerCase() === lang)) {
			throw bad(`Voice '' with language code '${voice.languageCode}' does not exist. Is it misspelled?`);
		}
		const rate = cfg.speakingRate === undefined ? 1 : num(cfg.speakingRate);
		if (!(rate >= 0.25 && rate <= 4)) throw bad('Invalid value for speaking_rate: must be between 0.25 and 4.0.');
		const secs = audio.speechSeconds(raw.replace(/<[^>]*>/g, ''), rate, opts.ttsCharsPerSecond);
		const data = audio.encodeSpeech(cfg.audioEncoding, secs, cfg.sampleRateHertz ? num(cfg.sampleRateHertz) : undefined);
		if (!data) throw bad(`Invalid value at 'audio_config.audio_encoding': ${JSON.stringify(cfg.audioEncoding ?? 'AUDIO_ENCODING_UNSPECIFIED')}`);
		return { audioContent: data.toString('base64') };
	}

	function dispatch(route, url, body, rng, fault) {
		switch (route.name) {
			case 'batchGenerateContent':
				findModel(route, 'generateContent', opts.retiredModels);
				return batches.create(route, body);
			case 'getBatch':
				return batches.get(route.batch);
			case 'cancelBatch':
				return batches.cancel(route.batch);
			case 'listModels': {
				const size = Math.min(1000, num(url.searchParams.get('pageSize')) || 50);
				const token = url.searchParams.get('pageToken');
				const start = token ? Number(Buffer.from(token, 'base64url').toString()) : 0;
				if (!Number.isInteger(start) || start < 0) throw bad('Invalid page token.');
				const listed = C.MODELS.filter((m) => !isRetired(opts.retiredModels, m.name.slice('models/'.length)));
				const models = listed.slice(start, start + size);
				const out = { models };
				if (start + size < listed.length) out.nextPageToken = Buffer.from(String(start + size)).toString('base64url');
				return out;
			}
			case 'getModel':
				return findModel(route, undefined, opts.retiredModels);
			case 'generateContent':
			case 'streamGenerateContent':
				return generateContent(route, body, rng, fault);
			case 'countTokens': {
				findModel(route, 'countTokens', opts.retiredModels);
				const contents = camelKeys(body).contents || camelKeys(camelKeys(body).generateContentRequest || {}).contents;
				validateContents(contents, 'CountTokensRequest');
				const totalTokens = tokens(contents.map(textOf).join('\n'));
				return { totalTokens, promptTokensDetails: [{ modality: 'TEXT', tokenCount: totalTokens }] };
			}
			case 'embedContent':
				findModel(route, 'embedContent', opts.retiredModels);
				return { embedding: embedOne(route, body, 0, 'EmbedContentRequest') };
			case 'batchEmbedContents': {
				findModel(route, 'embedContent', opts.retiredModels);
				const reqs = body.requests;
				if (!Array.isArray(reqs) || !reqs.length) throw bad('* BatchEmbedContentsRequest.requests: requests is not specified\n');
				if (reqs.length > 100) throw bad('* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n');
				return { embeddings: reqs.map((r, i) => embedOne(route, r, i, 'BatchEmbedContentsRequest')) };
			}
			case 'synthesize':
				return synthesize(body);
			case 'listVoices': {
				const lang = (url.searchParams.get('languageCode') || '').toLowerCase();
				return { voices: C.VOICES.filter((v) => !lang || v.languageCodes[0].toLowerCase().startsWith(lang)) };
			}
			default:
				throw new HttpError(404, `Method not found: ${route.name}`);
		}
	}

	// ------------------------------------------------------------------ transport
	const num = (v) => (v === undefined || v === null || v === '' ? undefined : Number(v));
	const later = (ms, fn) => {
		if (!(ms > 0)) return fn();
		const t = setTimeout(() => { timers.delete(t); fn(); }, ms);
		timers.add(t);
	};
	const delayFor = (rng) => latencyMsFor(opts, rng);

	function send(res, record, status, payload, headers = {}, { stream, malformed } = {}) {
		if (res.destroyed || res.writableEnded) return;
		let text = payload === undefined ? '' : JSON.stringify(payload);
		let type = 'application/json; charset=UTF-8';
		if (stream && status === 200) {
			text = stream === 'sse' ? `data: ${text}\r\n\r\n` : `[${text}]`;
			if (stream === 'sse') type = 'text/event-stream';
		}
		if (malformed) text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
		record.status = status;
		stats.byStatus[status] = (stats.byStatus[status] || 0) + 1;
		const clean = Object.fromEntries(Object.entries(headers).filter(([, v]) => v != null));
		res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text), vary: 'Origin, X-Origin, Referer', ...clean });
		res.end(text);
	}
	const sendError = (res, record, e) => send(res, record, e.code, errorBody(e.code, e.message, e.details), e.headers);

	function handle(req, res, rawBody) {
		const url = new URL(req.url, 'http://127.0.0.1');
		const route = matchRoute(req.method, url.pathname);
		const key = req.headers['x-goog-api-key'] || url.searchParams.get('key') || '';
		url.searchParams.delete('key');
		const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, REDACT.has(k) ? '[redacted]' : v]));
		let body;
		try { body = rawBody.length ? JSON.parse(rawBody) : {}; } catch { body = undefined; }
		const name = route ? route.name : 'unknown';
		const record = { route: name, model: route && route.model, method: req.method, path: url.pathname + url.search, headers, body: body === undefined ? rawBody : body, at: Date.now(), key: null, status: null };
		stats.calls++;
		stats.byRoute[name] = (stats.byRoute[name] || 0) + 1;
		stats.requests.push(record);
		if (stats.requests.length > opts.maxRequestsKept) stats.requests.shift();

		if (!route) return sendError(res, record, new HttpError(404, `The requested URL ${url.pathname} was not found on this server.`));
		if (route.model && route.name !== 'getModel' && !METHODS.has(route.name)) return sendError(res, record, new HttpError(404, `Method not found: ${route.name}`));
		const id = key ? keyId(key) : null;
		if (!id) return sendError(res, record, authError(key, route.service || 'generativelanguage'));
		record.key = id;
		const ts = (stats.perKeyTimestamps[id] = stats.perKeyTimestamps[id] || []);
		ts.push(record.at);
		if (ts.length > 5000) ts.shift();
		if (body === undefined) return sendError(res, record, bad(`Invalid JSON payload received. Unexpected token.\n${rawBody.slice(0, 40)}\n^`));
		// Before the body is hashed for randomness: hashing 20 MB in JS would take seconds.
		if (route.name === 'batchGenerateContent' && Buffer.byteLength(rawBody) > INLINE_LIMIT_BYTES) {
			return sendError(res, record, bad(`Request payload size exceeds the limit: ${INLINE_LIMIT_BYTES} bytes.`));
		}

		const fp = `${name}|${route.model || ''}|${url.search}|${rawBody}`;
		const n = occurrences.get(fp) || 0;
		occurrences.set(fp, n + 1);
		const base = (C.hash32(fp, opts.seed >>> 0) ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0;
		const rng = C.mulberry32(base);
		// Faults get a stream hashed from the repeat number itself: XOR-ing n into one hash left the
		// first draws of consecutive repeats so alike that some requests failed on every attempt.
		const faultRng = C.mulberry32(C.hash32(`${fp}#fault#${n}`, opts.seed >>> 0));
		const stream = route.name === 'streamGenerateContent' ? (url.searchParams.get('alt') === 'sse' ? 'sse' : 'array') : undefined;
		const isGen = route.name === 'generateContent' || route.name === 'streamGenerateContent';
		const f = opts.faults;
		const requestedTier = isGen && body && typeof camelKeys(body).serviceTier === 'string' ? String(camelKeys(body).serviceTier).toLowerCase() : 'standard';
		const servedTier = requestedTier === 'priority' && faultRng() < ((opts.priority && opts.priority.downgradeRate) || 0) ? 'standard' : requestedTier;
		const tierDelay = requestedTier === 'flex' ? (opts.flex && opts.flex.latencyMs) || 0 : 0;
		const answer = (fault) => {
			try {
				const payload = dispatch(route, url, body, rng, fault);
				const jsonMode = isGen && camelKeys(camelKeys(body).generationConfig || {}).responseMimeType === 'application/json';
				const malformedEnvelope = fault === 'malformed' && !jsonMode;
				const tierHeaders = isGen ? { 'x-gemini-service-tier': servedTier } : {};
				if (isGen && payload && payload.usageMetadata) payload.usageMetadata.serviceTier = servedTier;
				if (isGen) Object.assign(record, { servedTier, usage: payload && payload.usageMetadata });
				return { payload, send: () => send(res, record, 200, payload, tierHeaders, { stream, malformed: malformedEnvelope }) };
			} catch (e) {
				if (e instanceof HttpError) return { send: () => sendError(res, record, e) };
				return { send: () => send(res, record, 500, errorBody(500, `fake internal error: ${e.message}`)) };
			}
		};
		const respond = (fault, extraDelay = 0) => {
			// Under the token model the answer is built first, since its length sets the delay.
			if (opts.latencyModel === 'tokens') {
				const built = answer(fault);
				return later(latencyMsFor(opts, faultRng, built.payload) + extraDelay + tierDelay, built.send);
			}
			return later(delayFor(faultRng) + extraDelay + tierDelay, () => answer(fault).send());
		};

		const script = scripts.find((s) => s.queue.length && url.pathname.includes(s.match));
		if (script) {
			const step = script.queue.shift();
			if (step.hang) return undefined;
			const status = step.status || 200;
			if (status === 200 && !step.body) {
				const fault = step.malformed ? 'malformed' : step.schemaViolation ? 'schema' : step.emptyCandidates ? 'empty' : undefined;
				return respond(fault, step.delayMs || 0);
			}
			return later(delayFor(faultRng) + (step.delayMs || 0), () => {
				if (step.body !== undefined) return send(res, record, status, step.body, step.headers);
				const hdrs = { ...(step.headers || {}) };
				if (status === 429) {
					if (!('retry-after' in hdrs)) hdrs['retry-after'] = String(f.retryAfterSeconds);
					const delay = step.retryDelay !== undefined ? step.retryDelay : hdrs['retry-after'] != null ? `${hdrs['retry-after']}s` : f.retryInfoDelay;
					return sendError(res, record, Object.assign(retryError(step.message, null, delay), { headers: hdrs }));
				}
				return sendError(res, record, new HttpError(status, step.message, undefined, hdrs));
			});
		}

		if (opts.maxConcurrency > 0 && stats.inFlight > opts.maxConcurrency) {
			const code = opts.concurrencyStatus || 429;
			return sendError(res, record, code === 429 ? retryError(undefined, f.retryAfterSeconds, f.retryInfoDelay) : new HttpError(code));
		}
		try { checkQuota(id, route); } catch (e) { return sendError(res, record, e); }

		// Flex is best effort: when capacity is short Google sheds the call with a 503.
		if (requestedTier === 'flex' && faultRng() < ((opts.flex && opts.flex.shedRate) || 0)) {
			return later(delayFor(faultRng), () => sendError(res, record, new HttpError(503)));
		}
		let r = faultRng();
		for (const [rate, code] of [[f.rate429, 429], [f.rate500, 500], [f.rate503, 503]]) {
			if (r < (rate || 0)) return later(delayFor(faultRng), () => sendError(res, record, code === 429 ? retryError(undefined, f.retryAfterSeconds, f.retryInfoDelay) : new HttpError(code)));
			r -= rate || 0;
		}
		if (r < (f.rateHang || 0)) return undefined;
		let fault;
		r = faultRng();
		if (r < (f.rateMalformed || 0)) fault = 'malformed';
		else if (isGen && r < (f.rateMalformed || 0) + (f.rateSchemaViolation || 0)) fault = 'schema';
		else if (isGen && r < (f.rateMalformed || 0) + (f.rateSchemaViolation || 0) + (f.rateEmptyCandidates || 0)) fault = 'empty';
		return respond(fault);
	}

	const server = http.createServer((req, res) => {
		stats.inFlight++;
		stats.maxConcurrencySeen = Math.max(stats.maxConcurrencySeen, stats.inFlight);
		let done = false;
		res.on('close', () => { if (!done) { done = true; stats.inFlight--; } });
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('error', () => {});
		req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
	});
	server.keepAliveTimeout = 5000;

	const fake = {
		url: '',
		port: 0,
		get options() { return opts; },
		configure(partial = {}) {
			const { faults, ...rest } = partial;
			Object.assign(opts, rest);
			if (faults) Object.assign(opts.faults, faults);
			return fake;
		},
		script(match, steps) {
			scripts.push({ match: String(match), queue: [...steps] });
			return fake;
		},
		stats() {
			return {
				...stats,
				byRoute: { ...stats.byRoute },
				byStatus: { ...stats.byStatus },
				perKeyTimestamps: Object.fromEntries(Object.entries(stats.perKeyTimestamps).map(([k, v]) => [k, [...v]])),
				requests: stats.requests.map((r) => ({ ...r })),
				scriptsPending: scripts.reduce((a, s) => a + s.queue.length, 0),
			};
		},
		/** The Batch API jobs the fake holds: { name, model, displayName, state, requests, cancelled }. */
		batches() { return batches.list(); },
		reset() { reset(); return fake; },
		close() {
			for (const t of timers) clearTimeout(t);
			timers.clear();
			return new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		},
	};
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.port || 0, '127.0.0.1', () => {
			fake.port = server.address().port;
			fake.url = `http://127.0.0.1:${fake.port}`;
			resolve(fake);
		});
	});
}

module.exports = { startFakeGoogle, errorBody, DEFAULT_FAULTS, NO_FAULTS, SHUT_DOWN_MODELS, LATENCY_DEFAULTS, latencyMsFor };

// Convenience re-export; required lazily so that loading the fake never loads @google/genai.
Object.defineProperty(module.exports, 'captureOfficialRequest', {
	enumerable: true,
	get: () => require('./captureOfficialRequest').captureOfficialRequest,
});
