import type { IDataObject } from 'n8n-workflow';

import { roundUsd } from '../shared/gemini/pricing';
import { readCost, runningCost } from './cost';
import type { RunningCost } from './cost';

/**
 * What the rows of `gemini_ops_script_jobs` say about one batch: one row `kind: "batch"` (token,
 * storage folder) and one row `kind: "job"` per title. The progress page, the status answer and
 * the download list all read the batch through this module, so they never disagree.
 */

export interface JobRow {
	title: string;
	slug: string;
	state: string;
	step: string;
	error: string;
	/** Audio file names (e.g. `v1_en-US.mp3`) of a completed job. */
	audios: string[];
	/** Every file the job stored (audio, scripts, manifest). */
	files: string[];
	/** Estimated USD of the job's Gemini and TTS calls so far; 'unknown' if a step could not be priced. */
	costUsd?: number | 'unknown';
}

export interface Batch {
	/** The batch row; undefined when no row says `kind: "batch"` (unknown batch). */
	batch?: IDataObject;
	/** Job rows in folder (slug) order. */
	jobs: JobRow[];
	/** Job rows in the order the table returned them (the ZIP keeps that order). */
	jobsAsStored: JobRow[];
}

export interface BatchCounts {
	total: number;
	completed: number;
	failed: number;
	/** Not started: queued, or waiting for Google's batch (an economy batch's titles). */
	queued: number;
	/** Neither finished nor queued: starting or running a step. */
	running: number;
	/** Every job completed or failed (and there is at least one). */
	finished: boolean;
}

/** A JSON list column (`audios`, `files`): empty means none; anything but a list of names is a fault. */
function nameList(value: unknown, column: string, slug: string): string[] {
	if (value === undefined || value === null || value === '') return [];
	const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
	if (!Array.isArray(parsed)) throw new Error(`The ${column} column of job "${slug}" is not a JSON list`);
	return parsed.map(String);
}

function jobOf(row: IDataObject): JobRow {
	const slug = String(row.slug ?? '');
	return {
		title: String(row.title ?? ''),
		slug,
		state: String(row.state ?? ''),
		step: String(row.step ?? ''),
		error: String(row.error ?? ''),
		audios: nameList(row.audios, 'audios', slug),
		files: nameList(row.files, 'files', slug),
		// The workflows write 'unknown' for a step they could not price; null is a column never
		// written (a job no priced step reached yet), as a Data table returns it.
		costUsd: row.costUsd === null ? undefined : readCost(row.costUsd),
	};
}

export function readBatch(rows: IDataObject[]): Batch {
	const jobsAsStored = rows.filter((row) => row.kind === 'job').map(jobOf);
	const jobs = [...jobsAsStored].sort((a, b) => a.slug.localeCompare(b.slug));
	return { batch: rows.find((row) => row.kind === 'batch'), jobs, jobsAsStored };
}

export function countJobs(jobs: readonly JobRow[]): BatchCounts {
	const count = (state: string) => jobs.filter((job) => job.state === state).length;
	const completed = count('completed');
	const failed = count('failed');
	const queued = count('queued') + count('waiting');
	return {
		total: jobs.length,
		completed,
		failed,
		queued,
		running: jobs.length - completed - failed - queued,
		finished: jobs.length > 0 && completed + failed === jobs.length,
	};
}

/** Share of finished (completed or failed) jobs, 0–100, rounded to `decimals` places. */
export function percentDone(counts: BatchCounts, decimals: number): number {
	if (counts.total === 0) return 0;
	const scale = 10 ** decimals;
	return Math.round(((counts.completed + counts.failed) * 100 * scale) / counts.total) / scale;
}

function batchState(counts: BatchCounts): string {
	if (!counts.finished) return counts.running > 0 || counts.completed + counts.failed > 0 ? 'running' : 'queued';
	if (counts.failed === 0) return 'completed';
	return counts.completed === 0 ? 'failed' : 'completed_with_failures';
}

/** The batch row's costUsd, written only by an economy batch (`"mode": "economy"` in its request). */
function economyCost(batch: IDataObject | undefined): number | 'unknown' | undefined {
	const raw = batch?.costUsd;
	if (raw === null || raw === undefined || !/"mode"\s*:\s*"economy"/.test(String(batch?.request ?? ''))) return undefined;
	return readCost(raw);
}

/**
 * The batch's running cost: every job's, plus the texts an economy batch wrote for all titles at
 * once through Gemini batches (the batch row's costUsd), which no single job carries.
 */
export function batchCost({ batch, jobs }: Batch): RunningCost {
	const cost = runningCost(jobs.map((job) => job.costUsd));
	const economy = economyCost(batch);
	if (economy === 'unknown') cost.unpriced++;
	else if (economy !== undefined) cost.usd = roundUsd(cost.usd + economy);
	return cost;
}

/** The body of GET /scripts/status. */
export function batchStatus(batchId: string, batchRows: Batch): IDataObject {
	const { jobs, batch } = batchRows;
	const counts = countJobs(jobs);
	const economy = economyCost(batch);
	return {
		batchId,
		state: batchState(counts),
		totalJobs: counts.total,
		completedJobs: counts.completed,
		failedJobs: counts.failed,
		runningJobs: counts.running,
		queuedJobs: counts.queued,
		progressPercentage: percentDone(counts, 1),
		// The running cost of the batch (see cost.ts): priced jobs summed, the rest counted.
		estimatedCostUsd: batchCost(batchRows),
		...(economy !== undefined ? { economyCostUsd: economy === 'unknown' ? null : economy } : {}),
		jobs: jobs.map((job) => ({
			title: job.title,
			folder: job.slug,
			state: job.state,
			step: job.step,
			audios: job.audios,
			...(job.costUsd !== undefined ? { estimatedCostUsd: job.costUsd === 'unknown' ? null : job.costUsd } : {}),
			...(job.error ? { error: job.error } : {}),
		})),
	};
}

/**
 * Every file of the completed jobs: where it is stored (`<folder>/<batchId>--<slug>--<file>`) and
 * its name in the ZIP (`<slug>/<file>`).
 */
export function finishedFiles({ batch, jobsAsStored }: Batch): IDataObject[] {
	if (!batch) return [];
	const prefix = `${String(batch.folder ?? '')}/${String(batch.batchId ?? '')}--`;
	return jobsAsStored
		.filter((job) => job.state === 'completed')
		.flatMap((job) => job.files.map((file) => ({ path: `${prefix}${job.slug}--${file}`, zipName: `${job.slug}/${file}` })));
}
