/**
 * Text decoding for files of unknown origin: a BOM decides (UTF-8, UTF-16 LE/BE); UTF-16 without
 * a BOM is recognised by its zero bytes; otherwise UTF-8, switching to Windows-1252 (the usual
 * encoding of older Dutch and Western European Windows files) from the first invalid byte on.
 */
import type { ItemContent } from './types.js';

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export function sniffEncoding(head: Uint8Array): TextEncodingName | undefined {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  const n = Math.min(head.length, 4096) & ~1;
  if (n >= 4) {
    let zeroEven = 0;
    let zeroOdd = 0;
    for (let i = 0; i < n; i += 2) {
      if (head[i] === 0) zeroEven++;
      if (head[i + 1] === 0) zeroOdd++;
    }
    const pairs = n / 2;
    if (zeroOdd > pairs * 0.4 && zeroEven < pairs * 0.05) return 'utf-16le';
    if (zeroEven > pairs * 0.4 && zeroOdd < pairs * 0.05) return 'utf-16be';
  }
  return undefined;
}

/** True when the head looks like text in some encoding we read: no NUL bytes and few control characters. */
export function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return true;
  if (sniffEncoding(head)) return true;
  let control = 0;
  // Indexed, not for-of: the typed array's iterator cost 7 ns a byte, 35 µs for the head of every file.
  for (let i = 0; i < head.length; i++) {
    const byte = head[i] as number;
    if (byte === 0) return false;
    if (byte < 9 || (byte > 13 && byte < 32 && byte !== 27)) control++;
  }
  return control / head.length < 0.05;
}

/** Decodes the content chunk by chunk into strings. */
export async function* decodeChunks(content: ItemContent): AsyncGenerator<string> {
  const sniffed = sniffEncoding(content.head);
  let decoder = new TextDecoder(sniffed ?? 'utf-8', { fatal: sniffed === undefined });
  let fallback = false;
  for await (const chunk of content.chunks()) {
    if (fallback) {
      yield decoder.decode(chunk, { stream: true });
      continue;
    }
    try {
      yield decoder.decode(chunk, { stream: true });
    } catch {
      fallback = true;
      decoder = new TextDecoder('windows-1252');
      yield decoder.decode(chunk, { stream: true });
    }
  }
  try {
    const rest = decoder.decode();
    if (rest) yield rest;
  } catch {
    // An incomplete character at the very end of the file: nothing more to read.
  }
}

/** Decodes small content at once (HTML, which needs the whole document). */
export async function decodeAll(content: ItemContent): Promise<string> {
  let text = '';
  for await (const part of decodeChunks(content)) text += part;
  return text;
}

/** A line of text. Lines over MAX_PIECE are cut into overlapping pieces (see Segment.ownedStart/ownedEnd). */
export interface Line {
  number: number;
  text: string;
  ownedStart?: number;
  ownedEnd?: number;
}

const MAX_PIECE = 1024 * 1024;
const OVERLAP = 1024;

/**
 * The lines of each decoded chunk together: one step of the async generator per chunk instead of
 * one per line. A step costs a promise, about a microsecond, as much as detecting a short line.
 */
export async function* decodeLineBatches(content: ItemContent): AsyncGenerator<Line[]> {
  let carry = '';
  let number = 1;
  // Characters at the start of `carry` that belong to the previous piece of the same line.
  let lead = 0;
  for await (const chunk of decodeChunks(content)) {
    carry += chunk;
    const lines: Line[] = [];
    let from = 0;
    for (let nl = carry.indexOf('\n', from); nl !== -1; nl = carry.indexOf('\n', from)) {
      const text = stripCr(carry.slice(from, nl));
      lines.push(lead > 0 && from === 0 ? { number, text, ownedStart: lead } : { number, text });
      lead = 0;
      number++;
      from = nl + 1;
    }
    carry = carry.slice(from);
    while (carry.length > MAX_PIECE) {
      const ownedEnd = MAX_PIECE - OVERLAP;
      lines.push({ number, text: carry.slice(0, MAX_PIECE), ownedEnd, ...(lead > 0 ? { ownedStart: lead } : {}) });
      carry = carry.slice(ownedEnd - OVERLAP);
      lead = OVERLAP;
    }
    if (lines.length > 0) yield lines;
  }
  if (carry.length > 0) yield [lead > 0 ? { number, text: stripCr(carry), ownedStart: lead } : { number, text: stripCr(carry) }];
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** The owned range of a piece of a long line, to copy onto its segment. */
export function pieceBounds(line: Line): { ownedStart?: number; ownedEnd?: number } {
  return {
    ...(line.ownedStart !== undefined ? { ownedStart: line.ownedStart } : {}),
    ...(line.ownedEnd !== undefined ? { ownedEnd: line.ownedEnd } : {}),
  };
}
