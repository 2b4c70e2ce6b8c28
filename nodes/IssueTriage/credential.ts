import type { IExecuteFunctions } from 'n8n-workflow';

import { resolveCredential } from '../shared/transport/request';
import type { ResolvedCredential } from '../shared/transport/request';

/**
 * The credential is optional: without a working one every issue is answered by the rules and
 * the report says why, so a misconfigured workflow still replies to customers.
 */
export async function optionalCredential(ctx: IExecuteFunctions): Promise<{ credential?: ResolvedCredential; reason?: string }> {
	const selected = ctx.getNode().credentials?.geminiApi;
	if (!selected || (!selected.id && !selected.name)) {
		return { reason: 'No Gemini credential is set, so rules and template replies answered' };
	}
	const loaded = await resolveCredential(ctx, 'geminiApi').then(
		(credential) => ({ credential }),
		(error: unknown) => ({ error }),
	);
	if ('error' in loaded) {
		const message = loaded.error instanceof Error ? loaded.error.message : String(loaded.error);
		return { reason: `The Gemini credential "${selected.name}" could not be loaded (${message}), so rules answered` };
	}
	return loaded.credential.secrets.length > 0
		? { credential: loaded.credential }
		: { reason: 'The Gemini credential has no API key, so rules answered' };
}
