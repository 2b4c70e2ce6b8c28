import type { IExecuteFunctions } from 'n8n-workflow';

import { credentialKey, optionalGeminiCredential } from '../../shared/credentials';
import { resilienceSettings } from '../../shared/node/resilienceOptions';
import { getSharedBreaker } from '../../shared/transport/circuitBreaker';
import { getSharedPrioritySemaphore } from '../../shared/transport/prioritySemaphore';
import { newAccounting } from '../../shared/transport/resilientCall';
import type { CallAccounting } from '../../shared/transport/resilientCall';
import type { ExecutionParameters, IssueRead } from '../parameters';
import type { Gemini } from './decide';
import { triageItem } from './item';
import type { ItemResult } from './item';
import { languageOf } from './language';
import { rulePriority } from './rules';
import { priorityRank } from './types';
import type { Priority } from './types';

/**
 * One execution of the node: what every item shares (Gemini's call slots and breakers, the
 * call accounting, the node's scope), the order items start in, and the work for one item.
 */
export interface TriageExecution {
	startedAt: number;
	parameters: ExecutionParameters;
	/** The node of the workflow the budgets and the duplicate ledger belong to. */
	scope: string;
	accounting: CallAccounting;
	/** Undefined without a usable credential: rules answer. */
	gemini?: Gemini;
	/** Most urgent first (helpdesk priority, else the rules' estimate), input order within one. */
	order: number[];
	/** Values never to show in an error (the API key). */
	secrets: () => readonly string[];
	run: (itemIndex: number) => Promise<ItemResult>;
}

/** Budgets and the duplicate ledger belong to one node of one workflow, across executions. */
function scopeOf(ctx: IExecuteFunctions): string {
	const workflow = typeof ctx.getWorkflow === 'function' ? ctx.getWorkflow() : undefined;
	const node = ctx.getNode();
	return `${workflow?.id ?? ''}|${node.id ?? node.name}`;
}

type Ready = (Extract<IssueRead, { ok: true }> & { text: string; estimate: Priority }) | Extract<IssueRead, { ok: false }>;

/** The priority an issue is taken for before any call: the helpdesk's, else the rules' guess. */
function ready(read: IssueRead): Ready {
	if (!read.ok) return read;
	const text = `${read.issue.title}\n${read.issue.body}`;
	return { ...read, text, estimate: read.issue.priorityHint ?? rulePriority(text) };
}

export async function startTriage(ctx: IExecuteFunctions, parameters: ExecutionParameters, reads: IssueRead[]): Promise<TriageExecution> {
	const startedAt = Date.now();
	const scope = scopeOf(ctx);
	const accounting = newAccounting();
	const { credential, reason: noAiReason } = await optionalGeminiCredential(ctx, 'so rules and template replies answered');
	let gemini: Gemini | undefined;
	if (credential) {
		const key = credentialKey(credential.identity);
		gemini = {
			credential,
			slots: getSharedPrioritySemaphore(key, parameters.resilience.parallelCalls),
			breaker: getSharedBreaker(`${key}|${parameters.ai.model}`, parameters.breaker),
			embeddingBreaker: getSharedBreaker(`${key}|${parameters.ai.embeddingModel}`, parameters.breaker),
			accounting,
			counters: { embeddingCalls: 0, embeddingFailures: 0 },
		};
	}
	const items = reads.map(ready);
	// An unreadable item starts first: it fails at once and holds no call slot.
	const order = items
		.map((item, itemIndex) => ({ itemIndex, rank: item.ok ? priorityRank(item.estimate) : -1 }))
		.sort((a, b) => a.rank - b.rank || a.itemIndex - b.itemIndex)
		.map((entry) => entry.itemIndex);
	const original = ctx.getInputData();

	const run = async (itemIndex: number): Promise<ItemResult> => {
		const read = items[itemIndex];
		if (!read.ok) throw read.error;
		const itemStartedAt = Date.now();
		return await triageItem({
			ctx,
			itemIndex,
			issue: read.issue,
			language: languageOf(read.issue.language, read.text, parameters.defaultLanguage),
			estimate: read.estimate,
			categories: parameters.categories,
			knownReplies: read.knownReplies,
			scope,
			settings: parameters.ai,
			resilience: resilienceSettings(parameters.resilience, undefined, true, itemStartedAt),
			gemini,
			noAiReason: noAiReason ?? '',
			original: original[itemIndex].json,
			budget: parameters.budget,
			duplicateWindowMs: parameters.duplicateWindowMs,
			partCharacters: parameters.partCharacters,
			startedAt: itemStartedAt,
		});
	};
	return { startedAt, parameters, scope, accounting, gemini, order, secrets: () => credential?.secrets ?? [], run };
}
