import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { TtlCache } from '../../shared/cache/ttlCache';
import type { ResilienceOptions } from '../../shared/node/resilienceOptions';
import type { LanguageTag } from '../../shared/text/languages';
import type { CallAccounting, ResilienceSettings } from '../../shared/transport/resilientCall';
import type { Semaphore } from '../../shared/transport/semaphore';
import type { ResolvedCredential } from '../../shared/credentials';

/** The operations that write texts (each may submit them as a Gemini batch: Economy). */
export type TextOperation = 'writeScript' | 'generateVariations' | 'adaptToLanguages';
/** Plus Economy's second half: reading (or cancelling) a submitted batch. */
export type Operation = TextOperation | 'checkBatch' | 'cancelBatch';

/** What one cached text is about; the three kinds of text this node writes. */
export type TextKind = 'script' | 'variation' | 'adaptation';

export interface GenerationSettings {
	model: string;
	temperature: number;
	topP: number;
	maxOutputTokens: number;
}

export interface CacheSettings {
	enabled: boolean;
	ttlMs: number;
	maxEntries: number;
	maxBytes: number;
	/** Input field holding entries a workflow loaded from a Data table; '' for none. */
	entriesField: string;
	/** Add `cacheEntry` to every result so a workflow can store it. */
	emitEntries: boolean;
}

/** A generated text as it is cached (in process, or in a workflow's Data table). */
export interface CachedText {
	text: string;
	words: number;
	lengthOutOfTolerance: boolean;
	model: string;
	/** Epoch ms. */
	createdAt: number;
}

/** A text asked for, with everything that identifies it for the cache. */
export interface TextTask {
	kind: TextKind;
	/** Everything that makes two requests the same; hashed into the cache key with the model. */
	identity: IDataObject;
	title: string;
	prompt: string;
	systemInstruction: string;
	/** Our fixed instruction sentences; an answer repeating one is an echo. */
	instructions: string[];
	responseSchema: IDataObject;
	language: LanguageTag;
	/** For adaptations: the length to keep, and how far from it is still fine (0.15 = ±15%). */
	lengthTarget?: { words: number; tolerance: number };
}

export interface TextResult extends CachedText {
	key: string;
	cached: boolean;
	/** Another item in flight asked for the same text at the same time and made the call. */
	shared: boolean;
	/** Flat, Data-table-ready form of the cache entry. */
	cacheEntry: IDataObject;
}

/** The node-wide settings (the Options collection and the Operation), read once per execution. */
export interface RunSettings {
	operation: Operation;
	resilience: ResilienceOptions;
	generation: GenerationSettings;
	cache: CacheSettings;
	economy: EconomySettings;
}

export interface EconomySettings {
	/** Text operations: submit the texts as one Gemini batch instead of calling. */
	submit: boolean;
	onBatchFailure: 'standardCalls' | 'fail';
	/** Check/Cancel Batch: the input field holding the submit's `economy` object. */
	batchField: string;
}

/** Shared by every item of one execution. */
export interface RunContext {
	ctx: IExecuteFunctions;
	/** Loaded on first need: a run answered entirely from the cache needs no credential. */
	credential: () => Promise<ResolvedCredential>;
	/** The loaded credential's secrets (none before it is loaded), redacted from every error. */
	secrets: () => readonly string[];
	calls: Semaphore;
	resilience: ResilienceOptions;
	generation: GenerationSettings;
	cache: CacheSettings;
	economy: EconomySettings;
	store: TtlCache<CachedText>;
}

/** One input item's accounting and budget. */
export interface ItemRun {
	itemIndex: number;
	accounting: CallAccounting;
	settings: ResilienceSettings;
	/** Entries the workflow passed in (from its Data table), by key. */
	external: Map<string, CachedText>;
	stats: { cacheHits: number; sharedCalls: number; lengthRetries: number };
}

/**
 * One result of an item: a text, or the failure of that one text (the item's others go on),
 * with what identifies it (which language, which variation); the runner puts that inside `error`.
 */
export type ResultItem = { json: IDataObject } | { failure: unknown; context: IDataObject };

export interface OperationOutcome {
	results: ResultItem[];
	/** Operation-specific report fields; the router adds the shared call report. */
	report: IDataObject;
}

/**
 * Economy: one text an input item asks for, planned before anything is written. `base` is what
 * its result item starts with (see resultJson); `ready` is a result known without Gemini (a target
 * language equal to the source, passed through).
 */
export type PlannedText = { base: IDataObject; task: TextTask } | { base: IDataObject; ready: IDataObject };
