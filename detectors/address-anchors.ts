/**
 * The digit anchors of the address patterns (postal-address.ts, address-romance.ts), all read in
 * one pass over the digit runs of a text, where each was a regex over the whole text: most text
 * holds numbers (amounts, dates, counts), so every anchor ran on almost every segment. Each
 * anchor is the regex it replaces, and answers as it does:
 *
 * - NL_POSTCODE_AT `[1-9]\d{3} ?[A-Z]{2}(?![\p{L}\p{N}])`
 * - POSTCODE_CAPITAL `[1-9]\d{3,4} {1,2}\p{Lu}`
 * - UK_INWARD `\d[ABD-HJLNP-UW-Z]{2}(?![\p{L}\p{N}])`
 * - FIVE_DIGITS_CAPITAL `\d{5} {1,2}\p{Lu}`
 *
 * and the pass keeps where a space stands before a digit (`/ \d/g`), for the street anchor. Every
 * match of these ends a run of digits (the character after it is no digit), so each is a test at
 * the end of a run. Texts with characters outside the Basic Multilingual Plane, where the
 * character tables do not reach, take the regexes.
 */
import { LETTER_CASE, LETTER_OR_DIGIT } from './chars.js';
import { type Shape, SURROGATE, shapeFor } from './shape.js';

export const NL_POSTCODE_AT = 1;
export const POSTCODE_CAPITAL = 2;
export const UK_INWARD = 4;
export const FIVE_DIGITS_CAPITAL = 8;
const ALL = 15;

const REGEX_OF: readonly [number, RegExp][] = [
  [NL_POSTCODE_AT, /[1-9]\d{3} ?[A-Z]{2}(?![\p{L}\p{N}])/u],
  [POSTCODE_CAPITAL, /[1-9]\d{3,4} {1,2}\p{Lu}/u],
  [UK_INWARD, /\d[ABD-HJLNP-UW-Z]{2}(?![\p{L}\p{N}])/u],
  [FIVE_DIGITS_CAPITAL, /\d{5} {1,2}\p{Lu}/u],
];
const SPACE_DIGIT = / \d/g;

/** 1 for the letters of a UK inward code (`[ABD-HJLNP-UW-Z]`). */
const INWARD_LETTER = new Uint8Array(128);
for (const ch of 'ABDEFGHJLNPQRSTUWXYZ') INWARD_LETTER[ch.charCodeAt(0)] = 1;

export interface DigitAnchors {
  /** The anchors present, as bits. */
  found: number;
  /** Offsets of every space before a digit, in order; `count` of them are valid. */
  spaceDigit: Int32Array;
  count: number;
}

const last: DigitAnchors = { found: 0, spaceDigit: new Int32Array(64), count: 0 };
let lastText: string | undefined;

/** The digit anchors of `text`; the result is reused, and computed once for the same text in a row. */
export function digitAnchors(text: string): DigitAnchors {
  if (text === lastText) return last;
  lastText = text;
  last.count = 0;
  const shape = shapeFor(text);
  if ((shape.flags & SURROGATE) !== 0) byRegex(text);
  else scan(text, shape);
  return last;
}

function addSpaceDigit(at: number): void {
  if (last.count === last.spaceDigit.length) {
    const bigger = new Int32Array(last.count * 2);
    bigger.set(last.spaceDigit);
    last.spaceDigit = bigger;
  }
  last.spaceDigit[last.count++] = at;
}

function byRegex(text: string): void {
  let found = 0;
  for (const [bit, re] of REGEX_OF) if (re.test(text)) found |= bit;
  last.found = found;
  SPACE_DIGIT.lastIndex = 0;
  for (let m = SPACE_DIGIT.exec(text); m !== null; m = SPACE_DIGIT.exec(text)) addSpaceDigit(m.index);
}

/** Past the last index charCodeAt is NaN: no digit, letter or space, as the end of the text reads. */
function endsWord(text: string, i: number): boolean {
  return i >= text.length || LETTER_OR_DIGIT[text.charCodeAt(i)] !== 1;
}
function spaceCapital(text: string, end: number): boolean {
  if (text.charCodeAt(end) !== 32) return false;
  const c = text.charCodeAt(end + 1);
  if (c === 32) return end + 2 < text.length && LETTER_CASE[text.charCodeAt(end + 2)] === 1;
  return end + 1 < text.length && LETTER_CASE[c] === 1;
}
const isAZ = (c: number) => c >= 65 && c <= 90;

function scan(text: string, shape: Shape): void {
  let found = 0;
  // The digit runs as the shape pass found them: the text between them is not read here.
  const runs = shape.digitRuns;
  for (let k = 0; k < shape.digitRunCount; k++) {
    const start = runs[2 * k] as number;
    const end = runs[2 * k + 1] as number;
    if (start > 0 && text.charCodeAt(start - 1) === 32) addSpaceDigit(start - 1);
    if (found === ALL) continue;
    // The run is [start, end); `c` is the character after it (NaN at the end).
    const c = text.charCodeAt(end);
    const length = end - start;
    if (INWARD_LETTER[c] === 1 && INWARD_LETTER[text.charCodeAt(end + 1)] === 1 && endsWord(text, end + 2)) found |= UK_INWARD;
    if (length < 4) continue;
    const four = text.charCodeAt(end - 4) !== 48;
    if (four) {
      if (
        isAZ(c)
          ? isAZ(text.charCodeAt(end + 1)) && endsWord(text, end + 2)
          : c === 32 && isAZ(text.charCodeAt(end + 1)) && isAZ(text.charCodeAt(end + 2)) && endsWord(text, end + 3)
      )
        found |= NL_POSTCODE_AT;
    }
    if (!spaceCapital(text, end)) continue;
    if (four || (length >= 5 && text.charCodeAt(end - 5) !== 48)) found |= POSTCODE_CAPITAL;
    if (length >= 5) found |= FIVE_DIGITS_CAPITAL;
  }
  last.found = found;
}

/** The anchor functions, for the patterns' `anchor` fields. */
export const hasDigitAnchor = (bit: number) => (text: string) => (digitAnchors(text).found & bit) !== 0;
