import { MISSION_TYPES, XP_RANGE_BY_TIER } from '../templates/types';
import type { MissionTheme, MissionTier, MissionType } from '../templates/types';
import { builtInTier, canonicalTier, sameTier } from './tier';
import type { CustomTemplate, ExistingMission } from './types';

export const TITLE_LENGTH = { min: 3, max: 80 };
export const DESCRIPTION_LENGTH = { min: 10, max: 400 };
/** XP bounds for tiers that are not built in (free-text tiers). */
export const FREE_TIER_XP = { min: 1, max: 1000 };
export const MAX_TARGET = 100_000;

export interface AiMissionFields {
	title: string;
	description: string;
	type: MissionType;
	target: number;
	xpReward: number;
}

type Check<T> = { ok: true; value: T } | { ok: false; reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isBuiltInTier(tier: string): boolean {
	return builtInTier(tier) !== undefined;
}

export function xpRangeFor(tier: string): { min: number; max: number } {
	const known = builtInTier(tier);
	return known ? XP_RANGE_BY_TIER[known] : FREE_TIER_XP;
}

function isMissionType(value: unknown): value is MissionType {
	return typeof value === 'string' && (MISSION_TYPES as readonly string[]).includes(value);
}

function isPositiveInteger(value: unknown, max = MAX_TARGET): value is number {
	return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max;
}

function lengthOk(text: string, bounds: { min: number; max: number }): boolean {
	return text.length >= bounds.min && text.length <= bounds.max;
}

/** Checks one mission written by the model; the reason names the first rule it breaks. */
export function validateAiMission(value: unknown, tier: string): Check<AiMissionFields> {
	if (!isRecord(value)) return { ok: false, reason: 'not an object' };
	const title = typeof value.title === 'string' ? value.title.trim() : '';
	const description = typeof value.description === 'string' ? value.description.trim() : '';
	if (!lengthOk(title, TITLE_LENGTH)) {
		return { ok: false, reason: `title must have ${TITLE_LENGTH.min}-${TITLE_LENGTH.max} characters` };
	}
	if (!lengthOk(description, DESCRIPTION_LENGTH)) {
		return {
			ok: false,
			reason: `description must have ${DESCRIPTION_LENGTH.min}-${DESCRIPTION_LENGTH.max} characters`,
		};
	}
	if (!isMissionType(value.type)) return { ok: false, reason: `unknown type ${String(value.type)}` };
	if (!isPositiveInteger(value.target)) return { ok: false, reason: 'target must be a positive integer' };
	const xp = xpRangeFor(tier);
	const xpReward = value.xpReward;
	if (typeof xpReward !== 'number' || !Number.isInteger(xpReward) || xpReward < xp.min || xpReward > xp.max) {
		return { ok: false, reason: `xpReward must be an integer from ${xp.min} to ${xp.max}` };
	}
	if (value.tier !== undefined && !sameTier(String(value.tier), tier)) {
		return { ok: false, reason: `tier ${String(value.tier)} does not match ${tier}` };
	}
	return { ok: true, value: { title, description, type: value.type, target: value.target, xpReward } };
}

function readRange(value: unknown, single: unknown): [number, number] | undefined {
	if (Array.isArray(value) && value.length === 2 && value.every((n) => isPositiveInteger(n))) {
		const [min, max] = value as [number, number];
		return min <= max ? [min, max] : undefined;
	}
	if (value === undefined && isPositiveInteger(single)) return [single, single];
	return undefined;
}

/**
 * Custom templates as a user writes them in JSON: the built-in template shape, where `key`,
 * `tier` (any tier when left out), `theme` and `locale` (any locale) are optional and a fixed
 * `target` / `xpReward` may stand in for the ranges. Errors name the template by position.
 */
export function parseCustomTemplates(
	value: unknown,
): Check<CustomTemplate[]> {
	if (!Array.isArray(value)) return { ok: false, reason: 'must be a JSON array of templates' };
	const templates: CustomTemplate[] = [];
	for (const [index, raw] of value.entries()) {
		const where = `template ${index + 1}`;
		if (!isRecord(raw)) return { ok: false, reason: `${where} is not an object` };
		const title = typeof raw.title === 'string' ? raw.title.trim() : '';
		const description = typeof raw.description === 'string' ? raw.description.trim() : '';
		if (!lengthOk(title, TITLE_LENGTH)) return { ok: false, reason: `${where}: "title" is missing or too long` };
		if (!lengthOk(description, DESCRIPTION_LENGTH)) {
			return { ok: false, reason: `${where}: "description" is missing or too long` };
		}
		if (!isMissionType(raw.type)) {
			return { ok: false, reason: `${where}: "type" must be one of ${MISSION_TYPES.join(', ')}` };
		}
		const targetRange = readRange(raw.targetRange, raw.target);
		if (!targetRange) {
			return { ok: false, reason: `${where}: give "target" (integer ≥ 1) or "targetRange" [min, max]` };
		}
		const xpRange = readRange(raw.xpRange, raw.xpReward);
		if (!xpRange) {
			return { ok: false, reason: `${where}: give "xpReward" (integer ≥ 1) or "xpRange" [min, max]` };
		}
		const theme = typeof raw.theme === 'string' && raw.theme !== '' ? raw.theme : 'custom';
		const tier = typeof raw.tier === 'string' && raw.tier.trim() !== '' ? raw.tier.trim() : undefined;
		templates.push({
			key: typeof raw.key === 'string' && raw.key !== '' ? raw.key : `custom:${index + 1}`,
			tier: canonicalTier(tier ?? 'BEGINNER') as MissionTier,
			anyTier: tier === undefined,
			theme: theme as MissionTheme,
			type: raw.type,
			title,
			description,
			targetRange,
			xpRange,
			locale: typeof raw.locale === 'string' && raw.locale !== '' ? raw.locale : undefined,
		});
	}
	return { ok: true, value: templates };
}

/** Existing missions as titles or as objects with a title (and optionally a description). */
export function parseExistingMissions(value: unknown): Check<ExistingMission[]> {
	if (value === undefined || value === null) return { ok: true, value: [] };
	if (!Array.isArray(value)) return { ok: false, reason: 'must be an array of missions or titles' };
	const missions: ExistingMission[] = [];
	for (const [index, raw] of value.entries()) {
		if (typeof raw === 'string' && raw.trim() !== '') {
			missions.push({ title: raw.trim(), description: '' });
		} else if (isRecord(raw) && typeof raw.title === 'string' && raw.title.trim() !== '') {
			const description = typeof raw.description === 'string' ? raw.description.trim() : '';
			missions.push({ title: raw.title.trim(), description });
		} else {
			return { ok: false, reason: `entry ${index + 1} is neither a title nor an object with a "title"` };
		}
	}
	return { ok: true, value: missions };
}
