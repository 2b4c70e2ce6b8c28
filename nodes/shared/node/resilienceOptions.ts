import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { FLEX_CALL_TIMEOUT_SECONDS, FLEX_ITEM_DEADLINE_SECONDS, readServiceTier, serviceTierOption } from '../gemini/serviceTier';
import type { ServiceTier } from '../gemini/serviceTier';
import { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_ITEM_DEADLINE_MS } from '../transport/deadline';
import type { ResilienceSettings } from '../transport/resilientCall';
import { DEFAULT_RETRY_POLICY, MAX_ATTEMPTS } from '../transport/retry';
import type { RetryPolicy } from '../transport/retry';
import type { Semaphore } from '../transport/semaphore';
import { MS_PER_SECOND } from '../units';
import { numberOr } from './parameters';

/**
 * The resilience options every node offers, with the same names, labels and defaults, so an
 * operator who tuned one node knows the others. A node spreads `resilienceOptionProperties()`
 * into its Options collection and reads them back with `readResilience`.
 */

export const DEFAULT_PARALLEL_CALLS = 3;
export const DEFAULT_PARALLEL_ITEMS = 10;
const MAX_PARALLEL = 50;
/** Room for a Flex call, whose target is "minutes (1–15 min)". */
const MAX_CALL_TIMEOUT_SECONDS = 900;
/**
 * A shed Flex call (503) is worth retrying after a longer pause than a Standard blip: capacity
 * frees up in minutes. Attempts still stop at the item deadline.
 */
export const FLEX_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 2000, maxDelayMs: 60_000 };
const MAX_ITEM_DEADLINE_SECONDS = 3600;

export interface ResilienceDefaults {
	parallelCalls?: number;
	parallelItems?: number;
	callTimeoutSeconds?: number;
	itemDeadlineSeconds?: number;
	/** The service's name as the user knows it, used in the option descriptions. */
	service?: string;
	/** A sentence added to Parallel Calls' description: what raising it trades on this node. */
	parallelCallsNote?: string;
}

/** The options with their defaults; a node may override a default (e.g. a TTS node's cap). */
export function resilienceOptionProperties(defaults: ResilienceDefaults = {}): INodeProperties[] {
	const service = defaults.service ?? 'Gemini';
	const overrides: Record<string, number | undefined> = {
		itemDeadlineSeconds: defaults.itemDeadlineSeconds,
		parallelCalls: defaults.parallelCalls,
		parallelItems: defaults.parallelItems,
		callTimeoutSeconds: defaults.callTimeoutSeconds,
	};
	const properties: INodeProperties[] = [
		{
			displayName: 'Hedge Slow Calls',
			name: 'hedgeSlowCalls',
			type: 'boolean',
			default: true,
			description: `Whether to send one backup request when a ${service} call runs far past its usual time, and use whichever answers first (at most about 5% extra calls)`,
		},
		{
			displayName: 'Item Deadline (Seconds)',
			name: 'itemDeadlineSeconds',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_ITEM_DEADLINE_SECONDS },
			default: 100,
			description: 'Most time one input item may take, all retries and waits included',
		},
		{
			displayName: 'Max Attempts per Call',
			name: 'maxAttempts',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_ATTEMPTS },
			default: 3,
			description: `Tries for each ${service} call on rate limits, server errors, timeouts or unusable answers (1 to ${MAX_ATTEMPTS})`,
		},
		{
			displayName: 'Parallel Calls',
			name: 'parallelCalls',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_PARALLEL },
			default: 3,
			description: `Most ${service} calls at the same time, across all items of this node${defaults.parallelCallsNote ? `. ${defaults.parallelCallsNote}` : ''}`,
		},
		{
			displayName: 'Parallel Items',
			name: 'parallelItems',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_PARALLEL },
			default: 10,
			description: 'Input items worked on at the same time',
		},
		{
			displayName: 'Timeout per Call (Seconds)',
			name: 'callTimeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_CALL_TIMEOUT_SECONDS },
			default: 30,
			description: `Most time one ${service} call may take before it is retried; never longer than what is left of the item deadline`,
		},
		serviceTierOption(),
	];
	return properties.map((property) => {
		const override = overrides[property.name];
		return override === undefined ? property : { ...property, default: override };
	});
}

export interface ResilienceOptions {
	maxAttempts: number;
	callTimeoutMs: number;
	itemDeadlineMs: number;
	parallelCalls: number;
	parallelItems: number;
	hedge: boolean;
	serviceTier: ServiceTier;
	/** True when Max Attempts per Call was left at its default (Flex then allows more). */
	defaultAttempts: boolean;
}

/**
 * Reads the shared options from a node's Options collection value, defaults filled in. With the
 * Flex tier, a timeout or deadline left unset gets Flex's longer default and hedging is off unless
 * turned on (a backup Flex call would be billed and only races a queue).
 */
export function readResilience(options: IDataObject, defaults: ResilienceDefaults = {}): ResilienceOptions {
	const serviceTier = readServiceTier(options);
	const flex = serviceTier === 'flex';
	const tierDefaults: ResilienceDefaults = flex
		? {
				...defaults,
				callTimeoutSeconds: Math.max(defaults.callTimeoutSeconds ?? 0, FLEX_CALL_TIMEOUT_SECONDS),
				itemDeadlineSeconds: Math.max(defaults.itemDeadlineSeconds ?? 0, FLEX_ITEM_DEADLINE_SECONDS),
			}
		: defaults;
	return {
		...readLimits(options, tierDefaults),
		hedge: flex ? options.hedgeSlowCalls === true : options.hedgeSlowCalls !== false,
		serviceTier,
		defaultAttempts: options.maxAttempts === undefined,
	};
}

function readLimits(options: IDataObject, defaults: ResilienceDefaults): Omit<ResilienceOptions, 'hedge' | 'serviceTier' | 'defaultAttempts'> {
	return {
		maxAttempts: numberOr(options.maxAttempts, DEFAULT_RETRY_POLICY.maxAttempts),
		callTimeoutMs:
			numberOr(options.callTimeoutSeconds, defaults.callTimeoutSeconds ?? DEFAULT_CALL_TIMEOUT_MS / MS_PER_SECOND) *
			MS_PER_SECOND,
		itemDeadlineMs:
			numberOr(
				options.itemDeadlineSeconds,
				defaults.itemDeadlineSeconds ?? DEFAULT_ITEM_DEADLINE_MS / MS_PER_SECOND,
			) * MS_PER_SECOND,
		parallelCalls: numberOr(options.parallelCalls, defaults.parallelCalls ?? DEFAULT_PARALLEL_CALLS),
		parallelItems: numberOr(options.parallelItems, defaults.parallelItems ?? DEFAULT_PARALLEL_ITEMS),
	};
}

/** The per-item settings for resilientCall, the item deadline starting now. */
export function resilienceSettings(
	options: ResilienceOptions,
	slots: Semaphore | undefined,
	retryInvalidOutput = true,
	now = Date.now(),
): ResilienceSettings {
	const flex = options.serviceTier === 'flex';
	const policy = flex ? FLEX_RETRY_POLICY : DEFAULT_RETRY_POLICY;
	return {
		slots,
		retry: { ...policy, maxAttempts: flex && options.defaultAttempts ? FLEX_RETRY_POLICY.maxAttempts : options.maxAttempts },
		callTimeoutMs: options.callTimeoutMs,
		deadlineAt: now + options.itemDeadlineMs,
		retryInvalidOutput,
		hedge: options.hedge,
		serviceTier: options.serviceTier,
	};
}
