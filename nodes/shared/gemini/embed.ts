import { requestOnce } from '../transport/request';
import type { RequestContext } from '../transport/request';
import { resilientCall } from '../transport/resilientCall';
import type { CallAccounting, ResilienceSettings } from '../transport/resilientCall';
import { bareModelName } from './catalog';
import { modelPath } from './generate';
import { InvalidOutputError } from '../errors';
import { countEmbeddingCall } from './usage';
import type { ResolvedCredential } from '../credentials';

/** Gemini accepts at most this many texts in one batchEmbedContents request. */
export const MAX_EMBED_BATCH = 100;

export type EmbeddingTaskType =
	| 'SEMANTIC_SIMILARITY'
	| 'RETRIEVAL_QUERY'
	| 'RETRIEVAL_DOCUMENT'
	| 'CLASSIFICATION'
	| 'CLUSTERING';

export interface EmbedRequest {
	model: string;
	texts: string[];
	taskType?: EmbeddingTaskType;
	/** Shorter vectors (e.g. 256) are cheaper to store; Gemini truncates and renormalises. */
	outputDimensionality?: number;
}

interface BatchEmbedResponse {
	embeddings?: Array<{ values?: unknown }>;
}

function isVector(value: unknown): value is number[] {
	return Array.isArray(value) && value.length > 0 && value.every((x) => typeof x === 'number' && Number.isFinite(x));
}

/**
 * One vector per text, in order, through batchEmbedContents (chunks of MAX_EMBED_BATCH), with
 * every shared rule of resilientCall: rate limit, call slots, timeouts, bounded retries.
 */
export async function embedTexts(
	ctx: RequestContext,
	credential: ResolvedCredential,
	request: EmbedRequest,
	settings: ResilienceSettings,
	accounting: CallAccounting,
): Promise<number[][]> {
	const vectors: number[][] = [];
	const model = `models/${bareModelName(request.model)}`;
	for (let start = 0; start < request.texts.length; start += MAX_EMBED_BATCH) {
		const texts = request.texts.slice(start, start + MAX_EMBED_BATCH);
		const requests = texts.map((text) => {
			const one: Record<string, unknown> = { model, content: { parts: [{ text }] } };
			if (request.taskType) one.taskType = request.taskType;
			if (request.outputDimensionality) one.outputDimensionality = request.outputDimensionality;
			return one;
		});
		const chunk = await resilientCall(ctx, credential, settings, accounting, async (timeoutMs, signal) => {
			const { body } = await requestOnce<BatchEmbedResponse>(
				ctx,
				credential,
				{
					credentialType: 'geminiApi',
					method: 'POST',
					path: `${modelPath(request.model)}:batchEmbedContents`,
					body: { requests },
				},
				timeoutMs,
				signal,
			);
			countEmbeddingCall(accounting);
			const values = (body?.embeddings ?? []).map((embedding) => embedding.values);
			if (values.length !== texts.length || !values.every(isVector)) {
				throw new InvalidOutputError(`expected ${texts.length} embeddings, got an unusable answer`);
			}
			return values as number[][];
		});
		vectors.push(...chunk);
	}
	return vectors;
}

/** Cosine similarity in [-1, 1]; 0 when either vector is empty, zero or their lengths differ. */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
	if (a.length === 0 || a.length !== b.length) return 0;
	let dot = 0;
	let normA = 0;
	let normB = 0;
	for (let index = 0; index < a.length; index++) {
		dot += a[index] * b[index];
		normA += a[index] * a[index];
		normB += b[index] * b[index];
	}
	return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}
