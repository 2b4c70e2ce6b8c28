import type { IBinaryData, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { callReport, round2 } from '../../shared/node/report';
import { resilienceSettings } from '../../shared/node/resilienceOptions';
import { slug } from '../../shared/text/normalize';
import { newAccounting } from '../../shared/transport/resilientCall';
import { readItemParameters } from '../parameters';
import type { Provider } from '../parameters';
import * as gemini from './gemini.operation';
import * as googleCloud from './googleCloud.operation';
import type { ExecutionShared, SpeechOperation, SpeechOutcome } from './types';

const OPERATIONS: Record<Provider, SpeechOperation> = {
	googleCloud: googleCloud.execute,
	gemini: gemini.execute,
};

/** A name when neither File Name nor Title gives one. */
const FALLBACK_FILE_STEM = 'speech';

/** One spoken item: its Audio output (json and the file) and its Report output. */
export interface SpokenItem {
	audio: IDataObject;
	binaryProperty: string;
	file: IBinaryData;
	report: IDataObject;
}

/**
 * The requested File Name with the right extension, or one built from the title, the language
 * (left out when the voice name already starts with it) and the voice (the first speaker's, in a
 * dialogue): "Lição Um" with pt-BR-Neural2-A gives "licao-um-pt-br-neural2-a.mp3".
 */
export function fileNameFor(requested: string, title: string, outcome: SpeechOutcome): string {
	const extension = `.${outcome.audio.extension}`;
	if (requested !== '') return requested.toLowerCase().endsWith(extension) ? requested : `${requested}${extension}`;
	const voice = outcome.voice.startsWith('default') ? '' : outcome.voice;
	const language = voice.toLowerCase().startsWith(outcome.languageCode.toLowerCase()) ? '' : outcome.languageCode;
	const parts = [slug(title) || FALLBACK_FILE_STEM, language, slug(voice.split(', ')[0].split('=').pop() ?? '')];
	return `${parts.filter(Boolean).join('-')}${extension}`;
}

/** Reads one item's parameters, has the provider's operation speak its text, and names the file. */
export async function speakItem(
	ctx: IExecuteFunctions,
	itemIndex: number,
	provider: Provider,
	shared: ExecutionShared,
): Promise<SpokenItem> {
	const startedAt = Date.now();
	const { text, title, fileName: requested, binaryProperty, resilience } = readItemParameters(ctx, itemIndex);
	const accounting = newAccounting();
	const settings = resilienceSettings(resilience, shared.slots, true, startedAt);
	const outcome = await OPERATIONS[provider]({ ctx, itemIndex, text, resilience, settings, accounting, shared });

	const fileName = fileNameFor(requested, title, outcome);
	const file = await ctx.helpers.prepareBinaryData(outcome.audio.data, fileName, outcome.audio.mimeType);
	const characters = Array.from(text).length;
	const durationSeconds = round2(outcome.audio.durationSeconds);
	const titled = title ? { title } : {};
	return {
		audio: {
			...titled,
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
		},
		binaryProperty,
		file,
		report: {
			...titled,
			provider,
			chunkCount: outcome.chunkCount,
			characters,
			audioSeconds: durationSeconds,
			fileSize: outcome.audio.data.length,
			...callReport(accounting, { startedAt }),
		},
	};
}
