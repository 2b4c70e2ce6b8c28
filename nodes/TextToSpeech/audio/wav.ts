import { AudioFormatError } from '../../shared/errors';

/**
 * WAV (RIFF/WAVE) reading and writing, and raw PCM as Gemini sends it. Joining keeps the
 * samples and writes one header, so players see one file with the right length.
 */

export const WAV_FORMAT_PCM = 1;
export const WAV_FORMAT_ALAW = 6;
export const WAV_FORMAT_MULAW = 7;
const WAV_FORMAT_EXTENSIBLE = 0xfffe;
const RIFF_HEADER_BYTES = 12;
const CHUNK_HEADER_BYTES = 8;
const FMT_CHUNK_BYTES = 16;
const WAV_HEADER_BYTES = RIFF_HEADER_BYTES + CHUNK_HEADER_BYTES + FMT_CHUNK_BYTES + CHUNK_HEADER_BYTES;
const UNKNOWN_SIZE = 0xffffffff;
const BITS_PER_BYTE = 8;
/** What Gemini's speech models answer when the MIME type names no rate. */
export const DEFAULT_PCM_RATE = 24000;
const DEFAULT_PCM_BITS = 16;

export interface PcmFormat {
	formatCode: number;
	channels: number;
	sampleRate: number;
	bitsPerSample: number;
}

export interface PcmAudio {
	format: PcmFormat;
	data: Buffer;
}

function blockAlign(format: PcmFormat): number {
	return (format.channels * format.bitsPerSample) / BITS_PER_BYTE;
}

export function isWav(file: Buffer): boolean {
	return (
		file.length >= RIFF_HEADER_BYTES &&
		file.toString('latin1', 0, 4) === 'RIFF' &&
		file.toString('latin1', 8, 12) === 'WAVE'
	);
}

/** The format and samples of a WAV file; a header whose data size is unknown takes the rest. */
export function readWav(file: Buffer): PcmAudio {
	if (!isWav(file)) throw new AudioFormatError('the audio is not a WAV file (no RIFF/WAVE header)');
	let format: PcmFormat | undefined;
	let offset = RIFF_HEADER_BYTES;
	while (offset + CHUNK_HEADER_BYTES <= file.length) {
		const id = file.toString('latin1', offset, offset + 4);
		const size = file.readUInt32LE(offset + 4);
		const body = offset + CHUNK_HEADER_BYTES;
		if (id === 'fmt ') {
			if (size < FMT_CHUNK_BYTES || body + FMT_CHUNK_BYTES > file.length) {
				throw new AudioFormatError('the WAV fmt chunk is truncated');
			}
			let formatCode = file.readUInt16LE(body);
			// WAVE_FORMAT_EXTENSIBLE keeps the real format code in the first bytes of its GUID.
			if (formatCode === WAV_FORMAT_EXTENSIBLE && size >= 26) formatCode = file.readUInt16LE(body + 24);
			format = {
				formatCode,
				channels: file.readUInt16LE(body + 2),
				sampleRate: file.readUInt32LE(body + 4),
				bitsPerSample: file.readUInt16LE(body + 14),
			};
		} else if (id === 'data') {
			if (!format) throw new AudioFormatError('the WAV data chunk comes before its fmt chunk');
			const end = size === UNKNOWN_SIZE || body + size > file.length ? file.length : body + size;
			return { format, data: file.subarray(body, end) };
		}
		offset = body + size + (size % 2);
	}
	throw new AudioFormatError('the WAV file has no data chunk');
}

/** One canonical 44-byte header in front of the samples. */
export function writeWav(audio: PcmAudio): Buffer {
	const { format, data } = audio;
	const header = Buffer.alloc(WAV_HEADER_BYTES);
	header.write('RIFF', 0, 'latin1');
	header.writeUInt32LE(WAV_HEADER_BYTES - CHUNK_HEADER_BYTES + data.length, 4);
	header.write('WAVE', 8, 'latin1');
	header.write('fmt ', 12, 'latin1');
	header.writeUInt32LE(FMT_CHUNK_BYTES, 16);
	header.writeUInt16LE(format.formatCode, 20);
	header.writeUInt16LE(format.channels, 22);
	header.writeUInt32LE(format.sampleRate, 24);
	header.writeUInt32LE(format.sampleRate * blockAlign(format), 28);
	header.writeUInt16LE(blockAlign(format), 32);
	header.writeUInt16LE(format.bitsPerSample, 34);
	header.write('data', 36, 'latin1');
	header.writeUInt32LE(data.length, 40);
	return Buffer.concat([header, data]);
}

export function pcmDurationSeconds(audio: PcmAudio): number {
	const bytesPerSecond = audio.format.sampleRate * blockAlign(audio.format);
	return bytesPerSecond > 0 ? audio.data.length / bytesPerSecond : 0;
}

function sameFormat(a: PcmFormat, b: PcmFormat): boolean {
	return (
		a.formatCode === b.formatCode &&
		a.channels === b.channels &&
		a.sampleRate === b.sampleRate &&
		a.bitsPerSample === b.bitsPerSample
	);
}

/** Samples of every part in order; the parts must share one format. */
export function joinPcm(parts: PcmAudio[]): PcmAudio {
	if (parts.length === 0) throw new AudioFormatError('there is no audio to join');
	const [first] = parts;
	for (const part of parts) {
		if (!sameFormat(first.format, part.format)) {
			throw new AudioFormatError(
				`the chunks came back in different formats (${first.format.sampleRate} Hz and ${part.format.sampleRate} Hz)`,
			);
		}
	}
	const align = blockAlign(first.format);
	// A part cut mid-sample would shift every later sample by a byte: drop the odd tail.
	const data = parts.map((part) => part.data.subarray(0, part.data.length - (part.data.length % align)));
	return { format: first.format, data: Buffer.concat(data) };
}

/**
 * The PCM format a MIME type like `audio/L16;codec=pcm;rate=24000` describes, or undefined when
 * it is not raw PCM. Gemini's samples are 16-bit little-endian despite the L16 name.
 */
export function parsePcmMime(mimeType: string): PcmFormat | undefined {
	const [type, ...parameters] = mimeType.split(';').map((part) => part.trim().toLowerCase());
	if (type !== 'audio/l16' && type !== 'audio/pcm' && !(type === 'audio/raw' || type === 'audio/x-raw')) {
		return undefined;
	}
	const values = new Map(
		parameters.map((parameter) => {
			const [key, value = ''] = parameter.split('=');
			return [key.trim(), value.trim()] as const;
		}),
	);
	const rate = Number(values.get('rate') ?? DEFAULT_PCM_RATE);
	const channels = Number(values.get('channels') ?? 1);
	return {
		formatCode: WAV_FORMAT_PCM,
		channels: Number.isInteger(channels) && channels > 0 ? channels : 1,
		sampleRate: Number.isInteger(rate) && rate > 0 ? rate : DEFAULT_PCM_RATE,
		bitsPerSample: DEFAULT_PCM_BITS,
	};
}
