/**
 * One script of state operations against the SQLite state and the PostgreSQL store (a real
 * server, a database of this test's own): both must answer alike, so reports, changes, triage and
 * subject search do not depend on where the state lives.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../detectors/types.js';
import { freshDatabase } from '../../test/services.js';
import type { Access, SourceItem } from '../model.js';
import { PostgresStore } from './postgres.js';
import { canReuse, SqliteStore, versionOf } from './state.js';
import type { ItemWrite, ScanStore, StoreCounts, StoredItem } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'inzage-stores-'));
let db: { url: string; drop: () => Promise<void> };
beforeAll(async () => {
  db = await freshDatabase('stores');
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await db?.drop();
});

const hash = (c: string) => c.repeat(64);
const file = (path: string, mtimeMs: number, size = 10): SourceItem => ({
  root: '/share',
  path,
  uri: `file:///share/${path}`,
  kind: 'file',
  size,
  modified: '2026-01-01T00:00:00.000Z',
  fingerprint: { size, mtimeMs, ino: '1', dev: '2' },
});
const email = (h: string, line: number): Finding => ({
  type: 'email',
  category: 'contact',
  confidence: 0.9,
  masked: 'j***@example.nl',
  hash: hash(h),
  where: { line },
});
const iban: Finding = {
  type: 'iban',
  category: 'financial',
  confidence: 0.97,
  masked: 'NL** 4300',
  hash: hash('b'),
  where: { sheet: 'Blad1', cell: 'C7' },
  basis: ['checksum'],
};
const access: Access = { owner: 'alice', mode: '0644', entries: [], broad: true, reasons: ['world-readable'] };
const replace = (
  item: SourceItem,
  results: Extract<ItemWrite, { op: 'replace' }>['results'],
  extra: Partial<Extract<ItemWrite, { op: 'replace' }>> = {},
): ItemWrite => ({
  op: 'replace',
  item,
  version: versionOf(item),
  results,
  settings: 'S',
  ...extra,
});

/**
 * The items, each without `findingsJson`: a store may keep its findings' text (SQLite does), and
 * where it does, the text must parse to exactly the findings.
 */
/**
 * The store's counts, checked against its items: `byType` (given by a store that keeps digests)
 * must be what the items' findings add up to; it is left out of the answer, which both stores give.
 */
async function countsOf(store: ScanStore): Promise<Omit<StoreCounts, 'byType'>> {
  const { byType, ...counts } = await store.counts(['/share']);
  if (byType) {
    const expected: Record<string, number> = {};
    for await (const item of store.items({ roots: ['/share'] })) for (const f of item.findings) expected[f.type] = (expected[f.type] ?? 0) + 1;
    expect(byType).toEqual(expected);
    expect(Object.keys(byType)).toEqual(Object.keys(byType).sort());
  }
  return counts;
}

async function all(items: AsyncIterable<StoredItem>): Promise<StoredItem[]> {
  const out: StoredItem[] = [];
  for await (const { findingsJson, ...i } of items) {
    if (findingsJson !== undefined) expect(JSON.parse(findingsJson)).toEqual(i.findings);
    out.push(i);
  }
  return out;
}

/** Two scans over a small share, a watch-style change and triage; returns every answer, in order. */
async function script(store: ScanStore): Promise<unknown[]> {
  const out: unknown[] = [];
  await store.beginScan('s1', ['/share'], 0.5, new Date('2026-01-01T10:00:00Z'));
  const a = file('a.txt', 1000);
  const batch: ItemWrite[] = [
    replace(a, [{ kind: 'file', mediaType: 'text/plain', findings: [email('a', 1), email('a', 3)], error: null }], {
      access,
      accessVersion: 'm1',
      newFindings: [[0, 1]],
    }),
    replace(file('HR/b.zip', 2000), [
      { kind: 'file', mediaType: 'application/zip', findings: [], error: null },
      { kind: 'archive-entry', entry: 'in/x.xlsx', size: 99, findings: [iban], error: null },
      { kind: 'archive-entry', entry: 'gone.txt', size: 5, findings: [email('c', 1)], error: null },
    ]),
    replace(file('c.pdf', 3000), [{ kind: 'file', findings: [], error: { code: 'corrupt', message: 'not a PDF' } }]),
    replace(file('HR/old/d.txt', 4000), [{ kind: 'file', findings: [email('d', 2)], error: null }]),
  ];
  await store.writeItems('s1', batch);
  // The same batch again (a job run twice): stored once.
  await store.writeItems('s1', batch);
  out.push(await all(store.items({ roots: ['/share'] })));
  out.push(await countsOf(store));
  await store.finishScan('s1', new Date('2026-01-01T10:05:00Z'), { note: 'first' });
  out.push(await store.lastFinishedScan());

  await store.beginScan('s2', ['/share'], 0.5, new Date('2026-01-02T10:00:00Z'));
  out.push(await store.scanStartedAt('s2'));
  const prior = await store.priorItems([a.uri, 'file:///share/HR/b.zip', 'file:///share/none']);
  out.push([...prior.entries()].sort());
  out.push([canReuse(prior.get(a.uri), a, 'S'), canReuse(prior.get('file:///share/HR/b.zip'), file('HR/b.zip', 2500), 'S')]);
  await store.writeItems('s2', [
    { op: 'reuse', uri: a.uri, access: { ...access, broad: false }, accessVersion: 'm2' },
    replace(file('HR/b.zip', 2500), [
      { kind: 'file', mediaType: 'application/zip', findings: [], error: null },
      { kind: 'archive-entry', entry: 'in/x.xlsx', size: 99, findings: [iban], error: null },
    ]),
    { op: 'reuse', uri: 'file:///share/HR/old/d.txt' },
  ]);
  out.push(await store.markGone('s2', ['/share']));
  out.push(await all(store.goneItems('s2', ['/share'])));
  out.push(await store.triage((item, f) => item.path === 'a.txt' && f.type === 'email', 'accepted', 'newsletter', new Date('2026-01-02T11:00:00Z')));
  out.push(await store.triage((_item, f) => f.type === 'iban', 'to-remediate', undefined, new Date('2026-01-02T11:00:00Z')));
  await store.setAccess([{ uri: 'file:///share/HR/b.zip', access: { ...access, owner: 'bob' }, accessVersion: 'acl1' }]);
  await store.finishScan('s2', new Date('2026-01-02T10:05:00Z'), { note: 'second' });
  out.push(await all(store.items({ roots: ['/share'] })));
  out.push(await all(store.items({ roots: ['/share'], withFindings: true })));
  out.push(await all(store.items({ roots: ['/share'], uris: ['file:///share/HR/b.zip'], children: true })));
  out.push(await store.findByHashes([hash('a'), hash('b'), hash('c')]));
  out.push(await store.findingsOf('file:///share/HR/b.zip'));
  out.push((await store.lastFinishedScan())?.id);

  // Watch and source resyncs.
  await store.beginScan('w1', ['/share'], 0.5, new Date('2026-01-03T10:00:00Z'));
  out.push(await store.markFolderGoneBefore('w1', '/share', 'HR', '2026-01-03T00:00:00Z', true));
  out.push(await store.markPathGone('w1', '/share', 'a.txt'));
  out.push(await store.markUriGone('w1', 'file:///share/none'));
  out.push(await countsOf(store));

  await store.setValue('cp/b', 'two');
  await store.setValue('cp/a', 'one');
  await store.setValue('cp/a', 'uno');
  await store.setValue('other', 'x');
  out.push(await store.entriesWithPrefix('cp/'));
  await store.setValue('cp/b', undefined);
  out.push([await store.getValue('cp/a'), await store.getValue('cp/b')]);
  return out;
}

describe('the SQLite state and the PostgreSQL store', () => {
  it('answer the same script alike, and rightly', async () => {
    const sqlite = SqliteStore.open(join(dir, 'sqlite'));
    const postgres = await PostgresStore.open(db.url);
    let a: unknown[];
    let b: unknown[];
    try {
      a = await script(sqlite);
      b = await script(postgres);
    } finally {
      await sqlite.close();
      await postgres.close();
    }
    expect(b).toEqual(a);
    // The answers are the ones wanted, not only the same.
    const first = a[0] as StoredItem[];
    expect(first.map((i) => [i.path, i.entry ?? null, i.findings.length])).toEqual([
      ['HR/b.zip', null, 0],
      ['HR/b.zip', 'gone.txt', 1],
      ['HR/b.zip', 'in/x.xlsx', 1],
      ['HR/old/d.txt', null, 1],
      ['a.txt', null, 2],
      ['c.pdf', null, 0],
    ]);
    expect(first[4]?.newFindings).toEqual([0, 1]);
    expect(a[1]).toEqual({ items: 6, itemsWithFindings: 4, findings: 5, bytes: 40, byErrorCode: { corrupt: 1 } });
    expect(a[5]).toEqual([true, false]);
    expect(a[6]).toBe(1);
    expect((a[7] as StoredItem[]).map((i) => i.path)).toEqual(['c.pdf']);
    expect([a[8], a[9]]).toEqual([2, 1]);
    const after = a[10] as StoredItem[];
    expect(after.map((i) => [i.path, i.entry ?? null])).toEqual([
      ['HR/b.zip', null],
      ['HR/b.zip', 'in/x.xlsx'],
      ['HR/old/d.txt', null],
      ['a.txt', null],
    ]);
    expect(after[3]?.access?.broad).toBe(false);
    expect(after[0]?.access?.owner).toBe('bob');
    expect(after[3]?.findings.map((f) => [f.status, f.note])).toEqual([
      ['accepted', 'newsletter'],
      ['accepted', 'newsletter'],
    ]);
    const hits = a[13] as { item: { path: string }; finding: { type: string; status?: string } }[];
    expect(hits.map((h) => [h.item.path, h.finding.type, h.finding.status])).toEqual([
      ['HR/b.zip', 'iban', 'to-remediate'],
      ['a.txt', 'email', 'accepted'],
      ['a.txt', 'email', 'accepted'],
    ]);
    expect(a[15]).toBe('s2');
    expect(a[16]).toBe(3);
    expect((a[17] as Finding[]).length).toBe(2);
    expect(a[18]).toBe(0);
    expect((a[19] as { items: number }).items).toBe(0);
    expect(a.slice(20)).toEqual([
      [
        { key: 'cp/a', value: 'uno' },
        { key: 'cp/b', value: 'two' },
      ],
      ['uno', undefined],
    ]);
  });

  it('streams many items in pages, in uri order, on PostgreSQL as on SQLite', async () => {
    const { url, drop } = await freshDatabase('pages');
    const store = await PostgresStore.open(url);
    try {
      await store.beginScan('s1', ['/share'], 0.5, new Date());
      const names = Array.from({ length: 1203 }, (_, i) => `f${String(i).padStart(5, '0')}.txt`);
      await store.writeItems(
        's1',
        names.map((n, i) => replace(file(n, i), [{ kind: 'file', findings: i % 2 === 0 ? [email('e', i)] : [], error: null }])),
      );
      expect((await all(store.items({ roots: ['/share'] }))).map((i) => i.path)).toEqual(names);
      expect((await store.counts(['/share'])).itemsWithFindings).toBe(602);
    } finally {
      await store.close();
      await drop();
    }
  });

  it('a role that may only read opens a migrated store and answers from it (the reader role of docs/distributed.md)', async () => {
    const { url, drop } = await freshDatabase('reader');
    const role = `inzage_reader_${randomBytes(4).toString('hex')}`;
    const owner = await PostgresStore.open(url);
    try {
      await owner.beginScan('s1', ['/share'], 0.5, new Date('2026-01-01T00:00:00Z'));
      await owner.writeItems('s1', [replace(file('a.txt', 1), [{ kind: 'file', findings: [email('a', 1)], error: null }])]);
      await owner.finishScan('s1', new Date('2026-01-01T00:01:00Z'), null);
      await owner.pool.query(`CREATE ROLE ${role} LOGIN`);
      await owner.pool.query(`GRANT SELECT ON inzage_schema, scans, items, triage, kv TO ${role}`);
      const readerUrl = new URL(url);
      readerUrl.username = role;
      const reader = await PostgresStore.open(readerUrl.toString());
      try {
        expect((await reader.lastFinishedScan())?.id).toBe('s1');
        expect((await reader.findByHashes([hash('a')])).map((h) => h.item.path)).toEqual(['a.txt']);
        await expect(reader.setValue('k', 'v')).rejects.toThrow(/permission denied/);
      } finally {
        await reader.close();
      }
    } finally {
      await owner.close();
      await drop();
      const admin = await PostgresStore.open(db.url);
      await admin.pool.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.close();
    }
  });

  it('migrates once when several processes open the PostgreSQL store together', async () => {
    const { url, drop } = await freshDatabase('migrate');
    try {
      const opened = await Promise.all([1, 2, 3, 4].map(() => PostgresStore.open(url)));
      await Promise.all(opened.map((s) => s.close()));
    } finally {
      await drop();
    }
  });
});
