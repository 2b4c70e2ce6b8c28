import { textSimilarity } from '../../shared/text/similarity';
import type { ExistingMission, SimilarityThresholds } from './types';

/**
 * Presets for "Duplicate Strictness": how similar two missions may be before the newer one is
 * rejected. Balanced is the seed's tuning (title 85 %, description 80 %; the earlier 70 % was too
 * strict and threw away 65 % of the AI's missions).
 */
export const DUPLICATE_STRICTNESS = {
	lenient: { titleExact: 0.98, titleHigh: 0.92, description: 0.9 },
	balanced: { titleExact: 0.95, titleHigh: 0.85, description: 0.8 },
	strict: { titleExact: 0.9, titleHigh: 0.75, description: 0.7 },
} as const satisfies Record<string, SimilarityThresholds>;
export type DuplicateStrictness = keyof typeof DUPLICATE_STRICTNESS;

export const DEFAULT_DUPLICATE_STRICTNESS: DuplicateStrictness = 'balanced';
export const DEFAULT_THRESHOLDS: SimilarityThresholds = DUPLICATE_STRICTNESS[DEFAULT_DUPLICATE_STRICTNESS];

export interface RegistryHooks {
	/** Missions other jobs were given just now; a candidate must not repeat them either. */
	others?: () => readonly ExistingMission[];
	/** Called for every mission the registry accepts (not for the initial ones). */
	onAdd?: (mission: ExistingMission) => void;
}

/**
 * Every mission the request already knows (existing, from templates, generated so far), plus
 * those just handed to other jobs. A candidate is a near-duplicate when its title is almost the
 * same as a known one, or when the title is very close and the description is close too.
 * Comparison ignores case and accents.
 */
export class DuplicateRegistry {
	private readonly known: ExistingMission[] = [];

	constructor(
		private readonly thresholds: SimilarityThresholds,
		initial: readonly ExistingMission[] = [],
		private readonly hooks: RegistryHooks = {},
	) {
		for (const mission of initial) this.known.push(mission);
	}

	private matches(candidate: ExistingMission, known: ExistingMission): boolean {
		const title = textSimilarity(candidate.title, known.title);
		if (title >= this.thresholds.titleExact) return true;
		return (
			title >= this.thresholds.titleHigh &&
			known.description !== '' &&
			textSimilarity(candidate.description, known.description) >= this.thresholds.description
		);
	}

	findDuplicate(candidate: ExistingMission, includeOthers = true): ExistingMission | undefined {
		const own = this.known.find((known) => this.matches(candidate, known));
		if (own || !includeOthers || !this.hooks.others) return own;
		return this.hooks.others().find((known) => this.matches(candidate, known));
	}

	/**
	 * Adds the candidate unless it duplicates a known mission; says whether it was added.
	 * `includeOthers: false` allows repeating another job's mission (the last resort).
	 */
	tryAdd(candidate: ExistingMission, includeOthers = true): boolean {
		if (this.findDuplicate(candidate, includeOthers)) return false;
		this.known.push(candidate);
		this.hooks.onAdd?.(candidate);
		return true;
	}

	/** Titles to steer the AI away from: other jobs' first, this request's last (kept when trimmed). */
	titles(): string[] {
		const others = this.hooks.others?.() ?? [];
		return [...others, ...this.known].map((mission) => mission.title);
	}
}
