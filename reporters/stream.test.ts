import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../detectors/types.js';
import type { Report } from '../scanner/model.js';
import { collectReport, stateMarker } from '../scanner/report/stream.js';
import { ScanState, SqliteStore } from '../scanner/state/state.js';
import { writeStreamedReports } from './stream.js';

const dir = mkdtempSync(join(tmpdir(), 'inzage-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bsn = (i: number, line: number): Finding => ({
  type: 'nl-bsn',
  category: 'national-id',
  confidence: 0.9,
  masked: '******782',
  hash: `${String(i).padStart(8, '0')}${String(line).padStart(56, '0')}`,
  where: { line },
});

async function storeWith(counts: number[]): Promise<SqliteStore> {
  const store = new SqliteStore(new ScanState(join(dir, `s${counts.join('-')}.db`)));
  await store.beginScan('s1', ['/share'], 0.5, new Date('2026-01-01T00:00:00Z'));
  await store.writeItems(
    's1',
    counts.map((n, i) => ({
      op: 'replace' as const,
      item: { root: '/share', path: `f${i}.txt`, uri: `file:///share/f${i}.txt`, kind: 'file' as const, size: 100 },
      version: '1',
      results: [{ kind: 'file' as const, findings: Array.from({ length: n }, (_, k) => bsn(i, k + 1)), error: null }],
      settings: 'S',
      newFindings: [Array.from({ length: n }, (_, k) => k)],
    })),
  );
  return store;
}

const ctx = () => ({
  scanId: 's1',
  roots: ['/share'],
  startedAt: new Date('2026-01-01T00:00:00Z'),
  finishedAt: new Date('2026-01-01T00:01:00Z'),
  minConfidence: 0.5,
  marker: stateMarker('s1', null, []),
});

const pageData = (html: string) =>
  JSON.parse(/<script type="application\/json" id="inzage-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '{}') as {
    items: { path: string }[];
    stats: Report['stats'];
    embedded: { items: number; total: number; order: string };
  };

/** A report with what differs between two runs (ids, times) blanked. */
function comparable(report: Report): unknown {
  return { ...JSON.parse(JSON.stringify(report)), scan: {}, stats: { ...report.stats, durationMs: 0 } };
}

describe('streamed reports', () => {
  it('write from findings as text (json and html) the report written from parsed findings', async () => {
    const store = await storeWith([4, 0, 2, 7, 1]);
    // One item with a triage decision, one written before digests were kept: both are parsed.
    await store.triage((item, f) => item.path === 'f2.txt' && f.where.line === 1, 'false-positive', 'test', new Date('2026-01-02T00:00:00Z'));
    store.state.connection.prepare("UPDATE items SET digest = NULL WHERE path = 'f3.txt'").run();
    const given: string[] = [];
    for await (const s of store.items({ roots: ['/share'], findingsAsText: true })) if (s.digest) given.push(s.path);
    expect(given).toEqual(['f0.txt', 'f4.txt']);
    const collected = await collectReport(store.items({ roots: ['/share'] }), ctx());
    const suppressions = { match: (item: { path: string }) => (item.path === 'f0.txt' ? 'known list' : undefined), expired: [] };
    for (const [name, extra] of [
      ['text', {}],
      ['suppressed', { suppressions }],
    ] as const) {
      const out = join(dir, `text-${name}`);
      await writeStreamedReports(store, { ...ctx(), ...extra }, out, ['json', 'html'], { csvDelimiter: ';' });
      const streamed = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
      const expected = name === 'text' ? collected : await collectReport(store.items({ roots: ['/share'] }), { ...ctx(), ...extra });
      expect(comparable(streamed)).toEqual(comparable(expected));
      const page = pageData(readFileSync(join(out, 'report.html'), 'utf8'));
      expect(page.items.map((i) => i.path)).toEqual(['f0.txt', 'f1.txt', 'f2.txt', 'f3.txt', 'f4.txt']);
      expect(page.stats).toEqual(streamed.stats);
      // No part file is left behind.
      expect(readdirSync(out).sort()).toEqual(['report.html', 'report.json']);
      // Written again over the last ones: replaced, with nothing of the old files left beside them.
      const before = readFileSync(join(out, 'report.json'), 'utf8');
      await writeStreamedReports(store, { ...ctx(), ...extra, scanId: 'again' }, out, ['json', 'html'], { csvDelimiter: ';' });
      expect(readdirSync(out).sort()).toEqual(['report.html', 'report.json']);
      expect(readFileSync(join(out, 'report.json'), 'utf8')).not.toBe(before);
    }
    expect(collected.stats).toMatchObject({ findings: 14, itemsWithFindings: 4, byType: { 'nl-bsn': 14 } });
    expect(collected.items.find((i) => i.path === 'f2.txt')?.findings[0]?.status).toBe('false-positive');
    await store.close();
  });

  it('write the same report.json as the report collected in memory', async () => {
    const store = await storeWith([0, 3, 1, 20, 2]);
    const out = join(dir, 'same');
    const { written, summary } = await writeStreamedReports(store, ctx(), out, ['json', 'csv'], { csvDelimiter: ';' });
    expect(written.map((f) => f.slice(out.length + 1))).toEqual(['report.json', 'items.csv', 'findings.csv']);
    const streamed = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
    const collected = await collectReport(store.items({ roots: ['/share'] }), ctx());
    expect(streamed).toEqual(JSON.parse(JSON.stringify(collected)));
    expect(summary.stats.findings).toBe(26);
    expect(readFileSync(join(out, 'findings.csv'), 'utf8').trim().split('\r\n')).toHaveLength(27);
    await store.close();
  });

  it('write report.json right when the counts told before the items turn out wrong', async () => {
    const store = await storeWith([2, 3]);
    // A store whose counts disagree with its items (as if another process wrote between the two).
    const wrong: SqliteStore = Object.create(store, {
      counts: { value: async (roots: readonly string[]) => ({ ...(await store.counts(roots)), byType: { 'nl-bsn': 99 } }) },
    });
    const out = join(dir, 'wrong-head');
    await writeStreamedReports(wrong, ctx(), out, ['json'], { csvDelimiter: ';' });
    const text = readFileSync(join(out, 'report.json'), 'utf8');
    const collected = await collectReport(store.items({ roots: ['/share'] }), ctx());
    expect(comparable(JSON.parse(text) as Report)).toEqual(comparable(collected));
    expect(text).not.toContain('99');
    expect(readdirSync(out)).toEqual(['report.json']);
    await store.close();
  });

  it('embed every item in the page up to the limit, in uri order', async () => {
    const store = await storeWith([1, 5, 2]);
    await writeStreamedReports(store, ctx(), join(dir, 'all'), ['html'], { csvDelimiter: ';', htmlItemLimit: 3 });
    const data = pageData(readFileSync(join(dir, 'all', 'report.html'), 'utf8'));
    expect(data.items.map((i) => i.path)).toEqual(['f0.txt', 'f1.txt', 'f2.txt']);
    expect(data.embedded).toMatchObject({ items: 3, total: 3, order: 'uri' });
    await store.close();
  });

  it('embed only the riskiest items beyond the limit, and count every item in the totals', async () => {
    const store = await storeWith([1, 30, 0, 12, 2, 60]);
    await writeStreamedReports(store, ctx(), join(dir, 'cut'), ['html'], { csvDelimiter: ';', htmlItemLimit: 2 });
    const data = pageData(readFileSync(join(dir, 'cut', 'report.html'), 'utf8'));
    expect(data.items.map((i) => i.path)).toEqual(['f5.txt', 'f1.txt']);
    expect(data.embedded).toMatchObject({ items: 2, total: 6, order: 'risk' });
    expect(data.stats).toMatchObject({ items: 6, findings: 105 });
    await store.close();
  });
});
