/**
 * PowerPoint 97-2003 (.ppt, .pps, .pot): slide text and speaker notes from the `PowerPoint
 * Document` stream, by a small reader of the records documented in [MS-PPT] (no maintained
 * JavaScript library reads them). Every record starts with an 8-byte header: version (low 4
 * bits; 0xF marks a container), instance, type, length. Text sits in TextCharsAtom (0x0FA0,
 * UTF-16LE), TextBytesAtom (0x0FA8, one byte per character, the low byte of UTF-16) and, for
 * some shapes, CString (0x0FBA).
 *   - SlideListWithText (0x0FF0) instance 0 lists the slides' placeholder text in show order, a
 *     SlidePersistAtom (0x03F3) before each slide; instance 2 does the same for notes.
 *   - Text boxes outside placeholders sit in each Slide (0x03EE) or Notes (0x03F0) container's
 *     drawing, numbered here in stream order.
 *   - The masters (0x03F8, 0x0FC9: "Click to edit Master title style") are skipped.
 * `where: { slide, paragraph }`; notes `{ slide, part: "notes", paragraph }`. A file encrypted
 * with a password (a CryptSession10Container, 0x2F14) is `encrypted`.
 */
import type CFB from 'cfb';
import { paragraphSegments } from './segments.js';
import type { Extracted } from './types.js';
import { ExtractError } from './types.js';

const RT = {
  slide: 0x03ee,
  notes: 0x03f0,
  slidePersistAtom: 0x03f3,
  mainMaster: 0x03f8,
  titleMaster: 0x0fc9,
  textCharsAtom: 0x0fa0,
  textBytesAtom: 0x0fa8,
  cString: 0x0fba,
  slideListWithText: 0x0ff0,
  cryptSession: 0x2f14,
} as const;

/** Real files nest a few levels deep; a hostile one could nest until the stack runs out. */
const MAX_DEPTH = 32;

interface Collected {
  /** slide number → paragraphs, in the order met. */
  slides: Map<number, string[]>;
  notes: Map<number, string[]>;
}

function add(map: Map<number, string[]>, slide: number, text: string): void {
  const paragraphs = text
    .split(/[\r\v\n]/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (paragraphs.length === 0) return;
  const list = map.get(slide) ?? [];
  for (const p of paragraphs) if (!list.includes(p)) list.push(p);
  map.set(slide, list);
}

function atomText(type: number, body: Buffer): string | undefined {
  if (type === RT.textCharsAtom || type === RT.cString) return body.toString('utf16le');
  if (type === RT.textBytesAtom) return body.toString('latin1');
  return undefined;
}

/** Walks the records of [start, end); `target` says where text goes at this level. */
function walk(
  stream: Buffer,
  start: number,
  end: number,
  depth: number,
  out: Collected,
  state: { slide: number; notes: number },
  target?: { map: Map<number, string[]>; at: () => number },
): void {
  if (depth > MAX_DEPTH) throw new ExtractError('corrupt', 'the PowerPoint records nest deeper than any real file; it may be damaged');
  let offset = start;
  while (offset + 8 <= end) {
    const verInstance = stream.readUInt16LE(offset);
    const type = stream.readUInt16LE(offset + 2);
    const length = stream.readUInt32LE(offset + 4);
    const bodyStart = offset + 8;
    const bodyEnd = bodyStart + length;
    if (bodyEnd > end) throw new ExtractError('corrupt', 'a PowerPoint record runs past the end of its stream; the file may be truncated');
    const container = (verInstance & 0x0f) === 0x0f;
    const instance = verInstance >> 4;
    if (type === RT.cryptSession) throw new ExtractError('encrypted', 'the presentation is protected with a password; its contents cannot be scanned');
    if (type === RT.mainMaster || type === RT.titleMaster) {
      // Master slides: template text only.
    } else if (type === RT.slideListWithText && container) {
      const map = instance === 2 ? out.notes : instance === 0 ? out.slides : undefined;
      if (map) {
        let n = 0;
        walkList(stream, bodyStart, bodyEnd, map, () => ++n);
      }
    } else if (type === RT.slide && container) {
      const slide = ++state.slide;
      walk(stream, bodyStart, bodyEnd, depth + 1, out, state, { map: out.slides, at: () => slide });
    } else if (type === RT.notes && container) {
      const notes = ++state.notes;
      walk(stream, bodyStart, bodyEnd, depth + 1, out, state, { map: out.notes, at: () => notes });
    } else if (container) {
      walk(stream, bodyStart, bodyEnd, depth + 1, out, state, target);
    } else if (target) {
      const text = atomText(type, stream.subarray(bodyStart, bodyEnd));
      if (text !== undefined) add(target.map, target.at(), text);
    }
    offset = bodyEnd;
  }
}

/** A SlideListWithText: atoms in order, a SlidePersistAtom before each slide's text. */
function walkList(stream: Buffer, start: number, end: number, map: Map<number, string[]>, next: () => number): void {
  let offset = start;
  let slide = 0;
  while (offset + 8 <= end) {
    const type = stream.readUInt16LE(offset + 2);
    const length = stream.readUInt32LE(offset + 4);
    const bodyEnd = offset + 8 + length;
    if (bodyEnd > end) throw new ExtractError('corrupt', 'a PowerPoint record runs past the end of its stream; the file may be truncated');
    if (type === RT.slidePersistAtom) slide = next();
    else if (slide > 0) {
      const text = atomText(type, stream.subarray(offset + 8, bodyEnd));
      if (text !== undefined) add(map, slide, text);
    }
    offset = bodyEnd;
  }
}

export function isPpt(container: CFB.CFB$Container): boolean {
  return container.FileIndex.some((e) => e.name === 'PowerPoint Document');
}

export function* extractPpt(container: CFB.CFB$Container): Generator<Extracted> {
  const entry = container.FileIndex.find((e) => e.name === 'PowerPoint Document');
  const content = entry?.content as Uint8Array | undefined;
  if (!content || content.length === 0) throw new ExtractError('corrupt', 'the presentation has an empty PowerPoint Document stream; it may be damaged');
  const stream = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  const out: Collected = { slides: new Map(), notes: new Map() };
  walk(stream, 0, stream.length, 0, out, { slide: 0, notes: 0 });
  for (const slide of [...new Set([...out.slides.keys(), ...out.notes.keys()])].sort((a, b) => a - b)) {
    yield* paragraphSegments(out.slides.get(slide) ?? [], undefined, { slide });
    yield* paragraphSegments(out.notes.get(slide) ?? [], 'notes', { slide });
  }
}
