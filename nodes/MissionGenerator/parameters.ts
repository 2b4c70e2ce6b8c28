import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DEFAULT_TEXT_MODEL } from '../shared/gemini/catalog';
import { invalidParameter, modelParameter, numberOption, numberOr, readPath, wholeNumberIn } from '../shared/node/parameters';
import { readResilience } from '../shared/node/resilienceOptions';
import { DEFAULT_DUPLICATE_STRICTNESS, DUPLICATE_STRICTNESS } from './engine/duplicates';
import type { DuplicateStrictness } from './engine/duplicates';
import type { BatchFailurePolicy, EconomyMode } from './engine/economy';
import type { MissionJob } from './engine/job';
import { LABELS } from './engine/labels';
import { canonicalTier } from './engine/tier';
import type { SimilarityThresholds, ThemeSpec } from './engine/types';
import { parseCustomTemplates, parseExistingMissions } from './engine/validate';

export const MIN_COUNT = 1;
export const MAX_COUNT = 200;
/** 0 = automatic: batches sized so the remainder goes out in one round (engine/aiPhase.ts). */
export const MIN_BATCH_SIZE = 0;
export const MAX_BATCH_SIZE = 10;
const PERCENT = 100;
const LOCALE_PATTERN = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;

// The defaults the code falls back to; description.ts shows these same values in the panel (the
// seed's generation settings). Plain constants: n8n's lint reads a `default` only as a name.
export const DEFAULT_TIER = 'BEGINNER';
export const DEFAULT_COUNT = 20;
export const DEFAULT_LOCALE = 'en';
/** Automatic (see MIN_BATCH_SIZE). */
export const DEFAULT_BATCH_SIZE = 0;
export const DEFAULT_CUSTOM_TEMPLATES = '[]';
export const DEFAULT_HEADROOM_PERCENT = 20;
export const DEFAULT_MAX_OUTPUT_TOKENS = 800;
export const DEFAULT_MAX_REFILL_ROUNDS = 3;
export const DEFAULT_MINIMUM_MISSIONS = 1;
export const DEFAULT_TEMPERATURE = 0.8;
export const DEFAULT_TOP_P = 0.9;

/** The number options by name, for numberOption. */
const NUMBER_DEFAULTS: Record<string, number> = {
	batchSize: DEFAULT_BATCH_SIZE,
	headroomPercent: DEFAULT_HEADROOM_PERCENT,
	maxOutputTokens: DEFAULT_MAX_OUTPUT_TOKENS,
	maxRefillRounds: DEFAULT_MAX_REFILL_ROUNDS,
	minimumMissions: DEFAULT_MINIMUM_MISSIONS,
	temperature: DEFAULT_TEMPERATURE,
	topP: DEFAULT_TOP_P,
};

/**
 * Parallel Calls 4: with automatic batches the AI remainder goes out in one round of at most 4
 * calls (20 missions → 4 requests, within free-tier request limits; engine/aiPhase.ts planRound
 * explains the sizing). Generation time grows with what a call writes, so more Parallel Calls
 * make smaller batches and a shorter round, at more requests (docs/benchmarks.md measures both).
 */
export const MISSION_RESILIENCE_DEFAULTS = {
	parallelCalls: 4,
	parallelCallsNote:
		'With AI Batch Size 0 the missions AI writes are spread over this many calls in one round: raise it for speed (smaller batches finish sooner), lower it to send fewer requests.',
};

/** The themes AI batches rotate through when the Themes option is empty. */
export const DEFAULT_THEMES = [
	{ name: 'habits', focus: 'Building the habit of recording expenses', keywords: 'diary, routine, consistency' },
	{ name: 'categories', focus: 'Organising spending by category', keywords: 'categorise, separate, organise' },
	{ name: 'saving', focus: 'Controlling spending and saving money', keywords: 'save, reduce, cut' },
	{ name: 'goals', focus: 'Setting financial goals', keywords: 'goal, objective, plan' },
	{ name: 'analysis', focus: 'Analysing and understanding personal finances', keywords: 'analyse, understand, discover' },
];

export type MissionOperation = 'generate' | 'checkBatch' | 'cancelBatch';
export const DEFAULT_ECONOMY: EconomyMode = 'off';
export const DEFAULT_BATCH_FAILURE: BatchFailurePolicy = 'standardCalls';
export const DEFAULT_BATCH_FIELD = 'economy';
const ECONOMY_MODES: readonly EconomyMode[] = ['off', 'largeRequests', 'always'];

export function readOperation(ctx: IExecuteFunctions): MissionOperation {
	const value = String(ctx.getNodeParameter('operation', 0, 'generate'));
	return value === 'checkBatch' || value === 'cancelBatch' ? value : 'generate';
}

/** Check Batch / Cancel Batch: the waiting batch's state as the Report gave it, from the input item. */
export function readBatchState(ctx: IExecuteFunctions, itemIndex: number): unknown {
	const field = String(ctx.getNodeParameter('batchField', itemIndex, DEFAULT_BATCH_FIELD) ?? '').trim() || DEFAULT_BATCH_FIELD;
	return readPath(ctx.getInputData()[itemIndex]?.json ?? {}, field);
}

export interface ExecutionParameters {
	parallelCalls: number;
	parallelItems: number;
}

/**
 * An optional setting that moved from the top level into Options: the Options value wins, the
 * old top-level parameter (workflows saved before the move) is read otherwise.
 */
function movedOption(ctx: IExecuteFunctions, itemIndex: number, options: IDataObject, name: string): unknown {
	const value = options[name];
	if (value !== undefined && value !== '') return value;
	return ctx.getNodeParameter(name, itemIndex, '');
}

function readThresholds(options: IDataObject): SimilarityThresholds {
	const preset = String(options.duplicateStrictness ?? DEFAULT_DUPLICATE_STRICTNESS);
	const base = DUPLICATE_STRICTNESS[(preset in DUPLICATE_STRICTNESS ? preset : DEFAULT_DUPLICATE_STRICTNESS) as DuplicateStrictness];
	return {
		titleExact: numberOr(options.titleExactSimilarity, base.titleExact),
		titleHigh: numberOr(options.titleHighSimilarity, base.titleHigh),
		description: numberOr(options.descriptionSimilarity, base.description),
	};
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
		throw invalidParameter(
			ctx,
			itemIndex,
			'Custom Templates',
			'is not valid JSON',
			`Fix the JSON in the "${LABELS.customTemplates}" parameter: ${(error as Error).message}`,
		);
	}
}

/** Reads and checks one item's parameters; every error names the parameter and what is allowed. */
export function readItemParameters(ctx: IExecuteFunctions, itemIndex: number): MissionJob {
	const rawTier = String(ctx.getNodeParameter('tier', itemIndex, DEFAULT_TIER) ?? '').trim();
	if (rawTier === '') {
		throw invalidParameter(ctx, itemIndex, LABELS.tier, 'is empty', 'Choose BEGINNER, INTERMEDIATE or ADVANCED, or pass another level name by expression.');
	}
	const tier = canonicalTier(rawTier);

	const count = wholeNumberIn(
		ctx,
		itemIndex,
		LABELS.count,
		Number(ctx.getNodeParameter('count', itemIndex, DEFAULT_COUNT)),
		[MIN_COUNT, MAX_COUNT],
		`Change "${LABELS.count}". For more, split the request over several items.`,
	);

	const locale = String(ctx.getNodeParameter('locale', itemIndex, DEFAULT_LOCALE) ?? '').trim();
	if (!LOCALE_PATTERN.test(locale)) {
		throw invalidParameter(ctx, itemIndex, LABELS.locale, `"${locale}" is not a locale code`, 'Use a code such as en or pt-BR.');
	}

	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const minimumMissions = wholeNumberIn(
		ctx,
		itemIndex,
		LABELS.minimumMissions,
		numberOption(options, 'minimumMissions', NUMBER_DEFAULTS),
		[0, count],
		`"${LABELS.minimumMissions}" (in Options) may not be more than "${LABELS.count}" (${count}). Lower it, or ask for more missions.`,
	);
	const batchSize = wholeNumberIn(
		ctx,
		itemIndex,
		LABELS.batchSize,
		numberOption(options, 'batchSize', NUMBER_DEFAULTS),
		[MIN_BATCH_SIZE, MAX_BATCH_SIZE],
		`Set "${LABELS.batchSize}" in Options to how many missions one Gemini call should write, or 0 for automatic.`,
	);

	const customRaw = parseJsonParameter(ctx, itemIndex, movedOption(ctx, itemIndex, options, 'customTemplates'));
	const custom = parseCustomTemplates(customRaw);
	if (!custom.ok) {
		throw invalidParameter(ctx, itemIndex, LABELS.customTemplates, `is not usable: ${custom.reason}`, 'Each template needs title, description (with {target}), type, target or targetRange, and xpReward or xpRange.');
	}

	const field = String(movedOption(ctx, itemIndex, options, 'existingMissionsField') ?? '').trim();
	const existing = parseExistingMissions(field === '' ? undefined : readPath(ctx.getInputData()[itemIndex]?.json ?? {}, field));
	if (!existing.ok) {
		throw new NodeOperationError(ctx.getNode(), `The field "${field}" named in ${LABELS.existingMissionsField} ${existing.reason}`, {
			itemIndex,
			description: 'Pass a list of titles (["Title", ...]) or of objects ({"title": "...", "description": "..."}), or clear the option.',
		});
	}

	const progressUrl = String(movedOption(ctx, itemIndex, options, 'progressUrl') ?? '').trim();
	if (progressUrl !== '' && !/^https?:\/\//i.test(progressUrl)) {
		throw invalidParameter(ctx, itemIndex, LABELS.progressUrl, 'must start with http:// or https://', `Fix or clear "${LABELS.progressUrl}".`);
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
				model: modelParameter(ctx, 'options.model', itemIndex, DEFAULT_TEXT_MODEL),
				batchSize,
				temperature: numberOption(options, 'temperature', NUMBER_DEFAULTS),
				topP: numberOption(options, 'topP', NUMBER_DEFAULTS),
				maxOutputTokens: numberOption(options, 'maxOutputTokens', NUMBER_DEFAULTS),
				maxRefillRounds: numberOption(options, 'maxRefillRounds', NUMBER_DEFAULTS),
				headroom: numberOption(options, 'headroomPercent', NUMBER_DEFAULTS) / PERCENT,
				themes: readThemes(options),
			},
		},
		progressUrl,
		progressToken: String(movedOption(ctx, itemIndex, options, 'progressToken') ?? ''),
		jobId: String(movedOption(ctx, itemIndex, options, 'jobId') ?? '').trim(),
		resilience: readResilience(options, MISSION_RESILIENCE_DEFAULTS),
		economy: ECONOMY_MODES.includes(options.economy as EconomyMode) ? (options.economy as EconomyMode) : DEFAULT_ECONOMY,
		onBatchFailure: options.batchFailure === 'fail' ? 'fail' : DEFAULT_BATCH_FAILURE,
	};
}

/** Node-wide settings, read once from the first item. */
export function readExecutionParameters(ctx: IExecuteFunctions): ExecutionParameters {
	const { parallelCalls, parallelItems } = readResilience(ctx.getNodeParameter('options', 0, {}) as IDataObject, MISSION_RESILIENCE_DEFAULTS);
	return { parallelCalls, parallelItems };
}
