/**
 * The one escape every page value goes through: text and attribute values alike (the pages quote
 * attributes with " and never with '), so a title or error text from a request can never become markup.
 */
export function escapeHtml(value: unknown): string {
	return String(value ?? '')
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;');
}

/**
 * JSON placed inside a `<script type="application/json">`: `<` is written as \u003c so no value
 * can close the script element; JSON.parse in the browser reads it back unchanged.
 */
export function jsonForScript(value: unknown): string {
	return JSON.stringify(value ?? null).replace(/</g, '\\u003c');
}

/** A number for an SVG attribute: finite, at most two decimals, so the markup stays short. */
export function svgNumber(value: number): string {
	return Number.isFinite(value) ? String(Math.round(value * 100) / 100) : '0';
}

/** `name="value"` pairs for an SVG element, every value escaped. */
export function attributes(attrs: Record<string, string | number>): string {
	return Object.entries(attrs)
		.map(([name, value]) => `${name}="${escapeHtml(typeof value === 'number' ? svgNumber(value) : value)}"`)
		.join(' ');
}
