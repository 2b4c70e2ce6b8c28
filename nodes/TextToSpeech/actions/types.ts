import type { IExecuteFunctions } from 'n8n-workflow';

import type { ResilienceOptions } from '../../shared/node/resilienceOptions';
import type { CloudVoice } from '../../shared/tts/cloudTts';
import type { CallAccounting, ResilienceSettings } from '../../shared/transport/resilientCall';
import type { Semaphore } from '../../shared/transport/semaphore';
import type { JoinedAudio } from '../audio/join';

/** What every item of one execution shares: the one concurrency cap, and cached voice lists. */
export interface ExecutionShared {
	slots: Semaphore;
	/** Voice lists by credential and language, loaded once per execution. */
	voices: Map<string, Promise<CloudVoice[]>>;
}

export interface SpeechJob {
	ctx: IExecuteFunctions;
	itemIndex: number;
	text: string;
	resilience: ResilienceOptions;
	settings: ResilienceSettings;
	accounting: CallAccounting;
	shared: ExecutionShared;
}

export interface SpeechOutcome {
	audio: JoinedAudio;
	voice: string;
	languageCode: string;
	model?: string;
	encoding: string;
	chunkCount: number;
}

export type SpeechOperation = (job: SpeechJob) => Promise<SpeechOutcome>;
