import { AudioFormatError } from '../../shared/errors';

/**
 * MPEG audio frame parsing and frame-level joining. Each synthesised chunk is a complete MP3
 * file that may start with an ID3v2 tag and a Xing/Info/VBRI frame (which states the length
 * of that chunk only) and end with an ID3v1 tag. Joining keeps only the audio frames, so a
 * player neither stops at the first chunk's stated length nor meets a header mid-stream.
 */

const ID3V2_HEADER_BYTES = 10;
const ID3V2_FOOTER_FLAG = 0x10;
const ID3V1_BYTES = 128;
const APE_FOOTER_BYTES = 32;
const FRAME_HEADER_BYTES = 4;
const CRC_BYTES = 2;
const VBRI_OFFSET = 36;
const MONO = 3;
const KBPS = 1000;

const VERSION_1 = 3;
const VERSION_2 = 2;
const VERSION_2_5 = 0;
const LAYER_3 = 1;
const LAYER_2 = 2;
const LAYER_1 = 3;

const BITRATES: Record<string, number[]> = {
	'1-1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
	'1-2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
	'1-3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
	'2-1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
	'2-2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
	'2-3': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES: Record<number, number[]> = {
	[VERSION_1]: [44100, 48000, 32000],
	[VERSION_2]: [22050, 24000, 16000],
	[VERSION_2_5]: [11025, 12000, 8000],
};

export interface FrameHeader {
	version: number;
	layer: number;
	sampleRate: number;
	mono: boolean;
	samplesPerFrame: number;
	frameBytes: number;
	hasCrc: boolean;
}

/** The header at `offset`, or undefined when the bytes there are not a valid frame header. */
export function readFrameHeader(file: Buffer, offset: number): FrameHeader | undefined {
	if (offset + FRAME_HEADER_BYTES > file.length) return undefined;
	const b1 = file[offset + 1];
	const b2 = file[offset + 2];
	if (file[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
	const version = (b1 >> 3) & 3;
	const layer = (b1 >> 1) & 3;
	const bitrateIndex = b2 >> 4;
	const rateIndex = (b2 >> 2) & 3;
	if (version === 1 || layer === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) {
		return undefined;
	}
	const family = version === VERSION_1 ? 1 : 2;
	const layerNumber = layer === LAYER_1 ? 1 : layer === LAYER_2 ? 2 : 3;
	const bitrate = BITRATES[`${family}-${layerNumber}`][bitrateIndex] * KBPS;
	const sampleRate = SAMPLE_RATES[version][rateIndex];
	const padding = (b2 >> 1) & 1;
	let samplesPerFrame: number;
	let frameBytes: number;
	if (layer === LAYER_1) {
		samplesPerFrame = 384;
		frameBytes = (Math.floor((12 * bitrate) / sampleRate) + padding) * 4;
	} else {
		samplesPerFrame = layer === LAYER_3 && version !== VERSION_1 ? 576 : 1152;
		frameBytes = Math.floor((samplesPerFrame / 8) * bitrate / sampleRate) + padding;
	}
	return {
		version,
		layer,
		sampleRate,
		mono: file[offset + 3] >> 6 === MONO,
		samplesPerFrame,
		frameBytes,
		hasCrc: (b1 & 1) === 0,
	};
}

function id3v2Length(file: Buffer, offset: number): number {
	if (offset + ID3V2_HEADER_BYTES > file.length || file.toString('latin1', offset, offset + 3) !== 'ID3') {
		return 0;
	}
	// A syncsafe integer: 7 bits per byte.
	const size = ((file[offset + 6] & 0x7f) << 21) | ((file[offset + 7] & 0x7f) << 14) | ((file[offset + 8] & 0x7f) << 7) | (file[offset + 9] & 0x7f);
	const footer = file[offset + 5] & ID3V2_FOOTER_FLAG ? ID3V2_HEADER_BYTES : 0;
	return ID3V2_HEADER_BYTES + size + footer;
}

/** A Xing/Info (LAME) or VBRI frame: metadata about one file, no audio a listener needs. */
function isInfoFrame(file: Buffer, offset: number, header: FrameHeader): boolean {
	const sideInfo =
		header.layer !== LAYER_3 ? 0 : header.version === VERSION_1 ? (header.mono ? 17 : 32) : header.mono ? 9 : 17;
	const at = offset + FRAME_HEADER_BYTES + (header.hasCrc ? CRC_BYTES : 0) + sideInfo;
	const tag = file.toString('latin1', at, at + 4);
	return tag === 'Xing' || tag === 'Info' || file.toString('latin1', offset + VBRI_OFFSET, offset + VBRI_OFFSET + 4) === 'VBRI';
}

export interface Mp3Audio {
	/** Audio frames only: no tags, no Xing/Info/VBRI frame. */
	frames: Buffer[];
	sampleRate: number;
	mono: boolean;
	samplesPerFrame: number;
	version: number;
	/** Frames dropped because they were tags or metadata frames. */
	skippedHeaders: number;
}

/** Reads every audio frame of an MP3 file, skipping tags, metadata frames and stray bytes. */
export function readMp3(file: Buffer): Mp3Audio {
	const frames: Buffer[] = [];
	let first: FrameHeader | undefined;
	let skippedHeaders = 0;
	let offset = 0;
	while (offset < file.length) {
		const tag = id3v2Length(file, offset);
		if (tag > 0) {
			offset += tag;
			skippedHeaders++;
			continue;
		}
		const marker = file.toString('latin1', offset, offset + 8);
		if (marker.startsWith('TAG') && file.length - offset === ID3V1_BYTES) {
			skippedHeaders++;
			break;
		}
		if (marker === 'APETAGEX') {
			offset += APE_FOOTER_BYTES + file.readUInt32LE(offset + 12);
			skippedHeaders++;
			continue;
		}
		const header = readFrameHeader(file, offset);
		// A frame must fit, and the next frame (if any) must start right after it: this rejects
		// a false sync inside tag data.
		const end = header ? offset + header.frameBytes : 0;
		const fits = header !== undefined && end <= file.length;
		const nextOk = fits && (end === file.length || readFrameHeader(file, end) !== undefined || id3v2Length(file, end) > 0 || file.toString('latin1', end, end + 3) === 'TAG' || file.toString('latin1', end, end + 8) === 'APETAGEX');
		if (!header || !nextOk) {
			offset++;
			continue;
		}
		if (first && (header.sampleRate !== first.sampleRate || header.version !== first.version)) {
			throw new AudioFormatError('the MP3 audio changes sample rate in the middle');
		}
		if (frames.length === 0 && isInfoFrame(file, offset, header)) {
			skippedHeaders++;
		} else {
			first ??= header;
			frames.push(file.subarray(offset, end));
		}
		offset = end;
	}
	if (!first) throw new AudioFormatError('the audio contains no MP3 frames');
	return {
		frames,
		sampleRate: first.sampleRate,
		mono: first.mono,
		samplesPerFrame: first.samplesPerFrame,
		version: first.version,
		skippedHeaders,
	};
}

export function mp3DurationSeconds(audio: Mp3Audio): number {
	return (audio.frames.length * audio.samplesPerFrame) / audio.sampleRate;
}

/** One MP3 stream of every part's frames in order; the parts must share rate and channels. */
export function joinMp3(parts: Mp3Audio[]): { file: Buffer; durationSeconds: number } {
	if (parts.length === 0) throw new AudioFormatError('there is no audio to join');
	const [first] = parts;
	for (const part of parts) {
		if (part.sampleRate !== first.sampleRate || part.mono !== first.mono || part.version !== first.version) {
			throw new AudioFormatError('the MP3 chunks came back with different sample rates or channels');
		}
	}
	const frames = parts.flatMap((part) => part.frames);
	return {
		file: Buffer.concat(frames),
		durationSeconds: (frames.length * first.samplesPerFrame) / first.sampleRate,
	};
}
