import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DEFAULT_GEMINI_MODEL } from '../shared/gemini/generate';
import { DEFAULT_THEMES, missionGeneratorProperties } from './description';
import type { GenerationRequest, ThemeSpec } from './engine/types';
import { parseCustomTemplates, parseExistingMissions } from './engine/validate';

export const MIN_COUNT = 1;
export const MAX_COUNT = 200;
const MS_PER_SECOND = 1000;
const PERCENT = 100;
const LOCALE_PATTERN = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;

export interface ItemParameters {
	request: GenerationRequest;
	progressUrl: string;
	jobId: string;
	maxAttempts: number;
	callTimeoutMs: number;
	itemDeadlineMs: number;
	/** Option "Hedge Slow Calls": a backup request for a call running far past its usual time. */
	hedge: boolean;
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
	((missionGeneratorProperties.find((property) => property.name === 'options')?.options ?? []) as INodeProperties[]).map(
		(option) => [option.name, option.default],
	),
);

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
	const tier = String(ctx.getNodeParameter('tier', itemIndex, 'BEGINNER') ?? '').trim();
	if (tier === '') fail(ctx, itemIndex, 'Tier is empty', 'Set Tier to BEGINNER, INTERMEDIATE, ADVANCED or another level name.');

	const count = Number(ctx.getNodeParameter('count', itemIndex, 20));
	if (!Number.isInteger(count) || count < MIN_COUNT || count > MAX_COUNT) {
		fail(
			ctx,
			itemIndex,
			`Number of Missions must be a whole number from ${MIN_COUNT} to ${MAX_COUNT}, not ${String(count)}`,
			'Change "Number of Missions". For more, split the request over several items.',
		);
	}

	const locale = String(ctx.getNodeParameter('locale', itemIndex, 'pt-BR') ?? '').trim();
	if (!LOCALE_PATTERN.test(locale)) {
		fail(ctx, itemIndex, `Language "${locale}" is not a locale code`, 'Use a code such as pt-BR or en.');
	}

	const customRaw = parseJsonParameter(ctx, itemIndex, ctx.getNodeParameter('customTemplates', itemIndex, '[]'));
	const custom = parseCustomTemplates(customRaw);
	if (!custom.ok) {
		fail(ctx, itemIndex, `Custom Templates (JSON) is not usable: ${custom.reason}`, 'Each template needs title, description (with {target}), type, target or targetRange, and xpReward or xpRange.');
	}

	const field = String(ctx.getNodeParameter('existingMissionsField', itemIndex, '') ?? '').trim();
	let existingRaw: unknown;
	if (field !== '') existingRaw = readPath(ctx.getInputData()[itemIndex]?.json ?? {}, field);
	const existing = parseExistingMissions(existingRaw);
	if (!existing.ok) {
		fail(
			ctx,
			itemIndex,
			`The field "${field}" named in Existing Missions Field ${existing.reason}`,
			'Pass a list of titles (["Title", ...]) or of objects ({"title": "...", "description": "..."}), or clear the parameter.',
		);
	}

	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const modelParameter = ctx.getNodeParameter('options.model', itemIndex, DEFAULT_GEMINI_MODEL, {
		extractValue: true,
	});
	const model = String(modelParameter || DEFAULT_GEMINI_MODEL);
	const progressUrl = String(ctx.getNodeParameter('progressUrl', itemIndex, '') ?? '').trim();
	if (progressUrl !== '' && !/^https?:\/\//i.test(progressUrl)) {
		fail(ctx, itemIndex, 'Progress URL must start with http:// or https://', 'Fix or clear "Progress URL".');
	}

	return {
		request: {
			tier,
			count,
			locale,
			existing: existing.value,
			customTemplates: custom.value,
			thresholds: {
				titleExact: numberOption(options, 'titleExactSimilarity'),
				titleHigh: numberOption(options, 'titleHighSimilarity'),
				description: numberOption(options, 'descriptionSimilarity'),
			},
			minimumMissions: numberOption(options, 'minimumMissions'),
			ai: {
				model,
				batchSize: numberOption(options, 'batchSize'),
				temperature: numberOption(options, 'temperature'),
				topP: numberOption(options, 'topP'),
				maxOutputTokens: numberOption(options, 'maxOutputTokens'),
				maxRefillRounds: numberOption(options, 'maxRefillRounds'),
				headroom: numberOption(options, 'headroomPercent') / PERCENT,
				themes: readThemes(options),
			},
		},
		progressUrl,
		jobId: String(ctx.getNodeParameter('jobId', itemIndex, '') ?? '').trim(),
		maxAttempts: numberOption(options, 'maxAttempts'),
		callTimeoutMs: numberOption(options, 'callTimeoutSeconds') * MS_PER_SECOND,
		itemDeadlineMs:
			numberOption(options, 'itemDeadlineSeconds') * MS_PER_SECOND,
		hedge: options.hedgeSlowCalls !== false,
	};
}

/** Node-wide settings, read once from the first item. */
export function readExecutionParameters(ctx: IExecuteFunctions): ExecutionParameters {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	return {
		parallelCalls: numberOption(options, 'parallelCalls'),
		parallelItems: numberOption(options, 'parallelItems'),
	};
}
