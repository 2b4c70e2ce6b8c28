import { cosineSimilarity } from '../../shared/gemini/embed';
import { processState } from '../../shared/state';
import { baseLanguage } from './language';
import { isPriority, SENTIMENTS } from './types';
import type { CacheEntry, CacheMatch, Sentiment } from './types';

/**
 * Similar issues reuse a reply: the issue's embedding is compared (cosine) with known replies'
 * embeddings, and the best one at or above the threshold, in the same language and younger
 * than the TTL, is reused. Known replies come from an input field (the workflow keeps them in
 * a Data table, so they survive restarts and are shared by queue-mode workers); replies made
 * in this process are also remembered, so near-repeats within one burst hit at once.
 */

const MAX_RECENT_PER_SCOPE = 1000;

const recent = processState(
	'issueTriageRecentReplies',
	'per process: the AI replies each Issue Triage node made lately, reused for near-repeats; in queue mode each worker has its own (the known-replies Data table is the one they share)',
	() => new Map<string, CacheEntry[]>(),
);

function parseEmbedding(value: unknown): number[] | undefined {
	let parsed = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value) as unknown;
		} catch {
			return undefined;
		}
	}
	return Array.isArray(parsed) && parsed.length > 0 && parsed.every((x) => typeof x === 'number' && Number.isFinite(x))
		? (parsed as number[])
		: undefined;
}

/** Usable entries from what the workflow passed (rows of a Data table, or a list); others skipped. */
export function parseKnownReplies(raw: unknown): CacheEntry[] {
	const rows = typeof raw === 'string' ? safeParse(raw) : raw;
	if (!Array.isArray(rows)) return [];
	const entries: CacheEntry[] = [];
	for (const row of rows) {
		if (typeof row !== 'object' || row === null) continue;
		const r = row as Record<string, unknown>;
		const embedding = parseEmbedding(r.embedding);
		const reply = typeof r.reply === 'string' ? r.reply.trim() : '';
		if (!embedding || reply === '' || !isPriority(r.priority)) continue;
		const sentiment = (SENTIMENTS as readonly unknown[]).includes(r.sentiment) ? (r.sentiment as Sentiment) : 'neutral';
		entries.push({
			id: String(r.cacheId ?? r.id ?? ''),
			embedding,
			reply,
			priority: r.priority,
			category: typeof r.category === 'string' ? r.category : 'general',
			sentiment,
			language: typeof r.language === 'string' ? r.language : '',
			summary: typeof r.summary === 'string' ? r.summary : '',
			createdAt: typeof r.createdAt === 'string' ? r.createdAt : String(r.createdAt ?? ''),
		});
	}
	return entries;
}

function safeParse(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

export function rememberReply(scope: string, entry: CacheEntry): void {
	const list = recent.get(scope) ?? [];
	list.push(entry);
	if (list.length > MAX_RECENT_PER_SCOPE) list.splice(0, list.length - MAX_RECENT_PER_SCOPE);
	recent.set(scope, list);
}

export function recentReplies(scope: string): CacheEntry[] {
	return recent.get(scope) ?? [];
}

export interface MatchOptions {
	threshold: number;
	ttlMs: number;
	now: number;
}

function young(entry: CacheEntry, options: MatchOptions): boolean {
	const created = Date.parse(entry.createdAt);
	// An entry without a readable date is trusted: the workflow decides what it keeps.
	return Number.isNaN(created) || options.now - created <= options.ttlMs;
}

/** The most similar usable entry at or above the threshold, or undefined. */
export function bestMatch(
	embedding: number[],
	language: string,
	entries: CacheEntry[],
	options: MatchOptions,
): { entry: CacheEntry; match: CacheMatch } | undefined {
	const wanted = baseLanguage(language) ?? language.toLowerCase();
	let best: { entry: CacheEntry; match: CacheMatch } | undefined;
	for (const entry of entries) {
		const entryLanguage = baseLanguage(entry.language) ?? entry.language.toLowerCase();
		if (entryLanguage !== wanted || !young(entry, options)) continue;
		const score = cosineSimilarity(embedding, entry.embedding);
		if (score >= options.threshold && (!best || score > best.match.score)) {
			best = { entry, match: { id: entry.id, score: Math.round(score * 1000) / 1000 } };
		}
	}
	return best;
}
