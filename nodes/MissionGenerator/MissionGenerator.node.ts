import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { searchGenerativeModels, searchTextModels } from '../shared/gemini/models';
import { missionGeneratorProperties } from './description';
import { router } from './router';

// Codex (.node.json): "Root Nodes" and the alias "Gemini" let n8n's search find it (codex.test.js).
export class MissionGenerator implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Mission Generator',
		name: 'missionGenerator',
		icon: { light: 'file:missionGenerator.svg', dark: 'file:missionGenerator.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["count"] + " missions · " + $parameter["tier"]}}',
		description: 'Distinct gamified missions per player level: built-in templates first, Gemini for the rest',
		// Used as is by n8n's docs link; a codex URL would get "?utm_…" appended after the "#section".
		documentationUrl: 'https://github.com/gemini-ops/n8n-nodes-gemini-ops#mission-generator',
		defaults: { name: 'Mission Generator' },
		// What an AI Agent reads when it uses this node as a tool.
		usableAsTool: {
			replacements: {
				description: 'Creates distinct gamified personal-finance missions for one player level (BEGINNER, INTERMEDIATE or ADVANCED) in English ("en") or Brazilian Portuguese ("pt-BR"). Returns one item per mission (title, description, type, target, xpReward) and a report. Use it when a user needs new missions or challenges for a finance app.',
			},
		},
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Missions', 'Report'], // with Continue On Fail, error items go on Missions
		credentials: [{ name: 'geminiApi', required: false }],
		properties: missionGeneratorProperties,
	};

	// searchGenerativeModels: the picker's name in workflows saved before searchTextModels.
	methods = { listSearch: { searchTextModels, searchGenerativeModels } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
