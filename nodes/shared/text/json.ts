const FENCED_BLOCK = /```(?:json|JSON)?\s*([\s\S]*?)```/;

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
	try {
		return { ok: true, value: JSON.parse(text) as unknown };
	} catch {
		return { ok: false };
	}
}

/**
 * Reads JSON from model output: plain JSON, JSON inside a ``` fence, or the outermost
 * [...] / {...} span of surrounding prose. Returns undefined when nothing parses.
 */
export function extractJson(text: string): unknown {
	const trimmed = text.trim();
	const direct = tryParse(trimmed);
	if (direct.ok) return direct.value;

	const fenced = FENCED_BLOCK.exec(trimmed);
	if (fenced) {
		const inFence = tryParse(fenced[1].trim());
		if (inFence.ok) return inFence.value;
	}

	for (const [open, close] of [
		['[', ']'],
		['{', '}'],
	]) {
		const start = trimmed.indexOf(open);
		const end = trimmed.lastIndexOf(close);
		if (start !== -1 && end > start) {
			const span = tryParse(trimmed.slice(start, end + 1));
			if (span.ok) return span.value;
		}
	}
	return undefined;
}
