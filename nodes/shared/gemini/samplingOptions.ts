import type { INodeProperties } from 'n8n-workflow';

/**
 * The sampling options every node that generates text offers, with the same names, labels and
 * ranges; each node gives its own default (a triage wants less variety than a story).
 * Ranges: https://ai.google.dev/api/generate-content#generationconfig (temperature 0–2, topP 0–1).
 */

export function temperatureOption(defaultTemperature: number): INodeProperties {
	return {
		displayName: 'Temperature',
		name: 'temperature',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 2, numberPrecision: 2 },
		default: defaultTemperature,
		description: 'Higher is more creative',
	};
}

export function topPOption(defaultTopP: number): INodeProperties {
	return {
		displayName: 'Top P',
		name: 'topP',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
		default: defaultTopP,
		description: 'Nucleus sampling: lower keeps to likelier words',
	};
}
