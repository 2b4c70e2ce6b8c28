import { processState } from '../../shared/state';
import { MS_PER_MINUTE } from '../../shared/units';
import { canonicalName } from '../../shared/text/normalize';
import type { ExistingMission } from './types';

/**
 * How long a mission counts as "just handed out" to a job. Long enough to cover two requests
 * that arrive together even when the first is served from templates in milliseconds (or waits
 * for Gemini for most of a minute); short enough that the next users of the same tier soon get
 * template missions again instead of paying for AI ones.
 */
export const ISSUED_TTL_MS = MS_PER_MINUTE;
/** Per tier and language: bounds memory and the similarity checks each new mission costs. */
export const MAX_ISSUED_PER_SCOPE = 300;
export const MAX_SCOPES = 100;

interface Issued {
	jobId: string;
	mission: ExistingMission;
	at: number;
}

/**
 * Missions handed out recently in this n8n process, per (tier, language). Two different jobs for
 * the same tier that run at the same time consult it, so the second does not repeat the first's
 * missions and its AI prompts list them as already taken (seed 000 §6.2's lock per tier, without
 * making the second job wait). Bounded in time, per scope and in scopes; nothing survives a
 * restart.
 */
export class IssuedMissions {
	private readonly scopes = new Map<string, Issued[]>();

	constructor(private readonly now: () => number = Date.now) {}

	private key(tier: string, locale: string): string {
		return `${canonicalName(tier)}|${locale.trim().toLowerCase()}`;
	}

	private live(key: string): Issued[] {
		const entries = this.scopes.get(key);
		if (!entries) return [];
		const cutoff = this.now() - ISSUED_TTL_MS;
		// Entries are appended in time order, so expired ones are at the front.
		let expired = 0;
		while (expired < entries.length && entries[expired].at <= cutoff) expired++;
		if (expired > 0) entries.splice(0, expired);
		if (entries.length === 0) this.scopes.delete(key);
		return entries;
	}

	record(tier: string, locale: string, jobId: string, mission: ExistingMission): void {
		const key = this.key(tier, locale);
		const entries = this.live(key);
		entries.push({ jobId, mission: { title: mission.title, description: mission.description }, at: this.now() });
		if (entries.length > MAX_ISSUED_PER_SCOPE) entries.splice(0, entries.length - MAX_ISSUED_PER_SCOPE);
		// Re-inserted so the Map's order is least recently used first.
		this.scopes.delete(key);
		this.scopes.set(key, entries);
		while (this.scopes.size > MAX_SCOPES) {
			const oldest = this.scopes.keys().next().value;
			if (oldest === undefined) break;
			this.scopes.delete(oldest);
		}
	}

	/** Missions handed out recently to other jobs for this tier and language, oldest first. */
	othersOf(tier: string, locale: string, jobId: string): ExistingMission[] {
		return this.live(this.key(tier, locale))
			.filter((entry) => entry.jobId !== jobId)
			.map((entry) => entry.mission);
	}

	clear(): void {
		this.scopes.clear();
	}
}

/** The one registry of this n8n process (every execution, every Mission Generator node). */
export const issuedMissions = processState(
	'issuedMissions',
	'per process: missions the Mission Generator handed out in the last minute per tier and language, so concurrent jobs do not repeat each other (in queue mode each worker has its own)',
	() => new IssuedMissions(),
);
