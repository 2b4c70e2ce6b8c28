import { randomUUID } from 'node:crypto';

import type { IExecuteFunctions } from 'n8n-workflow';

import { embedTexts } from '../../shared/gemini/embed';
import { generateStructured } from '../../shared/gemini/generate';
import type { CircuitBreaker } from '../../shared/transport/circuitBreaker';
import type { PrioritySemaphore } from '../../shared/transport/prioritySemaphore';
import type { CallAccounting, ResilienceSettings } from '../../shared/transport/resilientCall';
import { responseSchema, systemInstruction, userPrompt, validateTriage } from './prompt';
import { bestMatch, recentReplies, rememberReply } from './replyCache';
import { ruleTriage } from './rules';
import { priorityRank } from './types';
import type { CacheEntry, Category, Issue, Priority, Triage, TriageOutcome } from './types';
import { CallNotNeededError, CancelledError } from '../../shared/errors';
import { toNodeError } from '../../shared/node/nodeError';
import type { ResolvedCredential } from '../../shared/credentials';

/**
 * One issue's triage, cheapest answer first: a similar known reply (embedding cache), then
 * Gemini, then the rules. Gemini is skipped while its circuit breaker is open, and any failure
 * after retries ends in the rules' answer with the reason: an issue always gets a reply.
 */

export interface AiSettings {
	model: string;
	embeddingModel: string;
	temperature: number;
	maxOutputTokens: number;
	maxReplyCharacters: number;
	cache: { enabled: boolean; threshold: number; ttlMs: number; dimensions: number };
}

export interface Gemini {
	credential: ResolvedCredential;
	slots: PrioritySemaphore;
	breaker: CircuitBreaker;
	embeddingBreaker: CircuitBreaker;
	accounting: CallAccounting;
	counters: { embeddingCalls: number; embeddingFailures: number };
}

export interface DecideInput {
	ctx: IExecuteFunctions;
	itemIndex: number;
	issue: Issue;
	language: string;
	estimate: Priority;
	categories: Category[];
	knownReplies: CacheEntry[];
	scope: string;
	settings: AiSettings;
	resilience: ResilienceSettings;
	/** Undefined when Gemini cannot be used; `noAiReason` says why. */
	gemini?: Gemini;
	noAiReason: string;
}

const CREDENTIAL_NAME = 'Gemini API';

function issueText(issue: Issue): string {
	return `${issue.title}\n${issue.body}`.trim();
}

function fallback(input: DecideInput, reason: string): TriageOutcome {
	return { triage: ruleTriage(issueText(input.issue), input.language, input.categories), source: 'fallback', fallbackReason: reason };
}

function reasonOf(input: DecideInput, error: unknown): string {
	const secrets = input.gemini?.credential.secrets ?? [];
	return toNodeError(input.ctx, error, input.itemIndex, secrets, CREDENTIAL_NAME).message;
}

async function embedIssue(input: DecideInput, gemini: Gemini): Promise<number[] | undefined> {
	const ticket = gemini.embeddingBreaker.tryAcquire();
	if (!ticket) return undefined;
	gemini.counters.embeddingCalls++;
	try {
		const [vector] = await embedTexts(
			input.ctx,
			gemini.credential,
			{
				model: input.settings.embeddingModel,
				texts: [issueText(input.issue)],
				taskType: 'SEMANTIC_SIMILARITY',
				outputDimensionality: input.settings.cache.dimensions,
			},
			{
				...input.resilience,
				slots: gemini.slots.lane(priorityRank(input.estimate)),
				stillWanted: () => gemini.embeddingBreaker.allows(ticket),
			},
			gemini.accounting,
		);
		gemini.embeddingBreaker.record(ticket);
		return vector;
	} catch (error) {
		if (error instanceof CancelledError) {
			gemini.embeddingBreaker.release(ticket);
			throw toNodeError(input.ctx, error, input.itemIndex, gemini.credential.secrets, CREDENTIAL_NAME);
		}
		gemini.counters.embeddingFailures++;
		if (error instanceof CallNotNeededError) {
			gemini.embeddingBreaker.release(ticket);
			return undefined;
		}
		// Without an embedding the issue is simply not looked up; the reply still comes.
		gemini.embeddingBreaker.record(ticket, error);
		return undefined;
	}
}

function fromCache(entry: CacheEntry, language: string): Triage {
	return {
		priority: entry.priority,
		category: entry.category,
		sentiment: entry.sentiment,
		language,
		confidence: 1,
		summary: entry.summary,
		reply: entry.reply,
		autoResolvable: false,
		escalate: entry.priority === 'critical',
		escalationReason: entry.priority === 'critical' ? 'Critical issue answered from the reply cache; a person should confirm' : null,
	};
}

async function askGemini(input: DecideInput, gemini: Gemini): Promise<Triage | string> {
	const ticket = gemini.breaker.tryAcquire();
	if (!ticket) {
		return `Gemini's circuit breaker is open after repeated timeouts or server errors (until ${gemini.breaker.snapshot().retryAt ?? 'the next probe'}), so rules answered`;
	}
	const { settings } = input;
	try {
		const triage = await generateStructured(
			input.ctx,
			gemini.credential,
			{
				model: settings.model,
				prompt: userPrompt(input.issue, input.language),
				systemInstruction: systemInstruction(input.categories, settings.maxReplyCharacters),
				responseSchema: responseSchema(input.categories),
				temperature: settings.temperature,
				maxOutputTokens: settings.maxOutputTokens,
				// Triage needs little reasoning: the catalog asks each family for its least thinking.
				lowThinking: true,
			},
			(value) => validateTriage(value, input.categories, input.language),
			{
				...input.resilience,
				slots: gemini.slots.lane(priorityRank(input.estimate)),
				stillWanted: () => gemini.breaker.allows(ticket),
			},
			gemini.accounting,
		);
		gemini.breaker.record(ticket);
		return triage;
	} catch (error) {
		if (error instanceof CallNotNeededError) {
			gemini.breaker.release(ticket);
			return "Gemini's circuit breaker opened while this issue waited for a call slot, so rules answered";
		}
		if (error instanceof CancelledError) {
			gemini.breaker.release(ticket);
			throw toNodeError(input.ctx, error, input.itemIndex, gemini.credential.secrets, CREDENTIAL_NAME);
		}
		gemini.breaker.record(ticket, error);
		return `Gemini failed (${reasonOf(input, error)}), so rules answered`;
	}
}

export async function decide(input: DecideInput): Promise<TriageOutcome> {
	const { gemini, settings } = input;
	if (!gemini) return fallback(input, input.noAiReason);

	let embedding: number[] | undefined;
	if (settings.cache.enabled) {
		embedding = await embedIssue(input, gemini);
		if (embedding) {
			const found = bestMatch(embedding, input.language, [...input.knownReplies, ...recentReplies(input.scope)], {
				threshold: settings.cache.threshold,
				ttlMs: settings.cache.ttlMs,
				now: Date.now(),
			});
			if (found) return { triage: fromCache(found.entry, input.language), source: 'cache', cacheMatch: found.match };
		}
	}

	const answer = await askGemini(input, gemini);
	if (typeof answer === 'string') return fallback(input, answer);
	// The input's language wins over the model's guess when the helpdesk knows it.
	const triage = input.issue.language !== '' ? { ...answer, language: input.language } : answer;
	if (!embedding) return { triage, source: 'ai' };
	const cacheEntry: CacheEntry = {
		id: input.issue.id || randomUUID(),
		embedding,
		reply: triage.reply,
		priority: triage.priority,
		category: triage.category,
		sentiment: triage.sentiment,
		language: triage.language,
		summary: triage.summary,
		createdAt: new Date().toISOString(),
	};
	rememberReply(input.scope, cacheEntry);
	return { triage, source: 'ai', cacheEntry };
}
