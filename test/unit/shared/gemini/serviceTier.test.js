'use strict';
const {
	serviceTierOption, readServiceTier, serviceTierField, parseServedTier, servedTier, SERVICE_TIER_HEADER,
	FLEX_CALL_TIMEOUT_SECONDS, FLEX_ITEM_DEADLINE_SECONDS,
} = require('../../../../nodes/shared/gemini/serviceTier');
const { readResilience, resilienceSettings, resilienceOptionProperties, FLEX_RETRY_POLICY } = require('../../../../nodes/shared/node/resilienceOptions');
const { buildGenerateContentBody } = require('../../../../nodes/shared/gemini/generate');
const { buildSpeechBody } = require('../../../../nodes/shared/gemini/speech');

describe('Service Tier option', () => {
	test('offers Standard (default), Flex and Priority, once, in the shared options', () => {
		const option = serviceTierOption();
		expect(option.default).toBe('standard');
		expect(option.options.map((o) => o.value)).toEqual(['standard', 'flex', 'priority']);
		expect(resilienceOptionProperties().filter((p) => p.name === 'serviceTier')).toHaveLength(1);
	});

	test('reads the tier; anything else is Standard', () => {
		expect(readServiceTier({ serviceTier: 'flex' })).toBe('flex');
		expect(readServiceTier({ serviceTier: 'priority' })).toBe('priority');
		expect(readServiceTier({ serviceTier: 'FLEX!' })).toBe('standard');
		expect(readServiceTier({})).toBe('standard');
	});

	test('Standard sends no field, like the official client; Flex and Priority send a top-level serviceTier', () => {
		expect(serviceTierField('standard')).toEqual({});
		expect(serviceTierField(undefined)).toEqual({});
		const flex = buildGenerateContentBody({ model: 'gemini-3.8-flash', prompt: 'Hi', serviceTier: 'flex' });
		expect(flex.serviceTier).toBe('flex');
		expect(flex.generationConfig.serviceTier).toBeUndefined();
		expect('serviceTier' in buildGenerateContentBody({ model: 'gemini-3.8-flash', prompt: 'Hi', serviceTier: 'standard' })).toBe(false);
		expect(buildSpeechBody({ model: 'gemini-3.8-flash-tts', prompt: 'Hi', voice: 'Kore', serviceTier: 'priority' }).serviceTier).toBe('priority');
	});

	test('the served tier comes from the header, else usageMetadata, else the request', () => {
		expect(SERVICE_TIER_HEADER).toBe('x-gemini-service-tier');
		expect(servedTier({ 'x-gemini-service-tier': 'standard' }, 'priority', 'priority')).toBe('standard');
		expect(servedTier({}, 'SERVICE_TIER_FLEX', 'standard')).toBe('flex');
		expect(servedTier(undefined, undefined, 'flex')).toBe('flex');
		expect(servedTier(undefined, undefined, undefined)).toBe('standard');
		expect(parseServedTier(['Flex'])).toBe('flex');
		expect(parseServedTier('deferred')).toBeUndefined();
	});

	test('Flex lengthens unset timeouts, turns hedging off unless asked, and retries a shed call more patiently', () => {
		const flex = readResilience({ serviceTier: 'flex' });
		expect(flex).toMatchObject({ serviceTier: 'flex', callTimeoutMs: FLEX_CALL_TIMEOUT_SECONDS * 1000, itemDeadlineMs: FLEX_ITEM_DEADLINE_SECONDS * 1000, hedge: false });
		expect(readResilience({ serviceTier: 'flex', hedgeSlowCalls: true }).hedge).toBe(true);
		// What the user set wins.
		expect(readResilience({ serviceTier: 'flex', callTimeoutSeconds: 45, itemDeadlineSeconds: 90 })).toMatchObject({ callTimeoutMs: 45000, itemDeadlineMs: 90000 });
		const settings = resilienceSettings(flex, undefined, true, 0);
		expect(settings).toMatchObject({ serviceTier: 'flex', retry: FLEX_RETRY_POLICY, deadlineAt: FLEX_ITEM_DEADLINE_SECONDS * 1000 });
		expect(resilienceSettings(readResilience({ serviceTier: 'flex', maxAttempts: 2 }), undefined).retry.maxAttempts).toBe(2);
		// Standard keeps the old defaults.
		expect(resilienceSettings(readResilience({}), undefined)).toMatchObject({ serviceTier: 'standard', hedge: true, retry: { maxAttempts: 3, baseDelayMs: 500 } });
	});
});
