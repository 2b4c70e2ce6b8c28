import type { IExecuteFunctions } from 'n8n-workflow';

import { resolveCredential } from '../transport/request';
import type { ResolvedCredential } from '../transport/request';

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
