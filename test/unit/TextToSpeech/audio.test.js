'use strict';
// Audio joiners of the Text to Speech node (issue #9): every joined file is decoded to the end
// by ffmpeg (Debian package, installed by scripts/system-deps.mjs) and must last the sum of
// its parts.
const audio = require('../../support/audio');
const { readAudioPart, joinAudioParts, partDurationSeconds } = require('../../../nodes/TextToSpeech/audio/join');
const { readOggOpus, joinOggOpus, opusPacketSamples } = require('../../../nodes/TextToSpeech/audio/ogg');
const { parsePcmMime } = require('../../../nodes/TextToSpeech/audio/wav');

const count = (buffer, text) => {
	let n = 0;
	for (let at = buffer.indexOf(text); at !== -1; at = buffer.indexOf(text, at + 1)) n++;
	return n;
};
const sum = (values) => values.reduce((a, b) => a + b, 0);

function oggPages(file) {
	const pages = [];
	for (let at = 0; at < file.length; ) {
		expect(file.toString('latin1', at, at + 4)).toBe('OggS');
		const segments = file[at + 26];
		let size = 27 + segments;
		for (let i = 0; i < segments; i++) size += file[at + 27 + i];
		pages.push({ flags: file[at + 5], granule: Number(file.readBigInt64LE(at + 6)), serial: file.readUInt32LE(at + 14), sequence: file.readUInt32LE(at + 18) });
		at += size;
	}
	return pages;
}

describe('MP3 joining', () => {
	test.each([[24000], [44100]])('frames of every chunk, no ID3/Xing/Info mid-stream, decodes to the summed duration (%i Hz)', (rate) => {
		const files = [1.3, 2.1, 0.7, 3.4].map((seconds, i) => audio.mp3WithHeaders(seconds, rate, { tag: i % 2 ? 'Xing' : 'Info' }));
		const parts = files.map((file) => readAudioPart(file, 'audio/mpeg'));
		const expected = sum(parts.map(partDurationSeconds));
		const joined = joinAudioParts(parts);

		expect(joined.mimeType).toBe('audio/mpeg');
		for (const header of ['ID3', 'Xing', 'Info', 'TAG']) expect(count(joined.data, header)).toBe(0);
		expect(joined.durationSeconds).toBeCloseTo(expected, 6);
		const decoded = audio.decode(joined.data, 'mp3');
		expect(decoded.errors).toBe('');
		expect(decoded.sampleRate).toBe(rate);
		expect(decoded.seconds).toBeCloseTo(expected, 3);
		// The parts' own headers are what a naive concatenation would leave mid-file.
		expect(count(Buffer.concat(files), 'ID3')).toBe(files.length);
	});

	test('a chunk with a different sample rate cannot be joined', () => {
		const parts = [audio.mp3(1, 24000), audio.mp3(1, 22050)].map((file) => readAudioPart(file, 'audio/mpeg'));
		expect(() => joinAudioParts(parts)).toThrow(/different sample rates/);
	});

	test('bytes that hold no MP3 frame are refused', () => {
		expect(() => readAudioPart(Buffer.from('not audio at all, just text'), 'audio/mpeg')).toThrow(/no MP3 frames/);
	});
});

describe('WAV and raw PCM', () => {
	test('Gemini PCM (audio/L16;codec=pcm;rate=24000) gets exactly one correct WAV header', () => {
		const pcm = audio.pcm16(1.5, 24000);
		const joined = joinAudioParts([readAudioPart(pcm, 'audio/L16;codec=pcm;rate=24000')]);
		const h = joined.data;
		expect(h.toString('latin1', 0, 4)).toBe('RIFF');
		expect(h.readUInt32LE(4)).toBe(36 + pcm.length);
		expect(h.toString('latin1', 8, 16)).toBe('WAVEfmt ');
		expect(h.readUInt16LE(20)).toBe(1); // PCM
		expect(h.readUInt16LE(22)).toBe(1); // mono
		expect(h.readUInt32LE(24)).toBe(24000);
		expect(h.readUInt32LE(28)).toBe(48000); // byte rate
		expect(h.readUInt16LE(32)).toBe(2); // block align
		expect(h.readUInt16LE(34)).toBe(16);
		expect(h.toString('latin1', 36, 40)).toBe('data');
		expect(h.readUInt32LE(40)).toBe(pcm.length);
		expect(h.subarray(44).equals(pcm)).toBe(true);
		expect(joined.durationSeconds).toBeCloseTo(1.5, 6);
		expect(audio.decode(joined.data, 'wav').seconds).toBeCloseTo(1.5, 4);
	});

	test('the rate and channels come from the MIME type', () => {
		expect(parsePcmMime('audio/L16;codec=pcm;rate=16000')).toEqual({ formatCode: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16 });
		expect(parsePcmMime('audio/L16; rate=44100; channels=2')).toMatchObject({ sampleRate: 44100, channels: 2 });
		expect(parsePcmMime('audio/L16')).toMatchObject({ sampleRate: 24000 });
		expect(parsePcmMime('audio/wav')).toBeUndefined();
		const joined = joinAudioParts([readAudioPart(audio.pcm16(1, 16000), 'audio/L16;codec=pcm;rate=16000')]);
		expect(joined.data.readUInt32LE(24)).toBe(16000);
		expect(audio.decode(joined.data, 'wav').seconds).toBeCloseTo(1, 4);
	});

	test('a WAV answered under a raw-PCM MIME type is never wrapped twice', () => {
		const pcm = audio.pcm16(0.8, 24000);
		const joined = joinAudioParts([readAudioPart(audio.wav(pcm, 24000), 'audio/L16;codec=pcm;rate=24000')]);
		expect(count(joined.data, 'RIFF')).toBe(1);
		expect(joined.data.length).toBe(44 + pcm.length);
		expect(joined.durationSeconds).toBeCloseTo(0.8, 6);
	});

	test.each([
		['LINEAR16', 'pcm_s16le'],
		['MULAW', 'pcm_mulaw'],
		['ALAW', 'pcm_alaw'],
	])('%s chunks join under one header and decode to the summed duration', (encoding, codec) => {
		const seconds = [1.25, 2, 0.5];
		const parts = seconds.map((s) => readAudioPart(audio.encodeSpeech(encoding, s), 'audio/wav'));
		const joined = joinAudioParts(parts);
		expect(count(joined.data, 'RIFF')).toBe(1);
		expect(joined.durationSeconds).toBeCloseTo(sum(seconds), 6);
		const decoded = audio.decode(joined.data, 'wav');
		expect(decoded.codec).toBe(codec);
		expect(decoded.seconds).toBeCloseTo(sum(seconds), 3);
	});
});

describe('Ogg Opus joining', () => {
	test('one logical stream: one OpusHead, one serial, continuous pages, decodes to the end', () => {
		const files = [1.0, 2.5, 0.62, 1.8].map((s) => audio.oggOpus(s));
		const parts = files.map((file) => readAudioPart(file, 'audio/ogg'));
		const joined = joinAudioParts(parts);
		expect(joined.mimeType).toBe('audio/ogg');
		expect(count(joined.data, 'OpusHead')).toBe(1);
		expect(count(joined.data, 'OpusTags')).toBe(1);
		const pages = oggPages(joined.data);
		expect(new Set(pages.map((p) => p.serial)).size).toBe(1);
		expect(pages.map((p) => p.sequence)).toEqual(pages.map((_, i) => i));
		expect(pages[0].flags & 2).toBe(2); // beginning of stream
		expect(pages.filter((p) => p.flags & 4)).toHaveLength(1); // one end of stream, on the last page
		expect(pages[pages.length - 1].flags & 4).toBe(4);
		const packets = sum(parts.map((p) => p.audio.packets.length));
		expect(joined.durationSeconds).toBeCloseTo((packets * 960 - 312) / 48000, 6);
		const decoded = audio.decode(joined.data, 'ogg');
		expect(decoded.errors).toBe('');
		expect(decoded.codec).toBe('opus');
		expect(decoded.seconds).toBeCloseTo(joined.durationSeconds, 3);
	});

	test("the last chunk's end trimming is kept; nothing else is cut", () => {
		const a = readOggOpus(audio.oggOpus(1));
		const b = readOggOpus(audio.oggOpus(1));
		const total = b.packets.reduce((s, p) => s + opusPacketSamples(p), 0);
		const trimmed = { ...b, finalGranule: total - 500 };
		const joined = joinOggOpus([a, trimmed]);
		const all = (a.packets.length + b.packets.length) * 960;
		expect(joined.durationSeconds).toBeCloseTo((all - 500 - 312) / 48000, 6);
		expect(audio.decode(joined.file, 'ogg').seconds).toBeCloseTo(joined.durationSeconds, 3);
	});

	test('a damaged Ogg file is refused', () => {
		const file = audio.oggOpus(1);
		expect(() => readAudioPart(file.subarray(0, 40), 'audio/ogg')).toThrow(/truncated|OpusHead/);
		expect(() => readAudioPart(Buffer.concat([Buffer.from('junk'), file]), 'audio/ogg')).toThrow(/damaged/);
	});
});
