import { joinMp3, mp3DurationSeconds, readMp3 } from './mp3';
import type { Mp3Audio } from './mp3';
import { joinOggOpus, opusDurationSeconds, readOggOpus } from './ogg';
import type { OpusStream } from './ogg';
import { isWav, joinPcm, parsePcmMime, pcmDurationSeconds, readWav, writeWav } from './wav';
import type { PcmAudio } from './wav';
import { AudioFormatError } from '../../shared/errors';

/** Reads each synthesised chunk as it arrives (bad audio is retried) and joins them in order. */

export type AudioPart =
	| { container: 'mp3'; audio: Mp3Audio }
	| { container: 'ogg'; audio: OpusStream }
	| { container: 'wav'; audio: PcmAudio };

export interface JoinedAudio {
	data: Buffer;
	mimeType: string;
	extension: string;
	durationSeconds: number;
}

const CONTAINERS = {
	mp3: { mimeType: 'audio/mpeg', extension: 'mp3' },
	ogg: { mimeType: 'audio/ogg', extension: 'ogg' },
	wav: { mimeType: 'audio/wav', extension: 'wav' },
} as const;

/**
 * One chunk's audio, read by its MIME type (`audio/mpeg`, `audio/ogg`, `audio/wav`, or raw PCM
 * such as `audio/L16;codec=pcm;rate=24000`, which is given a WAV header exactly once).
 */
export function readAudioPart(data: Buffer, mimeType: string): AudioPart {
	if (data.length === 0) throw new AudioFormatError('the service answered with empty audio');
	const type = mimeType.split(';')[0].trim().toLowerCase();
	const pcm = parsePcmMime(mimeType);
	// A WAV header wins over a raw-PCM MIME type: wrapping it again would play the header as noise.
	if (isWav(data)) return { container: 'wav', audio: readWav(data) };
	if (pcm) return { container: 'wav', audio: { format: pcm, data } };
	if (type === 'audio/mpeg' || type === 'audio/mp3') return { container: 'mp3', audio: readMp3(data) };
	if (type === 'audio/ogg' || type === 'audio/opus') return { container: 'ogg', audio: readOggOpus(data) };
	if (type === 'audio/wav' || type === 'audio/x-wav' || type === 'audio/wave') {
		return { container: 'wav', audio: readWav(data) };
	}
	throw new AudioFormatError(`the service answered with audio of an unknown type (${mimeType})`);
}

export function partDurationSeconds(part: AudioPart): number {
	if (part.container === 'mp3') return mp3DurationSeconds(part.audio);
	if (part.container === 'ogg') return opusDurationSeconds(part.audio);
	return pcmDurationSeconds(part.audio);
}

/** The parts as one playable file, with the duration measured from the joined audio. */
export function joinAudioParts(parts: AudioPart[]): JoinedAudio {
	if (parts.length === 0) throw new AudioFormatError('there is no audio to join');
	const container = parts[0].container;
	if (parts.some((part) => part.container !== container)) {
		throw new AudioFormatError('the chunks came back in different audio formats');
	}
	const { mimeType, extension } = CONTAINERS[container];
	if (container === 'mp3') {
		const joined = joinMp3(parts.map((part) => part.audio as Mp3Audio));
		return { data: joined.file, mimeType, extension, durationSeconds: joined.durationSeconds };
	}
	if (container === 'ogg') {
		const joined = joinOggOpus(parts.map((part) => part.audio as OpusStream));
		return { data: joined.file, mimeType, extension, durationSeconds: joined.durationSeconds };
	}
	const pcm = joinPcm(parts.map((part) => part.audio as PcmAudio));
	return { data: writeWav(pcm), mimeType, extension, durationSeconds: pcmDurationSeconds(pcm) };
}
