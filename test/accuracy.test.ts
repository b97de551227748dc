/**
 * The regression run over the fixed detector corpus (seed 4): through the built scanner, scored
 * as `npm run accuracy` scores it. The floors sit under today's figures with a margin, so a change
 * that adds false positives or loses a type shows here.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = (p: string) => pathToFileURL(resolve(import.meta.dirname, '../dist', p)).href;
const { scan } = (await import(dist('scanner/pipeline/scan.js'))) as typeof import('../scanner/pipeline/scan.js');
const { score } = (await import(dist('bench/accuracy.js'))) as typeof import('../bench/accuracy.js');
const { generateDetectorCorpus } = (await import(dist('fixtures/detector-corpus.js'))) as typeof import('../fixtures/detector-corpus.js');
const { generateRecordCorpus } = (await import(dist('fixtures/record-corpus.js'))) as typeof import('../fixtures/record-corpus.js');
const { seeded } = (await import(dist('fixtures/identifiers.js'))) as typeof import('../fixtures/identifiers.js');

describe('accuracy on the detector corpus', () => {
  it('keeps precision and recall per type above their floors', async () => {
    const root = mkdtempSync(join(tmpdir(), 'inzage-accuracy-test-'));
    const random = seeded(4);
    const truth = [...(await generateDetectorCorpus(join(root, 'share'), random)), ...(await generateRecordCorpus(join(root, 'share'), random))];
    const report = await scan({ roots: [join(root, 'share')], keyFile: join(root, 'key'), workers: 1 });
    const rows = score(report, truth);
    const planted = new Set(truth.flatMap((i) => i.findings.map((f) => f.type)));
    // Every planted type is found at least once, and nothing is reported that was never planted.
    expect(new Set(rows.filter((r) => r.tp > 0).map((r) => r.type))).toEqual(planted);
    for (const r of rows) {
      expect(r.precision, `${r.type} precision`).toBeGreaterThanOrEqual(r.type === 'date-of-birth' ? 0.85 : 0.99);
      expect(r.recall, `${r.type} recall`).toBeGreaterThanOrEqual(r.type === 'person-name' ? 0.85 : 0.9);
    }
    // No planted value or decoy appears in any report field (masking and hashing hold).
    const json = JSON.stringify(report);
    for (const item of truth) for (const d of item.decoys ?? []) if (d.length >= 8) expect(json).not.toContain(d);
    for (const item of truth) for (const f of item.findings) if (f.value.length >= 8) expect(json, f.type).not.toContain(f.value);
  });
});
