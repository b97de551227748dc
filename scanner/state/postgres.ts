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
import type { Access, ErrorCode, ItemKind, ResolvedFinding, Truncation } from '../model.js';
import { rootKey } from './state.js';
import type { ItemQuery, ItemWrite, PriorItem, ScanRecord, ScanStore, StoreCounts, StoredFinding, StoredItem, TriageStatus } from './store.js';

/** Migrations by version; each runs once, in order, in one transaction under an advisory lock (workers may start together). */
export const PG_MIGRATIONS: string[] = [
  // The schema of the SQLite state at its version 3, in PostgreSQL types. Uris sort by byte
  // ("C" collation) whatever the database's locale, so items stream in the order SQLite gives.
  `CREATE TABLE scans (
     id TEXT PRIMARY KEY, started_at TIMESTAMPTZ NOT NULL, finished_at TIMESTAMPTZ, roots JSONB NOT NULL,
     status TEXT NOT NULL, min_confidence DOUBLE PRECISION NOT NULL, changes JSONB, options JSONB
   );
   CREATE TABLE items (
     uri TEXT COLLATE "C" PRIMARY KEY, parent_uri TEXT COLLATE "C", root TEXT NOT NULL, path TEXT NOT NULL, entry TEXT,
     kind TEXT NOT NULL, media_type TEXT, size BIGINT NOT NULL, modified TEXT,
     fp_size BIGINT, fp_mtime_ms DOUBLE PRECISION, fp_ino TEXT, fp_dev TEXT,
     access JSONB, error_code TEXT, error_message TEXT, settings TEXT, findings JSONB,
     last_seen_scan TEXT NOT NULL, gone_scan TEXT,
     version TEXT, access_version TEXT, finding_count INTEGER NOT NULL DEFAULT 0, marks_scan TEXT, new_findings JSONB
   );
   CREATE INDEX items_parent ON items(parent_uri);
   CREATE INDEX items_root ON items(root, gone_scan);
   CREATE INDEX items_seen ON items(last_seen_scan);
   CREATE INDEX items_gone ON items(gone_scan);
   CREATE INDEX items_findings ON items USING GIN (findings jsonb_path_ops);
   CREATE TABLE triage (
     item_uri TEXT COLLATE "C" NOT NULL, type TEXT NOT NULL, hash TEXT NOT NULL, status TEXT NOT NULL,
     note TEXT, updated_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (item_uri, type, hash)
   );
   CREATE TABLE kv (key TEXT COLLATE "C" PRIMARY KEY, value TEXT NOT NULL);`,
  // v2, as SQLite's v4: the finding counts of an item that had more findings than the cap (Truncation).
  'ALTER TABLE items ADD COLUMN truncated JSONB;',
  // v3: findings resolved by items read again in a running distributed scan, written by the
  // workers, read by the coordinator once, and dropped when the scan finishes. `n` numbers them per
  // item, so a job applied twice stores them once.
  `CREATE TABLE resolved_findings (
     scan_id TEXT NOT NULL, uri TEXT COLLATE "C" NOT NULL, n INTEGER NOT NULL, finding JSONB NOT NULL,
     PRIMARY KEY (scan_id, uri, n)
   );`,
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
  marks_scan: string | null;
  new_findings: number[] | null;
  truncated: Truncation | null;
}

const ITEM_COLUMNS =
  'uri, parent_uri, root, path, entry, kind, media_type, size, modified, access, error_code, error_message, findings, marks_scan, new_findings, truncated';

/** Rows per page when streaming items (keyset pages: no cursor held open between them). */
const PAGE = 500;

function findingsOf(list: PgItemRow['findings']): Finding[] {
  return (list ?? []).map((f) => {
    if (f.basis === null) delete f.basis;
    return f;
  });
}

const triageKey = (uri: string, type: string, hash: string) => `${uri}\0${type}\0${hash}`;
const likePrefix = (rel: string) => `${rel.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`;

/** The columns of an item row written by `writeItems`, with their PostgreSQL array types for unnest. */
const WRITE_COLUMNS: [string, string][] = [
  ['uri', 'text'],
  ['parent_uri', 'text'],
  ['root', 'text'],
  ['path', 'text'],
  ['entry', 'text'],
  ['kind', 'text'],
  ['media_type', 'text'],
  ['size', 'bigint'],
  ['modified', 'text'],
  ['fp_size', 'bigint'],
  ['fp_mtime_ms', 'float8'],
  ['fp_ino', 'text'],
  ['fp_dev', 'text'],
  ['access', 'jsonb'],
  ['error_code', 'text'],
  ['error_message', 'text'],
  ['settings', 'text'],
  ['findings', 'jsonb'],
  ['version', 'text'],
  ['access_version', 'text'],
  ['finding_count', 'int'],
  ['marks_scan', 'text'],
  ['new_findings', 'jsonb'],
  ['truncated', 'jsonb'],
];

export class PostgresStore implements ScanStore {
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
      // Looked up first: roles without CREATE on the schema (workers, readers) may not even run CREATE TABLE IF NOT EXISTS.
      const exists = (await c.query<{ t: string | null }>("SELECT to_regclass('inzage_schema')::text AS t")).rows[0]?.t;
      if (!exists) await c.query('CREATE TABLE inzage_schema (version INTEGER NOT NULL)');
      const row = (await c.query<{ version: number }>('SELECT version FROM inzage_schema')).rows[0];
      const version = row?.version ?? 0;
      // Up to date: nothing to write, which a read-only role could not.
      if (row && version === PG_MIGRATIONS.length) return;
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

  /** As ScanStore.beginScan; `options` (what workers need to read the scan's items) is kept with the scan. */
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

  private static toScan(row: Record<string, unknown>): ScanRecord {
    return {
      id: row.id as string,
      startedAt: (row.started_at as Date).toISOString(),
      finishedAt: row.finished_at ? (row.finished_at as Date).toISOString() : null,
      roots: row.roots as string[],
      status: row.status as 'running' | 'finished',
      minConfidence: row.min_confidence as number,
      changes: row.changes ?? null,
    };
  }

  async lastFinishedScan(): Promise<ScanRecord | undefined> {
    const row = (await this.pool.query("SELECT * FROM scans WHERE status = 'finished' ORDER BY finished_at DESC LIMIT 1")).rows[0];
    return row ? PostgresStore.toScan(row) : undefined;
  }

  /** One scan, with the options it was started with. */
  async scanById(id: string): Promise<(ScanRecord & { options: unknown }) | undefined> {
    const row = (await this.pool.query('SELECT * FROM scans WHERE id = $1', [id])).rows[0];
    return row ? { ...PostgresStore.toScan(row), options: row.options ?? null } : undefined;
  }

  async scanStartedAt(scanId: string): Promise<string | undefined> {
    const row = (await this.pool.query<{ started_at: Date }>('SELECT started_at FROM scans WHERE id = $1', [scanId])).rows[0];
    return row?.started_at.toISOString();
  }

  async priorItems(uris: readonly string[]): Promise<Map<string, PriorItem>> {
    const out = new Map<string, PriorItem>();
    if (uris.length === 0) return out;
    const rows = await this.pool.query<{
      uri: string;
      root: string;
      version: string | null;
      settings: string | null;
      error_code: ErrorCode | null;
      gone_scan: string | null;
      access_version: string | null;
      total: string;
    }>(
      `SELECT uri, root, version, settings, error_code, gone_scan, access_version,
         finding_count + coalesce((SELECT sum(c.finding_count) FROM items c WHERE c.parent_uri = items.uri), 0) AS total
       FROM items WHERE uri = ANY($1::text[])`,
      [[...uris]],
    );
    for (const r of rows.rows) {
      out.set(r.uri, {
        uri: r.uri,
        root: r.root,
        version: r.version,
        settings: r.settings,
        errorCode: r.error_code,
        gone: r.gone_scan !== null,
        accessVersion: r.access_version,
        findingCount: Number(r.total),
      });
    }
    return out;
  }

  /**
   * One transaction of at most four statements, whatever the batch size. Replacements are upserts
   * plus a delete of children the item no longer has, so a batch applied twice (a job run again
   * after its worker died) leaves exactly the rows applying it once leaves.
   */
  async writeItems(scanId: string, writes: readonly ItemWrite[]): Promise<void> {
    if (writes.length === 0) return;
    const reused: string[] = [];
    const accessUris: string[] = [];
    const accessValues: string[] = [];
    const accessVersions: (string | null)[] = [];
    const parents: string[] = [];
    const cols = WRITE_COLUMNS.map((): unknown[] => []);
    const rows = new Map<string, unknown[]>();
    const resolved: { uri: string[]; n: number[]; finding: string[] } = { uri: [], n: [], finding: [] };
    for (const w of writes) {
      if (w.op === 'reuse') {
        reused.push(w.uri);
        if (w.access) {
          accessUris.push(w.uri);
          accessValues.push(JSON.stringify(w.access));
          accessVersions.push(w.accessVersion ?? null);
        }
        continue;
      }
      const { item, access, results } = w;
      parents.push(item.uri);
      w.resolved?.forEach((f, n) => {
        resolved.uri.push(item.uri);
        resolved.n.push(n);
        resolved.finding.push(JSON.stringify(f));
      });
      results.forEach((result, index) => {
        const child = result.entry !== undefined;
        const uri = child ? `${item.uri}#${encodeURIComponent(result.entry as string)}` : item.uri;
        const fp = child || w.version === null ? undefined : item.fingerprint;
        const fresh = w.newFindings?.[index];
        // Keyed by uri: a batch naming one uri twice keeps the last, as the SQLite state does.
        rows.set(uri, [
          uri,
          child ? item.uri : null,
          rootKey(item.root),
          item.path,
          result.entry ?? null,
          result.kind,
          result.mediaType ?? null,
          child ? (result.size ?? 0) : item.size,
          item.modified ?? null,
          fp?.size ?? null,
          fp?.mtimeMs ?? null,
          fp?.ino ?? null,
          fp?.dev ?? null,
          !child && access ? JSON.stringify(access) : null,
          result.error?.code ?? null,
          result.error?.message ?? null,
          w.settings,
          result.findings.length > 0 ? JSON.stringify(result.findings) : null,
          child ? null : w.version,
          child ? null : (w.accessVersion ?? null),
          result.findings.length,
          w.newFindings ? scanId : null,
          fresh && fresh.length > 0 ? JSON.stringify(fresh) : null,
          result.truncated ? JSON.stringify(result.truncated) : null,
        ]);
      });
    }
    // Sorted, so two workers writing overlapping batches lock rows in the same order and cannot deadlock.
    for (const uri of [...rows.keys()].sort()) {
      const row = rows.get(uri) as unknown[];
      for (let i = 0; i < row.length; i++) cols[i]?.push(row[i]);
    }
    reused.sort();
    const names = WRITE_COLUMNS.map(([n]) => n);
    const unnest = WRITE_COLUMNS.map(([, t], i) => `$${i + 2}::${t}[]`).join(', ');
    const update = [...names.filter((n) => n !== 'uri'), 'last_seen_scan', 'gone_scan'].map((n) => `${n} = excluded.${n}`).join(', ');
    await this.transaction(async (c) => {
      if (reused.length > 0)
        await c.query('UPDATE items SET last_seen_scan = $1 WHERE uri = ANY($2::text[]) OR parent_uri = ANY($2::text[])', [scanId, reused]);
      if (accessUris.length > 0) {
        await c.query(
          `UPDATE items SET access = v.access, access_version = v.version
           FROM unnest($1::text[], $2::jsonb[], $3::text[]) AS v(uri, access, version) WHERE items.uri = v.uri`,
          [accessUris, accessValues, accessVersions],
        );
      }
      if (parents.length === 0) return;
      await c.query('DELETE FROM items WHERE parent_uri = ANY($1::text[]) AND NOT (uri = ANY($2::text[]))', [parents, cols[0]]);
      await c.query(
        `INSERT INTO items (${names.join(', ')}, last_seen_scan, gone_scan)
         SELECT *, $1::text, NULL::text FROM unnest(${unnest})
         ON CONFLICT (uri) DO UPDATE SET ${update}`,
        [scanId, ...cols],
      );
      if (resolved.uri.length > 0) {
        await c.query(
          `INSERT INTO resolved_findings (scan_id, uri, n, finding)
           SELECT $1::text, * FROM unnest($2::text[], $3::int[], $4::jsonb[]) ON CONFLICT DO NOTHING`,
          [scanId, resolved.uri, resolved.n, resolved.finding],
        );
      }
    });
  }

  /** The findings that items read again in this scan no longer hold, as the workers wrote them. */
  async *resolvedIn(scanId: string): AsyncIterable<ResolvedFinding> {
    let after = { uri: '', n: -1 };
    for (;;) {
      const page = await this.pool.query(
        `SELECT uri, n, finding FROM resolved_findings WHERE scan_id = $1 AND (uri, n) > ($2::text, $3::int)
         ORDER BY uri, n LIMIT 2000`,
        [scanId, after.uri, after.n],
      );
      if (page.rows.length === 0) return;
      for (const r of page.rows as { uri: string; n: number; finding: ResolvedFinding }[]) yield r.finding;
      const last = page.rows[page.rows.length - 1] as { uri: string; n: number };
      after = { uri: last.uri, n: last.n };
    }
  }

  /** Drops what resolvedIn kept of a finished scan. */
  async dropResolved(scanId: string): Promise<void> {
    await this.pool.query('DELETE FROM resolved_findings WHERE scan_id = $1', [scanId]);
  }

  async markGone(scanId: string, roots: readonly string[]): Promise<number> {
    const result = await this.pool.query('UPDATE items SET gone_scan = $1 WHERE root = ANY($2::text[]) AND gone_scan IS NULL AND last_seen_scan <> $1', [
      scanId,
      roots.map((r) => rootKey(r)),
    ]);
    return result.rowCount ?? 0;
  }

  async markUriGone(scanId: string, uri: string): Promise<number> {
    const result = await this.pool.query('UPDATE items SET gone_scan = $1 WHERE (uri = $2 OR parent_uri = $2) AND gone_scan IS NULL', [scanId, uri]);
    return result.rowCount ?? 0;
  }

  async markPathGone(scanId: string, root: string, rel: string): Promise<StoredFinding[]> {
    const result = await this.pool.query<{ findings: PgItemRow['findings'] }>(
      `UPDATE items SET gone_scan = $1 WHERE root = $2 AND gone_scan IS NULL AND (path = $3 OR path LIKE $4 ESCAPE '\\') RETURNING findings`,
      [scanId, rootKey(root), rel, likePrefix(rel)],
    );
    return result.rows.flatMap((r) => findingsOf(r.findings));
  }

  async markFolderGoneBefore(scanId: string, root: string, folder: string, syncStartedAt: string, deep = false): Promise<number> {
    const result = await this.pool.query(
      `UPDATE items SET gone_scan = $1 WHERE root = $2 AND gone_scan IS NULL AND path LIKE $3 ESCAPE '\\' AND ($4 OR strpos(substr(path, $5), '/') = 0)
         AND last_seen_scan IN (SELECT id FROM scans WHERE started_at < $6)`,
      [scanId, rootKey(root), likePrefix(folder), deep, folder.length + 2, syncStartedAt],
    );
    return result.rowCount ?? 0;
  }

  async setAccess(updates: readonly { uri: string; access: Access; accessVersion?: string }[]): Promise<void> {
    if (updates.length === 0) return;
    await this.pool.query(
      `UPDATE items SET access = v.access, access_version = coalesce(v.version, items.access_version)
       FROM unnest($1::text[], $2::jsonb[], $3::text[]) AS v(uri, access, version) WHERE items.uri = v.uri`,
      [updates.map((u) => u.uri), updates.map((u) => JSON.stringify(u.access)), updates.map((u) => u.accessVersion ?? null)],
    );
  }

  private async toStored(rows: PgItemRow[]): Promise<StoredItem[]> {
    const decisions = new Map<string, { status: TriageStatus; note: string | null }>();
    const withFindings = rows.filter((r) => r.findings !== null).map((r) => r.uri);
    if (withFindings.length > 0) {
      const t = await this.pool.query<{ item_uri: string; type: string; hash: string; status: TriageStatus; note: string | null }>(
        'SELECT item_uri, type, hash, status, note FROM triage WHERE item_uri = ANY($1::text[])',
        [withFindings],
      );
      for (const d of t.rows) decisions.set(triageKey(d.item_uri, d.type, d.hash), { status: d.status, note: d.note });
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
      ...(r.truncated ? { truncated: r.truncated } : {}),
      findings: findingsOf(r.findings).map((f): StoredFinding => {
        const d = decisions.size > 0 ? decisions.get(triageKey(r.uri, f.type, f.hash)) : undefined;
        return d ? { ...f, status: d.status, ...(d.note ? { note: d.note } : {}) } : f;
      }),
      ...(r.marks_scan ? { marksScan: r.marks_scan, newFindings: r.new_findings ?? [] } : {}),
    }));
  }

  async *items(query: ItemQuery): AsyncIterable<StoredItem> {
    const roots = query.roots.map((r) => rootKey(r));
    const onlyFindings = query.withFindings ? ' AND findings IS NOT NULL' : '';
    if (query.uris) {
      for (const uri of query.uris) {
        const rows = await this.pool.query<PgItemRow>(
          `SELECT ${ITEM_COLUMNS} FROM items WHERE gone_scan IS NULL AND root = ANY($1::text[]) AND (uri = $2${query.children ? ' OR parent_uri = $2' : ''})${onlyFindings} ORDER BY uri`,
          [roots, uri],
        );
        yield* await this.toStored(rows.rows);
      }
      return;
    }
    yield* this.pages(`gone_scan IS NULL AND root = ANY($1::text[])${onlyFindings}`, [roots]);
  }

  /** Rows matching `where` (parameters from $1), in uri order, one keyset page at a time. */
  private async *pages(where: string, params: unknown[]): AsyncIterable<StoredItem> {
    let after = '';
    const n = params.length + 1;
    for (;;) {
      const rows = (
        await this.pool.query<PgItemRow>(`SELECT ${ITEM_COLUMNS} FROM items WHERE ${where} AND uri > $${n} ORDER BY uri LIMIT ${PAGE}`, [...params, after])
      ).rows;
      if (rows.length === 0) return;
      after = (rows[rows.length - 1] as PgItemRow).uri;
      yield* await this.toStored(rows);
      if (rows.length < PAGE) return;
    }
  }

  async findingsOf(uri: string): Promise<StoredFinding[]> {
    const rows = await this.pool.query<{ findings: PgItemRow['findings'] }>(
      'SELECT findings FROM items WHERE (uri = $1 OR parent_uri = $1) AND gone_scan IS NULL ORDER BY uri',
      [uri],
    );
    return rows.rows.flatMap((r) => findingsOf(r.findings));
  }

  goneItems(scanId: string, roots: readonly string[]): AsyncIterable<StoredItem> {
    return this.pages('gone_scan = $1 AND root = ANY($2::text[])', [scanId, roots.map((r) => rootKey(r))]);
  }

  async counts(roots: readonly string[]): Promise<StoreCounts> {
    const keys = roots.map((r) => rootKey(r));
    const where = 'gone_scan IS NULL AND root = ANY($1::text[])';
    const row = (
      await this.pool.query<{ items: string; with_findings: string; findings: string; bytes: string }>(
        `SELECT count(*) AS items, count(*) FILTER (WHERE finding_count > 0) AS with_findings, coalesce(sum(finding_count), 0) AS findings,
           coalesce(sum(CASE WHEN entry IS NULL THEN size ELSE 0 END), 0) AS bytes FROM items WHERE ${where}`,
        [keys],
      )
    ).rows[0];
    const byErrorCode: Record<string, number> = {};
    const errors = await this.pool.query<{ error_code: string; n: string }>(
      `SELECT error_code, count(*) AS n FROM items WHERE ${where} AND error_code IS NOT NULL GROUP BY error_code ORDER BY error_code COLLATE "C"`,
      [keys],
    );
    for (const r of errors.rows) byErrorCode[r.error_code] = Number(r.n);
    return {
      items: Number(row?.items ?? 0),
      itemsWithFindings: Number(row?.with_findings ?? 0),
      findings: Number(row?.findings ?? 0),
      bytes: Number(row?.bytes ?? 0),
      byErrorCode,
    };
  }

  async findByHashes(hashes: readonly string[]): Promise<{ item: StoredItem; finding: StoredFinding }[]> {
    if (hashes.length === 0) return [];
    const wanted = new Set(hashes);
    // Containment on the GIN index (jsonb_path_ops): the item's findings array holds an object with this hash.
    const probes = hashes.map((h) => JSON.stringify([{ hash: h }]));
    const rows = await this.pool.query<PgItemRow>(`SELECT ${ITEM_COLUMNS} FROM items WHERE gone_scan IS NULL AND findings @> ANY($1::jsonb[]) ORDER BY uri`, [
      probes,
    ]);
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

  async entriesWithPrefix(prefix: string): Promise<{ key: string; value: string }[]> {
    const rows = await this.pool.query<{ key: string; value: string }>('SELECT key, value FROM kv WHERE substr(key, 1, length($1)) = $1 ORDER BY key', [
      prefix,
    ]);
    return rows.rows;
  }

  /** Sets a value only if none is set; returns the value in force (the key check every worker makes). */
  async setValueOnce(key: string, value: string): Promise<string> {
    await this.pool.query('INSERT INTO kv (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, value]);
    return (await this.getValue(key)) ?? value;
  }

  /** Top items this scan has stored or reused so far, with how many ended in an error or hold findings: the coordinator's progress. */
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
