import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { searchGenerativeModels } from '../shared/gemini/models';
import { missionGeneratorProperties } from './description';
import { router } from './router';

export class MissionGenerator implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Mission Generator',
		name: 'missionGenerator',
		icon: { light: 'file:missionGenerator.svg', dark: 'file:missionGenerator.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["count"] + " missions · " + $parameter["tier"]}}',
		description: 'Generate distinct gamified missions: templates first, Gemini for the rest',
		defaults: { name: 'Mission Generator' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Missions', 'Report'],
		credentials: [{ name: 'geminiApi', required: false }],
		properties: missionGeneratorProperties,
	};

	methods = { listSearch: { searchGenerativeModels } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
