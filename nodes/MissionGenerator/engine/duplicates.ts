import { textSimilarity } from '../../shared/text/similarity';
import type { ExistingMission, SimilarityThresholds } from './types';

export const DEFAULT_THRESHOLDS: SimilarityThresholds = {
	titleExact: 0.95,
	titleHigh: 0.85,
	description: 0.8,
};

/**
 * Every mission the request already knows (existing, from templates, generated so far).
 * A candidate is a near-duplicate when its title is almost the same as a known one, or when the
 * title is very close and the description is close too. Comparison ignores case and accents.
 */
export class DuplicateRegistry {
	private readonly known: ExistingMission[] = [];

	constructor(
		private readonly thresholds: SimilarityThresholds,
		initial: readonly ExistingMission[] = [],
	) {
		for (const mission of initial) this.known.push(mission);
	}

	findDuplicate(candidate: ExistingMission): ExistingMission | undefined {
		for (const known of this.known) {
			const title = textSimilarity(candidate.title, known.title);
			if (title >= this.thresholds.titleExact) return known;
			if (
				title >= this.thresholds.titleHigh &&
				known.description !== '' &&
				textSimilarity(candidate.description, known.description) >= this.thresholds.description
			) {
				return known;
			}
		}
		return undefined;
	}

	/** Adds the candidate unless it duplicates a known mission; says whether it was added. */
	tryAdd(candidate: ExistingMission): boolean {
		if (this.findDuplicate(candidate)) return false;
		this.known.push(candidate);
		return true;
	}

	titles(): string[] {
		return this.known.map((mission) => mission.title);
	}
}
