import { splitAtBoundaries } from '../../shared/text/split';
import type { Measure } from '../../shared/text/split';
import { SsmlError } from '../../shared/errors';

/**
 * A small, strict SSML reader: enough XML to tell whether a document is well-formed and to
 * find the children of its <speak> root. Long SSML is split only between those children
 * (text directly inside <speak> may also be split at sentence boundaries), and every chunk is
 * re-wrapped in the original <speak …> tag, so each request is a well-formed document.
 */

interface Piece {
	kind: 'element' | 'text';
	start: number;
	end: number;
	name?: string;
}

interface ParsedSsml {
	/** The root's opening tag as written, attributes included. */
	openTag: string;
	pieces: Piece[];
}

const NAME = /^[A-Za-z_][\w.:-]*/;
const ATTRIBUTES = /^(?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*\s*$/;
const ENTITY = /^&(?:[A-Za-z][\w.-]*|#\d+|#x[0-9A-Fa-f]+);/;

function lineOf(text: string, offset: number): number {
	let line = 1;
	for (let index = 0; index < offset; index++) if (text.charCodeAt(index) === 10) line++;
	return line;
}

function fail(text: string, offset: number, problem: string): never {
	throw new SsmlError(`The SSML does not parse: ${problem} at line ${lineOf(text, offset)}`);
}

function checkText(ssml: string, start: number, end: number): void {
	for (let index = ssml.indexOf('&', start); index !== -1 && index < end; index = ssml.indexOf('&', index + 1)) {
		if (!ENTITY.test(ssml.slice(index, Math.min(end, index + 12)))) {
			fail(ssml, index, 'a bare "&" (write &amp;)');
		}
	}
}

function skipSpecial(ssml: string, at: number, open: string, close: string): number {
	const end = ssml.indexOf(close, at + open.length);
	if (end === -1) fail(ssml, at, `"${open}" is never closed`);
	return end + close.length;
}

/** Checks well-formedness and returns the <speak> root's children; throws SsmlError. */
export function parseSsml(ssml: string): ParsedSsml {
	const stack: Array<{ name: string; at: number }> = [];
	const pieces: Piece[] = [];
	let openTag = '';
	let rootClosed = false;
	let pieceStart = -1;
	let offset = 0;
	while (offset < ssml.length) {
		const lt = ssml.indexOf('<', offset);
		const textEnd = lt === -1 ? ssml.length : lt;
		if (textEnd > offset) {
			const text = ssml.slice(offset, textEnd);
			if (stack.length === 0 && text.trim() !== '') fail(ssml, offset, 'text outside <speak>');
			checkText(ssml, offset, textEnd);
			if (stack.length === 1 && text.trim() !== '') pieces.push({ kind: 'text', start: offset, end: textEnd });
		}
		if (lt === -1) break;
		if (ssml.startsWith('<!--', lt)) offset = skipSpecial(ssml, lt, '<!--', '-->');
		else if (ssml.startsWith('<![CDATA[', lt)) {
			if (stack.length === 0) fail(ssml, lt, 'CDATA outside <speak>');
			offset = skipSpecial(ssml, lt, '<![CDATA[', ']]>');
			if (stack.length === 1) pieces.push({ kind: 'element', start: lt, end: offset, name: 'CDATA' });
		} else if (ssml.startsWith('<?', lt)) offset = skipSpecial(ssml, lt, '<?', '?>');
		else if (ssml.startsWith('<!', lt)) offset = skipSpecial(ssml, lt, '<!', '>');
		else {
			const gt = ssml.indexOf('>', lt);
			if (gt === -1) fail(ssml, lt, 'a tag that never ends (missing ">")');
			const inner = ssml.slice(lt + 1, gt);
			offset = gt + 1;
			if (inner.startsWith('/')) {
				const name = inner.slice(1).trim();
				const open = stack.pop();
				if (!open) fail(ssml, lt, `</${name}> closes nothing`);
				if (open.name !== name) {
					fail(ssml, lt, `</${name}> closes <${open.name}> (opened at line ${lineOf(ssml, open.at)})`);
				}
				if (stack.length === 0) rootClosed = true;
				if (stack.length === 1) pieces.push({ kind: 'element', start: pieceStart, end: offset, name });
				continue;
			}
			const selfClosing = inner.endsWith('/');
			const body = selfClosing ? inner.slice(0, -1) : inner;
			const name = NAME.exec(body)?.[0];
			if (!name) fail(ssml, lt, 'a "<" that starts no tag (write &lt;)');
			if (!ATTRIBUTES.test(body.slice(name.length))) fail(ssml, lt, `badly written attributes in <${name}>`);
			if (stack.length === 0) {
				if (rootClosed) fail(ssml, lt, `a second root element <${name}>`);
				if (name !== 'speak') fail(ssml, lt, `the root element is <${name}>, not <speak>`);
				openTag = ssml.slice(lt, offset);
				if (selfClosing) rootClosed = true;
				else stack.push({ name, at: lt });
				continue;
			}
			if (stack.length === 1) pieceStart = lt;
			if (selfClosing) {
				if (stack.length === 1) pieces.push({ kind: 'element', start: lt, end: offset, name });
			} else stack.push({ name, at: lt });
		}
	}
	if (stack.length > 0) {
		const open = stack[stack.length - 1];
		fail(ssml, open.at, `<${open.name}> is never closed`);
	}
	if (!openTag) throw new SsmlError('The SSML does not parse: there is no <speak> element');
	return { openTag, pieces };
}

/**
 * SSML chunks of at most `max` (by `measure`), each a well-formed <speak> document. Throws
 * SsmlError when the SSML does not parse, or when one element directly inside <speak> is too
 * large to fit a chunk on its own (the message says which, and how to fix it).
 */
export function splitSsml(ssml: string, max: number, measure: Measure): string[] {
	const trimmed = ssml.trim();
	const { openTag, pieces } = parseSsml(trimmed);
	if (measure(trimmed) <= max) return [trimmed];
	const close = '</speak>';
	const budget = max - measure(openTag) - measure(close);
	const units: string[] = [];
	for (const piece of pieces) {
		const text = trimmed.slice(piece.start, piece.end);
		if (measure(text.trim()) <= budget) units.push(text.trim());
		else if (piece.kind === 'text') units.push(...splitAtBoundaries(text, budget, measure));
		else {
			throw new SsmlError(
				`The SSML element <${piece.name}> at line ${lineOf(trimmed, piece.start)} is ${measure(text)} bytes, and one request takes at most ${max} bytes including <speak>…</speak>. Split it into smaller <p> or <s> elements directly inside <speak>.`,
			);
		}
	}
	const chunks: string[] = [];
	let current = '';
	for (const unit of units) {
		const candidate = current === '' ? unit : `${current} ${unit}`;
		if (measure(candidate) <= budget) current = candidate;
		else {
			chunks.push(current);
			current = unit;
		}
	}
	if (current !== '') chunks.push(current);
	return chunks.map((chunk) => `${openTag}${chunk}${close}`);
}
