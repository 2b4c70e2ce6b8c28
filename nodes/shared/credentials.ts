import { createHash } from 'node:crypto';

import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/**
 * Who we call and with which key: the credential types, their display names and hosts, loading
 * a credential (its key kept as a secret to redact), and the key that identifies a credential in
 * process-wide state (limiters, breakers, latency history) without containing the API key.
 */

export type GoogleCredentialType = 'geminiApi' | 'googleCloudTtsApi';

export interface ResolvedCredential {
	host: string;
	requestsPerMinute: number;
	/** Values that must never reach output, errors or logs. */
	secrets: string[];
	/** Identifies the credential for the shared rate limiter without containing the key. */
	identity: string[];
}

/** The credential names as n8n shows them in the node's Credential field. */
export const GEMINI_CREDENTIAL_NAME = 'Gemini API';
export const CLOUD_TTS_CREDENTIAL_NAME = 'Google Cloud Text-to-Speech API';

export const SERVICE_NAMES: Record<GoogleCredentialType, string> = {
	geminiApi: 'Gemini',
	googleCloudTtsApi: 'Google Cloud Text-to-Speech',
};

const DEFAULT_HOSTS: Record<GoogleCredentialType, string> = {
	geminiApi: 'https://generativelanguage.googleapis.com',
	googleCloudTtsApi: 'https://texttospeech.googleapis.com',
};

const CREDENTIAL_KEY_HEX_LENGTH = 16;

function trimSlash(url: string): string {
	return url.replace(/\/+$/, '');
}

/**
 * The credential's host, key and rate limit. A credential without an API key is refused with a
 * message that says so, unless `allowEmptyKey` (nodes that work without AI check it themselves).
 */
export async function resolveCredential(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	credentialType: GoogleCredentialType,
	itemIndex?: number,
	{ allowEmptyKey = false }: { allowEmptyKey?: boolean } = {},
): Promise<ResolvedCredential> {
	// n8n throws a plain Error for a credential that is missing, deleted or not shared: that is
	// the user's setting to fix, never an internal error.
	const loaded = await ctx.getCredentials(credentialType, itemIndex).then(
		(value) => ({ value }),
		(error: unknown) => ({ error }),
	);
	if ('error' in loaded) {
		if (loaded.error instanceof NodeOperationError || loaded.error instanceof NodeApiError) throw loaded.error;
		const reason = loaded.error instanceof Error ? loaded.error.message : String(loaded.error);
		throw new NodeOperationError(ctx.getNode(), `The ${SERVICE_NAMES[credentialType]} credential could not be loaded: ${reason}`, {
			itemIndex,
			description: 'Open the node, select a credential in its Credential field (or create one), and save the workflow.',
		});
	}
	const data = loaded.value;
	const apiKey = typeof data.apiKey === 'string' ? data.apiKey.trim() : '';
	if (apiKey === '' && !allowEmptyKey) {
		throw new NodeOperationError(ctx.getNode(), `The ${SERVICE_NAMES[credentialType]} credential has no API key`, {
			itemIndex,
			description: 'Open the credential selected in this node and paste your API key (see the README, section Credentials).',
		});
	}
	const host = trimSlash(
		typeof data.host === 'string' && data.host.trim() !== ''
			? data.host.trim()
			: DEFAULT_HOSTS[credentialType],
	);
	const requestsPerMinute = Number(data.requestsPerMinute ?? 0);
	return {
		host,
		requestsPerMinute: Number.isFinite(requestsPerMinute) ? requestsPerMinute : 0,
		secrets: apiKey ? [apiKey] : [],
		identity: [credentialType, host, apiKey],
	};
}

/** A stable, non-reversible registry key: sha256 of the parts, first 16 hex characters. */
export function credentialKey(parts: readonly string[]): string {
	// The NUL separator keeps ['ab', 'c'] and ['a', 'bc'] apart.
	return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, CREDENTIAL_KEY_HEX_LENGTH);
}

/**
 * For nodes whose Gemini credential is optional by design (they still deliver without it:
 * templates, rules): a credential that is not selected, cannot be loaded (deleted, not shared,
 * an imported workflow whose credential was never picked) or has no key is treated the same way,
 * and `reason` says why, ending with `withoutIt` (e.g. "so rules answered").
 */
export async function optionalGeminiCredential(
	ctx: IExecuteFunctions,
	withoutIt: string,
	itemIndex?: number,
): Promise<{ credential?: ResolvedCredential; reason?: string }> {
	const selected = ctx.getNode().credentials?.geminiApi;
	if (!selected || (!selected.id && !selected.name)) {
		return { reason: `No Gemini credential is set, ${withoutIt}` };
	}
	const loaded = await resolveCredential(ctx, 'geminiApi', itemIndex, { allowEmptyKey: true }).then(
		(credential) => ({ credential }),
		(error: unknown) => ({ error }),
	);
	if ('error' in loaded) {
		const message = loaded.error instanceof Error ? loaded.error.message : String(loaded.error);
		return { reason: `The Gemini credential "${selected.name}" could not be loaded (${message}), ${withoutIt}` };
	}
	return loaded.credential.secrets.length > 0
		? { credential: loaded.credential }
		: { reason: `The Gemini credential has no API key, ${withoutIt}` };
}
