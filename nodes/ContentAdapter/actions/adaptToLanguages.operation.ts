import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { countWords, estimateSpeechSeconds } from '../../shared/text/generatedText';
import { textHash } from '../engine/cache';
import { produceText } from '../engine/produce';
import { adaptationPrompt, OWN_INSTRUCTIONS, SYSTEM_INSTRUCTION, textSchema } from '../engine/prompt';
import type { ItemRun, OperationOutcome, PlannedText, ResultItem, RunContext, TextTask } from '../engine/types';
import type { LanguageTag } from '../../shared/text/languages';
import {
	DEFAULT_TARGET_LANGUAGES,
	DEFAULT_TOLERANCE_PERCENT,
	MAX_TEXT_CHARS,
	MAX_TOLERANCE_PERCENT,
	readAdaptationParameters,
} from '../parameters';
import { languageProperty, resultJson, titleProperty } from './common';

/**
 * Adapt to Languages: one text into several languages, one call per language, all at once
 * under the node's call cap (the seed looped over languages one by one). Cultural adaptation,
 * not translation, and the length kept within the tolerance or the result is flagged.
 */

const properties: INodeProperties[] = [
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 6 },
		default: '',
		required: true,
		description: `The script to adapt (at most ${MAX_TEXT_CHARS} characters)`,
	},
	languageProperty('sourceLanguage', 'Source Language', 'BCP-47 code of the language the text is in, e.g. pt-BR'),
	{
		displayName: 'Target Languages',
		name: 'targetLanguages',
		type: 'string',
		default: DEFAULT_TARGET_LANGUAGES,
		required: true,
		description:
			'BCP-47 codes to adapt into, separated by commas (e.g. pt-BR, en-US, es-ES, es-MX). One result per language. The source language itself is passed through unchanged.',
	},
	titleProperty(false, 'Optional: the video title, which gives the adaptation context and names the result'),
	{
		displayName: 'Length Tolerance (%)',
		name: 'lengthTolerancePercent',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_TOLERANCE_PERCENT },
		default: DEFAULT_TOLERANCE_PERCENT,
		description:
			'How far an adaptation may be from the source length in words. A result outside it is asked for once more, then delivered with lengthOutOfTolerance: true.',
	},
];

export const description = updateDisplayOptions({ show: { operation: ['adaptToLanguages'] } }, properties);

export function adaptationTask(
	text: string,
	title: string,
	source: LanguageTag,
	target: LanguageTag,
	sourceHash: string,
	sourceWords: number,
	tolerance: number,
): TextTask {
	return {
		kind: 'adaptation',
		identity: { title, source: sourceHash, sourceLanguage: source.tag, language: target.tag, tolerance },
		title,
		prompt: adaptationPrompt(text, title, source, target, sourceWords, tolerance),
		systemInstruction: SYSTEM_INSTRUCTION,
		instructions: OWN_INSTRUCTIONS,
		responseSchema: textSchema('adapted script', target, sourceWords),
		language: target,
		lengthTarget: { words: sourceWords, tolerance },
	};
}

/** A target equal to the source: the text itself, no call. */
function passthroughJson(identity: IDataObject, text: string, sourceWords: number): IDataObject {
	return {
		...identity,
		text,
		words: sourceWords,
		sourceWords,
		estimatedSeconds: estimateSpeechSeconds(sourceWords),
		lengthOutOfTolerance: false,
		passthrough: true,
		cached: false,
	};
}

/** Economy: the adaptations this item asks for (the source language passed through at once). */
export function plan(run: RunContext, itemIndex: number): PlannedText[] {
	const { text, source, targets, title, tolerance } = readAdaptationParameters(run.ctx, itemIndex);
	const sourceHash = textHash(text);
	const sourceWords = countWords(text);
	return targets.map((target): PlannedText => {
		const identity: IDataObject = { title, language: target.tag, sourceLanguage: source.tag, sourceHash };
		if (target.tag === source.tag) return { base: identity, ready: passthroughJson(identity, text, sourceWords) };
		return { base: { ...identity, sourceWords }, task: adaptationTask(text, title, source, target, sourceHash, sourceWords, tolerance) };
	});
}

export async function execute(run: RunContext, item: ItemRun): Promise<OperationOutcome> {
	const { text, source, targets, title, tolerance } = readAdaptationParameters(run.ctx, item.itemIndex);
	const sourceHash = textHash(text);
	const sourceWords = countWords(text);

	const settled = await Promise.all(
		targets.map(async (target) => {
			if (target.tag === source.tag) {
				return { ok: true as const, passthrough: true, value: undefined };
			}
			return await produceText(run, item, adaptationTask(text, title, source, target, sourceHash, sourceWords, tolerance)			).then(
				(value) => ({ ok: true as const, passthrough: false, value }),
				(error: unknown) => ({ ok: false as const, error }),
			);
		}),
	);

	const results: ResultItem[] = settled.map((outcome, index) => {
		const identity: IDataObject = { title, language: targets[index].tag, sourceLanguage: source.tag, sourceHash };
		if (!outcome.ok) return { failure: outcome.error, context: identity };
		if (!outcome.value) return { json: passthroughJson(identity, text, sourceWords) };
		return { json: resultJson('adaptation', { ...identity, sourceWords }, outcome.value, run.cache.emitEntries) };
	});
	const done = settled.filter((outcome) => outcome.ok);
	return {
		results,
		report: {
			results: done.length,
			failedResults: settled.length - done.length,
			cachedResults: done.filter((outcome) => outcome.ok && outcome.value?.cached === true).length,
			lengthOutOfTolerance: done.filter((outcome) => outcome.ok && outcome.value?.lengthOutOfTolerance === true).length,
			lengthRetries: item.stats.lengthRetries,
			sourceHash,
		},
	};
}
