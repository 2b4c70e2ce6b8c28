import { createHash } from 'node:crypto';

import { normalizeText } from '../../shared/text/normalize';
import { BUILT_IN_TEMPLATES } from '../templates';
import type { MissionTemplate } from '../templates/types';
import type { DuplicateRegistry } from './duplicates';
import { sameTier } from './tier';
import type { CustomTemplate, Mission, MissionSource } from './types';

const ID_LENGTH = 16;
const PLACEHOLDER = /\{(target|count)\}/g;

/** Stable across runs: the same normalised title and description always give the same id. */
export function missionId(title: string, description: string): string {
	return createHash('sha256')
		.update(`${normalizeText(title)}\n${normalizeText(description)}`)
		.digest('hex')
		.slice(0, ID_LENGTH);
}

export function makeMission(
	fields: Omit<Mission, 'id' | 'source'>,
	source: MissionSource,
): Mission {
	return { id: missionId(fields.title, fields.description), ...fields, source };
}

function randomInRange([min, max]: [number, number], random: () => number): number {
	return min + Math.floor(random() * (max - min + 1));
}

export function instantiateTemplate(
	template: MissionTemplate,
	tier: string,
	locale: string,
	random: () => number,
): Mission {
	const target = randomInRange(template.targetRange, random);
	const fill = (text: string) => text.replace(PLACEHOLDER, String(target));
	return makeMission(
		{
			title: fill(template.title),
			description: fill(template.description),
			type: template.type,
			target,
			xpReward: randomInRange(template.xpRange, random),
			tier,
			theme: template.theme,
			locale,
		},
		'template',
	);
}

/** Built-in templates for this tier and locale, then custom ones that apply to them. */
export function templatesFor(
	tier: string,
	locale: string,
	custom: readonly CustomTemplate[],
): MissionTemplate[] {
	const builtIn = (BUILT_IN_TEMPLATES[locale] ?? []).filter((template) => sameTier(template.tier, tier));
	const applicable = custom.filter(
		(template) =>
			(template.anyTier || sameTier(template.tier, tier)) &&
			(template.locale === undefined || template.locale === locale),
	);
	return [...builtIn, ...applicable];
}

export function hasTemplatesForLocale(locale: string, custom: readonly CustomTemplate[]): boolean {
	return (
		(BUILT_IN_TEMPLATES[locale]?.length ?? 0) > 0 ||
		custom.some((template) => template.locale === undefined || template.locale === locale)
	);
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
	const copy = [...items];
	for (let i = copy.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[copy[i], copy[j]] = [copy[j], copy[i]];
	}
	return copy;
}

/**
 * Phase 1: every usable template before any AI call. Templates are taken in random order (so
 * repeated runs vary when there are more than needed) and skipped when they would duplicate an
 * existing mission or one just handed to another job. The last phase calls it again with
 * `includeOthers: false`: when AI could not fill the rest, repeating another job's template beats
 * delivering too few.
 */
export function runTemplatePhase(
	templates: readonly MissionTemplate[],
	count: number,
	tier: string,
	locale: string,
	registry: DuplicateRegistry,
	random: () => number,
	includeOthers = true,
): { missions: Mission[]; skippedAsDuplicate: number } {
	const missions: Mission[] = [];
	let skippedAsDuplicate = 0;
	for (const template of shuffled(templates, random)) {
		if (missions.length >= count) break;
		const mission = instantiateTemplate(template, tier, locale, random);
		if (registry.tryAdd(mission, includeOthers)) missions.push(mission);
		else skippedAsDuplicate++;
	}
	return { missions, skippedAsDuplicate };
}
