/**
 * The scan state in PostgreSQL, for distributed mode: many worker machines write to one store,
 * and `inzage report`, `find` and `triage` read it with `--store postgres://…`.
 *
 * The schema mirrors the SQLite state (state.ts): one row per item and child with its findings
 * as one JSONB array (a GIN index answers the subject search), triage decisions by item, type
 * and hash, a key-value table. A batch of items is one transaction of a few statements whatever
 * its size (arrays through unnest, not a statement per row), and is idempotent: an item job that
 * runs twice (a worker killed after writing, its job handed to another) leaves the same rows.
 * Holds masked values and keyed hashes only, never a raw value and never the HMAC key.
 */
import pg from 'pg';
import type { Finding } from '../../detectors/types.js';
import { InzageError } from '../errors.js';
import type { Access, ErrorCode, ItemKind, SourceItem } from '../model.js';
import type { AsyncScanStore, ItemResult } from './async-store.js';
import { rootKey, type ScanRecord, type StoredFinding, type StoredItem, TRANSIENT, type TriageStatus } from './state.js';

/** Migrations by version; each runs once, in order, in one transaction under an advisory lock (workers may start together). */
export const PG_MIGRATIONS: string[] = [
  `CREATE TABLE scans (
     id TEXT PRIMARY KEY, started_at TIMESTAMPTZ NOT NULL, finished_at TIMESTAMPTZ, roots JSONB NOT NULL,
     status TEXT NOT NULL, min_confidence DOUBLE PRECISION NOT NULL, changes JSONB, options JSONB
   );
   CREATE TABLE items (
     uri TEXT PRIMARY KEY, parent_uri TEXT, root TEXT NOT NULL, path TEXT NOT NULL, entry TEXT,
     kind TEXT NOT NULL, media_type TEXT, size BIGINT NOT NULL, modified TEXT,
     fp_size BIGINT, fp_mtime_ms DOUBLE PRECISION, fp_ino TEXT, fp_dev TEXT,
     access JSONB, error_code TEXT, error_message TEXT, settings TEXT, findings JSONB,
     last_seen_scan TEXT NOT NULL, gone_scan TEXT
   );
   CREATE INDEX items_parent ON items(parent_uri);
   CREATE INDEX items_root ON items(root, gone_scan);
   CREATE INDEX items_seen ON items(last_seen_scan);
   CREATE INDEX items_findings ON items USING GIN (findings jsonb_path_ops);
   CREATE TABLE triage (
     item_uri TEXT NOT NULL, type TEXT NOT NULL, hash TEXT NOT NULL, status TEXT NOT NULL,
     note TEXT, updated_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (item_uri, type, hash)
   );
   CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
];

/** A database URL with its password hidden, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the given store URL';
  }
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

interface PgItemRow {
  uri: string;
  parent_uri: string | null;
  root: string;
  path: string;
  entry: string | null;
  kind: ItemKind;
  media_type: string | null;
  size: string;
  modified: string | null;
  access: Access | null;
  error_code: string | null;
  error_message: string | null;
  findings: (Finding & { basis?: string[] | null })[] | null;
}

const ITEM_COLUMNS = 'uri, parent_uri, root, path, entry, kind, media_type, size, modified, access, error_code, error_message, findings';

function findingsOf(list: PgItemRow['findings']): Finding[] {
  return (list ?? []).map((f) => {
    if (f.basis === null) delete f.basis;
    return f;
  });
}

const triageKey = (uri: string, type: string, hash: string) => `${uri}\0${type}\0${hash}`;

export class PostgresStore implements AsyncScanStore {
  readonly description: string;

  private constructor(
    readonly pool: pg.Pool,
    url: string,
  ) {
    this.description = redactUrl(url);
  }

  /** Connects (a pool of `max` connections) and brings the schema up to date. */
  static async open(url: string, options: { max?: number } = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: url, max: options.max ?? 4 });
    // An idle client that loses its connection (the server restarted) must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    const store = new PostgresStore(pool, url);
    try {
      await store.migrate();
    } catch (err) {
      await pool.end();
      if (err instanceof InzageError) throw err;
      throw new InzageError('store-unreachable', `cannot open the PostgreSQL store ${redactUrl(url)}: ${(err as Error).message}`);
    }
    return store;
  }

  private async migrate(): Promise<void> {
    await this.transaction(async (c) => {
      await c.query("SELECT pg_advisory_xact_lock(hashtext('inzage-migrate'))");
      await c.query('CREATE TABLE IF NOT EXISTS inzage_schema (version INTEGER NOT NULL)');
      const row = (await c.query<{ version: number }>('SELECT version FROM inzage_schema')).rows[0];
      const version = row?.version ?? 0;
      if (version > PG_MIGRATIONS.length) {
        throw new InzageError(
          'state-too-new',
          `the store ${this.description} was written by a newer Inzage (schema ${version}); upgrade Inzage on this machine`,
        );
      }
      for (let v = version; v < PG_MIGRATIONS.length; v++) await c.query(PG_MIGRATIONS[v] as string);
      if (!row) await c.query('INSERT INTO inzage_schema (version) VALUES ($1)', [PG_MIGRATIONS.length]);
      else await c.query('UPDATE inzage_schema SET version = $1', [PG_MIGRATIONS.length]);
    });
  }

  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async beginScan(id: string, roots: string[], minConfidence: number, startedAt: Date, options?: unknown): Promise<void> {
    await this.pool.query('INSERT INTO scans (id, started_at, roots, status, min_confidence, options) VALUES ($1, $2, $3, $4, $5, $6)', [
      id,
      startedAt.toISOString(),
      JSON.stringify(roots),
      'running',
      minConfidence,
      options === undefined ? null : JSON.stringify(options),
    ]);
  }

  async finishScan(id: string, finishedAt: Date, changes: unknown): Promise<void> {
    await this.pool.query('UPDATE scans SET finished_at = $1, status = $2, changes = $3 WHERE id = $4', [
      finishedAt.toISOString(),
      'finished',
      JSON.stringify(changes),
      id,
    ]);
  }

  private static toScan(row: Record<string, unknown>): ScanRecord & { options: unknown } {
    return {
      id: row.id as string,
      startedAt: (row.started_at as Date).toISOString(),
      finishedAt: row.finished_at ? (row.finished_at as Date).toISOString() : null,
      roots: row.roots as string[],
      status: row.status as 'running' | 'finished',
      minConfidence: row.min_confidence as number,
      changes: row.changes ?? null,
      options: row.options ?? null,
    };
  }

  async lastFinishedScan(): Promise<ScanRecord | undefined> {
    const row = (await this.pool.query("SELECT * FROM scans WHERE status = 'finished' ORDER BY finished_at DESC LIMIT 1")).rows[0];
    if (!row) return undefined;
    const { options: _options, ...scan } = PostgresStore.toScan(row);
    return scan;
  }

  /** One scan with the options it was started with (what workers need to read its items). */
  async scanById(id: string): Promise<(ScanRecord & { options: unknown }) | undefined> {
    const row = (await this.pool.query('SELECT * FROM scans WHERE id = $1', [id])).rows[0];
    return row ? PostgresStore.toScan(row) : undefined;
  }

  async reuseUnchanged(scanId: string, items: readonly { item: SourceItem; access: Access | undefined }[], settings: string): Promise<Set<string>> {
    const candidates = items.filter((i) => i.item.fingerprint);
    const reused = new Set<string>();
    if (candidates.length === 0) return reused;
    const rows = (
      await this.pool.query<{
        uri: string;
        root: string;
        fp_size: string | null;
        fp_mtime_ms: number | null;
        fp_ino: string | null;
        fp_dev: string | null;
        error_code: ErrorCode | null;
        settings: string | null;
        gone_scan: string | null;
      }>('SELECT uri, root, fp_size, fp_mtime_ms, fp_ino, fp_dev, error_code, settings, gone_scan FROM items WHERE uri = ANY($1::text[])', [
        candidates.map((c) => c.item.uri),
      ])
    ).rows;
    const byUri = new Map(rows.map((r) => [r.uri, r]));
    const access: (string | null)[] = [];
    for (const { item, access: a } of candidates) {
      const row = byUri.get(item.uri);
      const fp = item.fingerprint;
      // The same rules as the SQLite state: same settings and root, same fingerprint, a result worth keeping.
      if (!row || !fp || row.gone_scan !== null || row.settings !== settings || row.root !== rootKey(item.root)) continue;
      if (Number(row.fp_size) !== fp.size || row.fp_mtime_ms !== fp.mtimeMs || row.fp_ino !== fp.ino || row.fp_dev !== fp.dev) continue;
      if (row.error_code && TRANSIENT.has(row.error_code)) continue;
      reused.add(item.uri);
      access.push(a ? JSON.stringify(a) : null);
    }
    if (reused.size === 0) return reused;
    const uris = [...reused];
    await this.transaction(async (c) => {
      await c.query(`UPDATE items SET last_seen_scan = $1, access = v.access FROM unnest($2::text[], $3::jsonb[]) AS v(uri, access) WHERE items.uri = v.uri`, [
        scanId,
        uris,
        access,
      ]);
      await c.query('UPDATE items SET last_seen_scan = $1 WHERE parent_uri = ANY($2::text[])', [scanId, uris]);
    });
    return reused;
  }

  async saveItems(scanId: string, results: readonly ItemResult[], settings: string): Promise<void> {
    if (results.length === 0) return;
    const cols: Record<string, unknown[]> = {
      uri: [],
      parent_uri: [],
      root: [],
      path: [],
      entry: [],
      kind: [],
      media_type: [],
      size: [],
      modified: [],
      fp_size: [],
      fp_mtime_ms: [],
      fp_ino: [],
      fp_dev: [],
      access: [],
      error_code: [],
      error_message: [],
      findings: [],
    };
    const push = (values: Record<string, unknown>) => {
      for (const [k, list] of Object.entries(cols)) list.push(values[k] ?? null);
    };
    const parents: string[] = [];
    const seen = new Set<string>();
    for (const { item, access, results: extracted } of results) {
      parents.push(item.uri);
      for (const result of extracted) {
        const child = result.entry !== undefined;
        const uri = child ? `${item.uri}#${encodeURIComponent(result.entry as string)}` : item.uri;
        // A batch naming one uri twice would make the upsert touch a row twice, which PostgreSQL refuses.
        if (seen.has(uri)) continue;
        seen.add(uri);
        const fp = child ? undefined : item.fingerprint;
        push({
          uri,
          parent_uri: child ? item.uri : null,
          root: rootKey(item.root),
          path: item.path,
          entry: result.entry,
          kind: result.kind,
          media_type: result.mediaType,
          size: child ? (result.size ?? 0) : item.size,
          modified: item.modified,
          fp_size: fp?.size,
          fp_mtime_ms: fp?.mtimeMs,
          fp_ino: fp?.ino,
          fp_dev: fp?.dev,
          access: !child && access ? JSON.stringify(access) : null,
          error_code: result.error?.code,
          error_message: result.error?.message,
          findings: result.findings.length > 0 ? JSON.stringify(result.findings) : null,
        });
      }
    }
    const names = Object.keys(cols);
    const types = [
      'text',
      'text',
      'text',
      'text',
      'text',
      'text',
      'text',
      'bigint',
      'text',
      'bigint',
      'float8',
      'text',
      'text',
      'jsonb',
      'text',
      'text',
      'jsonb',
    ];
    const unnest = names.map((_, i) => `$${i + 3}::${types[i]}[]`).join(', ');
    const update = [...names.filter((n) => n !== 'uri'), 'settings', 'last_seen_scan', 'gone_scan'].map((n) => `${n} = excluded.${n}`).join(', ');
    // Sorted, so two workers writing overlapping batches lock rows in the same order and cannot deadlock.
    parents.sort();
    await this.transaction(async (c) => {
      // Children the item no longer has (an entry removed from a zip) go; the rest is upserted.
      await c.query('DELETE FROM items WHERE parent_uri = ANY($1::text[]) AND NOT (uri = ANY($2::text[]))', [parents, cols.uri]);
      await c.query(
        `INSERT INTO items (${names.join(', ')}, settings, last_seen_scan, gone_scan)
         SELECT *, $1::text, $2::text, NULL::text FROM unnest(${unnest}) ORDER BY 1
         ON CONFLICT (uri) DO UPDATE SET ${update}`,
        [settings, scanId, ...names.map((n) => cols[n])],
      );
    });
  }

  async markGone(scanId: string, roots: string[]): Promise<number> {
    const result = await this.pool.query('UPDATE items SET gone_scan = $1 WHERE root = ANY($2::text[]) AND gone_scan IS NULL AND last_seen_scan <> $1', [
      scanId,
      roots.map((r) => rootKey(r)),
    ]);
    return result.rowCount ?? 0;
  }

  private async toStored(rows: PgItemRow[]): Promise<StoredItem[]> {
    const decisions = new Map<string, { status: TriageStatus; note: string | null }>();
    if (rows.length > 0) {
      const t = await this.pool.query<{ item_uri: string; type: string; hash: string; status: TriageStatus; note: string | null }>(
        'SELECT item_uri, type, hash, status, note FROM triage',
      );
      const uris = new Set(rows.map((r) => r.uri));
      for (const d of t.rows) if (uris.has(d.item_uri)) decisions.set(triageKey(d.item_uri, d.type, d.hash), { status: d.status, note: d.note });
    }
    return rows.map((r) => ({
      uri: r.uri,
      parentUri: r.parent_uri,
      root: r.root,
      path: r.path,
      ...(r.entry !== null ? { entry: r.entry } : {}),
      kind: r.kind,
      ...(r.media_type ? { mediaType: r.media_type } : {}),
      size: Number(r.size),
      ...(r.modified ? { modified: r.modified } : {}),
      ...(r.access ? { access: r.access } : {}),
      error: r.error_code ? { code: r.error_code as ErrorCode, message: r.error_message ?? '' } : null,
      findings: findingsOf(r.findings).map((f): StoredFinding => {
        const d = decisions.size > 0 ? decisions.get(triageKey(r.uri, f.type, f.hash)) : undefined;
        return d ? { ...f, status: d.status, ...(d.note ? { note: d.note } : {}) } : f;
      }),
    }));
  }

  async currentItems(roots: string[]): Promise<StoredItem[]> {
    // Byte order, as SQLite sorts, whatever the database's collation: reports come out the same.
    const rows = await this.pool.query<PgItemRow>(
      `SELECT ${ITEM_COLUMNS} FROM items WHERE gone_scan IS NULL AND root = ANY($1::text[]) ORDER BY uri COLLATE "C"`,
      [roots.map((r) => rootKey(r))],
    );
    return this.toStored(rows.rows);
  }

  async findByHashes(hashes: string[]): Promise<{ item: StoredItem; finding: StoredFinding }[]> {
    if (hashes.length === 0) return [];
    const wanted = new Set(hashes);
    const probes = hashes.map((h) => JSON.stringify([{ hash: h }]));
    const rows = await this.pool.query<PgItemRow>(
      `SELECT ${ITEM_COLUMNS} FROM items WHERE gone_scan IS NULL AND findings @> ANY($1::jsonb[]) ORDER BY uri COLLATE "C"`,
      [probes],
    );
    return (await this.toStored(rows.rows)).flatMap((item) => item.findings.filter((f) => wanted.has(f.hash)).map((finding) => ({ item, finding })));
  }

  async triage(
    select: (item: { path: string; entry?: string }, finding: Finding) => boolean,
    status: TriageStatus,
    note: string | undefined,
    at: Date,
  ): Promise<number> {
    const rows = await this.pool.query<{ uri: string; path: string; entry: string | null; findings: PgItemRow['findings'] }>(
      'SELECT uri, path, entry, findings FROM items WHERE gone_scan IS NULL AND findings IS NOT NULL',
    );
    const uris: string[] = [];
    const types: string[] = [];
    const hashes: string[] = [];
    const seen = new Set<string>();
    let count = 0;
    for (const row of rows.rows) {
      const item = { path: row.path, ...(row.entry !== null ? { entry: row.entry } : {}) };
      for (const f of findingsOf(row.findings)) {
        if (!select(item, f)) continue;
        count++;
        const k = triageKey(row.uri, f.type, f.hash);
        if (seen.has(k)) continue;
        seen.add(k);
        uris.push(row.uri);
        types.push(f.type);
        hashes.push(f.hash);
      }
    }
    if (uris.length > 0) {
      await this.pool.query(
        `INSERT INTO triage (item_uri, type, hash, status, note, updated_at)
         SELECT u, t, h, $4, $5, $6 FROM unnest($1::text[], $2::text[], $3::text[]) AS v(u, t, h)
         ON CONFLICT (item_uri, type, hash) DO UPDATE SET status = excluded.status, note = excluded.note, updated_at = excluded.updated_at`,
        [uris, types, hashes, status, note ?? null, at.toISOString()],
      );
    }
    return count;
  }

  async getValue(key: string): Promise<string | undefined> {
    return (await this.pool.query<{ value: string }>('SELECT value FROM kv WHERE key = $1', [key])).rows[0]?.value;
  }

  async setValue(key: string, value: string | undefined): Promise<void> {
    if (value === undefined) await this.pool.query('DELETE FROM kv WHERE key = $1', [key]);
    else await this.pool.query('INSERT INTO kv (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
  }

  /** Sets a value only if none is set; returns the value in force (for the key check every worker makes). */
  async setValueOnce(key: string, value: string): Promise<string> {
    await this.pool.query('INSERT INTO kv (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, value]);
    return (await this.getValue(key)) ?? value;
  }

  /** Items (not children) this scan has stored or reused so far, and how many of them ended with an error. */
  async progress(scanId: string): Promise<{ items: number; errors: number; withFindings: number }> {
    const row = (
      await this.pool.query<{ items: string; errors: string; with_findings: string }>(
        `SELECT count(*) AS items, count(error_code) AS errors, count(findings) AS with_findings
         FROM items WHERE last_seen_scan = $1 AND parent_uri IS NULL`,
        [scanId],
      )
    ).rows[0];
    return { items: Number(row?.items ?? 0), errors: Number(row?.errors ?? 0), withFindings: Number(row?.with_findings ?? 0) };
  }
}
