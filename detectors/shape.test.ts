import { describe, expect, it } from 'vitest';
import { seededRandom } from '../fixtures/random.js';
import { gateFor, SURROGATE, shapeFor, shapeOf } from './shape.js';

// Pieces on every edge the shape reads: digits at the start and end, capitals in and out of
// ASCII, counted punctuation, a surrogate pair.
const PIECES = [...'0123456789 aAzZ.:@<éÉ-', '😀', '1234', 'Jan', '06-12345678'];

function randomText(random: () => number, pieces: readonly string[] = PIECES): string {
  let text = '';
  for (let k = Math.floor(random() * 14); k > 0; k--) text += pieces[Math.floor(random() * pieces.length)];
  return text;
}

describe('the shape of a text', () => {
  it('lists every digit run and every capital or non-ASCII character, as a regex finds them', () => {
    const random = seededRandom(5);
    for (let n = 0; n < 5000; n++) {
      const text = randomText(random);
      const shape = shapeOf(text);
      const runs = [...text.matchAll(/\d+/g)].flatMap((m) => [m.index, m.index + m[0].length]);
      expect([...shape.digitRuns.subarray(0, 2 * shape.digitRunCount)], text).toEqual(runs);
      const marks = [...text.matchAll(/[A-Z\u0080-\uffff]/g)].map((m) => m.index);
      expect([...shape.marks.subarray(0, shape.markCount)], text).toEqual(marks);
      expect((shape.flags & SURROGATE) !== 0, text).toBe(/[\uD800-\uDFFF]/.test(text));
      expect(shape.counts[0], text).toBe(text.replace(/\D/g, '').length);
    }
  });

  it('gives a detector the engine’s shape for the same text, and another text its own without touching the engine’s', () => {
    const engine = shapeOf('Kerkstraat 12, 1234 AB Utrecht');
    expect(shapeFor('Kerkstraat 12, 1234 AB Utrecht')).toBe(engine);
    const other = shapeFor('tel 06-12345678');
    expect(other).not.toBe(engine);
    expect(other.digitRunCount).toBe(2);
    expect(engine.digitRunCount).toBe(2);
    expect(engine.markCount).toBe(4);
  });

  it('answers each requires form it reads from the shape as the regex does', () => {
    const forms = [
      /\d/,
      /\d\d/,
      /\d{4}/,
      /(?:\d\D*){8}/,
      /(?:\d\D*){12}/,
      /[.:]/,
      /\p{Lu}/u,
      /[A-Z]{6}/,
      /<</,
      /[A-Za-z]{2}\d{2}/,
      /[A-Za-z]{2} ?\d\d/,
      /[A-Za-z]{2}\d{2}/i,
      /[A-Za-z]{2} ?\d\d/iu,
    ];
    // Runs of capitals, letters before numbers, and the two characters outside ASCII that /[A-Za-z]/iu takes.
    const pieces = [...PIECES, 'RSSMRA', 'ABC', 'NL', 'ab', ' 12', '91', 'ſ', '\u212a'];
    const random = seededRandom(9);
    for (const re of forms) {
      const gate = gateFor(re);
      for (let n = 0; n < 3000; n++) {
        const text = randomText(random, pieces);
        expect(gate(shapeOf(text), text), `${re} on ${JSON.stringify(text)}`).toBe(re.test(text));
      }
    }
  });
});
