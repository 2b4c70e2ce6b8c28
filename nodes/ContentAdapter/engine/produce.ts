import { InvalidOutputError } from '../../shared/errors';
import { generateStructured } from '../../shared/gemini/generate';
import type { GenerateRequest, Validation } from '../../shared/gemini/generate';
import { extractJson } from '../../shared/text/json';
import { checkGeneratedText, countWords, lengthDeviation } from '../../shared/text/generatedText';
import { processState } from '../../shared/state';
import { SingleFlight } from '../../shared/transport/singleFlight';
import { cacheEntryRow, cacheKey, isFresh } from './cache';
import { lengthCorrection } from './prompt';
import type { CachedText, ItemRun, RunContext, TextResult, TextTask } from './types';

/**
 * One text, the cheapest way that is still right: the workflow's stored entries, then the
 * in-process cache, then a call that an identical request already in flight may share, then
 * Gemini. Every answer is checked (shape, empty, fences, echo, language); an adaptation that
 * misses its length gets one more try with the miss spelled out, and otherwise is delivered
 * flagged `lengthOutOfTolerance` rather than lost.
 */

/** Identical texts asked for at the same time anywhere in this n8n process share one call. */
const inFlight = processState(
	'contentAdapterFlights',
	'per process: Content Adapter texts being written right now, so identical requests share one call; in queue mode each worker has its own',
	() => new SingleFlight<CachedText>(),
);

/** Extra calls allowed to bring an adaptation's length back inside the tolerance. */
export const LENGTH_RETRIES = 1;

export function validator(task: TextTask): (value: unknown) => Validation<string> {
	return (value) => {
		const answer = typeof value === 'object' && value !== null ? (value as { text?: unknown; language?: unknown }) : {};
		// The schema makes the model name the language it wrote in; another name is a miss.
		if (String(answer.language ?? '').toLowerCase() !== task.language.tag.toLowerCase()) {
			return { ok: false, reason: `the answer does not name ${task.language.tag} as its language` };
		}
		const text = answer.text;
		const verdict = checkGeneratedText(text, { language: task.language, instructions: task.instructions });
		return verdict.ok ? verdict : { ok: false, reason: verdict.reason };
	};
}

/** The request for one text: what a standard call sends, and what a batch request holds. */
export function textRequest(run: RunContext, task: TextTask, prompt = task.prompt): GenerateRequest {
	const { model, temperature, topP, maxOutputTokens } = run.generation;
	return {
		model,
		prompt,
		systemInstruction: task.systemInstruction,
		responseSchema: task.responseSchema,
		temperature,
		topP,
		maxOutputTokens,
		// Scripts need no reasoning: the catalog asks each family for its least thinking.
		lowThinking: true,
	};
}

async function callGemini(run: RunContext, item: ItemRun, task: TextTask, prompt: string): Promise<string> {
	return await generateStructured(run.ctx, await run.credential(), textRequest(run, task, prompt), validator(task), item.settings, item.accounting);
}

/**
 * Writes a text: calls until the length fits (adaptations) or the retries are spent. `first` is an
 * answer already in hand (from a batch), taken as the first round's answer instead of a call.
 */
async function generateFresh(run: RunContext, item: ItemRun, task: TextTask, first?: string): Promise<CachedText> {
	const target = task.lengthTarget;
	let best: { text: string; words: number; deviation: number } | undefined;
	let prompt = task.prompt;
	for (let round = 0; round <= (target ? LENGTH_RETRIES : 0); round++) {
		const answer = round === 0 && first !== undefined ? Promise.resolve(first) : callGemini(run, item, task, prompt);
		const outcome = await answer.then(
			(text) => ({ ok: true as const, text }),
			(error: unknown) => ({ ok: false as const, error }),
		);
		// A failed retry still leaves the earlier answer: deliver it flagged rather than lose it.
		if (!outcome.ok) {
			if (best) break;
			throw outcome.error;
		}
		const words = countWords(outcome.text);
		const deviation = target ? lengthDeviation(words, target.words) : 0;
		if (!best || deviation < best.deviation) best = { text: outcome.text, words, deviation };
		if (!target || deviation <= target.tolerance) break;
		if (round < LENGTH_RETRIES) {
			item.stats.lengthRetries++;
			prompt = `${task.prompt}\n\n${lengthCorrection(words, target.words, target.tolerance)}`;
		}
	}
	const chosen = best as { text: string; words: number; deviation: number };
	return {
		text: chosen.text,
		words: chosen.words,
		lengthOutOfTolerance: target ? chosen.deviation > target.tolerance : false,
		model: run.generation.model,
		createdAt: Date.now(),
	};
}

function result(task: TextTask, key: string, value: CachedText, cached: boolean, shared: boolean): TextResult {
	return {
		...value,
		key,
		cached,
		shared,
		cacheEntry: cacheEntryRow(key, task.kind, task.title, task.language.tag, value),
	};
}

export async function produceText(run: RunContext, item: ItemRun, task: TextTask): Promise<TextResult> {
	const key = cacheKey(task.kind, task.identity, run.generation);
	const { cache } = run;
	const hit = cachedText(run, item, task);
	if (hit) return hit;
	const { value, shared } = await inFlight.run(key, async () => {
		const fresh = await generateFresh(run, item, task);
		if (cache.enabled) run.store.set(key, fresh, cache.ttlMs);
		return fresh;
	});
	if (shared) item.stats.sharedCalls++;
	return result(task, key, value, false, shared);
}

/**
 * A batch's answer to `task` (Economy): checked exactly as a call's answer; an answer that fails
 * the check throws (the caller then writes the text by an ordinary call), an adaptation off its
 * length gets the same one corrective call the standard path makes. Stored in the cache like any text.
 */
export async function produceFromAnswer(run: RunContext, item: ItemRun, task: TextTask, answerText: string): Promise<TextResult> {
	const key = cacheKey(task.kind, task.identity, run.generation);
	const parsed = extractJson(answerText);
	if (parsed === undefined) throw new InvalidOutputError('the batch answer was not valid JSON');
	const checked = validator(task)(parsed);
	if (!checked.ok) throw new InvalidOutputError(`the batch answer failed the check: ${checked.reason}`);
	const value = await generateFresh(run, item, task, checked.value);
	if (run.cache.enabled) run.store.set(key, value, run.cache.ttlMs);
	return result(task, key, value, false, false);
}

/** The cached text for `task` when there is a fresh one (workflow entries, then this process). */
export function cachedText(run: RunContext, item: ItemRun, task: TextTask): TextResult | undefined {
	if (!run.cache.enabled) return undefined;
	const key = cacheKey(task.kind, task.identity, run.generation);
	const hit = item.external.get(key) ?? run.store.get(key);
	if (!hit || !isFresh(hit, run.cache.ttlMs)) return undefined;
	item.stats.cacheHits++;
	if (!run.store.get(key)) run.store.set(key, hit, run.cache.ttlMs - (Date.now() - hit.createdAt));
	return result(task, key, hit, true, false);
}

export function textKey(run: RunContext, task: TextTask): string {
	return cacheKey(task.kind, task.identity, run.generation);
}
