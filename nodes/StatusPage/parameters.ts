import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { invalidParameter, numberOr } from '../shared/node/parameters';

/**
 * Reads and checks the Status Page parameters. Data arrives from expressions (an array or object)
 * or typed into the panel as JSON text; either way a wrong shape fails naming the parameter.
 */

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonValue(ctx: IExecuteFunctions, itemIndex: number, name: string, label: string, fallback: string): unknown {
	const value = ctx.getNodeParameter(name, itemIndex, fallback) as unknown;
	if (typeof value !== 'string') return value;
	if (value.trim() === '') return JSON.parse(fallback);
	try {
		return JSON.parse(value);
	} catch {
		throw invalidParameter(ctx, itemIndex, label, 'is not valid JSON', 'Use an expression that returns the data, or paste JSON.');
	}
}

/** The keys an n8n item has; an object with only these and a `json` object is an item, not a row. */
const ITEM_KEYS = new Set(['json', 'binary', 'pairedItem', 'error', 'index']);

function isItem(value: IDataObject): value is IDataObject & { json: IDataObject } {
	return isObject(value.json) && Object.keys(value).every((key) => ITEM_KEYS.has(key));
}

/**
 * Data table rows: a list of rows, or of items (`{json: row}`, as `$('Node').all()` gives), so
 * `{{ $('Find the batch').all().pluck('json') }}` and `{{ $('Find the batch').all() }}` both work.
 */
export function readRows(ctx: IExecuteFunctions, itemIndex: number, name: string, label: string): IDataObject[] {
	const value = jsonValue(ctx, itemIndex, name, label, '[]');
	if (!Array.isArray(value) || !value.every(isObject)) {
		throw invalidParameter(ctx, itemIndex, label, 'must be a list of rows (objects)', "For example {{ $('Find the batch').all().pluck('json') }}");
	}
	return value.map((row) => (isItem(row) ? row.json : row));
}

/** One object (a row, a response body); an empty value reads as `{}`. */
export function readObject(ctx: IExecuteFunctions, itemIndex: number, name: string, label: string): IDataObject {
	const value = jsonValue(ctx, itemIndex, name, label, '{}');
	if (value === null || value === undefined) return {};
	if (!isObject(value)) throw invalidParameter(ctx, itemIndex, label, 'must be an object', 'Use an expression that returns one object, e.g. {{ $json }}.');
	return value;
}

export function readText(ctx: IExecuteFunctions, itemIndex: number, name: string): string {
	return String(ctx.getNodeParameter(name, itemIndex, '') ?? '').trim();
}

/** A required text, e.g. the page's own address: empty fails naming the parameter. */
export function requiredText(ctx: IExecuteFunctions, itemIndex: number, name: string, label: string, hint: string): string {
	const value = readText(ctx, itemIndex, name);
	if (value === '') throw invalidParameter(ctx, itemIndex, label, 'is empty', hint);
	return value;
}

/** A non-negative number option, its description default when unset. */
export function numberSetting(ctx: IExecuteFunctions, itemIndex: number, name: string, label: string, fallback: number): number {
	const value = numberOr(ctx.getNodeParameter(name, itemIndex, fallback), fallback);
	if (value < 0) throw invalidParameter(ctx, itemIndex, label, `must not be negative, not ${value}`, `Leave it at ${fallback} or enter a positive number.`);
	return value;
}

/** Runs a reader of stored data; a malformed value fails naming the parameter it came from. */
export function fromData<T>(ctx: IExecuteFunctions, itemIndex: number, label: string, read: () => T): T {
	try {
		return read();
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		throw invalidParameter(ctx, itemIndex, label, `holds data that cannot be read: ${reason}`, 'Pass the rows as the Data table returns them.');
	}
}

/** A boolean switch of the panel; only `true` turns it on. */
export function readSwitch(ctx: IExecuteFunctions, itemIndex: number, name: string): boolean {
	return ctx.getNodeParameter(name, itemIndex, false) === true;
}
