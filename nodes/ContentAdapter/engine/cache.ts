import { createHash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { TtlCache } from '../../shared/cache/ttlCache';
import { processState } from '../../shared/state';
import { PROMPT_VERSION } from './prompt';
import type { CacheSettings, CachedText, GenerationSettings, TextKind } from './types';

/**
 * The text cache (seed 001 §1.5). In process by default: one TtlCache per size configuration,
 * shared by every execution in this n8n process. Across restarts and queue-mode workers a
 * workflow backs it with n8n's Data table: it passes stored entries in (Cached Entries Field)
 * and stores the `cacheEntry` each result carries. No new dependency, no network of our own.
 */

/** JavaScript strings hold 2 bytes per UTF-16 unit: the memory an entry really takes. */
const BYTES_PER_CHAR = 2;
const ENTRY_OVERHEAD_BYTES = 200;
/** Distinct size configurations kept (each a separate cache); more are dropped oldest first. */
const MAX_STORES = 8;
const KEY_HEX_CHARS = 40;

const stores = processState(
	'contentAdapterTexts',
	'per process: the texts the Content Adapter wrote, one cache per size bound, shared by every execution; in queue mode each worker has its own (the Data table is the cache they share)',
	() => new Map<string, TtlCache<CachedText>>(),
);

function entryBytes(value: CachedText): number {
	return value.text.length * BYTES_PER_CHAR + ENTRY_OVERHEAD_BYTES;
}

/** The process-wide cache for these bounds (nodes configured alike share one). */
export function cacheStore(settings: CacheSettings): TtlCache<CachedText> {
	const id = `${settings.maxEntries}|${settings.maxBytes}`;
	let store = stores.get(id);
	if (!store) {
		store = new TtlCache<CachedText>({
			ttlMs: settings.ttlMs,
			maxEntries: settings.maxEntries,
			maxSize: settings.maxBytes,
			sizeOf: entryBytes,
		});
		stores.set(id, store);
		if (stores.size > MAX_STORES) stores.delete(stores.keys().next().value as string);
	}
	return store;
}

export function sha256(text: string): string {
	return createHash('sha256').update(text).digest('hex');
}

/** Short, stable identifier of a text (what `masterHash` and `sourceHash` show). */
export function textHash(text: string): string {
	return sha256(text.trim()).slice(0, 16);
}

/**
 * Key = hash of (kind, model, prompt version, the task's identity: title, aspect, source text
 * hash, languages, brief) and the generation options. The credential is not part of it: the
 * same request answers the same whoever pays for it.
 */
export function cacheKey(kind: TextKind, identity: IDataObject, generation: GenerationSettings): string {
	const { model, temperature, topP, maxOutputTokens } = generation;
	const parts = [kind, model.replace(/^models\//, ''), PROMPT_VERSION, identity, { temperature, topP, maxOutputTokens }];
	return sha256(JSON.stringify(parts)).slice(0, KEY_HEX_CHARS);
}

export function isFresh(value: CachedText, ttlMs: number, now = Date.now()): boolean {
	return now - value.createdAt < ttlMs;
}

function parseValue(raw: unknown): Partial<CachedText> | undefined {
	if (typeof raw === 'string') {
		try {
			return parseValue(JSON.parse(raw) as unknown);
		} catch {
			return undefined;
		}
	}
	return typeof raw === 'object' && raw !== null ? (raw as Partial<CachedText>) : undefined;
}

function parseTime(raw: unknown): number | undefined {
	const time = typeof raw === 'number' ? raw : typeof raw === 'string' ? Date.parse(raw) : NaN;
	return Number.isFinite(time) ? time : undefined;
}

/**
 * Entries a workflow loaded from its Data table: a list of {key, value, createdAt}, `value` the
 * JSON text the node emitted (or the object). Malformed or expired entries are skipped.
 */
export function readExternalEntries(raw: unknown, ttlMs: number, now = Date.now()): Map<string, CachedText> {
	const entries = new Map<string, CachedText>();
	if (!Array.isArray(raw)) return entries;
	for (const candidate of raw as unknown[]) {
		if (typeof candidate !== 'object' || candidate === null) continue;
		const { key, value, createdAt } = candidate as IDataObject;
		const parsed = parseValue(value);
		const time = parseTime(createdAt) ?? parseTime(parsed?.createdAt);
		if (typeof key !== 'string' || !parsed || typeof parsed.text !== 'string' || time === undefined) continue;
		const entry: CachedText = {
			text: parsed.text,
			words: typeof parsed.words === 'number' ? parsed.words : 0,
			lengthOutOfTolerance: parsed.lengthOutOfTolerance === true,
			model: typeof parsed.model === 'string' ? parsed.model : '',
			createdAt: time,
		};
		if (entry.text.trim() !== '' && isFresh(entry, ttlMs, now)) entries.set(key, entry);
	}
	return entries;
}

/** The flat row a Data table stores: every column a string, `value` the JSON of the text. */
export function cacheEntryRow(key: string, kind: TextKind, title: string, language: string, value: CachedText): IDataObject {
	return {
		key,
		kind,
		title,
		language,
		value: JSON.stringify(value),
		createdAt: new Date(value.createdAt).toISOString(),
	};
}
