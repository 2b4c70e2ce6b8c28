import type { IExecuteFunctions } from 'n8n-workflow';

import type { ProgressEvent } from './types';

/** Progress must never slow or fail the generation: one short try per update, no retries. */
export const PROGRESS_TIMEOUT_MS = 3000;

/** Carries the Progress Token: headers stay out of access logs and execution URLs. */
export const PROGRESS_TOKEN_HEADER = 'X-Progress-Token';

/**
 * Posts {jobId, current, total, message} to the workflow author's progress URL. Updates are
 * chained so they arrive in order, each with a short timeout; failures are only counted.
 */
export class ProgressReporter {
	private chain: Promise<void> = Promise.resolve();

	private sent = 0;

	private failed = 0;

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
		try {
			await this.ctx.helpers.httpRequest({
				method: 'POST',
				url: this.url,
				...(this.token === '' ? {} : { headers: { [PROGRESS_TOKEN_HEADER]: this.token } }),
				body: { jobId: this.jobId, ...event },
				json: true,
				timeout: PROGRESS_TIMEOUT_MS,
			});
			this.sent++;
		} catch (error) {
			this.failed++;
			this.ctx.logger.debug('Progress update failed', {
				jobId: this.jobId,
				reason: error instanceof Error ? error.message : String(error),
			});
		}
	}

	async flush(): Promise<void> {
		await this.chain;
	}

	counts(): { sent: number; failed: number } {
		return { sent: this.sent, failed: this.failed };
	}
}
