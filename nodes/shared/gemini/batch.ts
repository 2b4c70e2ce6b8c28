import type { IDataObject } from 'n8n-workflow';

import type { ResolvedCredential } from '../credentials';
import { GoogleHttpError, InvalidOutputError } from '../errors';
import { requestOnce } from '../transport/request';
import type { RequestContext } from '../transport/request';
import { cancelSignalOf, resilientCall } from '../transport/resilientCall';
import type { CallAccounting, ResilienceSettings } from '../transport/resilientCall';
import { withRetry } from '../transport/retry';
import { classifyStatus } from '../transport/retryHints';
import { utf8Bytes } from '../text/split';
import { BYTES_PER_MB, SECONDS_PER_MINUTE } from '../units';
import { buildGenerateContentBody, modelPath, readCandidateText } from './generate';
import { countBatchUsage } from './usage';
import type { GeminiResponse, GenerateRequest } from './generate';

/**
 * The Gemini Batch API for work that can wait (issue #24): about half the standard token price,
 * a target of 24 hours, answers read later. Inline requests only (the JSONL file path needs the
 * Files API upload, which no node uses yet).
 *
 * Wire format, checked against the official @google/genai 3.1.0 client (Batches.create/get/cancel,
 * batchJobFromMldev, inlinedRequestToMldev, inlinedResponseFromMldev, tJobState) and Google's pages:
 * - https://ai.google.dev/api/batch-mode (REST): POST /v1beta/{model}:batchGenerateContent with
 *   `{ batch: { displayName, inputConfig: { requests: { requests: [{ request, metadata }] } } } }`,
 *   answered by an Operation `{ name: 'batches/…', metadata: GenerateContentBatch }`; the batch's
 *   state is `metadata.state` (BATCH_STATE_*; the client renames it JOB_STATE_*), its answers
 *   `response.inlinedResponses.inlinedResponses` (also `metadata.output.…`, which the client
 *   reads), "in the same order as the input requests"; GET /v1beta/batches/{id}; POST
 *   /v1beta/batches/{id}:cancel.
 * - https://ai.google.dev/gemini-api/docs/batch-api: inline requests keep "the total request size
 *   under 20MB"; 50% of the standard cost; target turnaround 24 hours; terminal states SUCCEEDED,
 *   FAILED, CANCELLED, EXPIRED (a job pending or running for more than 48 hours expires).
 * - Answers may come back without their request's `metadata` (https://discuss.ai.google.dev/t/
 *   gemini-batch-api-doesnt-return-the-user-metadata-back/112386), so keys fall back to order.
 */

/** Google's limit for a batch with inline requests, measured on the JSON body we send. */
export const MAX_INLINE_BATCH_BYTES = 20 * BYTES_PER_MB;

/** Waits between checks of a batch, in seconds: 1, 2, 5, then every 10 minutes. */
export const BATCH_CHECK_INTERVALS_SECONDS = [1, 2, 5, 10].map((minutes) => minutes * SECONDS_PER_MINUTE);

/** How long to wait before the next check, given how many checks were made so far. */
export function nextBatchCheckSeconds(checksSoFar: number): number {
	const index = Math.min(Math.max(0, Math.floor(checksSoFar)), BATCH_CHECK_INTERVALS_SECONDS.length - 1);
	return BATCH_CHECK_INTERVALS_SECONDS[index];
}

export type BatchState = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'expired';
const TERMINAL_STATES: readonly BatchState[] = ['succeeded', 'failed', 'cancelled', 'expired'];

export function isTerminal(state: BatchState): boolean {
	return TERMINAL_STATES.includes(state);
}

/** REST says BATCH_STATE_*, the official client JOB_STATE_*: both are read. */
const STATES: Record<string, BatchState> = {
	PENDING: 'pending',
	QUEUED: 'pending',
	RUNNING: 'running',
	CANCELLING: 'running',
	UPDATING: 'running',
	SUCCEEDED: 'succeeded',
	PARTIALLY_SUCCEEDED: 'succeeded',
	FAILED: 'failed',
	CANCELLED: 'cancelled',
	EXPIRED: 'expired',
};

export function batchStateOf(googleState: string | undefined, done: boolean): BatchState {
	const bare = String(googleState ?? '').replace(/^(BATCH|JOB)_STATE_/, '');
	const state = STATES[bare];
	if (state) return state;
	// An ended operation in a state we do not know has no answers we can read.
	return done ? 'failed' : 'pending';
}

export interface BatchItem {
	/** Finds the answer again: sent as the request's metadata.key. */
	key: string;
	request: GenerateRequest;
}

export interface BatchJob {
	/** "batches/…": what Check Batch reads and Cancel cancels. */
	name: string;
	state: BatchState;
	/** The state exactly as Google wrote it. */
	googleState: string;
	requestCount?: number;
	succeededCount?: number;
	failedCount?: number;
	pendingCount?: number;
	/** Google's reason when the batch failed. */
	errorMessage?: string;
}

export type BatchAnswer =
	| { key: string; ok: true; text: string; finishReason?: string }
	| { key: string; ok: false; reason: string };

interface InlinedResponse {
	response?: GeminiResponse;
	error?: { code?: number; message?: string };
	metadata?: { key?: unknown };
}

interface InlinedResponses {
	inlinedResponses?: { inlinedResponses?: InlinedResponse[] };
}

interface BatchOperation {
	name?: string;
	done?: boolean;
	error?: { code?: number; message?: string };
	metadata?: {
		name?: string;
		state?: string;
		batchStats?: Record<string, string | number | undefined>;
		output?: InlinedResponses;
	};
	response?: InlinedResponses;
}

const BATCH_NAME = /^(?:batches\/)?([A-Za-z0-9_-]+)$/;

/** "batches/abc" or "abc" → "abc"; anything else could reach another path, so it is refused. */
export function batchId(name: string): string {
	const match = BATCH_NAME.exec(name.trim());
	if (!match) throw new InvalidOutputError(`"${name}" is not a Gemini batch name (batches/…)`);
	return match[1];
}

/** The body, in the shape the official client sends for `ai.batches.create({ src: [...] })`. */
export function buildBatchBody(displayName: string, items: readonly BatchItem[]): IDataObject {
	const requests = items.map((item) => ({ request: buildGenerateContentBody(item.request), metadata: { key: item.key } }));
	return { batch: { displayName, inputConfig: { requests: { requests } } } };
}

const count = (value: string | number | undefined): number | undefined =>
	value === undefined || !Number.isFinite(Number(value)) ? undefined : Number(value);

export function readBatchJob(operation: BatchOperation): BatchJob {
	const googleState = operation.metadata?.state ?? '';
	const state = batchStateOf(googleState, operation.done === true);
	const stats = operation.metadata?.batchStats ?? {};
	const job: BatchJob = {
		name: operation.name ?? operation.metadata?.name ?? '',
		state,
		googleState,
		requestCount: count(stats.requestCount),
		succeededCount: count(stats.successfulRequestCount),
		failedCount: count(stats.failedRequestCount),
		pendingCount: count(stats.pendingRequestCount),
	};
	if (operation.error?.message) job.errorMessage = operation.error.message;
	else if (state === 'failed' && googleState === '') job.errorMessage = 'the batch ended without a state';
	return job;
}

/**
 * Every key's answer: matched by metadata.key when Google echoes it, else by position (answers
 * come in request order). A key with no answer, an error, or no text gets `ok: false` and the
 * reason, so the caller can retry exactly those as ordinary calls. With `accounting`, each answer's
 * tokens are counted and priced at the batch rate of `model`.
 */
export function readBatchAnswers(operation: BatchOperation, keys: readonly string[], accounting?: CallAccounting, model = ''): BatchAnswer[] {
	const list = operation.response?.inlinedResponses?.inlinedResponses ?? operation.metadata?.output?.inlinedResponses?.inlinedResponses ?? [];
	const byKey = new Map<string, InlinedResponse>();
	list.forEach((answer, index) => {
		const echoed = answer.metadata?.key;
		const key = typeof echoed === 'string' ? echoed : keys[index];
		if (key !== undefined && !byKey.has(key)) byKey.set(key, answer);
	});
	return keys.map((key): BatchAnswer => {
		const answer = byKey.get(key);
		if (!answer) return { key, ok: false, reason: 'the batch returned no answer for this request' };
		if (answer.error) return { key, ok: false, reason: `Gemini answered ${answer.error.code ?? 'an error'}: ${answer.error.message ?? 'no message'}` };
		if (!answer.response) return { key, ok: false, reason: 'the batch answer was empty' };
		if (accounting) countBatchUsage(accounting, model, answer.response.usageMetadata);
		try {
			const { text, finishReason } = readCandidateText(answer.response);
			return { key, ok: true, text, finishReason };
		} catch (error) {
			return { key, ok: false, reason: error instanceof Error ? error.message : String(error) };
		}
	});
}

function operationOf(body: unknown): BatchOperation {
	return typeof body === 'object' && body !== null ? (body as BatchOperation) : {};
}

/**
 * Submits one batch. Never hedged and not retried after it may have reached Google (a second
 * create would be a second billed batch): only a 429, which Google refused before doing
 * anything, is tried again within the settings' attempts and deadline.
 */
export async function createBatch(
	ctx: RequestContext,
	credential: ResolvedCredential,
	model: string,
	displayName: string,
	items: readonly BatchItem[],
	settings: ResilienceSettings,
	accounting: CallAccounting,
): Promise<BatchJob> {
	const body = buildBatchBody(displayName, items);
	// UTF-8 length without Buffer: what the 20 MB limit counts.
	const bytes = utf8Bytes(JSON.stringify(body));
	if (bytes >= MAX_INLINE_BATCH_BYTES) {
		throw new InvalidOutputError(`the batch is ${bytes} bytes; inline batches must stay under ${MAX_INLINE_BATCH_BYTES} bytes`);
	}
	const once = { ...settings, hedge: false, retry: { ...settings.retry, maxAttempts: 1 }, operation: `${modelPath(model)}:batchGenerateContent` };
	const response = await withRetry(
		async () =>
			await resilientCall(ctx, credential, once, accounting, async (timeoutMs, signal) =>
				await requestOnce<BatchOperation>(ctx, credential, { credentialType: 'geminiApi', method: 'POST', path: `${modelPath(model)}:batchGenerateContent`, body }, timeoutMs, signal),
			),
		{
			...settings.retry,
			deadlineAt: settings.deadlineAt,
			signal: settings.signal ?? cancelSignalOf(ctx),
			classify: (error) =>
				error instanceof GoogleHttpError && error.statusCode === 429
					? classifyStatus(error.statusCode, error.minDelayMs)
					: { retry: false },
			onRetry: () => {
				accounting.retries++;
			},
		},
	);
	return readBatchJob(operationOf(response.body));
}

/** Reads a batch (safe to repeat, so retried and hedged like any read). */
export async function getBatch(
	ctx: RequestContext,
	credential: ResolvedCredential,
	name: string,
	settings: ResilienceSettings,
	accounting: CallAccounting,
): Promise<{ job: BatchJob; operation: BatchOperation }> {
	const path = `/v1beta/batches/${batchId(name)}`;
	const response = await resilientCall(ctx, credential, { ...settings, operation: 'batches.get' }, accounting, async (timeoutMs, signal) =>
		await requestOnce<BatchOperation>(ctx, credential, { credentialType: 'geminiApi', method: 'GET', path }, timeoutMs, signal),
	);
	const operation = operationOf(response.body);
	return { job: readBatchJob(operation), operation };
}

/** Asks Google to cancel a batch; repeating it is harmless. */
export async function cancelBatch(
	ctx: RequestContext,
	credential: ResolvedCredential,
	name: string,
	settings: ResilienceSettings,
	accounting: CallAccounting,
): Promise<void> {
	const path = `/v1beta/batches/${batchId(name)}:cancel`;
	await resilientCall(ctx, credential, { ...settings, hedge: false, operation: 'batches.cancel' }, accounting, async (timeoutMs, signal) =>
		await requestOnce(ctx, credential, { credentialType: 'geminiApi', method: 'POST', path, body: {} }, timeoutMs, signal),
	);
}

/**
 * What Cancel Batch needs: only the batch's name (and the job id, when known). So a workflow can
 * cancel from what it stored about the job (its status row), not only from the waiting Report.
 */
export interface BatchToCancel {
	batchJob: string;
	jobId?: string;
}

export function readBatchToCancel(value: unknown): { ok: true; state: BatchToCancel } | { ok: false; reason: string } {
	if (typeof value !== 'object' || value === null) return { ok: false, reason: 'is empty or not an object' };
	const { batchJob, jobId } = value as Partial<BatchToCancel>;
	if (typeof batchJob !== 'string' || !batchJob.startsWith('batches/')) {
		return { ok: false, reason: 'has no "batchJob" (the batches/… name a node gave when it submitted the batch)' };
	}
	return { ok: true, state: { batchJob, ...(typeof jobId === 'string' ? { jobId } : {}) } };
}

/** Cancels a batch, then reads it: what Cancel Batch reports (a batch that already ended stays as it was). */
export async function cancelAndRead(
	ctx: RequestContext,
	credential: ResolvedCredential,
	name: string,
	settings: ResilienceSettings,
	accounting: CallAccounting,
): Promise<BatchJob> {
	await cancelBatch(ctx, credential, name, settings, accounting);
	return (await getBatch(ctx, credential, name, settings, accounting)).job;
}
