/** Per-character tables for the hot paths: a look-up instead of a Unicode regex per character. */

/** 1 for a letter or digit (`[\p{L}\p{N}]`), per UTF-16 unit; surrogates are 0 (see the code-point helpers). */
export const LETTER_OR_DIGIT = new Uint8Array(65536);
/** 1 for a letter (`\p{L}`), per UTF-16 unit. */
export const LETTER = new Uint8Array(65536);
/** 1 for a capital (`\p{Lu}`), 2 for a lower-case letter (`\p{Ll}`), per UTF-16 unit. */
export const LETTER_CASE = new Uint8Array(65536);
{
  const ln = /[\p{L}\p{N}]/u;
  const l = /\p{L}/u;
  const lu = /\p{Lu}/u;
  const ll = /\p{Ll}/u;
  for (let c = 0; c < 65536; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const ch = String.fromCharCode(c);
    if (ln.test(ch)) LETTER_OR_DIGIT[c] = 1;
    if (l.test(ch)) {
      LETTER[c] = 1;
      if (lu.test(ch)) LETTER_CASE[c] = 1;
      else if (ll.test(ch)) LETTER_CASE[c] = 2;
    }
  }
}

const LETTER_OR_DIGIT_CP = /^[\p{L}\p{N}]$/u;
const LETTER_CP = /^\p{L}$/u;

/** A to Z or a to z. */
export const isAsciiLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
export const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
export const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** Whether a code point of two units (a surrogate pair) is a letter or digit. */
export const pairIsLetterOrDigit = (pair: string) => LETTER_OR_DIGIT_CP.test(pair);

/** Whether the code point that ends just before `i` (not reaching below `floor`) is a letter or digit, as a Unicode regex sees the text from `floor`. */
export function wordCharBefore(text: string, i: number, floor: number): boolean {
  const c = text.charCodeAt(i - 1);
  if (isLowSurrogate(c) && i - 2 >= floor && isHighSurrogate(text.charCodeAt(i - 2))) return LETTER_OR_DIGIT_CP.test(text.slice(i - 2, i));
  return LETTER_OR_DIGIT[c] === 1;
}

/** Whether the code point at `i` (ending before `ceil`) is a letter or digit. */
export function wordCharAt(text: string, i: number, ceil: number): boolean {
  const c = text.charCodeAt(i);
  if (isHighSurrogate(c) && i + 1 < ceil && isLowSurrogate(text.charCodeAt(i + 1))) return LETTER_OR_DIGIT_CP.test(text.slice(i, i + 2));
  return LETTER_OR_DIGIT[c] === 1;
}

/** Whether `text[from, to)` holds a letter, as `/\p{L}/u` would on that slice. */
export function hasLetter(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (LETTER[c] === 1) return true;
    if (isHighSurrogate(c) && i + 1 < to && isLowSurrogate(text.charCodeAt(i + 1))) {
      if (LETTER_CP.test(text.slice(i, i + 2))) return true;
      i++;
    }
  }
  return false;
}
