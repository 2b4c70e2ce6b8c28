import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { searchEmbeddingModels, searchTextModels } from '../shared/gemini/models';
import { issueTriageProperties, outputsExpression } from './description';
import { router } from './router';

export class IssueTriage implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Issue Triage',
		name: 'issueTriage',
		icon: { light: 'file:issueTriage.svg', dark: 'file:issueTriage.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["splitByPriority"] === false ? "one output" : "by priority"}}',
		description:
			'Triage support issues with Gemini: priority, category, sentiment and a validated first reply in the customer language, with cache, budgets, duplicates and a rule-based fallback',
		// Used as is by n8n's docs link (see MissionGenerator.node.ts).
		documentationUrl: 'https://github.com/gemini-ops/n8n-nodes-gemini-ops#issue-triage',
		defaults: { name: 'Issue Triage' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: outputsExpression,
		credentials: [{ name: 'geminiApi', required: false }],
		properties: issueTriageProperties,
	};

	methods = { listSearch: { searchTextModels, searchEmbeddingModels } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
