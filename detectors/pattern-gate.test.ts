import { describe, expect, it } from 'vitest';
import { needsOf } from './pattern-gate.js';

/** Digits, `:`, `.`, `@`, `<` and the longest digit run of a text, as the needs count them. */
function countsOf(text: string): { min: number[]; run: number } {
  const min = [0, 0, 0, 0, 0];
  let run = 0;
  let longest = 0;
  for (const ch of text) {
    if (ch >= '0' && ch <= '9') {
      min[0] = (min[0] as number) + 1;
      longest = Math.max(longest, ++run);
      continue;
    }
    run = 0;
    const k = ':.@<'.indexOf(ch);
    if (k >= 0) min[k + 1] = (min[k + 1] as number) + 1;
  }
  return { min, run: longest };
}

describe('pattern needs with back-references', () => {
  it.each([
    [/\d{4}([ -])\d{4}(?:\1\d{4}){1,2}/g, ['4111 1111 1111 1111', '4111-1111-1111'], 12, 4],
    [/3\d{3}([ -])\d{6}\1\d{4,5}/g, ['3782 822463 10005'], 14, 6],
    [/(\d)\1{5}/g, ['111111'], 1, 1],
    [/(x)?\1\d/g, ['5', 'xx5'], 1, 1],
  ] as const)('%s needs no more than every match holds', (regex, matches, digits, run) => {
    const needs = needsOf(regex);
    expect(needs).toBeDefined();
    expect([needs?.min[0], needs?.run]).toEqual([digits, run]);
    for (const m of matches) {
      expect(m.match(regex)?.[0]).toBe(m);
      const held = countsOf(m);
      for (let k = 0; k < 5; k++) expect(held.min[k]).toBeGreaterThanOrEqual(needs?.min[k] as number);
      expect(held.run).toBeGreaterThanOrEqual(needs?.run as number);
    }
  });

  it('leaves named back-references to the regex', () => {
    expect(needsOf(/(?<d>\d)\k<d>/g)).toBeUndefined();
  });
});
