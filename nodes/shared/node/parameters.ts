import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * The parameter kit every node's parameters.ts uses: reading a dotted path from an item, number
 * options with the description's defaults, the Model parameter, and failures that name the
 * parameter as the panel labels it and say what to change.
 */

/** `a.b.c` in an item's JSON; an empty path (or empty segments) reads the value itself. */
export function readPath(source: unknown, path: string): unknown {
	let current: unknown = source;
	for (const key of path.split('.').filter((part) => part !== '')) {
		if (typeof current !== 'object' || current === null) return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}

/** A finite number, else the fallback (an empty field in the panel arrives as '' or undefined). */
export function numberOr(value: unknown, fallback: number): number {
	return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** Name → default of a collection's options, so parameters.ts reads the defaults the panel shows. */
export function defaultsOf(properties: readonly INodeProperties[]): Record<string, unknown> {
	return Object.fromEntries(properties.map((property) => [property.name, property.default]));
}

/** The options of a collection or fixedCollection property named `name` in a description. */
export function optionsOf(properties: readonly INodeProperties[], name: string): INodeProperties[] {
	const found = properties.find((property) => property.name === name);
	return (found?.options ?? []) as INodeProperties[];
}

/** A number option from an Options collection, its description default when unset. */
export function numberOption(options: IDataObject, name: string, defaults: Record<string, unknown>): number {
	return numberOr(options[name], Number(defaults[name]));
}

/** A parameter the user must change: names it (as the panel labels it) and says how. */
export function invalidParameter(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: string,
	problem: string,
	hint: string,
): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `${label} ${problem}`, { itemIndex, description: hint });
}

/** A whole number within bounds, or a failure naming the parameter. */
export function wholeNumberIn(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: string,
	value: number,
	[min, max]: readonly [number, number],
	hint: string,
): number {
	if (!Number.isInteger(value) || value < min || value > max) {
		throw invalidParameter(ctx, itemIndex, label, `must be a whole number from ${min} to ${max}, not ${String(value)}`, hint);
	}
	return value;
}

/**
 * A model from a resource-locator parameter (list or typed ID), trimmed, or the fallback. The
 * `models/` prefix Google lists names with is kept; the request builders accept both.
 */
export function modelParameter(ctx: IExecuteFunctions, path: string, itemIndex: number, fallback: string): string {
	const value = ctx.getNodeParameter(path, itemIndex, fallback, { extractValue: true });
	return String(value || fallback).trim() || fallback;
}
