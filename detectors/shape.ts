/**
 * The shape of a text, taken in one pass over its characters: the longest run of digits, and
 * whether it holds a capital, a non-ASCII character, `.`, `:`, `@` or `<`. A detector's `requires`
 * test is answered from the shape where the shape is enough (`/\d{2}/` is "a run of two
 * digits"), or skipped when the shape rules it out, so a text that cannot match costs one pass
 * and no regex. Any other `requires` runs as written.
 *
 * The same pass notes where the capitals and the digit runs are, so the name finder and the
 * address anchors (shapeFor) read those places and not every character of the text again.
 *
 * The forms answered from the shape alone: `\d`, `\d\d`, `\d{N}` (a run of N digits),
 * `(?:\d\D*){N}` (N digits in all), `[.:]`, `[A-Z]{6}` (from the capitals' places),
 * `[A-Za-z]{2}\d{2}` and `[A-Za-z]{2} ?\d\d` (from the digit runs' starts); and in part
 * `\p{Lu}` and `<<` (the regex runs only when the shape allows a match).
 */

import { isAsciiLetter } from './chars.js';

export const UPPER = 1;
export const NON_ASCII = 2;
export const DOT = 4;
export const COLON = 8;
export const AT = 16;
export const ANGLE = 32;
/** A UTF-16 surrogate: a character outside the Basic Multilingual Plane, where the character tables do not reach. */
export const SURROGATE = 128;

export interface Shape {
  flags: number;
  longestDigitRun: number;
  /** How many digits, `:`, `.`, `@` and `<` the text holds (as pattern-gate.ts counts them). */
  counts: Int32Array;
  /**
   * Offsets of every capital A-Z and every character outside ASCII, in order (`markCount` of
   * them): where a capitalised word can start, for the name finder, which then reads only these
   * places instead of every character again.
   */
  marks: Int32Array;
  markCount: number;
  /** Every run of digits as a start and an end offset, in order (`digitRunCount` runs): for the address anchors. */
  digitRuns: Int32Array;
  digitRunCount: number;
}

const newShape = (): Shape => ({
  flags: 0,
  longestDigitRun: 0,
  counts: new Int32Array(5),
  marks: new Int32Array(256),
  markCount: 0,
  digitRuns: new Int32Array(256),
  digitRunCount: 0,
});
/** The shape of the text the engine is detecting in, and the text it belongs to. */
const shape = newShape();
let shapeText: string | undefined;
/** For a text other than the engine's: a detector or test that asks on its own. */
const spare = newShape();

/** A digit, in `KIND`; it is no flag. */
const DIGIT = 64;
const COUNTED = DOT | COLON | AT | ANGLE;
/**
 * Per UTF-16 unit: DIGIT, the flags it sets, or 0 for the rest (lower case, spaces, most
 * punctuation: most of any text). One look-up and one test per character, where comparing each
 * character with every class in turn took half again as long.
 */
const KIND = new Uint8Array(65536).fill(NON_ASCII, 128).fill(NON_ASCII | SURROGATE, 0xd800, 0xe000);
for (let c = 48; c <= 57; c++) KIND[c] = DIGIT;
for (let c = 65; c <= 90; c++) KIND[c] = UPPER;
KIND[46] = DOT;
KIND[58] = COLON;
KIND[64] = AT;
KIND[60] = ANGLE;

/**
 * The shape of `text`, as the engine takes it once per window (taken again only for another
 * text); the object is reused by the next call.
 */
export function shapeOf(text: string): Shape {
  if (text === shapeText) return shape;
  shapeText = text;
  return measure(text, shape);
}

/**
 * The shape of `text` for a detector: the engine's, taken for the same text before the detector
 * ran, or else taken now. Read it at once; the next call may reuse the object.
 */
export function shapeFor(text: string): Shape {
  return text === shapeText ? shape : measure(text, spare);
}

function measure(text: string, into: Shape): Shape {
  const n = text.length;
  // Room for every mark and every run edge the text can have, so the loop needs no test for it.
  if (into.marks.length < n) into.marks = new Int32Array(Math.max(n, 2 * into.marks.length));
  if (into.digitRuns.length < n + 1) into.digitRuns = new Int32Array(Math.max(n + 1, 2 * into.digitRuns.length));
  const marks = into.marks;
  const runs = into.digitRuns;
  let m = 0;
  let r = 0;
  let flags = 0;
  let run = 0;
  let longest = 0;
  let digits = 0;
  let colons = 0;
  let dots = 0;
  let ats = 0;
  let angles = 0;
  for (let i = 0; i < n; i++) {
    const kind = KIND[text.charCodeAt(i)] as number;
    if (kind === 0) {
      if (run !== 0) {
        runs[r++] = i;
        run = 0;
      }
      continue;
    }
    if (kind === DIGIT) {
      if (run === 0) runs[r++] = i;
      digits++;
      if (++run > longest) longest = run;
      continue;
    }
    if (run !== 0) {
      runs[r++] = i;
      run = 0;
    }
    flags |= kind;
    if ((kind & (UPPER | NON_ASCII)) !== 0) marks[m++] = i;
    // The counted characters, rare in any text.
    else if ((kind & COUNTED) !== 0) {
      if (kind === DOT) dots++;
      else if (kind === COLON) colons++;
      else if (kind === AT) ats++;
      else angles++;
    }
  }
  if (run !== 0) runs[r++] = n;
  into.flags = flags;
  into.longestDigitRun = longest;
  into.markCount = m;
  into.digitRunCount = r >> 1;
  const counts = into.counts;
  counts[0] = digits;
  counts[1] = colons;
  counts[2] = dots;
  counts[3] = ats;
  counts[4] = angles;
  return into;
}

/** Whether a text of this shape can pass a detector's `requires`. */
export type Gate = (shape: Shape, text: string) => boolean;

/** The gate for a `requires` regex: exact from the shape for the common forms, else the shape's necessary part and then the regex. */
export function gateFor(requires: RegExp): Gate {
  if (requires.global || requires.sticky) return (_, text) => requires.test(text);
  const digits = /^\\d(?:\\d|\{(\d+)\})?$/.exec(requires.source);
  if (digits) {
    const n = digits[1] ? Number(digits[1]) : requires.source.length === 4 ? 2 : 1;
    return (s) => s.longestDigitRun >= n;
  }
  // `(?:\d\D*){8}`: at least eight digits anywhere, what a phone number needs, read from the count.
  const count = /^\(\?:\\d\\D\*\)\{(\d+)\}$/.exec(requires.source);
  if (count) {
    const n = Number(count[1]);
    return (s) => (s.counts[0] as number) >= n;
  }
  const caseless = requires.flags.includes('i');
  switch (requires.source) {
    case '[.:]':
      return (s) => (s.flags & (DOT | COLON)) !== 0;
    case '\\p{Lu}':
      // A capital is A-Z or a character outside ASCII; only the latter needs the regex.
      if (caseless || !requires.unicode) break;
      return (s, text) => (s.flags & UPPER) !== 0 || ((s.flags & NON_ASCII) !== 0 && requires.test(text));
    case '[A-Z]{6}':
      if (caseless) break;
      return (s, text) => (s.flags & UPPER) !== 0 && hasCapitalRun(s, text, 6);
    case '<<':
      return (s, text) => (s.flags & ANGLE) !== 0 && requires.test(text);
    case '[A-Za-z]{2}\\d{2}':
    case '[A-Za-z]{2} ?\\d\\d': {
      // Case-insensitive in Unicode mode, [A-Za-z] also takes ſ and the Kelvin sign: left to the regex.
      if (caseless && (requires.unicode || requires.flags.includes('v'))) return (s, text) => s.longestDigitRun >= 2 && requires.test(text);
      const space = requires.source.includes(' ');
      return (s, text) => s.longestDigitRun >= 2 && lettersBeforeDigits(s, text, space);
    }
  }
  return (_, text) => requires.test(text);
}

/** Whether `text` holds `n` capitals A-Z in a row: read off the shape's marks (every capital is one). */
function hasCapitalRun(shape: Shape, text: string, n: number): boolean {
  const { marks, markCount } = shape;
  let run = 0;
  let last = -2;
  for (let k = 0; k < markCount; k++) {
    const at = marks[k] as number;
    const code = text.charCodeAt(at);
    if (code < 65 || code > 90) {
      run = 0;
      continue;
    }
    run = at === last + 1 ? run + 1 : 1;
    last = at;
    if (run >= n) return true;
  }
  return false;
}

/**
 * Whether two ASCII letters stand right before (or, with `space`, one space before) two digits:
 * the digits then start a run of at least two, so only the shape's runs are read.
 */
function lettersBeforeDigits(shape: Shape, text: string, space: boolean): boolean {
  const runs = shape.digitRuns;
  for (let r = 0; r < shape.digitRunCount; r++) {
    const start = runs[2 * r] as number;
    if ((runs[2 * r + 1] as number) - start < 2) continue;
    if (start >= 2 && isAsciiLetter(text.charCodeAt(start - 1)) && isAsciiLetter(text.charCodeAt(start - 2))) return true;
    if (space && start >= 3 && text.charCodeAt(start - 1) === 32 && isAsciiLetter(text.charCodeAt(start - 2)) && isAsciiLetter(text.charCodeAt(start - 3)))
      return true;
  }
  return false;
}
