import { describe, expect, it } from 'vitest';
import { createEngine } from './engine.js';
import { coreDetectors } from './registry.js';
import type { Detector } from './types.js';

const hasher = (type: string, value: string) => `${type}:${value.length}`.padEnd(64, '0');
const engine = createEngine(coreDetectors, hasher);
const types = (text: string, context?: string) => engine.detect({ text, where: { line: 1 }, ...(context ? { context } : {}) }).map((f) => f.type);

describe('detection engine', () => {
  it('lets a checksum-validated IBAN claim its span over phone-number fragments', () => {
    expect(types('NL91 ABNA 0417 1643 00')).toEqual(['iban']);
    expect(types('rekening NL20INGB0001234567 tel 06-12345678')).toEqual(['iban', 'phone']);
  });

  it('does not report a bare nine-digit number that merely passes the elfproef', () => {
    expect(types('123456782')).toEqual([]);
    expect(types('BSN 123456782')).toEqual(['nl-bsn']);
  });

  it('takes context from a column header', () => {
    expect(types('123456782', 'BSN')).toEqual(['nl-bsn']);
  });

  it('lowers the score for negative context', () => {
    expect(types('ordernummer 123.456.782')).toEqual([]);
    expect(types('1234.56.782')).toEqual(['nl-bsn']);
  });

  it('lets a label on the line before count, but not against a label beside the match', () => {
    expect(types('198.51.100.7', 'ip address of the client')).toEqual(['ip-address']);
    expect(types('release 2.4.1.0', 'login from ip')).toEqual([]);
  });

  it('finds each match in a long text exactly once across windows', () => {
    const filler = 'x '.repeat(200_000);
    const text = `${filler}a.b@example.nl ${filler}c.d@example.nl ${filler}`;
    expect(types(text)).toEqual(['email', 'email']);
    // A match straddling a window edge: put addresses at every offset near 256 KiB.
    const edge = 256 * 1024;
    for (const offset of [edge - 1030, edge - 1024, edge - 10, edge, edge + 5]) {
      const t = `${'y '.repeat(Math.floor(offset / 2))}${offset % 2 ? ' ' : ''}edge.case@example.nl ${'z '.repeat(200_000)}`;
      expect(types(t), `offset ${offset}`).toEqual(['email']);
    }
  });

  it('ignores matches from the owned end on, which the next piece reports', () => {
    const text = 'a.b@example.nl and c.d@example.nl';
    const found = engine.detect({ text, where: { line: 1 }, ownedEnd: text.indexOf('c.d') });
    expect(found.map((f) => f.masked)).toEqual(['a***@example.nl']);
  });

  it('gives each finding its basis and never its raw value', () => {
    const [f] = engine.detect({ text: 'IBAN NL91ABNA0417164300', where: { line: 3 } });
    expect(f).toMatchObject({ type: 'iban', category: 'financial', where: { line: 3 }, basis: ['compact', 'checksum', 'context'] });
    expect(JSON.stringify(f)).not.toContain('0417164300');
  });

  it('rejects detectors without the g flag and duplicate ids', () => {
    const bad = { ...coreDetectors[0], id: 'x', patterns: [{ name: 'p', regex: /a/, score: 1 }] } as Detector;
    expect(() => createEngine([bad], hasher)).toThrow(/g flag/);
    expect(() => createEngine([coreDetectors[0] as Detector, coreDetectors[0] as Detector], hasher)).toThrow(/share the id/);
  });
});
