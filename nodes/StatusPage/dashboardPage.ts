import type { IDataObject } from 'n8n-workflow';

import { donut, duration, histogram, legendEntry, percentile, PRIORITY_COLORS, rate, stacked, timeline } from './dashboardCharts';
import { escapeHtml as esc, jsonForScript } from './html';
import { costSummary, runningCost } from './cost';

/** With a secret in the address the page reloads itself this often (the secret rides along). */
export const DASHBOARD_REFRESH_SECONDS = 5;

const SOURCE_COLORS: Record<string, string> = { ai: '#1a73e8', cache: '#9334e6', fallback: '#f29900' };
const STATUS_COLORS: Record<string, string> = {
	answered: '#1e8e3e',
	deferred: '#f29900',
	awaiting_customer: '#12b5cb',
	with_agent: '#9334e6',
	resolved: '#188038',
	escalated: '#d93025',
	received: '#80868b',
	send_retrying: '#e37400',
	send_failed: '#a50e0e',
	resolve_failed: '#a50e0e',
};

const STYLE = `
  body { font-family: system-ui, -apple-system, Segoe UI, Roboto, sans-serif; margin: 0; background: #f5f6f8; color: #202124; }
  header { background: #1f2937; color: #fff; padding: 14px 24px; display: flex; justify-content: space-between; align-items: baseline; }
  header h1 { font-size: 20px; margin: 0; }
  header span { font-size: 13px; color: #cbd5e1; }
  main { padding: 20px 24px; display: grid; gap: 16px; grid-template-columns: repeat(4, 1fr); }
  .card { background: #fff; border-radius: 10px; padding: 14px 16px; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
  .card h2 { font-size: 13px; font-weight: 600; color: #5f6368; margin: 0 0 6px; text-transform: uppercase; letter-spacing: .04em; }
  .big { font-size: 30px; font-weight: 700; }
  .sub { font-size: 13px; color: #5f6368; }
  .wide { grid-column: span 2; }
  .full { grid-column: 1 / -1; }
  svg text { font-family: inherit; }
  .legend span { display: inline-block; margin-right: 14px; font-size: 13px; }
  .legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; }
`;

/** One row of GET /issues/dashboard/data (the metric columns of `gemini_ops_issues`). */
interface IssueRow {
	receivedAt: number;
	priority: string;
	status: string;
	source: string;
	escalate: boolean;
	firstResponseAt?: number;
	ttfrMs?: number;
	ttrMs?: number;
	/**
	 * Estimated USD of the issue's triage (Issue Triage report), null when it could not be priced;
	 * undefined before the first response, which is when the workflow records it.
	 */
	costUsd?: unknown;
}

const numberOrUndefined = (value: unknown) => (typeof value === 'number' ? value : undefined);

/** Rows without a numeric receivedAt are not issues the dashboard can place, as before. */
export function issueRows(rows: readonly IDataObject[]): IssueRow[] {
	return rows
		.filter((row) => typeof row.receivedAt === 'number')
		.map((row) => ({
			receivedAt: row.receivedAt as number,
			priority: String(row.priority ?? ''),
			status: String(row.status ?? ''),
			source: String(row.source ?? ''),
			escalate: row.escalate === true,
			firstResponseAt: numberOrUndefined(row.firstResponseAt),
			ttfrMs: numberOrUndefined(row.ttfrMs),
			ttrMs: numberOrUndefined(row.ttrMs),
			// A Data table gives null for a column never written: on a row not answered yet (received,
			// deferred, send_retrying, send_failed) that is "not recorded", not "could not be priced".
			costUsd: typeof row.firstResponseAt === 'number' ? row.costUsd : undefined,
		}));
}

const ascending = (values: Array<number | undefined>) =>
	values.filter((value): value is number => value !== undefined).sort((a, b) => a - b);

function card(className: string, title: string, body: string): string {
	return `  <section class="card${className ? ` ${className}` : ''}"><h2>${esc(title)}</h2>${body}</section>\n`;
}

function svg(id: string, height: number, viewBox: string, content: string, stretch = true): string {
	const aspect = stretch ? ' preserveAspectRatio="none"' : '';
	return `<svg id="${id}" width="100%" height="${height}" viewBox="${viewBox}"${aspect}>${content}</svg>`;
}

function durationCard(id: string, title: string, sorted: number[], counted: string): string {
	const median = `<div class="big" id="${id}50">${esc(duration(percentile(sorted, 50)))}</div>`;
	const p95 = `<div class="sub" id="${id}95">${esc(`median · p95 ${duration(percentile(sorted, 95))} · ${sorted.length} ${counted}`)}</div>`;
	return card('', title, median + p95 + svg(`${id}Bars`, 60, '0 0 300 60', histogram(sorted)));
}

/** Replies the gateway never accepted after the last round (a person has them), with those still being retried. */
function notDeliveredCard(statuses: Record<string, number>): string {
	const failed = statuses.send_failed ?? 0;
	const retrying = statuses.send_retrying ?? 0;
	const resolveFailed = statuses.resolve_failed ?? 0;
	const big = `<div class="big" id="notDelivered">${failed}</div>`;
	const sub = `<div class="sub" id="notDeliveredDetail">${esc(`replies escalated · ${retrying} still retrying · ${resolveFailed} resolve calls failed`)}</div>`;
	return card('', 'Not delivered', big + sub);
}

export interface DashboardInput {
	/** The body of GET /issues/dashboard/data: `{generatedAt, rows}`; embedded as it came. */
	data: IDataObject;
	rows: IDataObject[];
	now: number;
	refresh: boolean;
}

/** The issues dashboard: first response and resolution times, rates, sources, statuses, a 30-minute timeline. */
export function dashboardPage({ data, rows: rawRows, now, refresh }: DashboardInput): string {
	const rows = issueRows(rawRows);
	const answered = rows.filter((row) => row.firstResponseAt !== undefined);
	const ttfr = ascending(answered.map((row) => row.ttfrMs));
	const ttr = ascending(rows.map((row) => row.ttrMs));
	const human = rows.filter((row) => row.status === 'with_agent' || row.status === 'escalated' || row.escalate);
	const automated = answered.filter((row) => !human.includes(row));
	const sources: Record<string, number> = { ai: 0, cache: 0, fallback: 0 };
	for (const row of answered) if (sources[row.source] !== undefined) sources[row.source]++;
	const statuses: Record<string, number> = {};
	for (const row of rows) statuses[row.status] = (statuses[row.status] ?? 0) + 1;
	const sourceBar = stacked(sources, SOURCE_COLORS);
	const statusBar = stacked(statuses, STATUS_COLORS);
	const priorities = Object.entries(PRIORITY_COLORS).map(([priority, color]) => legendEntry(color, priority)).join('');
	const cost = costSummary(runningCost(rows.map((row) => row.costUsd)), rows.length, 'issues');
	const updated = `${rows.length} issues · updated ${new Date(now).toISOString().slice(11, 19)} UTC`;
	const reload = refresh ? `<meta http-equiv="refresh" content="${DASHBOARD_REFRESH_SECONDS}">\n` : '';

	return (
		'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
		'<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
		reload +
		`<title>Issues · Gemini Ops</title>\n<style>${STYLE}</style>\n</head>\n<body>\n` +
		`<header><h1>Issues · first response and resolution</h1><span id="cost">${esc(`Gemini cost ${cost}`)}</span><span id="updated">${esc(updated)}</span></header>\n<main>\n` +
		durationCard('ttfr', 'Time to first response', ttfr, 'answered') +
		durationCard('ttr', 'Time to resolution', ttr, 'resolved') +
		card('', 'Automation rate', svg('automation', 120, '0 0 120 120', donut(rate(automated.length, rows.length), '#1e8e3e', `${automated.length} of ${rows.length}`), false)) +
		card('', 'Escalation rate', svg('escalation', 120, '0 0 120 120', donut(rate(human.length, rows.length), '#d93025', `${human.length} of ${rows.length}`), false)) +
		card('wide', 'Where replies came from', svg('sources', 90, '0 0 600 90', sourceBar.svg) + `<div class="legend" id="sourceLegend">${sourceBar.legend}</div>`) +
		card('wide', 'Status now', svg('statuses', 90, '0 0 600 90', statusBar.svg) + `<div class="legend" id="statusLegend">${statusBar.legend}</div>`) +
		notDeliveredCard(statuses) +
		card('full', 'Issues per priority, per minute (last 30 minutes)', svg('timeline', 240, '0 0 1200 240', timeline(rows, now)) + `<div class="legend" id="priorityLegend">${priorities}</div>`) +
		'</main>\n' +
		// The data the page shows, for scripts and tests that read it (JSON, never executed).
		`<script id="initial" type="application/json">${jsonForScript(data)}</script>\n</body>\n</html>\n`
	);
}
