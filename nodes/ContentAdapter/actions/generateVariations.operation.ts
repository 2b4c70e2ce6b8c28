import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { countWords } from '../../shared/text/generatedText';
import { textHash } from '../engine/cache';
import { produceText } from '../engine/produce';
import { OWN_INSTRUCTIONS, SYSTEM_INSTRUCTION, textSchema, variationPrompt } from '../engine/prompt';
import type { Brief } from '../engine/prompt';
import type { ItemRun, OperationOutcome, PlannedText, ResultItem, RunContext, TextResult, TextTask } from '../engine/types';
import type { LanguageTag } from '../../shared/text/languages';
import { invalidParameter } from '../../shared/node/parameters';
import {
	DEFAULT_ASPECTS,
	DEFAULT_VARIATIONS,
	MAX_TARGET_WORDS,
	MAX_TEXT_CHARS,
	MAX_VARIATIONS,
	MIN_TARGET_WORDS,
	readVariationParameters,
} from '../parameters';
import { briefProperty, languageProperty, resultJson, titleProperty } from './common';
import { writeMaster } from './writeScript.operation';

/**
 * Generate Variations: one call per aspect, all at once under the node's call cap (the seed
 * asked for every variation in one giant call, which timed out from five on). Without a master
 * script the master is written first, through the same cache as Write Script.
 */

const properties: INodeProperties[] = [
	titleProperty(true, 'The video title the variations are written for'),
	{
		displayName: 'Master Script',
		name: 'masterScript',
		type: 'string',
		typeOptions: { rows: 6 },
		default: '',
		description: `The script to vary (at most ${MAX_TEXT_CHARS} characters). Leave empty to have the master written first from the title and the brief.`,
	},
	languageProperty('language', 'Language', 'BCP-47 code of the language of the master and its variations, e.g. pt-BR'),
	{
		displayName: 'Number of Variations',
		name: 'variations',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_VARIATIONS },
		default: DEFAULT_VARIATIONS,
		description: `How many variations to write, one per aspect, in the order of Aspects (1 to ${MAX_VARIATIONS})`,
	},
	{
		displayName: 'Aspects',
		name: 'aspects',
		type: 'string',
		default: DEFAULT_ASPECTS,
		description:
			'The angle of each variation, separated by commas: curiosity, practical, story, contrarian and beginner have built-in guidance; any other phrase is used as the angle itself',
	},
	briefProperty,
];

export const description = updateDisplayOptions({ show: { operation: ['generateVariations'] } }, properties);

/** A variation is as long as its master, within the script bounds. */
function variationWords(masterText: string): number {
	return Math.min(MAX_TARGET_WORDS, Math.max(MIN_TARGET_WORDS, countWords(masterText)));
}

export function variationTask(title: string, aspect: string, masterText: string, language: LanguageTag, brief: Brief, targetWords: number): TextTask {
	return {
		kind: 'variation',
		identity: { title, aspect, master: textHash(masterText), language: language.tag, targetWords, audience: brief.audience, tone: brief.tone },
		title,
		prompt: variationPrompt(title, aspect, masterText, language, brief, targetWords),
		systemInstruction: SYSTEM_INSTRUCTION,
		instructions: OWN_INSTRUCTIONS,
		responseSchema: textSchema('variation script', language, targetWords),
		language,
	};
}

/** Economy: the variations this item asks for. The master must be given (a batch of masters comes first). */
export function plan(run: RunContext, itemIndex: number): PlannedText[] {
	const { title, language, brief, aspects, masterScript } = readVariationParameters(run.ctx, itemIndex);
	if (masterScript === '') {
		throw invalidParameter(
			run.ctx,
			itemIndex,
			'Master Script',
			'is empty; a Gemini batch cannot write the master and its variations in one go',
			'Submit the masters first (Write Script with Economy on), then pass each master script here.',
		);
	}
	const masterHash = textHash(masterScript);
	const targetWords = variationWords(masterScript);
	return aspects.map((aspect, index) => ({
		base: { title, aspect, variation: index + 1, language: language.tag, masterHash },
		task: variationTask(title, aspect, masterScript, language, brief, targetWords),
	}));
}

export async function execute(run: RunContext, item: ItemRun): Promise<OperationOutcome> {
	const { title, language, brief, aspects, masterScript: given } = readVariationParameters(run.ctx, item.itemIndex);
	const identity = (aspect: string, index: number): IDataObject => ({ title, aspect, variation: index + 1, language: language.tag });

	let master: TextResult | undefined;
	if (given === '') {
		const written = await writeMaster(run, item, title, language, brief).then(
			(value) => ({ ok: true as const, value }),
			(error: unknown) => ({ ok: false as const, error }),
		);
		// No master, no variations: each one still gets its own error item, nothing vanishes.
		if (!written.ok) {
			return {
				results: aspects.map((aspect, index) => ({ failure: written.error, context: { ...identity(aspect, index), masterFailed: true } })),
				report: { results: 0, failedResults: aspects.length, masterWritten: false },
			};
		}
		master = written.value;
	}
	const masterText = master ? master.text : given;
	const masterHash = textHash(masterText);
	const targetWords = variationWords(masterText);
	const settled = await Promise.all(
		aspects.map(async (aspect) =>
			await produceText(run, item, variationTask(title, aspect, masterText, language, brief, targetWords)).then(
				(value) => ({ ok: true as const, value }),
				(error: unknown) => ({ ok: false as const, error }),
			),
		),
	);
	const results: ResultItem[] = settled.map((outcome, index) =>
		outcome.ok
			? { json: resultJson('variation', { ...identity(aspects[index], index), masterHash }, outcome.value, run.cache.emitEntries) }
			: { failure: outcome.error, context: { ...identity(aspects[index], index), masterHash } },
	);
	const done = settled.filter((outcome) => outcome.ok);
	const report: IDataObject = {
		results: done.length,
		failedResults: settled.length - done.length,
		cachedResults: done.filter((outcome) => outcome.ok && outcome.value.cached).length,
		masterHash,
		masterWritten: master !== undefined,
	};
	if (master) report.master = { script: master.text, words: master.words, cached: master.cached };
	return { results, report };
}
