import { describe, expect, it } from 'vitest';
import type { Finding } from '../detectors/types.js';
import { type Latin1Text, latin1ToString, markedFindingsJson, markedFindingsLatin1 } from '../scanner/report/findings-text.js';
import { scriptSafe, scriptSafeLatin1 } from './html.js';
import { aroundFindings, shortHashes, withFindingsJson } from './json-text.js';

/** The text a chunk stands for, as the report file gets it (Latin1Text is written as its bytes). */
const textOf = (chunk: string | Latin1Text | undefined) => (chunk === undefined || typeof chunk === 'string' ? chunk : latin1ToString(chunk));

// Masked values and paths that try to look like the text the splice looks for.
const tricky = ['j***@example.nl', '},{"type":"x', '"findings":[]', 'a\\"b', '</script>', 'é\u2028ü', '"hash":"0123"', ''];

function findingsOf(n: number, seed: number): Finding[] {
  return Array.from({ length: n }, (_, i) => ({
    type: i % 3 === 0 ? 'email' : 'nl-bsn',
    category: 'contact' as const,
    confidence: 0.5 + ((i + seed) % 5) / 10,
    masked: tricky[(i + seed) % tricky.length] as string,
    hash: `${(seed * 7919 + i).toString(16).padStart(8, '0')}${'ab'.repeat(28)}`,
    where: i % 2 === 0 ? { line: i + 1 } : { page: 2, line: i },
    ...(i % 4 === 1 ? { basis: ['context', tricky[i % tricky.length] as string] } : {}),
  }));
}

describe('report items from stored findings text', () => {
  it('gives the bytes JSON.stringify gives for the marked findings', () => {
    for (const n of [1, 2, 7, 40]) {
      const findings = findingsOf(n, n);
      const mixed = findings.map((_, i): 'new' | 'unchanged' => (i % 3 === 0 ? 'new' : 'unchanged'));
      // Mixed marks go finding by finding; one mark for all goes by one replace.
      for (const changes of [mixed, findings.map(() => 'unchanged' as const), findings.map(() => 'new' as const)]) {
        const marked = markedFindingsJson({ json: JSON.stringify(findings), changes });
        expect(marked).toBe(JSON.stringify(findings.map((f, i) => ({ ...f, change: changes[i] }))));
      }
    }
  });

  it('refuses text that does not hold one finding per mark', () => {
    const json = JSON.stringify(findingsOf(3, 1));
    expect(markedFindingsJson({ json, changes: ['new', 'new'] })).toBeUndefined();
    expect(markedFindingsJson({ json, changes: ['new', 'unchanged'] })).toBeUndefined();
    expect(markedFindingsJson({ json, changes: ['new', 'new', 'new', 'new'] })).toBeUndefined();
    expect(markedFindingsJson({ json: '[]', changes: [] })).toBeUndefined();
    expect(markedFindingsJson({ json: JSON.stringify([{ category: 'contact', type: 'email' }]), changes: ['new'] })).toBeUndefined();
  });

  it('puts the findings text where the object holds its findings', () => {
    const findings = findingsOf(5, 3);
    const item = { path: '"findings":[] odd name.txt', uri: 'file:///x', findings, risk: { score: 3, reasons: ['"findings":[]'] }, error: null };
    expect(withFindingsJson(item, JSON.stringify(findings))).toBe(JSON.stringify(item));
    // The object is left as it was.
    expect(item.findings).toBe(findings);
  });

  it('cuts hashes for the page as the page does', () => {
    const findings = findingsOf(6, 5);
    expect(shortHashes(JSON.stringify(findings))).toBe(JSON.stringify(findings.map((f) => ({ ...f, hash: f.hash.slice(0, 16) }))));
  });

  it('gives the same text from the UTF-8 bytes of the text as from the text', () => {
    for (const n of [1, 2, 9]) {
      const findings = findingsOf(n, n + 1);
      const json = JSON.stringify(findings);
      const bytes = Buffer.from(json);
      const mixed = findings.map((_, i): 'new' | 'unchanged' => (i % 2 === 0 ? 'unchanged' : 'new'));
      for (const changes of [mixed, findings.map(() => 'unchanged' as const)]) {
        expect(textOf(markedFindingsLatin1(bytes, changes))).toBe(markedFindingsJson({ json, changes }));
      }
      expect(markedFindingsLatin1(bytes, [...mixed, 'new'])).toBeUndefined();
      expect(textOf(markedFindingsLatin1(bytes, mixed.slice(1)))).toBe(markedFindingsJson({ json, changes: mixed.slice(1) }));
      const latin1 = { latin1: bytes.toString('latin1') };
      expect(textOf({ latin1: shortHashes(latin1.latin1) })).toBe(shortHashes(json));
      const item = { path: `${tricky[n]} é.txt`, findings: [] as unknown[], risk: { score: n } };
      const [before, after] = aroundFindings(item);
      expect(`${before}${textOf(latin1)}${after}`).toBe(withFindingsJson(item, json));
      const [safeBefore, safeAfter] = aroundFindings(item, scriptSafe);
      expect(`${safeBefore}${textOf(scriptSafeLatin1(latin1))}${safeAfter}`).toBe(scriptSafe(withFindingsJson(item, json)));
      // The masked values hold `</script>` and U+2028: escaped as the text would be.
      expect(textOf(scriptSafeLatin1(latin1))).toBe(scriptSafe(json));
    }
    const plain = { latin1: '[{"type":"email","masked":"\u00c3\u00a9"}]' };
    expect(scriptSafeLatin1(plain)).toBe(plain);
    // U+2028 alone, as its three UTF-8 bytes.
    expect(scriptSafeLatin1({ latin1: Buffer.from('["\u2028"]').toString('latin1') })).toBe('["\\u2028"]');
    expect(markedFindingsLatin1(Buffer.from('[]'), [])).toBeUndefined();
  });
});
