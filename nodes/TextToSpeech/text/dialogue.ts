import { splitAtBoundaries } from '../../shared/text/split';
import type { Measure } from '../../shared/text/split';

/**
 * Speaker-labelled dialogue ("Joe: Hi!\nJane: Hello."): detection, and chunks that keep every
 * line's label, so a turn split across two requests is still read by its speaker's voice.
 */

export interface Turn {
	speaker: string;
	text: string;
}

/** A label is one to three words at the start of a line, then a colon. */
const LABEL = /^\s*([\p{L}][\p{L}\p{N}._'-]*(?: [\p{L}\p{N}._'-]+){0,2})\s*:\s*(.*)$/u;

export type DialogueScan =
	| { kind: 'none' }
	| { kind: 'dialogue'; speakers: string[]; turns: Turn[] }
	| { kind: 'tooManySpeakers'; speakers: string[] };

/**
 * Dialogue when the first line is labelled and the labels name exactly two speakers; lines
 * without a label continue the previous turn. Three or more names is reported, since Gemini
 * speaks at most two voices per request.
 */
export function scanDialogue(text: string): DialogueScan {
	const turns: Turn[] = [];
	for (const line of text.split(/\r?\n/)) {
		if (line.trim() === '') continue;
		const match = LABEL.exec(line);
		if (match && match[2].trim() !== '') turns.push({ speaker: match[1].trim(), text: match[2].trim() });
		else if (turns.length === 0) return { kind: 'none' };
		else turns[turns.length - 1].text += ` ${line.trim()}`;
	}
	const speakers = [...new Set(turns.map((turn) => turn.speaker))];
	if (speakers.length === 2 && turns.length >= 2) return { kind: 'dialogue', speakers, turns };
	if (speakers.length > 2 && turns.length >= speakers.length) return { kind: 'tooManySpeakers', speakers };
	return { kind: 'none' };
}

/** Chunks of whole "Speaker: text" lines, each at most `max`; a long turn is split, relabelled. */
export function chunkDialogue(turns: Turn[], max: number, measure: Measure): string[] {
	const lines = turns.flatMap(({ speaker, text }) => {
		const label = `${speaker}: `;
		return splitAtBoundaries(text, Math.max(1, max - measure(label)), measure).map((piece) => `${label}${piece}`);
	});
	const chunks: string[] = [];
	let current = '';
	for (const line of lines) {
		const candidate = current === '' ? line : `${current}\n${line}`;
		if (measure(candidate) <= max) current = candidate;
		else {
			if (current !== '') chunks.push(current);
			current = line;
		}
	}
	if (current !== '') chunks.push(current);
	return chunks;
}
