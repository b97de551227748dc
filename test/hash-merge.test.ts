/**
 * The hash index merged on a thread of its own while a scan's report is written (hash-merge.ts):
 * the same index, row for row, as the merge on the state's own connection; the subject search
 * answers during the merge; `finishScan` waits for it; a merge that fails commits nothing and the
 * staged rows are merged by `finishScan` as before. Built code: the thread runs dist's module.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canMergeOnThread, mergeOnThread } from '../dist/scanner/state/hash-merge.js';
import { SqliteStore } from '../dist/scanner/state/state.js';

const dir = mkdtempSync(join(tmpdir(), 'inzage-hash-merge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hash = (n: number) => `${n.toString(16).padStart(16, '0')}${'0'.repeat(48)}`;
const finding = (h: string) => ({ type: 'email', category: 'contact' as const, confidence: 0.9, masked: 'j***@x.nl', hash: h, where: { line: 1 } });

/** A state with `files` items of three hashes each, written by scan s1 and not yet finished. */
async function stagedState(name: string, files: number): Promise<SqliteStore> {
  const store = SqliteStore.open(join(dir, name));
  await store.beginScan('s1', ['/r'], 0.5, new Date('2026-01-01T00:00:00Z'));
  for (let i = 0; i < files; i++) {
    await store.writeItems('s1', [
      {
        op: 'replace',
        item: { root: '/r', path: `f${i}.txt`, uri: `file:///r/f${i}.txt`, kind: 'file', size: 1 },
        version: '1',
        results: [{ kind: 'file', findings: [hash(i), hash(1000 + i), hash(5000)].map(finding), error: null }],
        settings: 'S',
      },
    ]);
  }
  return store;
}

const table = (store: SqliteStore, sql: string) => store.state.connection.prepare(sql).all();
const index = (store: SqliteStore) => ({
  merged: table(store, 'SELECT hash16, item_uri FROM finding_hashes ORDER BY hash16, item_uri'),
  staged: table(store, 'SELECT count(*) AS n FROM finding_hashes_new'),
  count: table(store, "SELECT value FROM kv WHERE key = 'finding-hashes-rows'"),
  byItem: table(store, "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'finding_hashes_item'").length,
});

describe('the hash index merged on a thread', () => {
  it('is there for the built code', () => {
    expect(canMergeOnThread()).toBe(true);
  });

  it('builds the same index as the merge on the state’s own connection, answers meanwhile, and finishScan waits for it', async () => {
    const aside = await stagedState('aside', 400);
    const inline = await stagedState('inline', 400);
    await aside.indexAside();
    // During the merge the search reads the staged rows or the merged ones: the same answer.
    expect(aside.state.findByHashes([hash(5000)])).toHaveLength(400);
    // Merged by the thread, before finishScan.
    await aside.state.mergedAside();
    expect(index(aside).staged).toEqual([{ n: 0 }]);
    expect(index(aside).merged).toHaveLength(1200);
    await aside.finishScan('s1', new Date('2026-01-01T00:01:00Z'), null);
    await inline.finishScan('s1', new Date('2026-01-01T00:01:00Z'), null);
    const merged = index(aside);
    expect(merged.merged).toHaveLength(1200);
    expect(merged).toEqual(index(inline));
    expect(merged.staged).toEqual([{ n: 0 }]);
    expect(merged.byItem).toBe(1);
    expect(aside.state.findByHashes([hash(1003)]).map((f) => f.item.path)).toEqual(['f3.txt']);
    expect((await aside.lastFinishedScan())?.id).toBe('s1');
    await aside.close();
    await inline.close();
  });

  it('commits nothing when the merge fails, and a merge done already leaves finishScan nothing to add', async () => {
    // A file without the state's tables: the thread's statements fail, it says so, and nothing stays.
    const other = join(dir, 'not-a-state.db');
    expect(await mergeOnThread(other, { rebuild: false, indexedAfter: 1 })).toBe(false);
    const store = await stagedState('twice', 10);
    expect(await mergeOnThread(store.file, { rebuild: true, indexedAfter: 30 })).toBe(true);
    expect(index(store).staged).toEqual([{ n: 0 }]);
    await store.finishScan('s1', new Date('2026-01-01T00:01:00Z'), null);
    const after = index(store);
    expect(after.merged).toHaveLength(30);
    expect(after.count).toEqual([{ value: '30' }]);
    expect(after.byItem).toBe(1);
    await store.close();
  });
});
