import type { IDataObject, INodeProperties } from 'n8n-workflow';

/**
 * Gemini's service tiers for generateContent: Standard (default), Flex (about half the price,
 * best effort, "minutes (1–15 min target)", may be shed with a 503) and Priority (a premium, never
 * shed; over its limit Google serves the call at Standard instead).
 *
 * Wire format, checked 2026-12-05 against @google/genai 3.1.0 (`GenerateContentConfig.serviceTier`,
 * enum values "standard" | "flex" | "priority", written by generateContentConfigToMldev as a
 * top-level `serviceTier` of the request body) and https://ai.google.dev/gemini-api/docs/flex-inference
 * ("specify the service_tier as flex in the request body; by default requests use the standard
 * tier if this field is omitted"). The tier that served the call comes back in the
 * `x-gemini-service-tier` response header (https://ai.google.dev/gemini-api/docs/priority-inference:
 * `headers.get("x-gemini-service-tier") == "standard"` detects a downgraded Priority call), and
 * in the body as `usageMetadata.serviceTier` (the client's UsageMetadata, "not supported in Vertex AI").
 */

export type ServiceTier = 'standard' | 'flex' | 'priority';

export const DEFAULT_SERVICE_TIER: ServiceTier = 'standard';
export const SERVICE_TIER_HEADER = 'x-gemini-service-tier';

const TIERS: readonly ServiceTier[] = ['standard', 'flex', 'priority'];

/**
 * Flex answers in minutes, not seconds: defaults used when the node's own timeout, deadline or
 * hedge option is not set. A hedge would pay for a second Flex call to win a race Flex is not
 * meant to run, so it is off unless asked for.
 */
export const FLEX_CALL_TIMEOUT_SECONDS = 600;
export const FLEX_ITEM_DEADLINE_SECONDS = 1800;

/** The "Service Tier" entry of a node's Options collection. */
export function serviceTierOption(): INodeProperties {
	return {
		displayName: 'Service Tier',
		name: 'serviceTier',
		type: 'options',
		options: [
			{
				name: 'Standard',
				value: 'standard',
				description: 'Full price, answers in seconds',
			},
			{
				name: 'Flex',
				value: 'flex',
				description:
					'About half the price; best effort, may take minutes or be turned away when Google is busy (retried within the item deadline)',
			},
			{
				name: 'Priority',
				value: 'priority',
				description: 'Premium price for the fastest, never-shed answers; over its limit Google serves at Standard',
			},
		],
		default: DEFAULT_SERVICE_TIER,
		description:
			"Gemini's price and speed class for every Gemini call of this node. With Flex, unset timeouts default to 10 minutes per call and 30 minutes per item. The report counts which tier actually served each call.",
	};
}

export function isServiceTier(value: unknown): value is ServiceTier {
	return typeof value === 'string' && (TIERS as readonly string[]).includes(value);
}

/** The tier chosen in an Options collection; anything else is Standard. */
export function readServiceTier(options: IDataObject): ServiceTier {
	return isServiceTier(options.serviceTier) ? options.serviceTier : DEFAULT_SERVICE_TIER;
}

/** The body field for a tier: nothing for Standard, exactly as the official client omits it. */
export function serviceTierField(tier: ServiceTier | undefined): { serviceTier?: ServiceTier } {
	return tier && tier !== DEFAULT_SERVICE_TIER ? { serviceTier: tier } : {};
}

/** "flex", "FLEX" or "SERVICE_TIER_FLEX" → 'flex'; undefined when absent or not a tier we know. */
export function parseServedTier(value: unknown): ServiceTier | undefined {
	const raw = Array.isArray(value) ? value[0] : value;
	if (typeof raw !== 'string') return undefined;
	const tier = raw.trim().toLowerCase().replace(/^service_tier_/, '');
	return isServiceTier(tier) ? tier : undefined;
}

/**
 * The tier that served a call: the response header, else `usageMetadata.serviceTier`, else the
 * tier asked for (a response that names no tier was served as requested).
 */
export function servedTier(
	headers: Record<string, unknown> | undefined,
	usageTier: unknown,
	requested: ServiceTier | undefined,
): ServiceTier {
	return parseServedTier(headers?.[SERVICE_TIER_HEADER]) ?? parseServedTier(usageTier) ?? requested ?? DEFAULT_SERVICE_TIER;
}
