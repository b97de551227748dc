/**
 * The same state operations against the SQLite state and the PostgreSQL store (a real server,
 * a database of this test's own): both must answer alike, so reports, changes, triage and
 * subject search do not depend on where the state lives.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../detectors/types.js';
import { freshDatabase } from '../../test/services.js';
import type { Access, SourceItem } from '../model.js';
import { type AsyncScanStore, type ItemResult, SqliteStore } from './async-store.js';
import { PostgresStore } from './postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'inzage-stores-'));
let db: { url: string; drop: () => Promise<void> };
const stores: { name: string; open: () => Promise<AsyncScanStore> }[] = [
  { name: 'sqlite', open: async () => SqliteStore.open(join(dir, 'sqlite')) },
  { name: 'postgres', open: () => PostgresStore.open(db.url) },
];
beforeAll(async () => {
  db = await freshDatabase('stores');
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await db.drop();
});

const hash = (c: string) => c.repeat(64);
const file = (path: string, mtimeMs: number, size = 10): SourceItem => ({
  root: '/share',
  path,
  uri: `file:///share/${path}`,
  kind: 'file',
  size,
  modified: '2026-01-01T00:00:00.000Z',
  location: Buffer.from(`/share/${path}`),
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

/** A script of two scans over a small share; returns everything the store was asked, in order. */
async function script(store: AsyncScanStore): Promise<unknown[]> {
  const out: unknown[] = [];
  const settings = '{"v":1}';
  await store.beginScan('s1', ['/share'], 0.5, new Date('2026-01-01T10:00:00Z'));
  const a = file('a.txt', 1000);
  const z = file('HR/b.zip', 2000);
  const broken = file('c.pdf', 3000);
  const access: Access = { owner: 'alice', mode: '0644', entries: [], broad: true, reasons: ['world-readable'] };
  out.push([...(await store.reuseUnchanged('s1', [{ item: a, access }], settings))]);
  const batch: ItemResult[] = [
    { item: a, access, results: [{ kind: 'file' as const, mediaType: 'text/plain', findings: [email('a', 1), email('a', 3)], error: null }] },
    {
      item: z,
      access: undefined,
      results: [
        { kind: 'file' as const, mediaType: 'application/zip', findings: [], error: null },
        { kind: 'archive-entry' as const, entry: 'in/x.xlsx', size: 99, findings: [iban], error: null },
        { kind: 'archive-entry' as const, entry: 'gone.txt', size: 5, findings: [email('c', 1)], error: null },
      ],
    },
    { item: broken, access: undefined, results: [{ kind: 'file' as const, findings: [], error: { code: 'corrupt' as const, message: 'not a PDF' } }] },
  ];
  await store.saveItems('s1', batch, settings);
  // The same batch again (a job run twice): stored once.
  await store.saveItems('s1', batch, settings);
  out.push(await store.currentItems(['/share']));
  await store.finishScan('s1', new Date('2026-01-01T10:05:00Z'), { note: 'first' });
  out.push(await store.lastFinishedScan());

  await store.beginScan('s2', ['/share'], 0.5, new Date('2026-01-02T10:00:00Z'));
  // a.txt unchanged: reused; the zip changed and lost an entry; c.pdf deleted.
  out.push([
    ...(await store.reuseUnchanged(
      's2',
      [
        { item: a, access: { ...access, broad: false } },
        { item: file('HR/b.zip', 2500), access: undefined },
      ],
      settings,
    )),
  ]);
  out.push([...(await store.reuseUnchanged('s2', [{ item: a, access }], '{"v":2}'))]);
  await store.saveItems(
    's2',
    [
      {
        item: file('HR/b.zip', 2500),
        access: undefined,
        results: [
          { kind: 'file', mediaType: 'application/zip', findings: [], error: null },
          { kind: 'archive-entry', entry: 'in/x.xlsx', size: 99, findings: [iban], error: null },
        ],
      },
    ],
    settings,
  );
  out.push(await store.markGone('s2', ['/share']));
  out.push(await store.triage((item, f) => item.path === 'a.txt' && f.type === 'email', 'accepted', 'newsletter', new Date('2026-01-02T11:00:00Z')));
  out.push(await store.triage((_item, f) => f.type === 'iban', 'to-remediate', undefined, new Date('2026-01-02T11:00:00Z')));
  await store.finishScan('s2', new Date('2026-01-02T10:05:00Z'), { note: 'second' });
  out.push(await store.currentItems(['/share']));
  out.push(await store.findByHashes([hash('a'), hash('b'), hash('c')]));
  out.push((await store.lastFinishedScan())?.id);
  await store.setValue('k', 'one');
  await store.setValue('k', 'two');
  out.push(await store.getValue('k'));
  await store.setValue('k', undefined);
  out.push(await store.getValue('k'));
  return out;
}

describe('the SQLite state and the PostgreSQL store', () => {
  it('answer the same script alike', async () => {
    const answers: Record<string, unknown[]> = {};
    for (const { name, open } of stores) {
      const store = await open();
      try {
        answers[name] = await script(store);
      } finally {
        await store.close();
      }
    }
    const sqlite = answers.sqlite as unknown[];
    expect(answers.postgres).toEqual(sqlite);
    // And the answers are the ones wanted, not just the same.
    const first = sqlite[1] as { path: string; entry?: string; findings: unknown[] }[];
    expect(first.map((i) => [i.path, i.entry ?? null, i.findings.length])).toEqual([
      ['HR/b.zip', null, 0],
      ['HR/b.zip', 'gone.txt', 1],
      ['HR/b.zip', 'in/x.xlsx', 1],
      ['a.txt', null, 2],
      ['c.pdf', null, 0],
    ]);
    expect(sqlite[3]).toEqual(['file:///share/a.txt']);
    expect(sqlite[4]).toEqual([]);
    expect(sqlite[5]).toBe(1);
    expect(sqlite[6]).toBe(2);
    const after = sqlite[8] as { path: string; entry?: string; access?: { broad: boolean }; findings: { status?: string; note?: string }[] }[];
    expect(after.map((i) => [i.path, i.entry ?? null])).toEqual([
      ['HR/b.zip', null],
      ['HR/b.zip', 'in/x.xlsx'],
      ['a.txt', null],
    ]);
    expect(after[2]?.access?.broad).toBe(false);
    expect(after[2]?.findings.map((f) => [f.status, f.note])).toEqual([
      ['accepted', 'newsletter'],
      ['accepted', 'newsletter'],
    ]);
    const hits = sqlite[9] as { item: { path: string }; finding: { type: string; status?: string } }[];
    expect(hits.map((h) => [h.item.path, h.finding.type, h.finding.status])).toEqual([
      ['HR/b.zip', 'iban', 'to-remediate'],
      ['a.txt', 'email', 'accepted'],
      ['a.txt', 'email', 'accepted'],
    ]);
    expect(sqlite.slice(10)).toEqual(['s2', 'two', undefined]);
  });

  it('the PostgreSQL store migrates once when several processes open it together', async () => {
    const { url, drop } = await freshDatabase('migrate');
    try {
      const opened = await Promise.all([1, 2, 3, 4].map(() => PostgresStore.open(url)));
      await Promise.all(opened.map((s) => s.close()));
    } finally {
      await drop();
    }
  });
});
