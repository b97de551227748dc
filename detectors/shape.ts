/**
 * The shape of a text, taken in one pass over its characters: the longest run of digits, and
 * whether it holds a capital, a non-ASCII character, `.`, `:`, `@` or `<`. A detector's `requires`
 * test is answered from the shape where the shape is enough (`/\d{2}/` is "a run of two
 * digits"), or skipped when the shape rules it out, so a text that cannot match costs one pass
 * and no regex. Any other `requires` runs as written.
 *
 * The forms answered from the shape alone: `\d`, `\d\d`, `\d{N}` (a run of N digits),
 * `(?:\d\D*){N}` (N digits in all), `[.:]`; and in part `\p{Lu}`, `[A-Z]{6}`, `<<`,
 * `[A-Za-z]{2}\d{2}` (the regex runs only when the shape allows a match).
 */

export const UPPER = 1;
export const NON_ASCII = 2;
export const DOT = 4;
export const COLON = 8;
export const AT = 16;
export const ANGLE = 32;

export interface Shape {
  flags: number;
  longestDigitRun: number;
  /** How many digits, `:`, `.`, `@` and `<` the text holds (as pattern-gate.ts counts them). */
  counts: Int32Array;
}

const shape: Shape = { flags: 0, longestDigitRun: 0, counts: new Int32Array(5) };

/** A digit, in `KIND`; it is no flag. */
const DIGIT = 64;
/**
 * Per UTF-16 unit: DIGIT, the flag it sets, or 0 for the rest (lower case, spaces, most
 * punctuation: most of any text). One look-up and one test per character, where comparing each
 * character with every class in turn took half again as long.
 */
const KIND = new Uint8Array(65536).fill(NON_ASCII, 128);
for (let c = 48; c <= 57; c++) KIND[c] = DIGIT;
for (let c = 65; c <= 90; c++) KIND[c] = UPPER;
KIND[46] = DOT;
KIND[58] = COLON;
KIND[64] = AT;
KIND[60] = ANGLE;

/** The shape of `text`; the object is reused by the next call. */
export function shapeOf(text: string): Shape {
  let flags = 0;
  let run = 0;
  let longest = 0;
  let digits = 0;
  let colons = 0;
  let dots = 0;
  let ats = 0;
  let angles = 0;
  for (let i = 0; i < text.length; i++) {
    const kind = KIND[text.charCodeAt(i)] as number;
    if (kind === 0) {
      run = 0;
      continue;
    }
    if (kind === DIGIT) {
      digits++;
      if (++run > longest) longest = run;
      continue;
    }
    run = 0;
    flags |= kind;
    // The counted characters, rare in any text.
    if (kind > NON_ASCII) {
      if (kind === DOT) dots++;
      else if (kind === COLON) colons++;
      else if (kind === AT) ats++;
      else angles++;
    }
  }
  shape.flags = flags;
  shape.longestDigitRun = longest;
  const counts = shape.counts;
  counts[0] = digits;
  counts[1] = colons;
  counts[2] = dots;
  counts[3] = ats;
  counts[4] = angles;
  return shape;
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
      return (s, text) => (s.flags & UPPER) !== 0 && requires.test(text);
    case '<<':
      return (s, text) => (s.flags & ANGLE) !== 0 && requires.test(text);
    case '[A-Za-z]{2}\\d{2}':
    case '[A-Za-z]{2} ?\\d\\d':
      return (s, text) => s.longestDigitRun >= 2 && requires.test(text);
  }
  return (_, text) => requires.test(text);
}
