import { describe, expect, it } from 'vitest';
import type { Finding } from '../detectors/types.js';
import { markedFindingsBytes, markedFindingsJson } from '../scanner/report/findings-text.js';
import { scriptSafe, scriptSafeBytes } from './html.js';
import { shortHashes, shortHashesBytes, withFindingsBytes, withFindingsJson } from './json-text.js';

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

  it('gives the same bytes from the UTF-8 bytes of the text as from the text', () => {
    for (const n of [1, 2, 9]) {
      const findings = findingsOf(n, n + 1);
      const json = JSON.stringify(findings);
      const bytes = Buffer.from(json);
      const mixed = findings.map((_, i): 'new' | 'unchanged' => (i % 2 === 0 ? 'unchanged' : 'new'));
      for (const changes of [mixed, findings.map(() => 'unchanged' as const)]) {
        expect(markedFindingsBytes(bytes, changes)?.toString()).toBe(markedFindingsJson({ json, changes }));
      }
      expect(markedFindingsBytes(bytes, [...mixed, 'new'])).toBeUndefined();
      expect(markedFindingsBytes(bytes, mixed.slice(1))?.toString()).toBe(markedFindingsJson({ json, changes: mixed.slice(1) }));
      expect(shortHashesBytes(bytes).toString()).toBe(shortHashes(json));
      const item = { path: `${tricky[n]} é.txt`, findings: [] as unknown[], risk: { score: n } };
      expect(withFindingsBytes(item, bytes).toString()).toBe(withFindingsJson(item, json));
      expect(withFindingsBytes(item, scriptSafeBytes(bytes), scriptSafe).toString()).toBe(scriptSafe(withFindingsJson(item, json)));
      // The masked values hold `</script>` and U+2028: escaped as the text would be.
      expect(scriptSafeBytes(bytes).toString()).toBe(scriptSafe(json));
    }
    const plain = Buffer.from('[{"type":"email"}]');
    expect(scriptSafeBytes(plain)).toBe(plain);
    expect(markedFindingsBytes(Buffer.from('[]'), [])).toBeUndefined();
  });
});
