import type { IDataObject } from 'n8n-workflow';

import { MS_PER_MINUTE, MS_PER_SECOND } from '../shared/units';
import { uuidV7Time } from '../shared/jobIds';

/** A queued or running job whose row has not moved for this long has lost its run (n8n stopped). */
export const DEFAULT_STALE_AFTER_MINUTES = 10;
/** A job id issued this recently may not have its row yet (the 202 is sent before the row is saved). */
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

/**
 * What GET /missions/status answers for a job: the row as stored, except that a queued or
 * running job without progress for `staleAfterMinutes` is reported failed (reason "stale").
 */
export function missionJobStatus(row: IDataObject, settings: MissionJobSettings): IDataObject {
	const updatedAt = timeOf(row.updatedAt);
	const staleMs = settings.staleAfterMinutes * MS_PER_MINUTE;
	const stale = (row.state === 'queued' || row.state === 'running') && settings.now - updatedAt > staleMs;
	const result = typeof row.result === 'string' && row.result !== '' ? (JSON.parse(row.result) as unknown) : undefined;
	return defined({
		jobId: row.jobId,
		state: stale ? 'failed' : row.state,
		reason: stale ? 'stale' : row.reason || undefined,
		current: row.current,
		total: row.total,
		message: stale ? staleMessage(settings.staleAfterMinutes) : row.message,
		createdAt: row.createdAt,
		updatedAt: row.updatedAt,
		result: result as IDataObject | undefined,
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
