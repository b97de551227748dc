import { describe, expect, it } from 'vitest';
import { digitAnchors, FIVE_DIGITS_CAPITAL, NL_POSTCODE_AT, POSTCODE_CAPITAL, UK_INWARD } from './address-anchors.js';

/** The regexes the one pass replaces, by bit. */
const REGEXES: readonly [number, RegExp][] = [
  [NL_POSTCODE_AT, /[1-9]\d{3} ?[A-Z]{2}(?![\p{L}\p{N}])/u],
  [POSTCODE_CAPITAL, /[1-9]\d{3,4} {1,2}\p{Lu}/u],
  [UK_INWARD, /\d[ABD-HJLNP-UW-Z]{2}(?![\p{L}\p{N}])/u],
  [FIVE_DIGITS_CAPITAL, /\d{5} {1,2}\p{Lu}/u],
];

// Pieces that sit on every edge of the anchors: zeros, runs of four and five digits, capitals in
// and out of ASCII, letters and digits of other scripts, a surrogate pair (the regex path).
const PIECES = [...'0159  ABCIZaÉé٣.-ǅ\u00a0', '😀', '1234', '10115', '00184', '3511 AB', 'SW1A 1AA'];

describe('digit anchors', () => {
  it('answer as the regexes they replace, and find every space before a digit', () => {
    let seed = 11;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const seen = new Set<number>();
    for (let n = 0; n < 20_000; n++) {
      let text = '';
      for (let k = Math.floor(random() * 12); k > 0; k--) text += PIECES[Math.floor(random() * PIECES.length)];
      let expected = 0;
      for (const [bit, re] of REGEXES) if (re.test(text)) expected |= bit;
      const spaces = [...text.matchAll(/ \d/g)].map((m) => m.index);
      const got = digitAnchors(text);
      expect([got.found, [...got.spaceDigit.subarray(0, got.count)]], text).toEqual([expected, spaces]);
      seen.add(expected);
    }
    // Every anchor was both present and absent somewhere.
    for (const [bit] of REGEXES) expect([...seen].some((s) => s & bit) && [...seen].some((s) => !(s & bit))).toBe(true);
  });

  it('reads each form', () => {
    expect(digitAnchors('Kerkstraat 12, 3511 AB Utrecht').found & NL_POSTCODE_AT).toBeTruthy();
    expect(digitAnchors('Wetstraat 16, 1000 Brussel').found & POSTCODE_CAPITAL).toBeTruthy();
    expect(digitAnchors('10 Downing Street, London SW1A 2AA').found & UK_INWARD).toBeTruthy();
    expect(digitAnchors('Via Roma 10, 00184 Roma').found).toBe(FIVE_DIGITS_CAPITAL);
    expect(digitAnchors('In 2024 werkten 1200 mensen op de afdeling').found).toBe(0);
  });
});
