import { describe, expect, it } from 'vitest';
import { createEngine } from './engine.js';
import { packItems, unpackItems } from './packed.js';
import { builtinDetectors } from './registry.js';
import type { Finding, Where } from './types.js';

const hasher = (type: string, value: string) => `${type}:${value}`.padEnd(64, '0');
const engine = createEngine(builtinDetectors, hasher);
const found = (text: string, where: Where, context?: string) => engine.detect({ text, where, ...(context ? { context } : {}) });

describe('packed hand-off of findings', () => {
  it('gives back, after a structured clone, exactly the findings that went in', () => {
    const items = [
      {
        kind: 'file',
        error: null,
        findings: [
          ...found('Naam: Jan de Vries, BSN 123456782, IBAN NL91ABNA0417164300', { line: 3 }),
          ...found('jan.devries@example.nl', { sheet: 'Blad 1', cell: 'C7' }, 'E-mail'),
          ...found('Geboortedatum: 12-03-1985, tel. 06-12345678', { page: 2 }),
        ],
      },
      { kind: 'archive-entry', entry: 'bijlage.csv', error: null, findings: [] as Finding[] },
      { kind: 'attachment', entry: 'a/b.txt', error: { code: 'corrupt', message: 'x' }, findings: found('Kerkstraat 12, 1234 AB Amsterdam', { part: 'body' }) },
    ];
    expect(items[0]?.findings.length).toBeGreaterThan(5);
    const before = JSON.stringify(items);
    const packed = structuredClone(packItems(items));
    expect(packed.items.every((i) => i.findings.length === 0)).toBe(true);
    expect(JSON.stringify(unpackItems(packed))).toBe(before);
    // The originals are untouched.
    expect(JSON.stringify(items)).toBe(before);
  });

  it('keeps each finding its own where and basis objects, and a missing basis missing', () => {
    const f: Finding = { type: 't', category: 'contact', confidence: 0.5, masked: 'm', hash: 'h', where: { line: 1 } };
    const [item] = unpackItems(packItems([{ findings: [f, { ...f, basis: ['a'] }, { ...f, basis: ['a'] }] }]));
    const [a, b, c] = item?.findings ?? [];
    expect(a && 'basis' in a).toBe(false);
    expect(b?.basis).toEqual(['a']);
    expect(b?.basis).not.toBe(c?.basis);
    expect(b?.where).not.toBe(c?.where);
  });

  it('refuses a finding with a field it does not carry, rather than dropping it', () => {
    const odd = { type: 't', category: 'contact', confidence: 1, masked: 'm', hash: 'h', where: {}, raw: 'x' } as Finding;
    expect(() => packItems([{ findings: [odd] }])).toThrow(/unknown field "raw"/);
  });
});

describe('packed places', () => {
  it('keeps the key order and values of each finding’s place, also when neighbours look alike', () => {
    const base = { type: 't', category: 'contact' as const, confidence: 0.5, masked: 'm', hash: 'h' };
    const findings: Finding[] = [
      { ...base, where: { line: 1, cell: 'A1' } },
      { ...base, where: { cell: 'A1', line: 1 } },
      { ...base, where: { line: 1, cell: 'A1' } },
      { ...base, where: { line: 2, cell: 'A1' } },
      { ...base, where: {} },
    ];
    const before = JSON.stringify(findings);
    expect(JSON.stringify(unpackItems(packItems([{ findings }]))[0]?.findings)).toBe(before);
  });
});
