import { canonicalName, sameName } from '../../shared/text/normalize';
import { MISSION_TIERS } from '../templates/types';
import type { MissionTier } from '../templates/types';

/**
 * Tiers are compared in one way everywhere (templates, XP ranges, prompts, the registry of
 * missions handed out): case, accents and separators ignored. A built-in tier is always spelled
 * as the library spells it; any other name is kept as the user wrote it, trimmed.
 */
export function canonicalTier(tier: string): string {
	const key = canonicalName(tier);
	return MISSION_TIERS.find((known) => known === key) ?? tier.trim();
}

export function builtInTier(tier: string): MissionTier | undefined {
	const key = canonicalName(tier);
	return MISSION_TIERS.find((known) => known === key);
}

export function sameTier(a: string, b: string): boolean {
	return sameName(a, b);
}
