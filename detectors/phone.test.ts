import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../fixtures/random.js';
import { createEngine } from './engine.js';
import { dutchNational } from './phone.js';
import { builtinDetectors } from './registry.js';

/** What libphonenumber itself says of a national number read in the Dutch plan. */
function parserAnswer(national: string): string | null {
  const n = parsePhoneNumberFromString(national, 'NL');
  return n?.isValid() ? `${n.number}/${n.countryCallingCode}` : null;
}

describe('phone: Dutch ten-digit numbers read without the parser', () => {
  it('answer as libphonenumber does for every four-digit opening', () => {
    // Every opening 0 + 4 digits (the type patterns branch on at most the first four), with
    // seeded tails: the fast reading must accept, reject and write E.164 as the parser does.
    const random = seededRandom(31);
    let valid = 0;
    let checked = 0;
    for (let opening = 0; opening < 10_000; opening++) {
      for (let k = 0; k < 4; k++) {
        const national = `0${String(opening).padStart(4, '0')}${String(Math.floor(random() * 1e5)).padStart(5, '0')}`;
        const quick = dutchNational(national);
        const expected = parserAnswer(national);
        if (national.startsWith('00')) {
          // An international number to the parser: never answered here.
          expect(quick).toBeUndefined();
          continue;
        }
        expect(quick === null ? null : `${quick?.e164}/${quick?.callingCode}`, national).toBe(expected);
        checked++;
        if (expected) valid++;
      }
    }
    // Both answers occur in numbers: the comparison was not of rejections only.
    expect(checked).toBe(36_000);
    expect(valid).toBeGreaterThan(10_000);
    expect(checked - valid).toBeGreaterThan(10_000);
  });

  it('leave other shapes to the parser', () => {
    for (const other of ['061234567', '06123456789', '0612 345678', '+31612345678', '0031612345678']) expect(dutchNational(other)).toBeUndefined();
  });

  it('give findings their E.164 hash and mask, and no finding to a number no plan holds', () => {
    const engine = createEngine(builtinDetectors, (t, v) => `${t}:${v}`);
    // 0123 000000 fits neither the Dutch plan nor a neighbour's.
    const phones = engine.detect({ text: 'Bel 06-12345678 of 020 123 4567; code 0123 000000', where: {} }).filter((f) => f.type === 'phone');
    expect(phones.map((f) => [f.hash, f.masked])).toEqual([
      ['phone:+31612345678', '+31 *******78'],
      ['phone:+31201234567', '+31 *******67'],
    ]);
  });
});
