import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEngine } from './engine.js';
import { builtinDetectors } from './registry.js';

const hasher = (type: string, value: string) => createHmac('sha256', 'test-key').update(`${type}\0${value}`).digest('hex');
const engine = createEngine(builtinDetectors, hasher);
const detect = (text: string) => engine.detect({ text, where: { line: 1 } });

describe.each(builtinDetectors.map((d) => [d.id, d] as const))('%s', (id, detector) => {
  it('has at least 10 valid and 10 invalid examples', () => {
    expect(detector.examples.valid.length).toBeGreaterThanOrEqual(10);
    expect(detector.examples.invalid.length).toBeGreaterThanOrEqual(10);
  });

  // As trufflehog's detector tests: a gated detector's keywords must fire on its own valid examples.
  it.runIf(detector.keywords !== undefined)('its keywords occur in every valid example', () => {
    for (const text of detector.examples.valid) {
      expect(
        detector.keywords?.some((k) => text.toLowerCase().includes(k.toLowerCase())),
        text,
      ).toBe(true);
    }
  });

  it.each(detector.examples.valid.map((t) => [t]))('finds exactly one in %j', (text) => {
    const found = detect(text).filter((f) => f.type === id);
    expect(found, JSON.stringify(detect(text))).toHaveLength(1);
  });

  it.each(detector.examples.invalid.map((t) => [t]))('finds none in %j', (text) => {
    expect(detect(text).filter((f) => f.type === id)).toEqual([]);
  });

  it('never puts the raw value in the masked form', () => {
    for (const text of detector.examples.valid) {
      for (const f of detect(text).filter((x) => x.type === id)) {
        const digitsOrWord = text.match(/[\p{L}\p{N}@.+-]{6,}/gu) ?? [];
        const raw = digitsOrWord.find((w) => hasher(id, w) === f.hash);
        if (raw) expect(f.masked).not.toBe(raw);
        expect(f.masked).toMatch(/\*/);
      }
    }
  });
});
