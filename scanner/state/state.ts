/**
 * The scan state: an embedded SQLite database (better-sqlite3, WAL) that makes rescans
 * incremental, scans resumable after a crash, diffs and subject search possible.
 *
 * Every item is written in one transaction when it is done (the item, its children, their
 * findings), so a scan killed at any moment leaves each item either as before or as after, never
 * half: the rerun skips what was finished and redoes the rest. Findings hold only masked values
 * and keyed hashes, as reports do. The file is created with mode 0600.
 */
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Finding } from '../../detectors/types.js';
import { InzageError } from '../errors.js';
import type { Access, ErrorCode, ExtractedItem, ItemError, ItemKind, SourceItem } from '../model.js';

export const DEFAULT_STATE_DIR = '.inzage';

/** The folder for the state database and the key: `--state-dir`, INZAGE_STATE_DIR, or `.inzage`. */
export function stateDir(explicit?: string): string {
  return resolve(explicit ?? process.env.INZAGE_STATE_DIR ?? DEFAULT_STATE_DIR);
}

/** How a root is stored: file-system roots as absolute paths, source URIs (`m365://tenant`) as they are. */
export function rootKey(root: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(root) ? root : resolve(root);
}

/** Errors worth retrying on the next scan even when the file did not change. */
export const TRANSIENT: ReadonlySet<ErrorCode> = new Set(['timeout', 'io-error', 'internal', 'permission-denied', 'not-found', 'too-large']);

export type TriageStatus = 'open' | 'false-positive' | 'accepted' | 'to-remediate';
export const TRIAGE_STATUSES: readonly TriageStatus[] = ['open', 'false-positive', 'accepted', 'to-remediate'];

/** Migrations by version; each runs once, in order, inside a transaction. */
export const MIGRATIONS: string[] = [
  `CREATE TABLE scans (
     id TEXT PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT, roots TEXT NOT NULL,
     status TEXT NOT NULL, min_confidence REAL NOT NULL, changes TEXT
   );
   CREATE TABLE items (
     uri TEXT PRIMARY KEY, parent_uri TEXT, root TEXT NOT NULL, path TEXT NOT NULL, entry TEXT,
     kind TEXT NOT NULL, media_type TEXT, size INTEGER NOT NULL, modified TEXT,
     fp_size INTEGER, fp_mtime_ms REAL, fp_ino TEXT, fp_dev TEXT,
     access TEXT, error_code TEXT, error_message TEXT, settings TEXT,
     last_seen_scan TEXT NOT NULL, gone_scan TEXT
   );
   CREATE INDEX items_parent ON items(parent_uri);
   CREATE INDEX items_root ON items(root, gone_scan);
   CREATE TABLE findings (
     id INTEGER PRIMARY KEY, item_uri TEXT NOT NULL REFERENCES items(uri) ON DELETE CASCADE,
     ord INTEGER NOT NULL, type TEXT NOT NULL, category TEXT NOT NULL, confidence REAL NOT NULL,
     masked TEXT NOT NULL, hash TEXT NOT NULL, location TEXT NOT NULL, basis TEXT
   );
   CREATE INDEX findings_item ON findings(item_uri, ord);
   CREATE INDEX findings_hash ON findings(hash);
   CREATE TABLE triage (
     item_uri TEXT NOT NULL, type TEXT NOT NULL, hash TEXT NOT NULL, status TEXT NOT NULL,
     note TEXT, updated_at TEXT NOT NULL, PRIMARY KEY (item_uri, type, hash)
   );
   CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // v2: an item's findings as one JSON array in its row. One row per finding cost about 15 µs to
  // write (3 s of main-thread time per 200,000 findings); the subject search scans the arrays for
  // the hash instead of using an index, which is fast enough for a query run a few times a month.
  `ALTER TABLE items ADD COLUMN findings TEXT;
   UPDATE items SET findings = (
     SELECT json_group_array(json(obj)) FROM (
       SELECT json_object('type', type, 'category', category, 'confidence', confidence, 'masked', masked, 'hash', hash,
                          'where', json(location), 'basis', json(basis)) AS obj
       FROM findings WHERE item_uri = items.uri ORDER BY ord));
   DROP TABLE findings;`,
];

export interface StoredItem {
  uri: string;
  parentUri: string | null;
  root: string;
  path: string;
  entry?: string;
  kind: ItemKind;
  mediaType?: string;
  size: number;
  modified?: string;
  access?: Access;
  error: ItemError | null;
  findings: StoredFinding[];
}

export interface StoredFinding extends Finding {
  status?: TriageStatus;
  note?: string;
}

export interface ScanRecord {
  id: string;
  startedAt: string;
  finishedAt: string | null;
  roots: string[];
  status: 'running' | 'finished';
  minConfidence: number;
  changes: unknown;
}

interface ItemRow {
  uri: string;
  parent_uri: string | null;
  root: string;
  path: string;
  entry: string | null;
  kind: ItemKind;
  media_type: string | null;
  size: number;
  modified: string | null;
  access: string | null;
  error_code: string | null;
  error_message: string | null;
}

interface ItemRowWithFindings extends ItemRow {
  findings: string | null;
}

/** The findings of an item as stored: a JSON array of engine findings. */
function parseFindings(json: string | null): Finding[] {
  if (!json) return [];
  return (JSON.parse(json) as (Finding & { basis?: string[] | null })[]).map((f) => {
    if (f.basis === null) delete f.basis;
    return f;
  });
}

const triageKey = (uri: string, type: string, hash: string) => `${uri}\0${type}\0${hash}`;

export class ScanState {
  private readonly db: Database.Database;

  constructor(readonly file: string) {
    if (file !== ':memory:') {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      // Create the file ourselves so it never exists with a wider mode than 0600.
      closeSync(openSync(file, 'a', 0o600));
      chmodSync(file, 0o600);
    }
    try {
      this.db = new Database(file, { timeout: 15_000 });
    } catch (err) {
      throw new InzageError('state-unreadable', `cannot open the scan state ${file}: ${(err as Error).message}`);
    }
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.migrate();
  }

  static open(dir?: string): ScanState {
    return new ScanState(resolve(stateDir(dir), 'state.db'));
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new InzageError(
        'state-too-new',
        `the scan state ${this.file} was written by a newer Inzage (schema ${version}); upgrade Inzage or use another --state-dir`,
      );
    }
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v] as string);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  close(): void {
    this.db.close();
  }

  beginScan(id: string, roots: string[], minConfidence: number, startedAt: Date): void {
    this.db
      .prepare('INSERT INTO scans (id, started_at, roots, status, min_confidence) VALUES (?, ?, ?, ?, ?)')
      .run(id, startedAt.toISOString(), JSON.stringify(roots), 'running', minConfidence);
  }

  finishScan(id: string, finishedAt: Date, changes: unknown): void {
    this.db
      .prepare('UPDATE scans SET finished_at = ?, status = ?, changes = ? WHERE id = ?')
      .run(finishedAt.toISOString(), 'finished', JSON.stringify(changes), id);
  }

  lastFinishedScan(): ScanRecord | undefined {
    const row = this.db.prepare("SELECT * FROM scans WHERE status = 'finished' ORDER BY finished_at DESC LIMIT 1").get() as Record<string, unknown> | undefined;
    if (!row) return undefined;
    return {
      id: row.id as string,
      startedAt: row.started_at as string,
      finishedAt: row.finished_at as string | null,
      roots: JSON.parse(row.roots as string) as string[],
      status: row.status as 'finished',
      minConfidence: row.min_confidence as number,
      changes: row.changes ? JSON.parse(row.changes as string) : null,
    };
  }

  /**
   * True when the item's fingerprint (size, mtime, inode, device) equals the stored one and its
   * last result is worth keeping; then the item is marked seen without reading it.
   */
  reuseIfUnchanged(scanId: string, item: SourceItem, access: Access | undefined, settings: string): boolean {
    const fp = item.fingerprint;
    if (!fp) return false;
    const row = this.db.prepare('SELECT root, fp_size, fp_mtime_ms, fp_ino, fp_dev, error_code, settings, gone_scan FROM items WHERE uri = ?').get(item.uri) as
      | {
          root: string;
          fp_size: number;
          fp_mtime_ms: number;
          fp_ino: string;
          fp_dev: string;
          error_code: ErrorCode | null;
          settings: string | null;
          gone_scan: string | null;
        }
      | undefined;
    // Results are reused only if they were made the same way (tool version, threshold, detectors) under the same root.
    if (!row || row.gone_scan !== null || row.settings !== settings || row.root !== rootKey(item.root)) return false;
    if (row.fp_size !== fp.size || row.fp_mtime_ms !== fp.mtimeMs || row.fp_ino !== fp.ino || row.fp_dev !== fp.dev) return false;
    if (row.error_code && TRANSIENT.has(row.error_code)) return false;
    this.db.transaction(() => {
      this.db.prepare('UPDATE items SET last_seen_scan = ?, access = ? WHERE uri = ?').run(scanId, access ? JSON.stringify(access) : null, item.uri);
      this.db.prepare('UPDATE items SET last_seen_scan = ? WHERE parent_uri = ?').run(scanId, item.uri);
    })();
    return true;
  }

  /** Replaces an item, its children and all their findings with a new result, in one transaction. */
  saveItem(scanId: string, item: SourceItem, access: Access | undefined, results: ExtractedItem[], settings: string): void {
    const insertItem = this.db.prepare(
      `INSERT INTO items (uri, parent_uri, root, path, entry, kind, media_type, size, modified, fp_size, fp_mtime_ms, fp_ino, fp_dev,
         access, error_code, error_message, settings, findings, last_seen_scan, gone_scan)
       VALUES (@uri, @parent_uri, @root, @path, @entry, @kind, @media_type, @size, @modified, @fp_size, @fp_mtime_ms, @fp_ino, @fp_dev,
         @access, @error_code, @error_message, @settings, @findings, @scan, NULL)`,
    );
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM items WHERE parent_uri = ? OR uri = ?').run(item.uri, item.uri);
      for (const result of results) {
        const child = result.entry !== undefined;
        const uri = child ? `${item.uri}#${encodeURIComponent(result.entry as string)}` : item.uri;
        const fp = child ? undefined : item.fingerprint;
        insertItem.run({
          uri,
          parent_uri: child ? item.uri : null,
          root: rootKey(item.root),
          path: item.path,
          entry: result.entry ?? null,
          kind: result.kind,
          media_type: result.mediaType ?? null,
          size: child ? (result.size ?? 0) : item.size,
          modified: item.modified ?? null,
          fp_size: fp?.size ?? null,
          fp_mtime_ms: fp?.mtimeMs ?? null,
          fp_ino: fp?.ino ?? null,
          fp_dev: fp?.dev ?? null,
          access: !child && access ? JSON.stringify(access) : null,
          error_code: result.error?.code ?? null,
          error_message: result.error?.message ?? null,
          settings,
          findings: result.findings.length > 0 ? JSON.stringify(result.findings) : null,
          scan: scanId,
        });
      }
    })();
  }

  /** Marks items under these roots that this scan did not see as gone; returns how many. */
  markGone(scanId: string, roots: string[]): number {
    let count = 0;
    const stmt = this.db.prepare('UPDATE items SET gone_scan = ? WHERE root = ? AND gone_scan IS NULL AND last_seen_scan != ?');
    this.db.transaction(() => {
      for (const root of roots) count += stmt.run(scanId, rootKey(root), scanId).changes;
    })();
    return count;
  }

  /** Marks one file (and its children), or everything under a folder, as gone; returns the findings that went with them. */
  markPathGone(scanId: string, root: string, rel: string): StoredFinding[] {
    const r = rootKey(root);
    const prefix = `${rel.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`;
    const where = "root = ? AND gone_scan IS NULL AND (path = ? OR path LIKE ? ESCAPE '\\')";
    const gone = this.db.prepare(`SELECT findings FROM items WHERE ${where}`).all(r, rel, prefix) as { findings: string | null }[];
    this.db.prepare(`UPDATE items SET gone_scan = ? WHERE ${where}`).run(scanId, r, rel, prefix);
    return gone.flatMap((row) => parseFindings(row.findings));
  }

  /** The findings stored now for an item and its children. */
  findingsOf(uri: string): StoredFinding[] {
    const rows = this.db.prepare('SELECT findings FROM items WHERE (uri = ? OR parent_uri = ?) AND gone_scan IS NULL ORDER BY uri').all(uri, uri) as {
      findings: string | null;
    }[];
    return rows.flatMap((row) => parseFindings(row.findings));
  }

  /** Triage decisions for the items with these uris, by uri, type and hash. */
  private triageFor(uris: Set<string>): Map<string, { status: TriageStatus; note: string | null }> {
    const decisions = new Map<string, { status: TriageStatus; note: string | null }>();
    const rows = this.db.prepare('SELECT item_uri, type, hash, status, note FROM triage').all() as {
      item_uri: string;
      type: string;
      hash: string;
      status: TriageStatus;
      note: string | null;
    }[];
    for (const t of rows) if (uris.has(t.item_uri)) decisions.set(triageKey(t.item_uri, t.type, t.hash), { status: t.status, note: t.note });
    return decisions;
  }

  private toStored(rows: ItemRowWithFindings[]): StoredItem[] {
    const decisions = this.triageFor(new Set(rows.map((r) => r.uri)));
    return rows.map((r) => ({
      uri: r.uri,
      parentUri: r.parent_uri,
      root: r.root,
      path: r.path,
      ...(r.entry !== null ? { entry: r.entry } : {}),
      kind: r.kind,
      ...(r.media_type ? { mediaType: r.media_type } : {}),
      size: r.size,
      ...(r.modified ? { modified: r.modified } : {}),
      ...(r.access ? { access: JSON.parse(r.access) as Access } : {}),
      error: r.error_code ? { code: r.error_code as ErrorCode, message: r.error_message ?? '' } : null,
      findings: parseFindings(r.findings).map((f): StoredFinding => {
        const d = decisions.size > 0 ? decisions.get(triageKey(r.uri, f.type, f.hash)) : undefined;
        return d ? { ...f, status: d.status, ...(d.note ? { note: d.note } : {}) } : f;
      }),
    }));
  }

  /** The current (not gone) items under the given roots, with their findings and triage status, in uri order. */
  currentItems(roots: string[]): StoredItem[] {
    const resolved = roots.map((r) => rootKey(r));
    const marks = resolved.map(() => '?').join(',');
    const rows = this.db.prepare(`SELECT * FROM items WHERE gone_scan IS NULL AND root IN (${marks}) ORDER BY uri`).all(...resolved) as ItemRowWithFindings[];
    return this.toStored(rows);
  }

  /** Every current item holding a finding with one of these hashes, and those findings: the subject search. */
  findByHashes(hashes: string[]): { item: StoredItem; finding: StoredFinding }[] {
    if (hashes.length === 0) return [];
    const wanted = new Set(hashes);
    const test = hashes.map(() => 'instr(findings, ?) > 0').join(' OR ');
    const rows = this.db
      .prepare(`SELECT * FROM items WHERE gone_scan IS NULL AND findings IS NOT NULL AND (${test}) ORDER BY uri`)
      .all(...hashes) as ItemRowWithFindings[];
    return this.toStored(rows).flatMap((item) => item.findings.filter((f) => wanted.has(f.hash)).map((finding) => ({ item, finding })));
  }

  /** Sets the triage status of every current finding that matches; returns how many findings. */
  triage(select: (item: { path: string; entry?: string }, finding: Finding) => boolean, status: TriageStatus, note: string | undefined, at: Date): number {
    const rows = this.db.prepare('SELECT uri, path, entry, findings FROM items WHERE gone_scan IS NULL AND findings IS NOT NULL').all() as {
      uri: string;
      path: string;
      entry: string | null;
      findings: string;
    }[];
    const upsert = this.db.prepare(
      `INSERT INTO triage (item_uri, type, hash, status, note, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (item_uri, type, hash) DO UPDATE SET status = excluded.status, note = excluded.note, updated_at = excluded.updated_at`,
    );
    let count = 0;
    this.db.transaction(() => {
      for (const row of rows) {
        const item = { path: row.path, ...(row.entry !== null ? { entry: row.entry } : {}) };
        for (const f of parseFindings(row.findings)) {
          if (!select(item, f)) continue;
          upsert.run(row.uri, f.type, f.hash, status, note ?? null, at.toISOString());
          count++;
        }
      }
    })();
    return count;
  }

  /** Replaces items' access once their ACLs have been read; one transaction, as one commit per item is slow. */
  setAccess(updates: readonly { uri: string; access: Access }[]): void {
    const stmt = this.db.prepare('UPDATE items SET access = ? WHERE uri = ?');
    this.db.transaction(() => {
      for (const u of updates) stmt.run(JSON.stringify(u.access), u.uri);
    })();
  }

  /** Marks one item and its children gone (a message deleted at the source); returns how many. */
  markUriGone(scanId: string, uri: string): number {
    return this.db.prepare('UPDATE items SET gone_scan = ? WHERE (uri = ? OR parent_uri = ?) AND gone_scan IS NULL').run(scanId, uri, uri).changes;
  }

  /**
   * After a full resync of one folder of a source: marks gone the items directly in `folder` (path
   * `folder/<name>`; with `deep`, at any depth below it) last seen by a scan that started before `syncStartedAt`.
   */
  markFolderGoneBefore(scanId: string, root: string, folder: string, syncStartedAt: string, deep = false): number {
    const prefix = `${folder.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`;
    return this.db
      .prepare(
        `UPDATE items SET gone_scan = ? WHERE root = ? AND gone_scan IS NULL AND path LIKE ? ESCAPE '\\' AND (? OR instr(substr(path, ?), '/') = 0)
           AND last_seen_scan IN (SELECT id FROM scans WHERE started_at < ?)`,
      )
      .run(scanId, rootKey(root), prefix, deep ? 1 : 0, folder.length + 2, syncStartedAt).changes;
  }

  /** When a scan started (ISO-8601). */
  scanStartedAt(scanId: string): string | undefined {
    return (this.db.prepare('SELECT started_at FROM scans WHERE id = ?').get(scanId) as { started_at: string } | undefined)?.started_at;
  }

  /** Every kv entry whose key starts with `prefix`. */
  entriesWithPrefix(prefix: string): { key: string; value: string }[] {
    return this.db.prepare('SELECT key, value FROM kv WHERE substr(key, 1, length(?)) = ? ORDER BY key').all(prefix, prefix) as {
      key: string;
      value: string;
    }[];
  }

  getValue(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM kv WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setValue(key: string, value: string | undefined): void {
    if (value === undefined) this.db.prepare('DELETE FROM kv WHERE key = ?').run(key);
    else this.db.prepare('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}
