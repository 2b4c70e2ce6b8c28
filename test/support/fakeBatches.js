'use strict';
// The Gemini Batch API in the fake (issue #24): inline batches only, answered by the fake's own
// generateContent so a batch's missions and adaptations look like the interactive ones.
//
// Wire format, as the official @google/genai 3.1.0 client sends and reads it (dist/index.cjs,
// Batches.createInternal / get / cancel, batchJobFromMldev, inlinedResponseFromMldev) and as the
// REST reference describes it (https://ai.google.dev/api/batch-mode):
//   POST {v}/models/{m}:batchGenerateContent
//     { batch: { displayName, inputConfig: { requests: { requests: [ { request: GenerateContentRequest, metadata } ] } } } }
//   → Operation { name: 'batches/{id}', metadata: GenerateContentBatch { model, displayName, state: 'BATCH_STATE_PENDING', batchStats, … } }
//   GET {v}/batches/{id} → the same Operation; once finished `done: true`, and the answers in
//     `response.inlinedResponses.inlinedResponses` and `metadata.output.inlinedResponses.inlinedResponses`,
//     each `{ response: GenerateContentResponse, metadata }` or `{ error: Status, metadata }`, in request order.
//   POST {v}/batches/{id}:cancel → {}
// batchStats counts are int64, so JSON strings (as Google encodes int64). Inline requests must keep the
// whole request under 20 MB (https://ai.google.dev/gemini-api/docs/batch-api); larger bodies get a 400.
//
// Options (fake.configure({ batch: {...} }); each batch keeps the options it was created with):
//   pendingMs, runningMs  time in PENDING, then RUNNING, before the batch ends (0: ended at the first read)
//   outcome               'succeeded' (default) | 'failed' | 'expired' (EXPIRED: Google's 48 h limit)
//   failRate, failRequests  per-request failures inside a succeeded batch (rate, and/or request indexes)
//   echoMetadata          false: answers leave out their request's metadata (reported by users:
//                         https://discuss.ai.google.dev/t/gemini-batch-api-doesnt-return-the-user-metadata-back/112386),
//                         so clients must fall back to request order
//   failMessage           Google's reason for a FAILED batch

const INLINE_LIMIT_BYTES = 20 * 1024 * 1024;
const BATCH_TYPE = 'type.googleapis.com/google.ai.generativelanguage.v1beta.GenerateContentBatch';
const OUTPUT_TYPE = 'type.googleapis.com/google.ai.generativelanguage.v1beta.GenerateContentBatchOutput';
const INLINED_REQUEST_KEYS = new Set(['request', 'metadata']);
const BATCH_DEFAULTS = { pendingMs: 0, runningMs: 0, outcome: 'succeeded', failRate: 0, failRequests: [], echoMetadata: true, failMessage: 'The batch could not be processed.' };
const TERMINAL = { succeeded: 'BATCH_STATE_SUCCEEDED', failed: 'BATCH_STATE_FAILED', expired: 'BATCH_STATE_EXPIRED' };

/**
 * createBatchStore({ opts, C, HttpError, bad, generate }) → { create, get, cancel, list, clear }
 * `generate(route, body, rng)` is the fake's generateContent handler; it throws HttpError for bad requests.
 */
function createBatchStore({ opts, C, HttpError, bad, generate }) {
	const batches = new Map();
	let counter = 0;

	function settings() {
		return { ...BATCH_DEFAULTS, ...(opts.batch || {}) };
	}

	/** The 20 MB limit is checked by the fake's handler before the body is parsed. */
	function create(route, body) {
		const batch = body && body.batch;
		if (!batch || typeof batch !== 'object') throw bad('* BatchGenerateContentRequest.batch: batch is not specified\n');
		const input = batch.inputConfig || {};
		if (input.fileName !== undefined) throw bad('fake: only inline requests are supported (inputConfig.requests)');
		const entries = input.requests && input.requests.requests;
		if (!Array.isArray(entries) || entries.length === 0) throw bad('* BatchGenerateContentRequest.batch.input_config: requests is not specified\n');
		entries.forEach((entry, i) => {
			const unknown = Object.keys(entry || {}).find((k) => !INLINED_REQUEST_KEYS.has(k));
			if (unknown) throw bad(`Invalid JSON payload received. Unknown name "${unknown}" at 'batch.input_config.requests.requests[${i}]': Cannot find field.`);
			if (!entry.request || typeof entry.request !== 'object') throw bad(`* BatchGenerateContentRequest.batch.input_config.requests.requests[${i}].request: request is not specified\n`);
		});
		counter++;
		const id = C.hash32(`${route.model}|${counter}|${Date.now()}`, opts.seed >>> 0).toString(36) + counter.toString(36);
		const now = Date.now();
		const record = {
			name: `batches/${id}`,
			model: `models/${route.model}`,
			route: { ...route, name: 'generateContent' },
			displayName: typeof batch.displayName === 'string' ? batch.displayName : '',
			entries,
			createdAt: now,
			updatedAt: now,
			settings: settings(),
			cancelledAt: undefined,
			answers: undefined,
		};
		batches.set(record.name, record);
		// Google answers a create with the new batch PENDING, however fast it will run.
		return operation(record, now, 'BATCH_STATE_PENDING');
	}

	function stateOf(record, now) {
		if (record.cancelledAt !== undefined) return 'BATCH_STATE_CANCELLED';
		const elapsed = now - record.createdAt;
		if (elapsed < record.settings.pendingMs) return 'BATCH_STATE_PENDING';
		if (elapsed < record.settings.pendingMs + record.settings.runningMs) return 'BATCH_STATE_RUNNING';
		return TERMINAL[record.settings.outcome] || TERMINAL.succeeded;
	}

	function answer(record, entry, index) {
		const rng = C.mulberry32(C.hash32(`${record.name}|${index}`, opts.seed >>> 0));
		const s = record.settings;
		const base = s.echoMetadata && entry.metadata !== undefined ? { metadata: entry.metadata } : {};
		if (s.failRequests.includes(index) || rng() < s.failRate) {
			return { ...base, error: { code: 500, message: 'An internal error has occurred.', status: 'INTERNAL' } };
		}
		try {
			return { ...base, response: generate(record.route, entry.request, rng) };
		} catch (e) {
			if (!(e instanceof HttpError)) throw e;
			return { ...base, error: { code: e.code, message: e.message } };
		}
	}

	function operation(record, now, forcedState) {
		const state = forcedState || stateOf(record, now);
		const total = record.entries.length;
		const done = !['BATCH_STATE_PENDING', 'BATCH_STATE_RUNNING'].includes(state);
		const metadata = {
			'@type': BATCH_TYPE,
			model: record.model,
			displayName: record.displayName,
			createTime: new Date(record.createdAt).toISOString(),
			updateTime: new Date(done ? Math.max(record.updatedAt, now) : record.updatedAt).toISOString(),
			batchStats: { requestCount: String(total), pendingRequestCount: String(total) },
			state,
			name: record.name,
		};
		const op = { name: record.name, metadata };
		if (!done) return op;
		metadata.endTime = metadata.updateTime;
		op.done = true;
		if (state === 'BATCH_STATE_SUCCEEDED') {
			if (!record.answers) record.answers = record.entries.map((entry, i) => answer(record, entry, i));
			const failed = record.answers.filter((a) => a.error).length;
			metadata.batchStats = { requestCount: String(total), successfulRequestCount: String(total - failed) };
			if (failed > 0) metadata.batchStats.failedRequestCount = String(failed);
			const inlinedResponses = { inlinedResponses: record.answers };
			metadata.output = { inlinedResponses };
			op.response = { '@type': OUTPUT_TYPE, inlinedResponses };
		} else if (state === 'BATCH_STATE_FAILED') {
			op.error = { code: 13, message: record.settings.failMessage };
		}
		return op;
	}

	function find(id) {
		const record = batches.get(`batches/${id}`);
		if (!record) throw new HttpError(404, `Batch batches/${id} not found.`);
		return record;
	}

	return {
		create,
		get: (id) => operation(find(id), Date.now()),
		cancel(id) {
			const record = find(id);
			const state = stateOf(record, Date.now());
			if (state === 'BATCH_STATE_PENDING' || state === 'BATCH_STATE_RUNNING') {
				record.cancelledAt = Date.now();
				record.updatedAt = record.cancelledAt;
			}
			return {};
		},
		/** Every batch as the fake holds it (tests): name, state, request count, cancelled. */
		list: () =>
			[...batches.values()].map((r) => ({
				name: r.name,
				model: r.model,
				displayName: r.displayName,
				state: stateOf(r, Date.now()),
				requests: r.entries.length,
				cancelled: r.cancelledAt !== undefined,
				// The usage of the answers handed out so far (a bench prices them).
				usage: (r.answers || []).filter((a) => a.response).map((a) => a.response.usageMetadata),
			})),
		clear: () => batches.clear(),
	};
}

module.exports = { createBatchStore, INLINE_LIMIT_BYTES, BATCH_DEFAULTS };
