import { describe, expect, it } from 'vitest';
import type { Finding } from '../../detectors/types.js';
import { DistinctKeys, decodeDigest, digestOf, encodeDigest, hashKey } from './digest.js';
import { scoreRisk, scoreRiskOf } from './risk.js';

const hex = (n: number) => n.toString(16).padStart(64, '0');

function finding(type: string, category: Finding['category'], confidence: number, hash: string): Finding {
  return { type, category, confidence, masked: '***', hash, where: { line: 1 } };
}

describe('findings digest', () => {
  const findings = [
    finding('email', 'contact', 0.9, hex(1)),
    finding('nl-bsn', 'national-id', 0.99, hex(2)),
    finding('email', 'contact', 0.9, hex(1)),
    // Special below high confidence does not count for risk (riskCategory).
    finding('special-health', 'special', 0.6, hex(3)),
  ];

  it('counts what risk, roll-up and the report counts read', () => {
    const d = digestOf(findings);
    expect(d).toMatchObject({ count: 4, byType: { email: 2, 'nl-bsn': 1, 'special-health': 1 }, distinct: 3 });
    expect(Object.keys(d?.byType ?? {})).toEqual(['email', 'nl-bsn', 'special-health']);
    expect(new Set(d?.categories)).toEqual(new Set(['contact', 'national-id']));
    expect([...(d?.keys ?? [])].sort()).toEqual([1, 2, 3]);
  });

  it('scores an item from the digest as from its findings', () => {
    const d = digestOf(findings);
    if (!d) throw new Error('no digest');
    const facts = { path: 'hr/sollicitaties/cv.txt', modified: '2019-01-01T00:00:00Z' };
    const options = { now: new Date('2026-01-01T00:00:00Z') };
    const access = { entries: [], broad: true, reasons: ['world-readable'] };
    const brief = { categories: new Set(d.categories), types: new Set(Object.keys(d.byType)), distinct: d.distinct };
    expect(scoreRiskOf(brief, access, null, facts, options)).toEqual(scoreRisk(findings, access, null, facts, options));
  });

  it('is stored and read back, and refuses parts that do not fit', () => {
    const d = digestOf(findings);
    if (!d) throw new Error('no digest');
    const stored = encodeDigest(d);
    // A row's bytes need not be aligned: read back from an odd offset.
    const odd = Buffer.alloc(stored.keys.length + 1);
    stored.keys.copy(odd, 1);
    expect(decodeDigest(stored.text, odd.subarray(1))).toEqual(d);
    expect(decodeDigest(stored.text, stored.keys.subarray(0, 8))).toBeUndefined();
    expect(decodeDigest('{"count":', stored.keys)).toBeUndefined();
    expect(decodeDigest(null, stored.keys)).toBeUndefined();
  });

  it('is not made for hashes without a numeric key', () => {
    expect(hashKey('not-a-hex-hash')).toBe('not-a-hex-hash');
    expect(digestOf([finding('email', 'contact', 0.9, 'not-a-hex-hash')])).toBeUndefined();
  });
});

describe('DistinctKeys', () => {
  it('counts distinct keys as a Set does, through growth, with 0 and strings', () => {
    const keys = new DistinctKeys();
    const reference = new Set<number | string>();
    let x = 12345;
    for (let i = 0; i < 50_000; i++) {
      // Repeats, 52-bit values, 0 and a few strings.
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const key = i % 997 === 0 ? 0 : i % 1009 === 0 ? `s${i % 3}` : (x % 20_000) * 2 ** 21 + (x % 7);
      keys.add(key);
      reference.add(key);
    }
    expect(keys.size).toBe(reference.size);
    const numbers = [...reference].filter((k) => typeof k === 'number').sort((a, b) => (a as number) - (b as number));
    expect([...keys.toArray()].sort((a, b) => a - b)).toEqual(numbers);
  });
});
