import type { IDataObject } from 'n8n-workflow';

import { MS_PER_MINUTE, MS_PER_SECOND } from '../shared/units';
import { uuidV7Time } from '../shared/jobIds';

/** A queued or running job whose row has not moved for this long has lost its run (n8n stopped). */
export const DEFAULT_STALE_AFTER_MINUTES = 10;
/** A job id issued this recently may not have its row yet (its insert before the 202 failed; the run saves it at the end). */
export const DEFAULT_ISSUED_WITHIN_SECONDS = 60;

export function staleMessage(minutes: number): string {
	return `No progress for over ${minutes} minutes: the run stopped. Start a new job.`;
}
export const QUEUED_MESSAGE = 'Accepted a moment ago; waiting to start';

export interface MissionJobSettings {
	now: number;
	staleAfterMinutes: number;
	issuedWithinSeconds: number;
}

/** A stored time (Date, ISO text or Unix ms) in Unix ms; NaN when unreadable, which is never stale. */
function timeOf(value: unknown): number {
	if (value instanceof Date || typeof value === 'number') return new Date(value).getTime();
	return new Date(String(value ?? '')).getTime();
}

/** Only the keys with a value, as JSON.stringify would send them. */
function defined(object: IDataObject): IDataObject {
	return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

/** The parsed `result` column: empty until the job ends, except while an economy job waits. */
function parsedResult(row: IDataObject): IDataObject | undefined {
	return typeof row.result === 'string' && row.result !== '' ? (JSON.parse(row.result) as IDataObject) : undefined;
}

function objectOrUndefined(value: unknown): IDataObject | undefined {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as IDataObject) : undefined;
}

/**
 * Economy (issue #24): while a job waits for Google's batch, missions-generate.json ("Record the
 * wait") keeps `{economy: {batchJob, state, checks, nextCheckSeconds, nextCheckAt, …}}` in the
 * row's `result` (the table has no column of its own for it, so installed tables need no change).
 * The answer shows it as `economy` and no `result`; once the job ends, `economy` is the report's
 * economy part with its `source` (batch, batch+standard, standard).
 */
function economyOf(active: boolean, result: IDataObject | undefined): { waiting?: IDataObject; done?: IDataObject } {
	const waiting = objectOrUndefined(result?.economy);
	if (active && waiting && result?.missions === undefined) return { waiting };
	const report = objectOrUndefined(result?.report);
	const economy = objectOrUndefined(report?.economy);
	return economy ? { done: { ...economy, source: report?.source ?? null } } : {};
}

/**
 * What GET /missions/status answers for a job: the row as stored, except that a queued or
 * running job without progress for `staleAfterMinutes` is reported failed (reason "stale").
 * A job waiting for Google's batch counts from its next planned check, not from its last write
 * (the checks are up to 10 minutes apart, and a restart of n8n may delay one).
 */
export function missionJobStatus(row: IDataObject, settings: MissionJobSettings): IDataObject {
	const active = row.state === 'queued' || row.state === 'running';
	const result = parsedResult(row);
	const economy = economyOf(active, result);
	const nextCheckAt = economy.waiting ? timeOf(economy.waiting.nextCheckAt) : NaN;
	const lastSign = Number.isNaN(nextCheckAt) ? timeOf(row.updatedAt) : Math.max(timeOf(row.updatedAt), nextCheckAt);
	const staleMs = settings.staleAfterMinutes * MS_PER_MINUTE;
	const stale = active && settings.now - lastSign > staleMs;
	return defined({
		jobId: row.jobId,
		state: stale ? 'failed' : row.state,
		reason: stale ? 'stale' : row.reason || undefined,
		current: row.current,
		total: row.total,
		message: stale ? staleMessage(settings.staleAfterMinutes) : row.message,
		createdAt: row.createdAt,
		updatedAt: row.updatedAt,
		economy: economy.waiting ?? economy.done,
		result: economy.waiting ? undefined : result,
	});
}

/** Whether a job id without a row was issued a moment ago (then it is queued, not unknown). */
export function issuedRecently(jobId: string, settings: MissionJobSettings): boolean {
	const issuedAt = uuidV7Time(jobId);
	return issuedAt !== undefined && Math.abs(settings.now - issuedAt) < settings.issuedWithinSeconds * MS_PER_SECOND;
}

export function queuedStatus(jobId: string): IDataObject {
	return { jobId, state: 'queued', current: 0, message: QUEUED_MESSAGE };
}
