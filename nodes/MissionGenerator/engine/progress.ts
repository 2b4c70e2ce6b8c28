import { sleep } from 'n8n-workflow';
import type { IExecuteFunctions } from 'n8n-workflow';

import { parseRetryAfter, RETRYABLE_STATUS_CODES } from '../../shared/transport/retryHints';
import type { ProgressEvent } from './types';

/** Progress must never slow or fail the generation: a short timeout per try, a few quick tries. */
export const PROGRESS_TIMEOUT_MS = 3000;

/** Tries per update: a receiver that blinks (a 503, a reset connection) still gets it. */
export const PROGRESS_MAX_TRIES = 3;

/** Pause before the second try, doubled before the third; a Retry-After is honoured up to the cap. */
export const PROGRESS_RETRY_BASE_MS = 200;
export const PROGRESS_RETRY_MAX_WAIT_MS = 1000;

/** Carries the Progress Token: headers stay out of access logs and execution URLs. */
export const PROGRESS_TOKEN_HEADER = 'X-Progress-Token';

const HTTP_OK_MIN = 200;
const HTTP_OK_MAX = 299;

export interface ProgressCounts {
	sent: number;
	failed: number;
	retried: number;
	/** Why the last failed update failed (an HTTP status or a network error code), never the URL. */
	lastFailure: string;
}

/** What one try came to: delivered, worth another try (with the receiver's requested wait), or refused for good. */
type TryOutcome = { done: true } | { done: false; retry: boolean; waitMs?: number; reason: string };

function headerValue(headers: unknown, name: string): string | undefined {
	if (typeof headers !== 'object' || headers === null) return undefined;
	const value = (headers as Record<string, unknown>)[name];
	return typeof value === 'string' ? value : undefined;
}

/**
 * Posts {jobId, current, total, message} to the workflow author's progress URL. Updates are
 * chained so they arrive in order; each gets at most PROGRESS_MAX_TRIES short tries (429/5xx and
 * network errors only), then counts as failed: the job goes on and its report shows the failures.
 */
export class ProgressReporter {
	private chain: Promise<void> = Promise.resolve();

	private readonly counts_: ProgressCounts = { sent: 0, failed: 0, retried: 0, lastFailure: '' };

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly url: string,
		private readonly jobId: string,
		private readonly token = '',
	) {}

	send(event: ProgressEvent): void {
		if (this.url === '') return;
		this.chain = this.chain.then(async () => await this.post(event));
	}

	private async post(event: ProgressEvent): Promise<void> {
		for (let attempt = 1; ; attempt++) {
			const outcome = await this.tryOnce(event);
			if (outcome.done) {
				this.counts_.sent++;
				return;
			}
			if (!outcome.retry || attempt >= PROGRESS_MAX_TRIES) {
				this.counts_.failed++;
				this.counts_.lastFailure = outcome.reason;
				this.ctx.logger.debug('Progress update failed', { jobId: this.jobId, reason: outcome.reason, tries: attempt });
				return;
			}
			this.counts_.retried++;
			const backoffMs = PROGRESS_RETRY_BASE_MS * 2 ** (attempt - 1);
			await sleep(Math.min(outcome.waitMs ?? backoffMs, PROGRESS_RETRY_MAX_WAIT_MS));
		}
	}

	private async tryOnce(event: ProgressEvent): Promise<TryOutcome> {
		try {
			const response: unknown = await this.ctx.helpers.httpRequest({
				method: 'POST',
				url: this.url,
				...(this.token === '' ? {} : { headers: { [PROGRESS_TOKEN_HEADER]: this.token } }),
				body: { jobId: this.jobId, ...event },
				json: true,
				timeout: PROGRESS_TIMEOUT_MS,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
			});
			const full = typeof response === 'object' && response !== null ? (response as Record<string, unknown>) : {};
			const status = Number(full.statusCode ?? HTTP_OK_MIN);
			if (status >= HTTP_OK_MIN && status <= HTTP_OK_MAX) return { done: true };
			const waitMs = parseRetryAfter(headerValue(full.headers, 'retry-after'), Date.now());
			return { done: false, retry: RETRYABLE_STATUS_CODES.includes(status), waitMs, reason: `HTTP ${status}` };
		} catch (error) {
			const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
			return { done: false, retry: true, reason: typeof code === 'string' && code !== '' ? code : 'network error' };
		}
	}

	async flush(): Promise<void> {
		await this.chain;
	}

	counts(): ProgressCounts {
		return { ...this.counts_ };
	}
}
