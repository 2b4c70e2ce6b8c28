import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DEFAULT_TEXT_MODEL } from '../shared/gemini/catalog';
import { readResilience } from '../shared/node/resilienceOptions';
import type { ResilienceOptions } from '../shared/node/resilienceOptions';
import { DEFAULT_THEMES, DUPLICATE_STRICTNESS, LABELS, MISSION_RESILIENCE_DEFAULTS, OPTIONS } from './description';
import type { DuplicateStrictness } from './description';
import { canonicalTier } from './engine/tier';
import type { GenerationRequest, SimilarityThresholds, ThemeSpec } from './engine/types';
import { parseCustomTemplates, parseExistingMissions } from './engine/validate';

export const MIN_COUNT = 1;
export const MAX_COUNT = 200;
/** 0 = automatic: batches sized so the remainder goes out in one round (engine/aiPhase.ts). */
export const MIN_BATCH_SIZE = 0;
export const MAX_BATCH_SIZE = 10;
const PERCENT = 100;
const LOCALE_PATTERN = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;

export interface ItemParameters {
	request: GenerationRequest;
	progressUrl: string;
	progressToken: string;
	jobId: string;
	resilience: ResilienceOptions;
}

export interface ExecutionParameters {
	parallelCalls: number;
	parallelItems: number;
}

function fail(ctx: IExecuteFunctions, itemIndex: number, message: string, description: string): never {
	throw new NodeOperationError(ctx.getNode(), message, { itemIndex, description });
}

function readPath(source: IDataObject, path: string): unknown {
	let current: unknown = source;
	for (const key of path.split('.')) {
		if (typeof current !== 'object' || current === null) return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}

/** Option defaults come from the node description, so the UI and the code cannot disagree. */
const OPTION_DEFAULTS: Record<string, unknown> = Object.fromEntries(
	(OPTIONS as INodeProperties[]).map((option) => [option.name, option.default]),
);

/**
 * An optional setting that moved from the top level into Options: the Options value wins, the
 * old top-level parameter (workflows saved before the move) is read otherwise.
 */
function movedOption(ctx: IExecuteFunctions, itemIndex: number, options: IDataObject, name: string): unknown {
	const value = options[name];
	if (value !== undefined && value !== '') return value;
	return ctx.getNodeParameter(name, itemIndex, OPTION_DEFAULTS[name]);
}

function readThresholds(options: IDataObject): SimilarityThresholds {
	const preset = String(options.duplicateStrictness ?? OPTION_DEFAULTS.duplicateStrictness);
	const base = DUPLICATE_STRICTNESS[(preset in DUPLICATE_STRICTNESS ? preset : 'balanced') as DuplicateStrictness];
	const expert = (name: string, fallback: number) =>
		typeof options[name] === 'number' && Number.isFinite(options[name]) ? (options[name] as number) : fallback;
	return {
		titleExact: expert('titleExactSimilarity', base.titleExact),
		titleHigh: expert('titleHighSimilarity', base.titleHigh),
		description: expert('descriptionSimilarity', base.description),
	};
}

function wholeNumberIn(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: string,
	value: number,
	min: number,
	max: number,
	hint: string,
): number {
	if (!Number.isInteger(value) || value < min || value > max) {
		fail(ctx, itemIndex, `${label} must be a whole number from ${min} to ${max}, not ${String(value)}`, hint);
	}
	return value;
}

function numberOption(options: IDataObject, name: string): number {
	const value = options[name];
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	return Number(OPTION_DEFAULTS[name]);
}

function readThemes(options: IDataObject): ThemeSpec[] {
	const raw = (options.themes as IDataObject | undefined)?.theme;
	const entries = Array.isArray(raw) ? (raw as IDataObject[]) : [];
	const themes = entries
		.filter((entry) => String(entry.name ?? '').trim() !== '' || String(entry.focus ?? '').trim() !== '')
		.map((entry) => {
			const name = String(entry.name ?? '').trim() || String(entry.focus).trim();
			return {
				name,
				focus: String(entry.focus ?? '').trim() || name,
				keywords: String(entry.keywords ?? '')
					.split(',')
					.map((word) => word.trim())
					.filter((word) => word !== ''),
			};
		});
	return themes.length > 0
		? themes
		: DEFAULT_THEMES.map((theme) => ({ ...theme, keywords: theme.keywords.split(', ') }));
}

function parseJsonParameter(ctx: IExecuteFunctions, itemIndex: number, raw: unknown): unknown {
	if (typeof raw !== 'string') return raw;
	if (raw.trim() === '') return [];
	try {
		return JSON.parse(raw) as unknown;
	} catch (error) {
		return fail(
			ctx,
			itemIndex,
			'Custom Templates is not valid JSON',
			`Fix the JSON in the "Custom Templates (JSON)" parameter: ${(error as Error).message}`,
		);
	}
}

/** Reads and checks one item's parameters; every error names the parameter and what is allowed. */
export function readItemParameters(ctx: IExecuteFunctions, itemIndex: number): ItemParameters {
	const rawTier = String(ctx.getNodeParameter('tier', itemIndex, 'BEGINNER') ?? '').trim();
	if (rawTier === '') {
		fail(ctx, itemIndex, 'Tier is empty', 'Choose BEGINNER, INTERMEDIATE or ADVANCED, or pass another level name by expression.');
	}
	const tier = canonicalTier(rawTier);

	const count = wholeNumberIn(
		ctx,
		itemIndex,
		LABELS.count,
		Number(ctx.getNodeParameter('count', itemIndex, 20)),
		MIN_COUNT,
		MAX_COUNT,
		`Change "${LABELS.count}". For more, split the request over several items.`,
	);

	const locale = String(ctx.getNodeParameter('locale', itemIndex, 'en') ?? '').trim();
	if (!LOCALE_PATTERN.test(locale)) {
		fail(ctx, itemIndex, `${LABELS.locale} "${locale}" is not a locale code`, 'Use a code such as en or pt-BR.');
	}

	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const minimumMissions = wholeNumberIn(
		ctx,
		itemIndex,
		LABELS.minimumMissions,
		numberOption(options, 'minimumMissions'),
		0,
		count,
		`"${LABELS.minimumMissions}" (in Options) may not be more than "${LABELS.count}" (${count}). Lower it, or ask for more missions.`,
	);
	const batchSize = wholeNumberIn(
		ctx,
		itemIndex,
		LABELS.batchSize,
		numberOption(options, 'batchSize'),
		MIN_BATCH_SIZE,
		MAX_BATCH_SIZE,
		`Set "${LABELS.batchSize}" in Options to how many missions one Gemini call should write, or 0 for automatic.`,
	);

	const customRaw = parseJsonParameter(ctx, itemIndex, movedOption(ctx, itemIndex, options, 'customTemplates'));
	const custom = parseCustomTemplates(customRaw);
	if (!custom.ok) {
		fail(ctx, itemIndex, `${LABELS.customTemplates} is not usable: ${custom.reason}`, 'Each template needs title, description (with {target}), type, target or targetRange, and xpReward or xpRange.');
	}

	const field = String(movedOption(ctx, itemIndex, options, 'existingMissionsField') ?? '').trim();
	let existingRaw: unknown;
	if (field !== '') existingRaw = readPath(ctx.getInputData()[itemIndex]?.json ?? {}, field);
	const existing = parseExistingMissions(existingRaw);
	if (!existing.ok) {
		fail(
			ctx,
			itemIndex,
			`The field "${field}" named in ${LABELS.existingMissionsField} ${existing.reason}`,
			'Pass a list of titles (["Title", ...]) or of objects ({"title": "...", "description": "..."}), or clear the option.',
		);
	}

	const modelParameter = ctx.getNodeParameter('options.model', itemIndex, '', { extractValue: true });
	const model = String(modelParameter ?? '').trim() || DEFAULT_TEXT_MODEL;
	const progressUrl = String(movedOption(ctx, itemIndex, options, 'progressUrl') ?? '').trim();
	if (progressUrl !== '' && !/^https?:\/\//i.test(progressUrl)) {
		fail(ctx, itemIndex, `${LABELS.progressUrl} must start with http:// or https://`, `Fix or clear "${LABELS.progressUrl}".`);
	}

	return {
		request: {
			tier,
			count,
			locale,
			existing: existing.value,
			customTemplates: custom.value,
			thresholds: readThresholds(options),
			minimumMissions,
			ai: {
				model,
				batchSize,
				temperature: numberOption(options, 'temperature'),
				topP: numberOption(options, 'topP'),
				maxOutputTokens: numberOption(options, 'maxOutputTokens'),
				maxRefillRounds: numberOption(options, 'maxRefillRounds'),
				headroom: numberOption(options, 'headroomPercent') / PERCENT,
				themes: readThemes(options),
			},
		},
		progressUrl,
		progressToken: String(movedOption(ctx, itemIndex, options, 'progressToken') ?? ''),
		jobId: String(movedOption(ctx, itemIndex, options, 'jobId') ?? '').trim(),
		resilience: readResilience(options, MISSION_RESILIENCE_DEFAULTS),
	};
}

/** Node-wide settings, read once from the first item. */
export function readExecutionParameters(ctx: IExecuteFunctions): ExecutionParameters {
	const { parallelCalls, parallelItems } = readResilience(ctx.getNodeParameter('options', 0, {}) as IDataObject, MISSION_RESILIENCE_DEFAULTS);
	return { parallelCalls, parallelItems };
}
