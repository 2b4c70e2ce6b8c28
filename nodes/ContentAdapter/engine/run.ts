import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { resolveCredential } from '../../shared/credentials';
import type { ResolvedCredential } from '../../shared/credentials';
import { callReport } from '../../shared/node/report';
import { readPath } from '../../shared/node/parameters';
import { resilienceSettings } from '../../shared/node/resilienceOptions';
import { newAccounting } from '../../shared/transport/resilientCall';
import { Semaphore } from '../../shared/transport/semaphore';
import { cacheStore, readExternalEntries } from './cache';
import type { ItemRun, OperationOutcome, RunContext, RunSettings } from './types';

/** What one execution shares (call cap, cache, credential) and what each input item keeps. */

export type OperationExecute = (run: RunContext, item: ItemRun) => Promise<OperationOutcome>;

/** One input item, done: its texts (or their failures) and what its report needs. */
export interface ItemDone {
	outcome: OperationOutcome;
	item: ItemRun;
	startedAt: number;
}

export function createRunContext(ctx: IExecuteFunctions, settings: RunSettings): RunContext {
	const { resilience, generation, cache, economy } = settings;
	let loaded: Promise<ResolvedCredential> | undefined;
	let credential: ResolvedCredential | undefined;
	return {
		ctx,
		credential: async () => {
			loaded ??= resolveCredential(ctx, 'geminiApi').then((value) => (credential = value));
			return await loaded;
		},
		secrets: () => credential?.secrets ?? [],
		calls: new Semaphore(resilience.parallelCalls),
		resilience,
		generation,
		cache,
		economy,
		store: cacheStore(cache),
	};
}

/** One input item through its operation, with its own accounting and the entries it brought. */
export async function runItem(run: RunContext, itemIndex: number, execute: OperationExecute): Promise<ItemDone> {
	const startedAt = Date.now();
	const item = newItemRun(run, itemIndex);
	return { outcome: await execute(run, item), item, startedAt };
}

/** A fresh accounting and budget for one input item, with the cache entries it brought. */
export function newItemRun(run: RunContext, itemIndex: number): ItemRun {
	const { cache } = run;
	const input = run.ctx.getInputData()[itemIndex];
	return {
		itemIndex,
		accounting: newAccounting(),
		settings: resilienceSettings(run.resilience, run.calls),
		external: cache.entriesField && input ? readExternalEntries(readPath(input.json, cache.entriesField), cache.ttlMs) : new Map(),
		stats: { cacheHits: 0, sharedCalls: 0, lengthRetries: 0 },
	};
}

/** The item's report: the operation's own fields, then the call report every node shares. */
export function itemReport(operation: string, { outcome, item, startedAt }: ItemDone): IDataObject {
	return {
		operation,
		...outcome.report,
		sharedCalls: item.stats.sharedCalls,
		...callReport(item.accounting, { startedAt, cacheHits: item.stats.cacheHits }),
	};
}
