/** Masking helpers: a masked value lets a person recognise a finding without learning the value. */
import { isHighSurrogate, isLowSurrogate, LETTER_OR_DIGIT, pairIsLetterOrDigit } from './chars.js';

/** Replaces letters and digits by `*`, keeping separators and the last `keep` letters/digits. */
export function maskKeepLast(value: string, keep: number): string {
  // From the end, a code point at a time (an astral letter becomes one `*`), with table look-ups.
  let visible = 0;
  const parts: string[] = [];
  for (let i = value.length - 1; i >= 0; i--) {
    const c = value.charCodeAt(i);
    let ch: string;
    let wordChar: boolean;
    if (isLowSurrogate(c) && i > 0 && isHighSurrogate(value.charCodeAt(i - 1))) {
      ch = value.slice(i - 1, i + 1);
      wordChar = pairIsLetterOrDigit(ch);
      i--;
    } else {
      ch = value[i] as string;
      wordChar = LETTER_OR_DIGIT[c] === 1;
    }
    if (wordChar && visible >= keep) parts.push('*');
    else {
      if (wordChar) visible++;
      parts.push(ch);
    }
  }
  return parts.reverse().join('');
}

/** Groups a compact value in fours, as IBANs and card numbers are printed. */
export function groupsOfFour(value: string): string {
  return value.replace(/(.{4})(?=.)/g, '$1 ');
}
