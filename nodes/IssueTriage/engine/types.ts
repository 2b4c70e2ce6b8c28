import type { IDataObject } from 'n8n-workflow';

export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const SENTIMENTS = ['negative', 'neutral', 'positive'] as const;
export type Sentiment = (typeof SENTIMENTS)[number];

export type Source = 'ai' | 'cache' | 'fallback';

/** Rank for call slots and start order: critical first. */
export function priorityRank(priority: Priority): number {
	return PRIORITIES.indexOf(priority);
}

export function isPriority(value: unknown): value is Priority {
	return typeof value === 'string' && (PRIORITIES as readonly string[]).includes(value);
}

export interface Category {
	name: string;
	description: string;
	/** Lower-case keywords and phrases the rule-based fallback looks for, any language. */
	keywords: string[];
	/** Reply used by the fallback for this category; `{name}` is replaced. Empty: built-in. */
	replyTemplate: string;
}

/** One issue after field mapping. */
export interface Issue {
	id: string;
	title: string;
	body: string;
	customerName: string;
	customerHandle: string;
	/** As given by the input; empty when unknown (then detected from the text). */
	language: string;
	channel: string;
	/** The last messages, oldest first. */
	history: string[];
	eventId: string;
	detectedAt: string;
	/** A priority the helpdesk already set; orders call slots before the model has answered. */
	priorityHint?: Priority;
}

/** What the model (or the rules, or the cache) decided about one issue. */
export interface Triage {
	priority: Priority;
	category: string;
	sentiment: Sentiment;
	language: string;
	confidence: number;
	summary: string;
	/** The reply without greeting: reusable for similar issues. */
	reply: string;
	autoResolvable: boolean;
	escalate: boolean;
	escalationReason: string | null;
}

export interface CacheMatch {
	id: string;
	score: number;
}

/** A reply the workflow stores (e.g. in a Data table) and passes back as a known reply. */
export interface CacheEntry extends IDataObject {
	id: string;
	embedding: number[];
	reply: string;
	priority: Priority;
	category: string;
	sentiment: Sentiment;
	language: string;
	summary: string;
	createdAt: string;
}

export interface TriageOutcome {
	triage: Triage;
	source: Source;
	cacheMatch?: CacheMatch;
	/** Present when a new AI reply was made and the reply cache is on. */
	cacheEntry?: CacheEntry;
	fallbackReason?: string;
}
