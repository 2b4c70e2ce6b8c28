import { AudioFormatError } from '../../shared/errors';

/**
 * Ogg Opus (RFC 7845) reading and joining. Chunks are re-muxed into ONE logical stream: the
 * first chunk's OpusHead and OpusTags, then every chunk's audio packets in order on new pages
 * with continuous sequence numbers and granule positions. Chained Ogg files (simply
 * concatenated) are valid but many players stop after the first link; one stream plays to
 * the end everywhere. Later chunks' encoder priming (their pre-skip, ~6.5 ms) stays audible,
 * which at a sentence boundary is inaudible in practice.
 */

const PAGE_HEADER_BYTES = 27;
const MAX_SEGMENTS = 255;
const SEGMENT_BYTES = 255;
const FLAG_CONTINUED = 1;
const FLAG_BOS = 2;
const FLAG_EOS = 4;
const OPUS_RATE = 48000;
const GRANULE_NONE = -1n;
/** Packets per page when writing: small pages keep seeking precise. */
const PACKETS_PER_PAGE = 50;

const CRC_TABLE = (() => {
	const table = new Uint32Array(256);
	for (let index = 0; index < 256; index++) {
		let value = index << 24;
		for (let bit = 0; bit < 8; bit++) value = value & 0x80000000 ? (value << 1) ^ 0x04c11db7 : value << 1;
		table[index] = value >>> 0;
	}
	return table;
})();

function oggCrc(page: Buffer): number {
	let crc = 0;
	for (const byte of page) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]) >>> 0;
	return crc;
}

export interface OpusStream {
	head: Buffer;
	tags: Buffer;
	packets: Buffer[];
	serial: number;
	channels: number;
	preSkip: number;
	/** Granule position of the last page: pre-skip plus the samples to play. */
	finalGranule: number;
}

/** The packets of the first logical Opus stream in an Ogg file. */
export function readOggOpus(file: Buffer): OpusStream {
	const packets: Buffer[] = [];
	let pending: Buffer[] = [];
	let serial: number | undefined;
	let finalGranule = 0;
	let offset = 0;
	while (offset + PAGE_HEADER_BYTES <= file.length) {
		if (file.toString('latin1', offset, offset + 4) !== 'OggS') {
			throw new AudioFormatError(`the Ogg file is damaged at byte ${offset}`);
		}
		const flags = file[offset + 5];
		const granule = file.readBigInt64LE(offset + 6);
		const pageSerial = file.readUInt32LE(offset + 14);
		const segments = file[offset + 26];
		const lacingStart = offset + PAGE_HEADER_BYTES;
		let body = lacingStart + segments;
		if (body > file.length) throw new AudioFormatError('the Ogg file is truncated');
		serial ??= pageSerial;
		if (pageSerial !== serial) break; // a chained second stream: not produced by the service
		if (!(flags & FLAG_CONTINUED) && pending.length > 0) pending = [];
		for (let index = 0; index < segments; index++) {
			const size = file[lacingStart + index];
			if (body + size > file.length) throw new AudioFormatError('the Ogg file is truncated');
			pending.push(file.subarray(body, body + size));
			body += size;
			if (size < SEGMENT_BYTES) {
				packets.push(Buffer.concat(pending));
				pending = [];
			}
		}
		if (granule !== GRANULE_NONE) finalGranule = Number(granule);
		offset = body;
		if (flags & FLAG_EOS) break;
	}
	const [head, tags, ...audio] = packets;
	if (!head || head.toString('latin1', 0, 8) !== 'OpusHead' || !tags || tags.toString('latin1', 0, 8) !== 'OpusTags') {
		throw new AudioFormatError('the audio is not an Ogg Opus file (no OpusHead/OpusTags)');
	}
	return {
		head,
		tags,
		packets: audio,
		serial: serial ?? 0,
		channels: head[9],
		preSkip: head.readUInt16LE(10),
		finalGranule,
	};
}

const FRAME_SAMPLES_SILK = [480, 960, 1920, 2880];
const FRAME_SAMPLES_HYBRID = [480, 960];
const FRAME_SAMPLES_CELT = [120, 240, 480, 960];
const SILK_CONFIGS = 12;
const HYBRID_CONFIGS = 16;

/** Samples (at 48 kHz) one Opus packet decodes to, from its TOC byte (RFC 6716 §3.1). */
export function opusPacketSamples(packet: Buffer): number {
	if (packet.length === 0) return 0;
	const config = packet[0] >> 3;
	const frame =
		config < SILK_CONFIGS
			? FRAME_SAMPLES_SILK[config % 4]
			: config < HYBRID_CONFIGS
				? FRAME_SAMPLES_HYBRID[config % 2]
				: FRAME_SAMPLES_CELT[config % 4];
	const code = packet[0] & 3;
	const frames = code === 0 ? 1 : code === 3 ? (packet.length > 1 ? packet[1] & 0x3f : 0) : 2;
	return frame * frames;
}

function totalSamples(packets: Buffer[]): number {
	return packets.reduce((sum, packet) => sum + opusPacketSamples(packet), 0);
}

/**
 * Playable length: granule positions count samples from the first packet, pre-skip included;
 * the last page's granule may cut the end short, and never makes it longer than the packets.
 */
export function opusDurationSeconds(stream: OpusStream): number {
	const end = Math.min(stream.finalGranule, totalSamples(stream.packets));
	return Math.max(0, end - stream.preSkip) / OPUS_RATE;
}

function writePage(segments: Buffer[], lacing: number[], flags: number, granule: bigint, serial: number, sequence: number): Buffer {
	const header = Buffer.alloc(PAGE_HEADER_BYTES + lacing.length);
	header.write('OggS', 0, 'latin1');
	header[5] = flags;
	header.writeBigInt64LE(granule, 6);
	header.writeUInt32LE(serial, 14);
	header.writeUInt32LE(sequence, 18);
	header[26] = lacing.length;
	Buffer.from(lacing).copy(header, PAGE_HEADER_BYTES);
	const page = Buffer.concat([header, ...segments]);
	page.writeUInt32LE(oggCrc(page), 22);
	return page;
}

/** Lays packets on pages; `granules[i]` is the granule position after packet i. */
function paginate(packets: Buffer[], granules: bigint[], serial: number, firstSequence: number, bos: boolean, eos: boolean): Buffer[] {
	const pages: Buffer[] = [];
	let segments: Buffer[] = [];
	let lacing: number[] = [];
	let flags = bos ? FLAG_BOS : 0;
	let granule = GRANULE_NONE;
	let packetsOnPage = 0;
	const flush = (last: boolean) => {
		pages.push(writePage(segments, lacing, flags | (last && eos ? FLAG_EOS : 0), granule, serial, firstSequence + pages.length));
		segments = [];
		lacing = [];
		flags = 0;
		granule = GRANULE_NONE;
		packetsOnPage = 0;
	};
	packets.forEach((packet, index) => {
		let offset = 0;
		for (;;) {
			if (lacing.length === MAX_SEGMENTS) {
				flush(false);
				flags = FLAG_CONTINUED;
			}
			const size = Math.min(SEGMENT_BYTES, packet.length - offset);
			segments.push(packet.subarray(offset, offset + size));
			lacing.push(size);
			offset += size;
			if (size < SEGMENT_BYTES) break;
		}
		granule = granules[index];
		packetsOnPage++;
		if (packetsOnPage >= PACKETS_PER_PAGE && index < packets.length - 1) flush(false);
	});
	if (lacing.length > 0) flush(true);
	return pages;
}

/** One Ogg Opus stream of every part's packets in order; the parts must share channels. */
export function joinOggOpus(parts: OpusStream[]): { file: Buffer; durationSeconds: number } {
	if (parts.length === 0) throw new AudioFormatError('there is no audio to join');
	const [first] = parts;
	if (parts.some((part) => part.channels !== first.channels)) {
		throw new AudioFormatError('the Ogg Opus chunks came back with different channel counts');
	}
	const packets = parts.flatMap((part) => part.packets);
	const last = parts[parts.length - 1];
	// Samples the last chunk trims from its end (RFC 7845 §4.5); earlier chunks' trims are played.
	const endTrim = Math.max(0, totalSamples(last.packets) - last.finalGranule);
	let position = 0;
	const granules = packets.map((packet) => BigInt((position += opusPacketSamples(packet))));
	const finalGranule = Math.max(first.preSkip, position - endTrim);
	if (granules.length > 0) granules[granules.length - 1] = BigInt(finalGranule);
	const headerPages = [
		...paginate([first.head], [0n], first.serial, 0, true, false),
		...paginate([first.tags], [0n], first.serial, 1, false, false),
	];
	const audioPages = paginate(packets, granules, first.serial, headerPages.length, false, true);
	return {
		file: Buffer.concat([...headerPages, ...audioPages]),
		durationSeconds: (finalGranule - first.preSkip) / OPUS_RATE,
	};
}
