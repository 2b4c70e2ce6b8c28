import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { failedItem } from '../shared/node/items';
import { callReport, round2 } from '../shared/node/report';
import { readResilience, resilienceSettings } from '../shared/node/resilienceOptions';
import { mapWithConcurrency } from '../shared/transport/concurrency';
import { newAccounting } from '../shared/transport/resilientCall';
import { Semaphore } from '../shared/transport/semaphore';
import * as gemini from './actions/gemini.operation';
import * as googleCloud from './actions/googleCloud.operation';
import type { ExecutionShared, SpeechOperation, SpeechOutcome } from './actions/types';
import { DEFAULT_MAX_CHARACTERS, TTS_RESILIENCE_DEFAULTS } from './description';

type Provider = 'googleCloud' | 'gemini';

const OPERATIONS: Record<Provider, { execute: SpeechOperation; credentialName: string; label: string }> = {
	googleCloud: { execute: googleCloud.execute, credentialName: googleCloud.CLOUD_CREDENTIAL_NAME, label: 'Google Cloud Text-to-Speech' },
	gemini: { execute: gemini.execute, credentialName: gemini.GEMINI_CREDENTIAL_NAME, label: 'Gemini TTS' },
};

interface ItemResult {
	outcome: SpeechOutcome;
	audioItem: INodeExecutionData;
	report: IDataObject;
}

function providerOf(ctx: IExecuteFunctions, itemIndex: number): Provider {
	return ctx.getNodeParameter('provider', itemIndex, 'googleCloud') === 'gemini' ? 'gemini' : 'googleCloud';
}

function slug(text: string): string {
	return text
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 60);
}

function fileNameFor(requested: string, title: string, outcome: SpeechOutcome): string {
	const extension = `.${outcome.audio.extension}`;
	if (requested.trim() !== '') {
		const name = requested.trim();
		return name.toLowerCase().endsWith(extension) ? name : `${name}${extension}`;
	}
	const voice = outcome.voice.startsWith('default') ? '' : outcome.voice;
	const language = voice.toLowerCase().startsWith(outcome.languageCode.toLowerCase()) ? '' : outcome.languageCode;
	const parts = [slug(title) || 'speech', language, slug(voice.split(', ')[0].split('=').pop() ?? '')];
	return `${parts.filter(Boolean).join('-')}${extension}`;
}

function checkText(ctx: IExecuteFunctions, itemIndex: number, text: string, maxCharacters: number): void {
	if (text.trim() === '') {
		throw new NodeOperationError(ctx.getNode(), 'The text is empty, so there is nothing to say', {
			itemIndex,
			description: 'Set Text, or check that the expression in Text finds a value in this item.',
		});
	}
	const characters = Array.from(text).length;
	if (characters > maxCharacters) {
		throw new NodeOperationError(ctx.getNode(), `The text has ${characters.toLocaleString('en-US')} characters, more than Max Text Length (${maxCharacters.toLocaleString('en-US')})`, {
			itemIndex,
			description: 'Raise Options → Max Text Length (Characters), or split the text into several items.',
		});
	}
}

async function speakItem(ctx: IExecuteFunctions, itemIndex: number, shared: ExecutionShared): Promise<ItemResult> {
	const startedAt = Date.now();
	const provider = providerOf(ctx, itemIndex);
	const text = String(ctx.getNodeParameter('text', itemIndex, '') ?? '');
	const title = String(ctx.getNodeParameter('title', itemIndex, '') ?? '').trim();
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const maxCharacters = typeof options.maxCharacters === 'number' ? options.maxCharacters : DEFAULT_MAX_CHARACTERS;
	checkText(ctx, itemIndex, text, maxCharacters);
	const resilience = readResilience(options, TTS_RESILIENCE_DEFAULTS);
	const accounting = newAccounting();
	const settings = resilienceSettings(resilience, shared.slots, true, startedAt);
	const outcome = await OPERATIONS[provider].execute({ ctx, itemIndex, text, resilience, settings, accounting, shared });

	const fileName = fileNameFor(String(ctx.getNodeParameter('fileName', itemIndex, '') ?? ''), title, outcome);
	const binaryProperty = String(ctx.getNodeParameter('binaryPropertyName', itemIndex, 'audio') || 'audio').trim();
	const binary = await ctx.helpers.prepareBinaryData(outcome.audio.data, fileName, outcome.audio.mimeType);
	const characters = Array.from(text).length;
	const durationSeconds = round2(outcome.audio.durationSeconds);
	const json: IDataObject = {
		...(title ? { title } : {}),
		provider,
		voice: outcome.voice,
		languageCode: outcome.languageCode,
		...(outcome.model ? { model: outcome.model } : {}),
		encoding: outcome.encoding,
		mimeType: outcome.audio.mimeType,
		fileName,
		fileSize: outcome.audio.data.length,
		durationSeconds,
		chunkCount: outcome.chunkCount,
		characters,
	};
	const report: IDataObject = {
		...(title ? { title } : {}),
		provider,
		chunkCount: outcome.chunkCount,
		characters,
		audioSeconds: durationSeconds,
		fileSize: outcome.audio.data.length,
		...callReport(accounting, { startedAt }),
	};
	return { outcome, audioItem: { json, binary: { [binaryProperty]: binary }, pairedItem: { item: itemIndex } }, report };
}

/**
 * Speaks every input item (several at once; results in input order). One Semaphore caps the
 * calls in flight across all items and chunks of this execution. Output 1 gets one audio item
 * per input item, output 2 its report; a failing item throws, or with Continue On Fail becomes
 * an error item on the report output while the others go on.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const first = readResilience((this.getNodeParameter('options', 0, {}) ?? {}) as IDataObject, TTS_RESILIENCE_DEFAULTS);
	const shared: ExecutionShared = { slots: new Semaphore(first.parallelCalls), voices: new Map() };
	const settled = await mapWithConcurrency(
		items,
		first.parallelItems,
		async (_item, itemIndex) => await speakItem(this, itemIndex, shared),
		this.getExecutionCancelSignal(),
	);
	const audio: INodeExecutionData[] = [];
	const reports: INodeExecutionData[] = [];
	for (const [itemIndex, result] of settled.entries()) {
		if (result.status === 'fulfilled') {
			audio.push(result.value.audioItem);
			reports.push({ json: result.value.report, pairedItem: { item: itemIndex } });
			continue;
		}
		const provider = OPERATIONS[providerOf(this, itemIndex)];
		reports.push(failedItem(this, result.reason, itemIndex, provider.credentialName));
	}
	return [audio, reports];
}
