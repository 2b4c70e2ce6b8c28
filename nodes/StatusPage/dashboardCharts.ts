import { MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND } from '../shared/units';
import { attributes, escapeHtml as esc } from './html';

/**
 * The SVG charts of the issues dashboard, drawn on the server from the same numbers the page
 * shows (n8n serves the page; nothing is computed in the browser). Sizes are the viewBox units
 * the page's <svg> elements declare.
 */

const HISTOGRAM_BINS = 20;
const HISTOGRAM_BIN_WIDTH = 15;
const HISTOGRAM_HEIGHT = 60;
const HISTOGRAM_MAX_BAR = 56;
const DONUT_CENTER = 60;
const DONUT_RADIUS = 46;
const STACK_WIDTH = 600;
export const TIMELINE_MINUTES = 30;
const TIMELINE_BASELINE = 210;
const TIMELINE_MAX_BAR = 190;
const TIMELINE_STEP = 38;
const TIMELINE_LABEL_EVERY = 5;
const UNKNOWN_COLOR = '#80868b';

export const PRIORITY_COLORS: Record<string, string> = { critical: '#d93025', high: '#f29900', medium: '#1a73e8', low: '#1e8e3e' };
/** Bars stack from the bottom in this order. */
const PRIORITY_STACK = ['low', 'medium', 'high', 'critical'];

function element(name: string, attrs: Record<string, string | number>, text?: string): string {
	return text === undefined ? `<${name} ${attributes(attrs)}/>` : `<${name} ${attributes(attrs)}>${esc(text)}</${name}>`;
}

export function legendEntry(color: string, label: string): string {
	return `<span><i style="background:${esc(color)}"></i>${esc(label)}</span>`;
}

/** Durations as the dashboard shows them: ms, s, min or h, whichever reads best. */
export function duration(ms: number | null): string {
	if (ms === null) return '–';
	if (ms < MS_PER_SECOND) return `${Math.round(ms)} ms`;
	if (ms < 2 * MS_PER_MINUTE) return `${(ms / MS_PER_SECOND).toFixed(1)} s`;
	if (ms < 2 * MS_PER_HOUR) return `${Math.round(ms / MS_PER_MINUTE)} min`;
	return `${(ms / MS_PER_HOUR).toFixed(1)} h`;
}

/** Nearest-rank percentile of an ascending list; null when empty. */
export function percentile(sorted: readonly number[], p: number): number | null {
	if (sorted.length === 0) return null;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function rate(part: number, whole: number): number {
	return whole ? part / whole : 0;
}

/** Twenty bars from 0 to the largest value; `sorted` ascending. */
export function histogram(sorted: readonly number[]): string {
	if (sorted.length === 0) return '';
	const max = sorted[sorted.length - 1] || 1;
	const bins = new Array<number>(HISTOGRAM_BINS).fill(0);
	for (const value of sorted) bins[Math.min(HISTOGRAM_BINS - 1, Math.floor((value / max) * HISTOGRAM_BINS))]++;
	const top = Math.max(...bins);
	return bins
		.map((count, i) => {
			const h = (count / top) * HISTOGRAM_MAX_BAR;
			return element('rect', { x: i * HISTOGRAM_BIN_WIDTH + 1, y: HISTOGRAM_HEIGHT - h, width: HISTOGRAM_BIN_WIDTH - 2, height: h, fill: '#8ab4f8' });
		})
		.join('');
}

/** A ring filled to `value` (0–1) with the percentage and a label in the middle. */
export function donut(value: number, color: string, label: string): string {
	const circumference = 2 * Math.PI * DONUT_RADIUS;
	const ring = { cx: DONUT_CENTER, cy: DONUT_CENTER, r: DONUT_RADIUS, fill: 'none', 'stroke-width': 14 };
	return (
		element('circle', { ...ring, stroke: '#e8eaed' }) +
		element('circle', { ...ring, stroke: color, 'stroke-dasharray': `${value * circumference} ${circumference}`, transform: 'rotate(-90 60 60)' }) +
		element('text', { x: DONUT_CENTER, y: 64, 'text-anchor': 'middle', 'font-size': 22, 'font-weight': 700 }, `${Math.round(value * 100)}%`) +
		element('text', { x: DONUT_CENTER, y: 84, 'text-anchor': 'middle', 'font-size': 10, fill: '#5f6368' }, label)
	);
}

/** One bar split by share, and its legend (`key count (share%)`). */
export function stacked(counts: Record<string, number>, colors: Record<string, string>): { svg: string; legend: string } {
	const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
	let x = 0;
	let svg = '';
	let legend = '';
	for (const [key, count] of Object.entries(counts)) {
		const width = total ? (count / total) * STACK_WIDTH : 0;
		const color = colors[key] ?? UNKNOWN_COLOR;
		svg += element('rect', { x, y: 20, width, height: 50, fill: color });
		x += width;
		legend += legendEntry(color, `${key} ${count} (${Math.round(rate(count, total) * 100)}%)`);
	}
	return { svg, legend };
}

export interface TimelineIssue {
	receivedAt: number;
	priority: string;
}

/** Issues per minute over the last 30 minutes up to `now`, stacked by priority, with time labels. */
export function timeline(issues: readonly TimelineIssue[], now: number): string {
	const start = Math.floor(now / MS_PER_MINUTE) * MS_PER_MINUTE - (TIMELINE_MINUTES - 1) * MS_PER_MINUTE;
	const buckets = Array.from({ length: TIMELINE_MINUTES }, () => ({ critical: 0, high: 0, medium: 0, low: 0 }) as Record<string, number>);
	for (const issue of issues) {
		const i = Math.floor((issue.receivedAt - start) / MS_PER_MINUTE);
		if (i >= 0 && i < TIMELINE_MINUTES && buckets[i][issue.priority] !== undefined) buckets[i][issue.priority]++;
	}
	const top = Math.max(1, ...buckets.map((bucket) => PRIORITY_STACK.reduce((sum, p) => sum + bucket[p], 0)));
	const label = { 'text-anchor': 'end', 'font-size': 14, fill: '#5f6368' };
	let svg =
		element('line', { x1: 40, y1: TIMELINE_BASELINE, x2: 1190, y2: TIMELINE_BASELINE, stroke: '#dadce0' }) +
		element('text', { x: 34, y: 24, ...label }, String(top)) +
		element('text', { x: 34, y: TIMELINE_BASELINE, ...label }, '0');
	buckets.forEach((bucket, i) => {
		const x = 44 + i * TIMELINE_STEP;
		let y = TIMELINE_BASELINE;
		for (const priority of PRIORITY_STACK) {
			const h = (bucket[priority] / top) * TIMELINE_MAX_BAR;
			if (h <= 0) continue;
			svg += element('rect', { x, y: y - h, width: 30, height: h, fill: PRIORITY_COLORS[priority] });
			y -= h;
		}
		if (i % TIMELINE_LABEL_EVERY === TIMELINE_LABEL_EVERY - 1) {
			const time = new Date(start + i * MS_PER_MINUTE).toISOString().slice(11, 16);
			svg += element('text', { x: x + 15, y: 232, 'text-anchor': 'middle', 'font-size': 13, fill: '#5f6368' }, time);
		}
	});
	return svg;
}
