import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class GoogleCloudTtsApi implements ICredentialType {
	name = 'googleCloudTtsApi';

	displayName = 'Google Cloud Text-to-Speech API';

	icon: Icon = { light: 'file:../icons/tts.svg', dark: 'file:../icons/tts.dark.svg' };

	documentationUrl = 'https://cloud.google.com/text-to-speech/docs/create-audio-text-client-libraries';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'A Google Cloud API key allowed to call the Text-to-Speech API',
		},
		{
			displayName: 'Host',
			name: 'host',
			type: 'string',
			default: 'https://texttospeech.googleapis.com',
			description: 'Base URL of the Text-to-Speech API. Change it only to go through a proxy.',
		},
		{
			displayName: 'Requests per Minute',
			name: 'requestsPerMinute',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description:
				'Most requests all nodes using this credential may send per minute, shared by every workflow running in this n8n instance. 0 means no limit.',
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
			url: '/v1/voices',
			method: 'GET',
			qs: { languageCode: 'en-US' },
		},
	};
}
