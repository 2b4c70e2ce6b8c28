/**
 * Size and depth of a parsed JSON value, measured without recursion: an explicit stack walks
 * the value, so a body nested 100,000 levels deep costs a loop, never the call stack. The walk
 * stops as soon as a limit is passed, so a hostile body is rejected after reading only as much
 * of it as the limit allows.
 */
export interface JsonLimits {
	/** Deepest nesting of objects/arrays allowed; the top-level object is depth 1. */
	maxDepth: number;
	/** Largest JSON encoding allowed, in UTF-8 bytes (an estimate that ignores escapes). */
	maxBytes: number;
}

export type BoundsResult =
	| { ok: true; depth: number; bytes: number }
	| { ok: false; exceeded: 'depth' | 'size'; path: string; limit: number };

/** UTF-8 length of a string, counted without allocating an encoded copy. */
export function utf8Length(text: string, stopAfter = Infinity): number {
	let bytes = 0;
	for (let i = 0; i < text.length && bytes <= stopAfter; i++) {
		const code = text.charCodeAt(i);
		if (code < 0x80) bytes += 1;
		else if (code < 0x800) bytes += 2;
		else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
			bytes += 4;
			i++;
		} else bytes += 3;
	}
	return bytes;
}

function scalarBytes(value: unknown, budget: number): number {
	if (typeof value === 'string') return utf8Length(value, budget) + 2;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value).length;
	return 4; // null (undefined is dropped by JSON; counting it as null only over-estimates)
}

interface Frame {
	value: unknown;
	depth: number;
	path: string;
}

function childPath(parent: string, key: string | number): string {
	if (typeof key === 'number') return `${parent}[${key}]`;
	return parent === '' ? key : `${parent}.${key}`;
}

/**
 * Measures `value` against the limits. `path` names where a limit was first passed, in the
 * notation the field rules use (`a.b[3]`), so an error can point at it.
 */
export function checkJsonBounds(value: unknown, limits: JsonLimits): BoundsResult {
	const stack: Frame[] = [{ value, depth: 0, path: '' }];
	let bytes = 0;
	let deepest = 0;
	while (stack.length > 0) {
		const frame = stack.pop() as Frame;
		const { value: current, path } = frame;
		if (current === null || typeof current !== 'object') {
			bytes += scalarBytes(current, limits.maxBytes - bytes);
			if (bytes > limits.maxBytes) return { ok: false, exceeded: 'size', path, limit: limits.maxBytes };
			continue;
		}
		const depth = frame.depth + 1;
		if (depth > limits.maxDepth) return { ok: false, exceeded: 'depth', path, limit: limits.maxDepth };
		deepest = Math.max(deepest, depth);
		const keys = Array.isArray(current) ? null : Object.keys(current);
		const count = keys ? keys.length : (current as unknown[]).length;
		// Brackets and commas are counted before any child is queued, so a huge array or object
		// is refused without building a stack frame per element.
		bytes += 2 + Math.max(0, count - 1);
		if (bytes > limits.maxBytes) return { ok: false, exceeded: 'size', path, limit: limits.maxBytes };
		for (let i = count - 1; i >= 0; i--) {
			if (keys === null) {
				stack.push({ value: (current as unknown[])[i], depth, path: childPath(path, i) });
				continue;
			}
			const key = keys[i];
			bytes += utf8Length(key, limits.maxBytes) + 3; // "key":
			if (bytes > limits.maxBytes) return { ok: false, exceeded: 'size', path: childPath(path, key), limit: limits.maxBytes };
			stack.push({ value: (current as Record<string, unknown>)[key], depth, path: childPath(path, key) });
		}
	}
	return { ok: true, depth: deepest, bytes };
}
