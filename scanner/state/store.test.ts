import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../detectors/types.js';
import type { SourceItem } from '../model.js';
import { canReuse, SqliteStore } from './state.js';
import type { StoredItem } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'inzage-store-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const finding = (hash: string, line: number): Finding => ({
  type: 'email',
  category: 'contact',
  confidence: 0.9,
  masked: 'j***@example.nl',
  hash,
  where: { line },
});

const fileItem = (name: string, version: string): SourceItem => ({
  root: '/share',
  path: name,
  uri: `file:///share/${name}`,
  kind: 'file',
  size: 10,
  version,
});

async function collect(items: AsyncIterable<StoredItem>): Promise<StoredItem[]> {
  const out: StoredItem[] = [];
  for await (const i of items) out.push(i);
  return out;
}

describe('SqliteStore', () => {
  it('writes a batch in one call, streams it back in uri order across pages, and counts it in SQL', async () => {
    const store = new SqliteStore(new (await import('./state.js')).ScanState(join(dir, 'batch.db')));
    await store.beginScan('s1', ['/share'], 0.5, new Date('2026-01-01T00:00:00Z'));
    const names = Array.from({ length: 1203 }, (_, i) => `f${String(i).padStart(5, '0')}.txt`);
    await store.writeItems(
      's1',
      names.map((name, i) => ({
        op: 'replace' as const,
        item: fileItem(name, 'v1'),
        version: 'v1',
        results: [{ kind: 'file' as const, findings: i % 2 === 0 ? [finding(`${'a'.repeat(60)}${String(i).padStart(4, '0')}`, 1)] : [], error: null }],
        settings: 'S',
        newFindings: [i % 2 === 0 ? [0] : []],
      })),
    );
    const items = await collect(store.items({ roots: ['/share'] }));
    expect(items.map((i) => i.path)).toEqual(names);
    expect(items[0]?.newFindings).toEqual([0]);
    expect(items[0]?.marksScan).toBe('s1');
    const counts = await store.counts(['/share']);
    expect(counts).toEqual({ items: 1203, itemsWithFindings: 602, findings: 602, bytes: 12030, byErrorCode: {}, byType: { email: 602 } });
    const hits = await store.findByHashes([`${'a'.repeat(60)}0042`]);
    expect(hits.map((h) => h.item.path)).toEqual(['f00042.txt']);
    // Same 16-digit prefix, other hash: the index narrows, the exact hash decides.
    expect(await store.findByHashes([`${'a'.repeat(60)}9999`])).toEqual([]);
    await store.close();
  });

  it('tells the pipeline what it holds, so reuse is decided by version and settings', async () => {
    const store = SqliteStore.open(join(dir, 'prior'));
    await store.beginScan('s1', ['/share'], 0.5, new Date());
    const item = fileItem('a.txt', 'v1');
    await store.writeItems('s1', [
      { op: 'replace', item, version: 'v1', results: [{ kind: 'file', findings: [finding('b'.repeat(64), 3)], error: null }], settings: 'S' },
    ]);
    const prior = (await store.priorItems([item.uri, 'file:///share/none'])).get(item.uri);
    expect(prior).toMatchObject({ version: 'v1', settings: 'S', gone: false, findingCount: 1 });
    expect(canReuse(prior, item, 'S')).toBe(true);
    expect(canReuse(prior, { ...item, version: 'v2' }, 'S')).toBe(false);
    expect(canReuse(prior, item, 'other settings')).toBe(false);
    await store.beginScan('s2', ['/share'], 0.5, new Date());
    await store.writeItems('s2', [{ op: 'reuse', uri: item.uri }]);
    expect(await store.markGone('s2', ['/share'])).toBe(0);
    await store.beginScan('s3', ['/share'], 0.5, new Date());
    expect(await store.markGone('s3', ['/share'])).toBe(1);
    expect((await collect(store.goneItems('s3', ['/share']))).map((i) => i.findings.length)).toEqual([1]);
    expect(await store.findByHashes(['b'.repeat(64)])).toEqual([]);
    await store.close();
  });
});
