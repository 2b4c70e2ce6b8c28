import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class GeminiApi implements ICredentialType {
	name = 'geminiApi';

	displayName = 'Gemini API';

	icon: Icon = { light: 'file:../icons/gemini.svg', dark: 'file:../icons/gemini.dark.svg' };

	documentationUrl = 'https://ai.google.dev/gemini-api/docs/api-key';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'A Gemini API key from Google AI Studio',
		},
		{
			displayName: 'Host',
			name: 'host',
			type: 'string',
			default: 'https://generativelanguage.googleapis.com',
			description:
				'Base URL of the Gemini API. Change it only to go through a proxy or a compatible gateway.',
		},
		{
			displayName: 'Requests per Minute',
			name: 'requestsPerMinute',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description:
				'Most requests all nodes using this credential may send per minute, shared by every workflow running in this n8n instance. Set it to your Gemini quota (for example 10 on the free tier) so bursts wait instead of failing. 0 means no limit.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'x-goog-api-key': '={{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.host}}',
			url: '/v1beta/models',
			method: 'GET',
			qs: { pageSize: 1 },
		},
	};
}
