import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, ScanState } from './state.js';

const dir = mkdtempSync(join(tmpdir(), 'inzage-state-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scan state migrations', () => {
  it('moves findings of a version-1 state into their items, in order, keeping triage', () => {
    const file = join(dir, 'v1.db');
    const db = new Database(file);
    db.exec(MIGRATIONS[0] as string);
    db.pragma('user_version = 1');
    db.prepare("INSERT INTO scans (id, started_at, roots, status, min_confidence) VALUES ('s1', '2026-01-01T00:00:00Z', '[\"/r\"]', 'finished', 0.5)").run();
    db.prepare("INSERT INTO items (uri, root, path, kind, size, last_seen_scan) VALUES ('file:///r/a.txt', '/r', 'a.txt', 'file', 10, 's1')").run();
    const add = db.prepare(
      'INSERT INTO findings (item_uri, ord, type, category, confidence, masked, hash, location, basis) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    add.run('file:///r/a.txt', 1, 'iban', 'financial', 0.99, 'NL** 00', 'b'.repeat(64), '{"line":2}', null);
    add.run('file:///r/a.txt', 0, 'email', 'contact', 0.9, 'j***@example.nl', 'a'.repeat(64), '{"line":1}', '["address"]');
    db.prepare("INSERT INTO triage VALUES ('file:///r/a.txt', 'email', ?, 'accepted', 'ok', '2026-01-02')").run('a'.repeat(64));
    db.close();

    const state = new ScanState(file);
    const [item] = state.currentItems(['/r']);
    expect(item?.findings).toEqual([
      {
        type: 'email',
        category: 'contact',
        confidence: 0.9,
        masked: 'j***@example.nl',
        hash: 'a'.repeat(64),
        where: { line: 1 },
        basis: ['address'],
        status: 'accepted',
        note: 'ok',
      },
      { type: 'iban', category: 'financial', confidence: 0.99, masked: 'NL** 00', hash: 'b'.repeat(64), where: { line: 2 } },
    ]);
    expect(state.findByHashes(['b'.repeat(64)]).map((h) => [h.item.path, h.finding.type])).toEqual([['a.txt', 'iban']]);
    state.close();
  });
});

describe('scan state item pages', () => {
  it('walk the uri index from page to page instead of sorting every item for each page', () => {
    const state = new ScanState(join(dir, 'pages.db'));
    state.beginScan('s1', ['/r'], 0.5, new Date('2026-01-01T00:00:00Z'));
    state.writeItems(
      's1',
      Array.from({ length: 1200 }, (_, i) => ({
        op: 'replace' as const,
        item: { root: '/r', path: `f${String(i).padStart(4, '0')}.txt`, uri: `file:///r/f${String(i).padStart(4, '0')}.txt`, kind: 'file' as const, size: 1 },
        version: '1',
        results: [{ kind: 'file' as const, findings: [], error: null }],
        settings: 'S',
      })),
    );
    state.markGone('s2', ['/r']);
    // The statements the pages run, as prepared (the real connection's prepare, recorded).
    const db = state.connection;
    const prepared: string[] = [];
    const prepare = db.prepare.bind(db);
    db.prepare = ((sql: string) => {
      prepared.push(sql);
      return prepare(sql);
    }) as typeof db.prepare;
    expect([...state.iterateItems({ roots: ['/r'] })]).toHaveLength(0);
    expect([...state.iterateGone('s2', ['/r'])].map((i) => i.path)).toEqual(Array.from({ length: 1200 }, (_, i) => `f${String(i).padStart(4, '0')}.txt`));
    expect([...state.iterateItems({ roots: ['/r'], findingsAsText: true })]).toHaveLength(0);
    const pages = prepared.filter((sql) => sql.includes('ORDER BY uri LIMIT'));
    expect(pages.length).toBeGreaterThanOrEqual(2);
    for (const sql of pages) {
      const plan = (
        prepare(`EXPLAIN QUERY PLAN ${sql}`).all(
          ...sql
            .split('?')
            .slice(1)
            .map(() => 'x'),
        ) as { detail: string }[]
      ).map((r) => r.detail);
      expect(plan.join('; ')).not.toContain('TEMP B-TREE');
    }
    state.close();
  });
});

describe('the hash index', () => {
  const finding = (hash: string) => ({ type: 'email', category: 'contact' as const, confidence: 0.9, masked: 'j***@x.nl', hash, where: { line: 1 } });
  const write = (state: ScanState, scan: string, path: string, hashes: string[]) =>
    state.writeItems(scan, [
      {
        op: 'replace' as const,
        item: { root: '/r', path, uri: `file:///r/${path}`, kind: 'file' as const, size: 1 },
        version: '1',
        results: [{ kind: 'file' as const, findings: hashes.map(finding), error: null }],
        settings: 'S',
      },
    ]);
  const rows = (state: ScanState, table: string) => (state.connection.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const found = (state: ScanState, hash: string) => state.findByHashes([hash]).map((h) => h.item.path);

  it('answers from hashes still staged (a scan killed before its end), and from the index once the scan merged them', () => {
    const file = join(dir, 'hashes.db');
    const a = 'a'.repeat(64);
    const b = 'b'.repeat(64);
    let state = new ScanState(file);
    state.beginScan('s1', ['/r'], 0.5, new Date('2026-01-01T00:00:00Z'));
    write(state, 's1', 'one.txt', [a, b]);
    write(state, 's1', 'two.txt', [b]);
    expect(rows(state, 'finding_hashes_new')).toBe(3);
    state.close();
    // Opened again as after a kill: nothing merged, nothing lost.
    state = new ScanState(file);
    expect(found(state, b)).toEqual(['one.txt', 'two.txt']);
    state.finishScan('s1', new Date('2026-01-01T00:01:00Z'), null);
    expect([rows(state, 'finding_hashes_new'), rows(state, 'finding_hashes')]).toEqual([0, 3]);
    expect(found(state, a)).toEqual(['one.txt']);
    expect(found(state, b)).toEqual(['one.txt', 'two.txt']);
    // An item read again drops its hashes from both tables: merged ones and staged ones.
    state.beginScan('s2', ['/r'], 0.5, new Date('2026-01-02T00:00:00Z'));
    write(state, 's2', 'one.txt', [a]);
    write(state, 's2', 'one.txt', []);
    expect(found(state, a)).toEqual([]);
    expect(found(state, b)).toEqual(['two.txt']);
    expect(rows(state, 'finding_hashes_new') + rows(state, 'finding_hashes')).toBe(1);
    state.close();
  });

  it('keeps its index by item through a merge that builds it again, and through one that does not', () => {
    const file = join(dir, 'rebuilt.db');
    const hash = (n: number) => `${n.toString(16).padStart(16, '0')}${'0'.repeat(48)}`;
    const byItem = (state: ScanState) =>
      state.connection.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'finding_hashes_item'").all().length;
    const plan = (state: ScanState) =>
      (state.connection.prepare("EXPLAIN QUERY PLAN DELETE FROM finding_hashes WHERE item_uri = 'file:///r/x'").all() as { detail: string }[])
        .map((r) => r.detail)
        .join(' ');
    let state = new ScanState(file);
    // A first scan: more staged than indexed, so the merge builds the index by item again.
    state.beginScan('s1', ['/r'], 0.5, new Date('2026-01-01T00:00:00Z'));
    for (let i = 0; i < 20; i++) write(state, 's1', `f${i}.txt`, [hash(i), hash(i + 100)]);
    state.finishScan('s1', new Date('2026-01-01T00:01:00Z'), null);
    expect(byItem(state)).toBe(1);
    expect(plan(state)).toContain('finding_hashes_item');
    state.close();
    // A rescan of one file: fewer staged than indexed, the index is kept as it is.
    state = new ScanState(file);
    state.beginScan('s2', ['/r'], 0.5, new Date('2026-01-02T00:00:00Z'));
    write(state, 's2', 'f3.txt', [hash(3), hash(999)]);
    state.finishScan('s2', new Date('2026-01-02T00:01:00Z'), null);
    expect(byItem(state)).toBe(1);
    expect(found(state, hash(999))).toEqual(['f3.txt']);
    expect(found(state, hash(103))).toEqual([]);
    expect(found(state, hash(104))).toEqual(['f4.txt']);
    expect(rows(state, 'finding_hashes')).toBe(40);
    state.close();
  });
});
