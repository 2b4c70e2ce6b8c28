'use strict';
// Audio containers for the fake Google APIs: raw PCM, WAV, MPEG Layer III, Ogg Opus, mu-law/A-law.
// Everything is synthesised (a speech-like modulated tone or silence), deterministic and
// recognisable by `file`/ffprobe. No dependencies.

/** Seconds of speech for a text, at about `charsPerSecond` characters per second. */
function speechSeconds(text, speakingRate = 1, charsPerSecond = 15) {
	const rate = speakingRate > 0 ? speakingRate : 1;
	return Math.max(0.25, String(text || '').length / charsPerSecond / rate);
}

/** 16-bit little-endian mono PCM: a tone whose amplitude pulses ~4 times/s like syllables. */
function pcm16(seconds, sampleRate = 24000, freq = 220) {
	const n = Math.max(1, Math.round(seconds * sampleRate));
	const buf = Buffer.alloc(n * 2);
	const w = (2 * Math.PI * freq) / sampleRate;
	const env = (2 * Math.PI * 4) / sampleRate;
	for (let i = 0; i < n; i++) {
		const a = 0.25 * (0.55 + 0.45 * Math.sin(env * i));
		buf.writeInt16LE(Math.round(32767 * a * Math.sin(w * i)), i * 2);
	}
	return buf;
}

/** RIFF/WAVE container. format 1 = PCM, 6 = A-law, 7 = mu-law. */
function wav(data, sampleRate = 24000, { format = 1, bitsPerSample = 16, channels = 1 } = {}) {
	const h = Buffer.alloc(44);
	const blockAlign = (channels * bitsPerSample) / 8;
	h.write('RIFF', 0, 'ascii');
	h.writeUInt32LE(36 + data.length, 4);
	h.write('WAVE', 8, 'ascii');
	h.write('fmt ', 12, 'ascii');
	h.writeUInt32LE(16, 16);
	h.writeUInt16LE(format, 20);
	h.writeUInt16LE(channels, 22);
	h.writeUInt32LE(sampleRate, 24);
	h.writeUInt32LE(sampleRate * blockAlign, 28);
	h.writeUInt16LE(blockAlign, 32);
	h.writeUInt16LE(bitsPerSample, 34);
	h.write('data', 36, 'ascii');
	h.writeUInt32LE(data.length, 40);
	return Buffer.concat([h, data]);
}

// MPEG audio Layer III: [version bits, sample-rate index, samples/frame, slot coefficient, bitrate index, kbps]
const MP3_RATES = {
	44100: [3, 0, 1152, 144, 5, 64], 48000: [3, 1, 1152, 144, 5, 64], 32000: [3, 2, 1152, 144, 5, 64],
	22050: [2, 0, 576, 72, 4, 32], 24000: [2, 1, 576, 72, 4, 32], 16000: [2, 2, 576, 72, 4, 32],
};

/**
 * A silent MPEG Layer III stream: valid 4-byte frame headers (sync 0xFFE, no CRC, mono) followed by
 * zeroed side info and main data, which decoders render as silence. MPEG-1 for 32/44.1/48 kHz,
 * MPEG-2 for 16/22.05/24 kHz (Google's MP3 output is 24 kHz MPEG-2 by default).
 */
function mp3(seconds, sampleRate = 24000) {
	const sr = MP3_RATES[sampleRate] ? sampleRate : 24000;
	const [ver, srIdx, spf, coeff, brIdx, kbps] = MP3_RATES[sr];
	const frames = Math.max(1, Math.ceil((seconds * sr) / spf));
	const exact = (coeff * kbps * 1000) / sr;
	const out = [];
	let acc = 0;
	for (let i = 0; i < frames; i++) {
		acc += exact - Math.floor(exact);
		const pad = acc >= 1 ? 1 : 0;
		acc -= pad;
		const frame = Buffer.alloc(Math.floor(exact) + pad);
		frame[0] = 0xff;
		frame[1] = 0xe0 | (ver << 3) | (1 << 1) | 1; // sync, version, layer III (01), protection absent
		frame[2] = (brIdx << 4) | (srIdx << 2) | (pad << 1);
		frame[3] = 0xc4; // mono, original
		out.push(frame);
	}
	return Buffer.concat(out);
}

const CRC_TABLE = (() => {
	const t = new Uint32Array(256);
	for (let i = 0; i < 256; i++) {
		let r = i << 24;
		for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
		t[i] = r >>> 0;
	}
	return t;
})();

function oggPage(packets, { headerType = 0, granule = 0n, serial = 0x47464b45, seq = 0 }) {
	const lacing = [];
	for (const p of packets) {
		let n = p.length;
		while (n >= 255) { lacing.push(255); n -= 255; }
		lacing.push(n);
	}
	const h = Buffer.alloc(27 + lacing.length);
	h.write('OggS', 0, 'ascii');
	h[5] = headerType;
	h.writeBigInt64LE(BigInt(granule), 6);
	h.writeUInt32LE(serial, 14);
	h.writeUInt32LE(seq, 18);
	h[26] = lacing.length;
	Buffer.from(lacing).copy(h, 27);
	const page = Buffer.concat([h, ...packets]);
	let crc = 0;
	for (const b of page) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff]) >>> 0;
	page.writeUInt32LE(crc, 22);
	return page;
}

/** Ogg Opus (RFC 7845): OpusHead, OpusTags, then 20 ms silent CELT packets, 50 per page. */
function oggOpus(seconds, inputRate = 24000) {
	const head = Buffer.alloc(19);
	head.write('OpusHead', 0, 'ascii');
	head[8] = 1; head[9] = 1; // version, channels
	head.writeUInt16LE(312, 10); // pre-skip
	head.writeUInt32LE(inputRate, 12);
	const vendor = Buffer.from('fake-google', 'ascii');
	const tags = Buffer.alloc(16 + vendor.length);
	tags.write('OpusTags', 0, 'ascii');
	tags.writeUInt32LE(vendor.length, 8);
	vendor.copy(tags, 12);
	const pages = [oggPage([head], { headerType: 2, seq: 0 }), oggPage([tags], { seq: 1 })];
	const total = Math.max(1, Math.ceil(seconds / 0.02));
	const silent = Buffer.from([0xf8, 0xff, 0xfe]);
	for (let done = 0, seq = 2; done < total; seq++) {
		const n = Math.min(50, total - done);
		done += n;
		const last = done >= total;
		pages.push(oggPage(Array(n).fill(silent), { headerType: last ? 4 : 0, granule: 312 + done * 960, seq }));
	}
	return Buffer.concat(pages);
}

/** Cloud Text-to-Speech audioContent for an encoding; null when the encoding is unsupported. */
function encodeSpeech(encoding, seconds, sampleRate) {
	switch (encoding) {
		case 'LINEAR16': return wav(pcm16(seconds, sampleRate || 24000), sampleRate || 24000);
		case 'PCM': return pcm16(seconds, sampleRate || 24000);
		case 'MP3': return mp3(seconds, sampleRate || 24000);
		case 'OGG_OPUS': return oggOpus(seconds, sampleRate || 48000);
		case 'MULAW':
		case 'ALAW': {
			const sr = sampleRate || 8000;
			const silence = Buffer.alloc(Math.round(seconds * sr), encoding === 'MULAW' ? 0xff : 0xd5);
			return wav(silence, sr, { format: encoding === 'MULAW' ? 7 : 6, bitsPerSample: 8 });
		}
		default: return null;
	}
}

// ---------------------------------------------------------------- Text to Speech additions (issue #9)
// MP3 as encoders write it (ID3v2 tag, a Xing/Info frame, ID3v1 tag around the frames), and a
// decoder check: ffmpeg (Debian's package, see scripts/runtime/systemDeps.cjs) decodes a file to
// the end and we count the samples it produced.

function id3v2(text = 'fake-google') {
	const frameBody = Buffer.concat([Buffer.from([0]), Buffer.from(text, 'latin1')]);
	const frame = Buffer.alloc(10);
	frame.write('TIT2', 0, 'latin1');
	frame.writeUInt32BE(frameBody.length, 4);
	const body = Buffer.concat([frame, frameBody, Buffer.alloc(64)]); // with padding
	const header = Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0]);
	const n = body.length;
	header[6] = (n >> 21) & 0x7f; header[7] = (n >> 14) & 0x7f; header[8] = (n >> 7) & 0x7f; header[9] = n & 0x7f;
	return Buffer.concat([header, body]);
}

/** MP3 with an ID3v2 tag, a Xing ('Xing') or LAME CBR ('Info') frame stating this file's frame count, and an ID3v1 tag. */
function mp3WithHeaders(seconds, sampleRate = 24000, { tag = 'Info' } = {}) {
	const frames = mp3(seconds, sampleRate);
	const firstLength = frames.length / Math.max(1, Math.ceil((seconds * sampleRate) / MP3_RATES[sampleRate][2]));
	const info = Buffer.from(frames.subarray(0, Math.floor(firstLength)));
	const sideInfo = MP3_RATES[sampleRate][0] === 3 ? 17 : 9; // mono
	info.write(tag, 4 + sideInfo, 'latin1');
	info.writeUInt32BE(0x3, 8 + sideInfo); // flags: frames + bytes present
	info.writeUInt32BE(Math.ceil((seconds * sampleRate) / MP3_RATES[sampleRate][2]), 12 + sideInfo);
	info.writeUInt32BE(frames.length, 16 + sideInfo);
	const v1 = Buffer.alloc(128);
	v1.write('TAG', 0, 'latin1');
	v1.write('fake-google', 3, 'latin1');
	return Buffer.concat([id3v2(), info, frames, v1]);
}

/** Decodes `file` to the end with ffmpeg: { seconds, sampleRate, codec, errors }. */
function decode(file, extension) {
	const fs = require('node:fs');
	const os = require('node:os');
	const path = require('node:path');
	const { spawnSync } = require('node:child_process');
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tts-decode-'));
	const input = path.join(dir, `audio.${extension}`);
	try {
		fs.writeFileSync(input, file);
		const probe = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,sample_rate,channels:format=duration', '-of', 'json', input], { encoding: 'utf8' });
		if (probe.status !== 0) throw new Error(`ffprobe failed: ${probe.stderr}`);
		const info = JSON.parse(probe.stdout);
		const stream = info.streams[0];
		const sampleRate = Number(stream.sample_rate);
		const run = spawnSync('ffmpeg', ['-v', 'error', '-i', input, '-f', 's16le', '-acodec', 'pcm_s16le', '-ac', '1', '-'], { maxBuffer: 1 << 30 });
		if (run.status !== 0) throw new Error(`ffmpeg failed: ${run.stderr}`);
		return {
			seconds: run.stdout.length / 2 / sampleRate,
			sampleRate,
			codec: stream.codec_name,
			channels: stream.channels,
			containerSeconds: Number(info.format && info.format.duration),
			errors: String(run.stderr || '').trim(),
		};
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

module.exports = { speechSeconds, pcm16, wav, mp3, oggOpus, encodeSpeech, MP3_RATES, mp3WithHeaders, decode };
