import type { IDataObject } from 'n8n-workflow';

import { MISSION_TYPES } from '../templates/types';
import { xpRangeFor } from './validate';
import type { ThemeSpec } from './types';

/** How many known titles go into a prompt: enough to steer away from them, bounded in tokens. */
export const MAX_TITLES_IN_PROMPT = 60;

const LANGUAGE_NAMES: Record<string, string> = {
	'pt-BR': 'Brazilian Portuguese',
	pt: 'Portuguese',
	en: 'English',
	es: 'Spanish',
	fr: 'French',
	de: 'German',
	it: 'Italian',
};

export function languageName(locale: string): string {
	return LANGUAGE_NAMES[locale] ?? `the language of locale "${locale}"`;
}

const TYPE_MEANINGS: Record<string, string> = {
	record_transactions: 'record {target} transactions',
	daily_streak: 'open the app and log spending {target} days in a row',
	create_categories: 'create {target} spending categories',
	categorize_transactions: 'categorise {target} transactions',
	save_amount: 'save {target} currency units',
	reduce_spending: 'cut spending in a category by {target} percent',
	create_goal: 'create {target} savings goals',
	goal_progress: 'reach {target} percent of a goal',
	review_reports: 'review {target} spending reports',
	stay_within_budget: 'stay within budget for {target} days',
};

/** The answer's shape: exactly `count` missions, enforced by Gemini's structured output. */
export function missionBatchSchema(count: number, tier: string): IDataObject {
	const xp = xpRangeFor(tier);
	return {
		type: 'ARRAY',
		minItems: count,
		maxItems: count,
		items: {
			type: 'OBJECT',
			properties: {
				title: { type: 'STRING', description: 'Short, catchy, unique title' },
				description: { type: 'STRING', description: 'One or two sentences telling the user what to do' },
				type: { type: 'STRING', enum: [...MISSION_TYPES] },
				target: { type: 'INTEGER', minimum: 1, description: 'The number the mission asks for' },
				xpReward: { type: 'INTEGER', minimum: xp.min, maximum: xp.max },
			},
			required: ['title', 'description', 'type', 'target', 'xpReward'],
			propertyOrdering: ['title', 'description', 'type', 'target', 'xpReward'],
		},
	};
}

export function systemInstruction(locale: string): string {
	return [
		'You design missions for a gamified personal-finance app that tracks expenses.',
		`Write every title and description in ${languageName(locale)}, addressed to the user, concrete and motivating.`,
		'Each mission must be verifiable by the app, using exactly one of these types:',
		...MISSION_TYPES.map((type) => `- ${type}: ${TYPE_MEANINGS[type]}`),
		'Answer only with the JSON array requested.',
	].join('\n');
}

export function batchPrompt(options: {
	count: number;
	tier: string;
	theme: ThemeSpec;
	knownTitles: readonly string[];
}): string {
	const { count, tier, theme, knownTitles } = options;
	const xp = xpRangeFor(tier);
	const titles = knownTitles.slice(-MAX_TITLES_IN_PROMPT);
	const lines = [
		`Create EXACTLY ${count} unique missions for users at level ${tier}.`,
		`Theme: ${theme.focus}. Keywords to draw on: ${theme.keywords.join(', ')}.`,
		`Difficulty must fit the ${tier} level; xpReward between ${xp.min} and ${xp.max}, higher for harder missions.`,
		'The description must state the target number.',
	];
	if (titles.length > 0) {
		lines.push(
			'',
			'IMPORTANT: these missions ALREADY EXIST. Create something DIFFERENT: no similar titles, no repeated ideas.',
			...titles.map((title, index) => `${index + 1}. ${title}`),
		);
	}
	lines.push('', 'Be creative and vary the mission types.');
	return lines.join('\n');
}
