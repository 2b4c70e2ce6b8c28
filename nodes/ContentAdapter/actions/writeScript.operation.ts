import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { LanguageTag } from '../../shared/text/languages';
import { produceText } from '../engine/produce';
import type { Brief } from '../engine/prompt';
import { OWN_INSTRUCTIONS, scriptPrompt, SYSTEM_INSTRUCTION, textSchema } from '../engine/prompt';
import type { ItemRun, OperationOutcome, PlannedText, RunContext, TextResult, TextTask } from '../engine/types';
import { readScriptParameters } from '../parameters';
import { briefProperty, languageProperty, resultJson, titleProperty } from './common';

/** Write Script: a title (and a brief) in, one master script out. */

const properties: INodeProperties[] = [
	titleProperty(true, 'The video title the script is written for'),
	languageProperty('language', 'Language', 'BCP-47 code of the language to write in, e.g. pt-BR, en-US, es-MX'),
	briefProperty,
];

export const description = updateDisplayOptions({ show: { operation: ['writeScript'] } }, properties);

/** The task of a master script (its identity is its cache key). */
export function masterTask(title: string, language: LanguageTag, brief: Brief): TextTask {
	return {
		kind: 'script',
		identity: { title, language: language.tag, brief: { ...brief } },
		title,
		prompt: scriptPrompt(title, language, brief),
		systemInstruction: SYSTEM_INSTRUCTION,
		instructions: OWN_INSTRUCTIONS,
		responseSchema: textSchema('script', language, brief.targetWords),
		language,
	};
}

/** The master script for a title; Generate Variations uses it too (same cache key). */
export async function writeMaster(
	run: RunContext,
	item: ItemRun,
	title: string,
	language: LanguageTag,
	brief: Brief,
): Promise<TextResult> {
	return await produceText(run, item, masterTask(title, language, brief));
}

/** Economy: the one text this item asks for. */
export function plan(run: RunContext, itemIndex: number): PlannedText[] {
	const { title, language, brief } = readScriptParameters(run.ctx, itemIndex);
	return [{ base: { title, language: language.tag }, task: masterTask(title, language, brief) }];
}

export async function execute(run: RunContext, item: ItemRun): Promise<OperationOutcome> {
	const { title, language, brief } = readScriptParameters(run.ctx, item.itemIndex);
	const identity = { title, language: language.tag };
	const script = await writeMaster(run, item, title, language, brief).then(
		(value) => ({ ok: true as const, value }),
		(error: unknown) => ({ ok: false as const, error }),
	);
	if (!script.ok) {
		return { results: [{ failure: script.error, context: identity }], report: { results: 0, failedResults: 1 } };
	}
	const { value } = script;
	return {
		results: [{ json: resultJson('script', identity, value, run.cache.emitEntries) }],
		report: { results: 1, failedResults: 0, cachedResults: value.cached ? 1 : 0 },
	};
}
