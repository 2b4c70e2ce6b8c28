import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { countWords } from '../../shared/text/generatedText';
import { textHash } from '../engine/cache';
import { produceText } from '../engine/produce';
import { DEFAULT_ASPECTS, OWN_INSTRUCTIONS, SYSTEM_INSTRUCTION, textSchema, variationPrompt } from '../engine/prompt';
import type { ItemRun, OperationOutcome, ResultItem, RunContext, TextResult } from '../engine/types';
import {
	fail,
	languageParameter,
	MAX_TARGET_WORDS,
	MAX_TEXT_CHARS,
	MAX_TITLE_CHARS,
	MAX_VARIATIONS,
	MIN_TARGET_WORDS,
	readBrief,
	requiredText,
} from '../parameters';
import { briefProperty, languageProperty, textFields, titleProperty } from './common';
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
		default: 3,
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

/** Aspects from a comma-separated string (or an array), trimmed, repeats dropped, order kept. */
function readAspects(raw: unknown): string[] {
	const parts = Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(/[,;\n]/);
	const aspects = new Map<string, string>();
	for (const part of parts.map((value) => value.trim())) {
		if (part !== '' && !aspects.has(part.toLowerCase())) aspects.set(part.toLowerCase(), part);
	}
	return [...aspects.values()];
}

export async function execute(run: RunContext, item: ItemRun): Promise<OperationOutcome> {
	const { ctx } = run;
	const i = item.itemIndex;
	const title = requiredText(ctx, i, 'title', 'Title', MAX_TITLE_CHARS);
	const language = languageParameter(ctx, i, 'language', 'Language');
	const brief = readBrief(ctx, i);
	const count = Number(ctx.getNodeParameter('variations', i, 3));
	if (!Number.isInteger(count) || count < 1 || count > MAX_VARIATIONS) {
		fail(ctx, i, `Number of Variations must be a whole number from 1 to ${MAX_VARIATIONS}, not ${String(count)}`, 'Change "Number of Variations"; for more, split them over several items.');
	}
	const aspects = readAspects(ctx.getNodeParameter('aspects', i, DEFAULT_ASPECTS));
	if (aspects.length === 0) fail(ctx, i, 'Aspects is empty', `List at least one angle, separated by commas, e.g. "${DEFAULT_ASPECTS}".`);
	if (aspects.length < count) {
		fail(ctx, i, `Number of Variations is ${count}, but Aspects lists only ${aspects.length}`, 'Each variation needs its own aspect: add aspects or lower "Number of Variations".');
	}
	const given = String(ctx.getNodeParameter('masterScript', i, '') ?? '').trim();
	if (given.length > MAX_TEXT_CHARS) {
		fail(ctx, i, `Master Script is too long: ${given.length} characters, at most ${MAX_TEXT_CHARS} are allowed`, 'Shorten "Master Script" or split it over several items.');
	}
	const chosen = aspects.slice(0, count);
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
				results: chosen.map((aspect, index) => ({ json: { ...identity(aspect, index), masterFailed: true }, error: written.error })),
				report: { results: 0, failedResults: chosen.length, masterWritten: false },
			};
		}
		master = written.value;
	}
	const masterText = master ? master.text : given;
	const masterHash = textHash(masterText);
	const targetWords = Math.min(MAX_TARGET_WORDS, Math.max(MIN_TARGET_WORDS, countWords(masterText)));
	const settled = await Promise.all(
		chosen.map(async (aspect) =>
			await produceText(run, item, {
				kind: 'variation',
				identity: { title, aspect, master: masterHash, language: language.tag, targetWords, audience: brief.audience, tone: brief.tone },
				title,
				prompt: variationPrompt(title, aspect, masterText, language, brief, targetWords),
				systemInstruction: SYSTEM_INSTRUCTION,
				instructions: OWN_INSTRUCTIONS,
				responseSchema: textSchema('variation script', language, targetWords),
				language,
			}).then(
				(value) => ({ ok: true as const, value }),
				(error: unknown) => ({ ok: false as const, error }),
			),
		),
	);
	const results: ResultItem[] = settled.map((outcome, index) =>
		outcome.ok
			? {
					json: {
						...identity(chosen[index], index),
						script: outcome.value.text,
						scriptHash: textHash(outcome.value.text),
						masterHash,
						...textFields(outcome.value, run.cache.emitEntries),
					},
				}
			: { json: { ...identity(chosen[index], index), masterHash }, error: outcome.error },
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
