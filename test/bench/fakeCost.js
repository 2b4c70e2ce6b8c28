'use strict';
// The list price of what the Google fake answered, from the usageMetadata of each answer and the
// tier it was served at, priced with the package's own table (dist/nodes/shared/gemini/pricing.js):
// the same measure for every workflow a bench compares. Needs the fake's maxRequestsKept above the
// calls of one run.
const path = require('node:path');

const DIST_PRICING = path.join(__dirname, '..', '..', 'dist', 'nodes', 'shared', 'gemini', 'pricing.js');

/** The pricing table's token counts of one usageMetadata. */
function tokensOf(usage) {
	return { inputTokens: usage.promptTokenCount || 0, outputTokens: usage.candidatesTokenCount || 0, thinkingTokens: usage.thoughtsTokenCount || 0, audioOutputTokens: 0 };
}

/**
 * `{usd, input, output, byTier}` of the answered text calls in `requests` (speech models left out)
 * and of the batch answers in `batches` (at the batch rate). `usd` is null when anything could
 * not be priced.
 */
function fakeCost({ requests = [], batches = [] }) {
	const { geminiCallCostUsd } = require(DIST_PRICING);
	const total = { usd: 0, input: 0, output: 0, byTier: {} };
	const add = (model, tier, usage) => {
		if (!usage) return;
		const tokens = tokensOf(usage);
		const price = geminiCallCostUsd(model, tier, tokens);
		total.usd = price === null || total.usd === null ? null : total.usd + price;
		total.input += tokens.inputTokens;
		total.output += tokens.outputTokens + tokens.thinkingTokens;
		total.byTier[tier] = (total.byTier[tier] || 0) + 1;
	};
	for (const r of requests) {
		if (r.route === 'generateContent' && r.status === 200 && !/-tts/.test(r.model || '')) add(r.model, r.servedTier || 'standard', r.usage);
	}
	for (const batch of batches) {
		for (const usage of batch.usage || []) add(String(batch.model).replace(/^models\//, ''), 'batch', usage);
	}
	return total;
}

module.exports = { fakeCost };
