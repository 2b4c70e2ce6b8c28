import type { IDataObject } from 'n8n-workflow';

import { extractJson } from '../text/json';
import { requestOnce } from '../transport/request';
import type { RequestContext } from '../transport/request';
import { resilientCall } from '../transport/resilientCall';
import type { CallAccounting, ResilienceSettings } from '../transport/resilientCall';
import { bareModelName, lowThinkingConfig, takesThinkingBudget } from './catalog';
import { asModelError } from './modelErrors';
import { serviceTierField } from './serviceTier';
import type { ServiceTier } from './serviceTier';
import { countGeminiUsage } from './usage';
import type { GeminiUsageMetadata } from './usage';
import { InvalidOutputError } from '../errors';
import type { ResolvedCredential } from '../credentials';

export interface GenerationOptions {
	temperature?: number;
	topP?: number;
	maxOutputTokens?: number;
	/**
	 * Ask for the least thinking the model accepts, so Max Output Tokens goes to the answer. The
	 * catalog decides how per model family (a budget for 2.5, a level for 3.x, nothing otherwise).
	 */
	lowThinking?: boolean;
	/**
	 * @deprecated Use `lowThinking`. 0 means the same as `lowThinking: true`; another value is sent
	 * only to models that take a budget (Gemini 2.5), since 3.x models answer 400 to a budget.
	 */
	thinkingBudget?: number;
}

export interface GenerateRequest extends GenerationOptions {
	model: string;
	prompt: string;
	systemInstruction?: string;
	/** Gemini's OpenAPI-subset schema; when set the answer is requested as JSON. */
	responseSchema?: IDataObject;
	/** Standard when absent; sent as the top-level `serviceTier` (see serviceTier.ts). */
	serviceTier?: ServiceTier;
}

export interface GenerateResult {
	text: string;
	finishReason?: string;
}

/** A GenerateContentResponse as far as we read it (also what each answer of a batch holds). */
export interface GeminiResponse {
	candidates?: Array<{
		content?: { parts?: Array<{ text?: string; thought?: boolean }> };
		finishReason?: string;
	}>;
	promptFeedback?: { blockReason?: string };
	usageMetadata?: GeminiUsageMetadata;
}

/** Accepts "gemini-3.8-flash" or "models/gemini-3.8-flash" (what the model list returns). */
export function modelPath(model: string): string {
	return `/v1beta/models/${encodeURIComponent(bareModelName(model))}`;
}

/** The thinkingConfig this request sends, if any: one field only, chosen by the catalog. */
export function thinkingConfigFor(request: GenerateRequest): IDataObject | undefined {
	if (request.lowThinking || request.thinkingBudget === 0) return lowThinkingConfig(request.model);
	if (request.thinkingBudget !== undefined && takesThinkingBudget(request.model)) {
		return { thinkingBudget: request.thinkingBudget };
	}
	return undefined;
}

/** The request body, in the same shape the official @google/genai client sends. */
export function buildGenerateContentBody(request: GenerateRequest): IDataObject {
	const generationConfig: IDataObject = {};
	if (request.temperature !== undefined) generationConfig.temperature = request.temperature;
	if (request.topP !== undefined) generationConfig.topP = request.topP;
	if (request.maxOutputTokens !== undefined) generationConfig.maxOutputTokens = request.maxOutputTokens;
	if (request.responseSchema) {
		generationConfig.responseMimeType = 'application/json';
		generationConfig.responseSchema = request.responseSchema;
	}
	const thinkingConfig = thinkingConfigFor(request);
	if (thinkingConfig) generationConfig.thinkingConfig = thinkingConfig;
	// Same keys as the official client, which always sends generationConfig, even empty.
	const body: IDataObject = {
		contents: [{ role: 'user', parts: [{ text: request.prompt }] }],
	};
	if (request.systemInstruction) {
		body.systemInstruction = { role: 'user', parts: [{ text: request.systemInstruction }] };
	}
	body.generationConfig = generationConfig;
	return { ...body, ...serviceTierField(request.serviceTier) };
}

/** Text of the first candidate, or InvalidOutputError saying why there is none. */
export function readCandidateText(response: GeminiResponse): GenerateResult {
	const candidate = response.candidates?.[0];
	const parts = candidate?.content?.parts ?? [];
	const text = parts
		.filter((part) => !part.thought && typeof part.text === 'string')
		.map((part) => part.text)
		.join('');
	if (text.trim() === '') {
		const reason =
			response.promptFeedback?.blockReason ?? candidate?.finishReason ?? 'no candidates';
		throw new InvalidOutputError(`the model returned no text (${reason})`);
	}
	return { text, finishReason: candidate?.finishReason };
}

async function generateOnce(
	ctx: RequestContext,
	credential: ResolvedCredential,
	request: GenerateRequest,
	accounting: CallAccounting,
	timeoutMs: number,
	signal: AbortSignal,
): Promise<GenerateResult> {
	const response = await requestOnce<GeminiResponse>(
		ctx,
		credential,
		{
			credentialType: 'geminiApi',
			method: 'POST',
			path: `${modelPath(request.model)}:generateContent`,
			body: buildGenerateContentBody(request),
		},
		timeoutMs,
		signal,
	).catch((error: unknown) => {
		// A retired or unknown model is never retried, and the message says what to pick instead.
		throw asModelError(error, request.model);
	});
	const body = typeof response.body === 'object' && response.body !== null ? response.body : {};
	countGeminiUsage(accounting, request.model, request.serviceTier, body.usageMetadata, response.headers);
	const result = readCandidateText(body);
	if (result.finishReason === 'MAX_TOKENS' && request.responseSchema) {
		throw new InvalidOutputError('the answer was cut off at Max Output Tokens');
	}
	return result;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Asks for JSON against a schema, parses it (tolerating fences and prose around it) and
 * validates it. Unusable output is an InvalidOutputError, which is retried inside the same
 * bounded retry loop as HTTP failures when the settings allow it.
 */
export async function generateStructured<T>(
	ctx: RequestContext,
	credential: ResolvedCredential,
	request: GenerateRequest,
	validate: (value: unknown) => Validation<T>,
	settings: ResilienceSettings,
	accounting: CallAccounting,
): Promise<T> {
	// Latency history and the hedge budget are kept per model and kind of call.
	const operation = `${modelPath(request.model)}:generateContent${request.responseSchema ? ' json' : ''}`;
	const perCall = { ...settings, operation: settings.operation ? `${operation} ${settings.operation}` : operation };
	const tiered: GenerateRequest = { ...request, serviceTier: request.serviceTier ?? settings.serviceTier };
	return await resilientCall(ctx, credential, perCall, accounting, async (timeoutMs, signal) => {
		const { text } = await generateOnce(ctx, credential, tiered, accounting, timeoutMs, signal);
		const parsed = extractJson(text);
		if (parsed === undefined) throw new InvalidOutputError('the answer was not valid JSON');
		const checked = validate(parsed);
		if (!checked.ok) throw new InvalidOutputError(checked.reason);
		return checked.value;
	});
}
