import { escapeHtml as esc } from './html';
import type { Batch, JobRow } from './scriptBatch';
import { batchCost, countJobs, percentDone } from './scriptBatch';
import { costSummary, formatUsd } from './cost';

/** The page reloads itself this often while jobs are still running, and stops once all are done. */
export const SCRIPT_PAGE_REFRESH_SECONDS = 3;

/** The bar never shrinks to nothing, so "0%" stays readable. */
const MIN_BAR_PERCENT = 4;

const STYLE =
	'body{font-family:system-ui,sans-serif;max-width:860px;margin:2rem auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}' +
	'.bar{background:#eee;border-radius:8px;height:22px;overflow:hidden}' +
	'.bar div{background:linear-gradient(90deg,#4f7cff,#7b5cff);height:100%;color:#fff;font-size:13px;line-height:22px;padding-left:8px;white-space:nowrap}' +
	'.job{border:1px solid #e3e3e3;border-radius:8px;padding:.6rem 1rem;margin:.8rem 0}.job h2{font-size:1.05rem;margin:.2rem 0}.step{color:#555;margin:.2rem 0}' +
	'.badge{font-size:.75rem;border-radius:10px;padding:2px 8px;margin-left:6px;background:#ddd;vertical-align:middle}' +
	'.badge.completed{background:#d4f5dd;color:#11632b}.badge.failed{background:#fbd9d9;color:#8a1b1b}.badge.running,.badge.starting{background:#dfe8ff;color:#2449a8}' +
	'ul.audio{list-style:none;padding:0;margin:.4rem 0}ul.audio li{display:flex;align-items:center;gap:1rem;margin:.25rem 0}ul.audio span{min-width:110px;font-size:.9rem}' +
	'audio{height:32px}.zip{display:inline-block;margin:1rem 0;padding:.5rem 1rem;background:#4f7cff;color:#fff;border-radius:6px;text-decoration:none}.muted{color:#777;font-size:.9rem}';

export interface ScriptPageLinks {
	/** The page's own webhook URL; its siblings /audio and /download are served next to it. */
	pageUrl: string;
	batchId: string;
	token: string;
}

/** `v1_en-US.mp3` → `v1 · en-US`. */
function audioLabel(file: string): string {
	return file.replace(/\.mp3$/, '').replace('_', ' · ');
}

function jobSection(job: JobRow, base: string, auth: string): string {
	const cost = typeof job.costUsd === 'number' ? ` · ${formatUsd(job.costUsd)}` : job.costUsd === 'unknown' ? ' · cost unknown' : '';
	const status = (job.state === 'failed' ? `Failed: ${esc(job.error)}` : `Step: ${esc(job.step)}`) + esc(cost);
	const audio =
		job.state === 'completed'
			? `<ul class="audio">${job.audios
					.map((file) => {
						const src = `${base}/audio${auth}&file=${encodeURIComponent(`${job.slug}/${file}`)}`;
						return `<li><span>${esc(audioLabel(file))}</span><audio controls preload="none" src="${esc(src)}"></audio></li>`;
					})
					.join('')}</ul>`
			: '';
	const badge = `<span class="badge ${esc(job.state)}">${esc(job.state)}</span>`;
	return `<section class="job"><h2>${esc(job.title)} ${badge}</h2><p class="step">${status}</p>${audio}</section>`;
}

/** The progress page of a script batch: a bar, the ZIP link once a title is done, every title with its audio. */
export function scriptBatchPage(batchRows: Batch, links: ScriptPageLinks): string {
	const { jobs } = batchRows;
	const counts = countJobs(jobs);
	const pct = percentDone(counts, 0);
	const base = links.pageUrl.replace(/\/[^/]+$/, '');
	const auth = `?batchId=${encodeURIComponent(links.batchId)}&token=${encodeURIComponent(links.token)}`;
	const audios = jobs.filter((job) => job.state === 'completed').reduce((sum, job) => sum + job.audios.length, 0);
	const refresh = counts.finished ? '' : `<meta http-equiv="refresh" content="${SCRIPT_PAGE_REFRESH_SECONDS}">`;
	const cost = costSummary(batchCost(batchRows), counts.total, 'titles');
	const summary =
		`${counts.total} titles · ${counts.completed} done · ${counts.failed} failed · ${audios} audio files ready · <span id="cost">${esc(cost)}</span>` +
		(counts.finished ? '' : ` · refreshing every ${SCRIPT_PAGE_REFRESH_SECONDS} s`);
	const zip =
		counts.completed > 0
			? `<a class="zip" href="${esc(`${base}/download${auth}`)}">Download everything finished (ZIP)</a>`
			: '<p class="muted">The ZIP link appears when the first title is finished.</p>';
	return (
		'<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">' +
		refresh +
		`<title>Script batch ${pct}%</title><style>${STYLE}</style></head><body>` +
		`<h1>Script batch</h1><p class="muted">${summary}</p>` +
		`<div class="bar"><div style="width:${Math.max(pct, MIN_BAR_PERCENT)}%">${pct}%</div></div>` +
		zip +
		jobs.map((job) => jobSection(job, base, auth)).join('') +
		'</body></html>'
	);
}
