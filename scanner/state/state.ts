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
import type { Access, ErrorCode, ExtractedItem, ItemKind, SourceItem, Truncation } from '../model.js';
import { decodeDigest, digestOf, encodeDigest } from '../report/digest.js';
import { canMergeOnThread, type HashMerge, mergeOnThread, mergeStagedHashes } from './hash-merge.js';
import {
  fingerprintVersion,
  type ItemQuery,
  type ItemWrite,
  type PriorItem,
  type ScanRecord,
  type ScanStore,
  type StoreCounts,
  type StoredFinding,
  type StoredItem,
  TRIAGE_STATUSES,
  type TriageStatus,
} from './store.js';

export type { ItemQuery, ItemWrite, PriorItem, ScanRecord, ScanStore, StoreCounts, StoredFinding, StoredItem, TriageStatus };
export { TRIAGE_STATUSES };

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
export const TRANSIENT: ReadonlySet<ErrorCode> = new Set(['timeout', 'io-error', 'internal', 'permission-denied', 'not-found', 'too-large', 'ocr-skipped']);

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
  // v3 (scale): the source's opaque version and access version per item; finding counts for SQL
  // aggregates; the findings new when the item was last read (replaces the per-scan list of every
  // new finding); a hash index (first 16 hex digits of each distinct hash per item) for `find`.
  `ALTER TABLE items ADD COLUMN version TEXT;
   ALTER TABLE items ADD COLUMN access_version TEXT;
   ALTER TABLE items ADD COLUMN finding_count INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE items ADD COLUMN marks_scan TEXT;
   ALTER TABLE items ADD COLUMN new_findings TEXT;
   UPDATE items SET finding_count = json_array_length(findings) WHERE findings IS NOT NULL;
   CREATE TABLE finding_hashes (hash16 TEXT NOT NULL, item_uri TEXT NOT NULL, PRIMARY KEY (hash16, item_uri)) WITHOUT ROWID;
   CREATE INDEX finding_hashes_item ON finding_hashes(item_uri);
   INSERT OR IGNORE INTO finding_hashes (hash16, item_uri)
     SELECT substr(json_extract(j.value, '$.hash'), 1, 16), items.uri FROM items, json_each(items.findings) AS j WHERE items.findings IS NOT NULL;`,
  // v4 (reliability): the finding counts of an item that had more findings than the cap (JSON Truncation).
  'ALTER TABLE items ADD COLUMN truncated TEXT;',
  // v5 (inzage serve): who made each triage decision; an audit trail of decisions, subject searches
  // (by hash) and register edits; the officer's Art. 30 register entries; per-scan figures for the
  // trend; and serve's read model: one row per current item with its counts and risk, and one per
  // folder, indexed for server-side paging and sorting (rebuilt from items when a scan finishes).
  `ALTER TABLE triage ADD COLUMN updated_by TEXT;
   CREATE TABLE audit (
     id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL
   );
   CREATE INDEX audit_at ON audit(at);
   CREATE TABLE register (
     location TEXT PRIMARY KEY, purpose TEXT, legal_basis TEXT, data_subjects TEXT, recipients TEXT,
     retention TEXT, owner TEXT, updated_at TEXT NOT NULL, updated_by TEXT NOT NULL
   );
   CREATE TABLE scan_stats (scan_id TEXT PRIMARY KEY REFERENCES scans(id) ON DELETE CASCADE, stats TEXT NOT NULL);
   CREATE TABLE serve_items (
     uri TEXT PRIMARY KEY, parent_uri TEXT, root TEXT NOT NULL, path TEXT NOT NULL, entry TEXT, folder TEXT NOT NULL,
     name TEXT NOT NULL, kind TEXT NOT NULL, size INTEGER NOT NULL, modified TEXT, findings INTEGER NOT NULL,
     open INTEGER NOT NULL, types TEXT NOT NULL, categories TEXT NOT NULL, score INTEGER NOT NULL, level INTEGER NOT NULL,
     broad INTEGER NOT NULL, retention INTEGER NOT NULL, error_code TEXT, error_message TEXT, unread INTEGER NOT NULL
   );
   CREATE INDEX serve_items_score ON serve_items(score, uri);
   CREATE INDEX serve_items_folder ON serve_items(folder, score, uri);
   CREATE INDEX serve_items_name ON serve_items(name, uri);
   CREATE INDEX serve_items_findings ON serve_items(findings, uri);
   CREATE INDEX serve_items_modified ON serve_items(modified, uri);
   CREATE INDEX serve_items_size ON serve_items(size, uri);
   CREATE INDEX serve_items_parent ON serve_items(parent_uri);
   CREATE TABLE serve_folders (
     folder TEXT PRIMARY KEY, parent TEXT, name TEXT NOT NULL, items INTEGER NOT NULL, with_findings INTEGER NOT NULL,
     findings INTEGER NOT NULL, broad INTEGER NOT NULL, max_level INTEGER NOT NULL, direct_mass INTEGER NOT NULL,
     direct_findings INTEGER NOT NULL, direct_with_findings INTEGER NOT NULL, direct_broad INTEGER NOT NULL, direct_max_level INTEGER NOT NULL
   );
   CREATE INDEX serve_folders_parent ON serve_folders(parent, name);
   CREATE INDEX serve_folders_mass ON serve_folders(direct_mass DESC);`,
  // v6 (scale): the scan that last saw an item unchanged, beside the item. Setting last_seen_scan
  // rewrote the whole row, findings included (SQLite rewrites a record and its overflow pages):
  // an unchanged rescan of 1,000 files with 100,000 findings wrote 23 MB and took 0.3 s for it.
  // Where a row is here, it wins over items.last_seen_scan; a replaced item drops its row.
  'CREATE TABLE item_seen (uri TEXT PRIMARY KEY, scan TEXT NOT NULL) WITHOUT ROWID;',
  // v7 (scale): the findings in brief (scanner/report/digest.ts), written with them: a report of an
  // unchanged item copies the findings' text and scores the item from this, parsing none of them.
  // Items written before have none and are reported from their parsed findings.
  `ALTER TABLE items ADD COLUMN digest TEXT;
   ALTER TABLE items ADD COLUMN hash_keys BLOB;`,
  // v8 (speed): new hashes go into a staging table in the order they come (appended), and are
  // merged into finding_hashes sorted, at the end of a scan or when many are waiting. Inserted
  // into finding_hashes directly, each batch's hashes landed on as many random pages of its
  // primary key, each written out whole with the batch: over half of the main thread's writing in
  // a dense scan. `find` reads both tables, so a scan killed before its merge loses nothing.
  `CREATE TABLE finding_hashes_new (hash16 TEXT NOT NULL, item_uri TEXT NOT NULL);
   CREATE INDEX finding_hashes_new_item ON finding_hashes_new(item_uri);`,
];

/**
 * Hashes waiting in finding_hashes_new after which a write merges them (a scan's end merges
 * whatever waits): at least this many, and at least a quarter of the index, since a merge writes
 * about every page of the index once, so merges grow rarer as it grows (as in a log-structured tree).
 * A merge during the scan holds the main thread, and the workers wait for their next items (0.9 s
 * for 500,000 hashes), while the one at the end runs beside the report (mergeHashesAside): a first
 * scan of up to two million findings merges only at its end. Staged hashes are searched without
 * an index, a table scan of at most this many rows.
 */
const HASHES_MERGED_AT = 2_000_000;

/** Marks an item and its entries seen by a scan (`scan, uri, uri`), without touching their rows. */
const SEEN = 'INSERT OR REPLACE INTO item_seen (uri, scan) SELECT uri, ? FROM items WHERE uri = ? OR parent_uri = ?';

/** The scan that last saw an item (of table `items`), in SQL. */
const LAST_SEEN = 'coalesce((SELECT s.scan FROM item_seen s WHERE s.uri = items.uri), items.last_seen_scan)';

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
  /** The findings as UTF-8 bytes instead of text (ItemQuery.findingsAsText): no string is made of them. */
  findings_bytes?: Buffer | null;
  digest?: string | null;
  hash_keys?: Uint8Array | null;
  marks_scan?: string | null;
  new_findings?: string | null;
  truncated?: string | null;
}

/**
 * The columns an item is made of, with its findings as bytes (ItemQuery.findingsAsText): a report
 * that copies them needs no string of 60 MB made and encoded again on the way out.
 */
const ITEM_COLUMNS_AS_BYTES =
  'uri, parent_uri, root, path, entry, kind, media_type, size, modified, access, error_code, error_message, truncated, marks_scan, new_findings, digest, hash_keys, CAST(findings AS BLOB) AS findings_bytes';

/** Rows read per page when streaming items: keyset pages keep the connection free between them. */
const PAGE = 500;

const hashPrefix = (hash: string) => hash.slice(0, 16);

/** The findings of an item as stored: a JSON array of engine findings. */
function parseFindings(json: string | null): Finding[] {
  if (!json) return [];
  const findings = JSON.parse(json) as (Finding & { basis?: string[] | null })[];
  for (const f of findings) if (f.basis === null) delete f.basis;
  return findings as Finding[];
}

/**
 * An item's findings with their triage decisions, and their stored text when that is exactly what
 * they are. With `asText`, an item with no decisions and a digest keeps its findings as text only
 * (ItemQuery.findingsAsText).
 */
function storedFindings(
  r: ItemRowWithFindings,
  decisions: Map<string, { status: TriageStatus; note: string | null }>,
): Pick<StoredItem, 'findings' | 'findingsJson' | 'findingsBytes' | 'digest'> {
  let text = r.findings ?? null;
  if (r.findings_bytes) {
    const bytes = r.findings_bytes;
    if (!bytes.includes('"basis":null') && !decisionsFor(decisions, r.uri)) {
      const digest = decodeDigest(r.digest, r.hash_keys);
      if (digest) return { findings: [], findingsBytes: bytes, digest };
    }
    text = bytes.toString('utf8');
  }
  let decided = false;
  const findings = parseFindings(text).map((f): StoredFinding => {
    const d = decisions.size > 0 ? decisions.get(triageKey(r.uri, f.type, f.hash)) : undefined;
    if (!d) return f;
    decided = true;
    return { ...f, status: d.status, ...(d.note ? { note: d.note } : {}) };
  });
  // A `basis: null` (written before basis was optional) is dropped on parsing, so that text is not the findings.
  const exact = text !== null && !decided && !text.includes('"basis":null');
  return { findings, ...(exact ? { findingsJson: text as string } : {}) };
}

/** Whether any triage decision concerns the item (keys start with its uri and a NUL). */
function decisionsFor(decisions: Map<string, unknown>, uri: string): boolean {
  if (decisions.size === 0) return false;
  const prefix = `${uri}\0`;
  for (const key of decisions.keys()) if (key.startsWith(prefix)) return true;
  return false;
}

/** The version an item is compared by: the source's opaque version, or its file fingerprint. */
export function versionOf(item: SourceItem): string | null {
  return item.version ?? (item.fingerprint ? fingerprintVersion(item.fingerprint) : null);
}

/**
 * Whether an item's stored result may stand for it: same version, same settings (tool version,
 * threshold, detectors), same root, and no error worth retrying.
 */
export function canReuse(prior: PriorItem | undefined, item: SourceItem, settings: string): prior is PriorItem {
  const version = versionOf(item);
  if (!prior || version === null || prior.gone || prior.settings !== settings || prior.root !== rootKey(item.root)) return false;
  if (prior.version !== version) return false;
  return !(prior.errorCode && TRANSIENT.has(prior.errorCode));
}

const triageKey = (uri: string, type: string, hash: string) => `${uri}\0${type}\0${hash}`;

export class ScanState {
  private readonly db: Database.Database;
  /**
   * Statements by SQL text, prepared once: the scan asks the same few questions per item and per
   * batch, and preparing them each time cost more than answering them on an unchanged rescan.
   */
  private readonly statements = new Map<string, Database.Statement>();
  /** Rows in finding_hashes_new and in finding_hashes, about (an item read again drops its own without counting them). */
  private stagedHashes = 0;
  private indexedHashes = 0;

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
    // A new state gets 16 KB pages: an item's findings (tens of KB of JSON) then span a quarter
    // of the overflow pages, which a report reads one after the other. Set before the first
    // table; a state made with 4 KB pages keeps them. (Reading through a memory map was a little
    // faster still, but every page of the state read in a report then counted in the process's
    // resident memory: 630 MB against 260 MB for a report of a million findings.)
    if ((this.db.pragma('user_version', { simple: true }) as number) === 0) this.db.pragma('page_size = 16384');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.migrate();
    this.stagedHashes = (this.prepare('SELECT count(*) AS n FROM finding_hashes_new').get() as { n: number }).n;
    // Kept at each merge: a count(*) would read the whole index at every start.
    const indexed = this.prepare("SELECT value FROM kv WHERE key = 'finding-hashes-rows'").get() as { value: string } | undefined;
    // A state written before the count was kept counts once: the merge decides by it how to
    // treat the index (mergeHashes), and an index taken as empty would be rebuilt whole.
    this.indexedHashes = indexed ? Number(indexed.value) || 0 : (this.prepare('SELECT count(*) AS n FROM finding_hashes').get() as { n: number }).n;
  }

  static open(dir?: string): ScanState {
    return new ScanState(resolve(stateDir(dir), 'state.db'));
  }

  private prepare(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      // SQL made with a list of placeholders varies in length: keep the cache bounded.
      if (this.statements.size >= 256) this.statements.clear();
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
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

  /**
   * The connection, for the read model of `inzage serve` (scanner/serve/queries.ts), which keeps
   * all its SQL in that one module until the store interface covers what it asks.
   */
  get connection(): Database.Database {
    return this.db;
  }

  beginScan(id: string, roots: string[], minConfidence: number, startedAt: Date): void {
    this.db
      .prepare('INSERT INTO scans (id, started_at, roots, status, min_confidence) VALUES (?, ?, ?, ?, ?)')
      .run(id, startedAt.toISOString(), JSON.stringify(roots), 'running', minConfidence);
  }

  finishScan(id: string, finishedAt: Date, changes: unknown): void {
    this.db.transaction(() => {
      this.mergeHashes();
      this.db
        .prepare('UPDATE scans SET finished_at = ?, status = ?, changes = ? WHERE id = ?')
        .run(finishedAt.toISOString(), 'finished', JSON.stringify(changes), id);
    })();
  }

  lastFinishedScan(): ScanRecord | undefined {
    const row = this.prepare("SELECT * FROM scans WHERE status = 'finished' ORDER BY finished_at DESC LIMIT 1").get() as Record<string, unknown> | undefined;
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
   * True when the item's version equals the stored one and its last result is worth keeping;
   * then the item is marked seen without reading it. One item, one transaction: for sources that
   * decide item by item (watch mode); the scan pipeline batches through priorItems/writeItems.
   */
  reuseIfUnchanged(scanId: string, item: SourceItem, access: Access | undefined, settings: string): boolean {
    const prior = this.priorItems([item.uri]).get(item.uri);
    if (!canReuse(prior, item, settings)) return false;
    this.db.transaction(() => {
      this.prepare('UPDATE items SET access = ? WHERE uri = ?').run(access ? JSON.stringify(access) : null, item.uri);
      this.prepare(SEEN).run(scanId, item.uri, item.uri);
    })();
    return true;
  }

  /** Replaces an item, its children and all their findings with a new result, in one transaction. */
  saveItem(scanId: string, item: SourceItem, access: Access | undefined, results: ExtractedItem[], settings: string): void {
    this.writeItems(scanId, [{ op: 'replace', item, version: versionOf(item), ...(access ? { access } : {}), results, settings }]);
  }

  /** What the state holds of these top items; see ScanStore.priorItems. */
  priorItems(uris: readonly string[]): Map<string, PriorItem> {
    const out = new Map<string, PriorItem>();
    const stmt = this.prepare(
      `SELECT uri, root, version, fp_size, fp_mtime_ms, fp_ino, fp_dev, settings, error_code, gone_scan, access_version,
         finding_count + coalesce((SELECT sum(c.finding_count) FROM items c WHERE c.parent_uri = items.uri), 0) AS total
       FROM items WHERE uri = ?`,
    );
    for (const uri of uris) {
      const row = stmt.get(uri) as
        | {
            uri: string;
            root: string;
            version: string | null;
            fp_size: number | null;
            fp_mtime_ms: number;
            fp_ino: string;
            fp_dev: string;
            settings: string | null;
            error_code: ErrorCode | null;
            gone_scan: string | null;
            access_version: string | null;
            total: number;
          }
        | undefined;
      if (!row) continue;
      // States written before schema 3 have the fingerprint columns only.
      const version =
        row.version ?? (row.fp_size !== null ? fingerprintVersion({ size: row.fp_size, mtimeMs: row.fp_mtime_ms, ino: row.fp_ino, dev: row.fp_dev }) : null);
      out.set(uri, {
        uri,
        root: row.root,
        version,
        settings: row.settings,
        errorCode: row.error_code,
        gone: row.gone_scan !== null,
        accessVersion: row.access_version,
        findingCount: row.total,
      });
    }
    return out;
  }

  /** Applies a batch of reuses and replacements in one transaction; see ScanStore.writeItems. */
  writeItems(scanId: string, writes: readonly ItemWrite[]): void {
    const insertItem = this.prepare(
      `INSERT INTO items (uri, parent_uri, root, path, entry, kind, media_type, size, modified, fp_size, fp_mtime_ms, fp_ino, fp_dev,
         access, error_code, error_message, settings, findings, last_seen_scan, gone_scan, version, access_version, finding_count, marks_scan, new_findings, truncated,
         digest, hash_keys)
       VALUES (@uri, @parent_uri, @root, @path, @entry, @kind, @media_type, @size, @modified, @fp_size, @fp_mtime_ms, @fp_ino, @fp_dev,
         @access, @error_code, @error_message, @settings, @findings, @scan, NULL, @version, @access_version, @finding_count, @marks_scan, @new_findings, @truncated,
         @digest, @hash_keys)`,
    );
    const dropHashes = this.prepare('DELETE FROM finding_hashes WHERE item_uri IN (SELECT uri FROM items WHERE uri = ? OR parent_uri = ?)');
    const dropNewHashes = this.prepare('DELETE FROM finding_hashes_new WHERE item_uri IN (SELECT uri FROM items WHERE uri = ? OR parent_uri = ?)');
    const dropItems = this.prepare('DELETE FROM items WHERE parent_uri = ? OR uri = ?');
    // An item's hashes in one statement (a JSON array read by json_each): one call per finding
    // cost about a fifth of the main thread's writing in a dense scan. They are staged (migration 8).
    const addHashes = this.prepare('INSERT INTO finding_hashes_new (hash16, item_uri) SELECT value, ? FROM json_each(?)');
    const seen = this.prepare(SEEN);
    const dropSeen = this.prepare('DELETE FROM item_seen WHERE uri IN (SELECT uri FROM items WHERE uri = ? OR parent_uri = ?)');
    const seenAccess = this.prepare('UPDATE items SET access = ?, access_version = ? WHERE uri = ?');
    this.db.transaction(() => {
      for (const w of writes) {
        if (w.op === 'reuse') {
          seen.run(scanId, w.uri, w.uri);
          if (w.access !== undefined) seenAccess.run(w.access ? JSON.stringify(w.access) : null, w.accessVersion ?? null, w.uri);
          continue;
        }
        const { item, access, results } = w;
        dropHashes.run(item.uri, item.uri);
        dropNewHashes.run(item.uri, item.uri);
        dropSeen.run(item.uri, item.uri);
        dropItems.run(item.uri, item.uri);
        results.forEach((result, index) => {
          const child = result.entry !== undefined;
          const uri = child ? `${item.uri}#${encodeURIComponent(result.entry as string)}` : item.uri;
          const fp = child || w.version === null ? undefined : item.fingerprint;
          const fresh = w.newFindings?.[index];
          const digest = result.findings.length > 0 ? digestOf(result.findings) : undefined;
          const stored = digest ? encodeDigest(digest) : undefined;
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
            settings: w.settings,
            findings: result.findings.length > 0 ? JSON.stringify(result.findings) : null,
            scan: scanId,
            version: child ? null : w.version,
            access_version: !child ? (w.accessVersion ?? null) : null,
            finding_count: result.findings.length,
            marks_scan: w.newFindings ? scanId : null,
            new_findings: fresh && fresh.length > 0 ? JSON.stringify(fresh) : null,
            truncated: result.truncated ? JSON.stringify(result.truncated) : null,
            digest: stored?.text ?? null,
            hash_keys: stored?.keys ?? null,
          });
          if (result.findings.length > 0) {
            this.stagedHashes += addHashes.run(uri, JSON.stringify([...new Set(result.findings.map((f) => hashPrefix(f.hash)))].sort())).changes;
          }
        });
      }
      if (this.stagedHashes >= Math.max(HASHES_MERGED_AT, this.indexedHashes / 4)) this.mergeHashes();
    })();
  }

  /**
   * Moves the staged hashes into the index, in its order, so each of its pages is written once
   * (migration 8). Always called inside a transaction: a scan killed during it keeps both tables.
   */
  private mergeHashes(): void {
    mergeStagedHashes(this.db, this.nextMerge());
    this.indexedHashes += this.stagedHashes;
    this.stagedHashes = 0;
  }

  private nextMerge(): HashMerge {
    return { rebuild: this.stagedHashes > 0 && this.stagedHashes >= this.indexedHashes, indexedAfter: this.indexedHashes + this.stagedHashes };
  }

  /** A merge of the staged hashes under way on a thread of its own (mergeHashesAside). */
  private merging: Promise<void> | undefined;

  /**
   * Starts merging the staged hashes on a thread with its own connection, for a scan's end: the
   * report, which only reads, is written meanwhile, and `finishScan` (SqliteStore) waits for it.
   * Only while nothing else writes: a write would wait for the merge's lock. Where no thread can
   * run it (an in-memory state, the sources run as TypeScript) `finishScan` merges as before.
   */
  mergeHashesAside(): void {
    if (this.merging || this.stagedHashes === 0 || this.file === ':memory:' || !canMergeOnThread()) return;
    const staged = this.stagedHashes;
    const merge = this.nextMerge();
    this.merging = mergeOnThread(this.file, merge).then((merged) => {
      if (merged) {
        this.indexedHashes = merge.indexedAfter;
        this.stagedHashes -= staged;
      }
      this.merging = undefined;
    });
  }

  /** Resolves once a merge started by mergeHashesAside is over (at once when none is). */
  async mergedAside(): Promise<void> {
    await this.merging;
  }

  /** Current items, one keyset page at a time (the connection is free between pages); see ScanStore.items. */
  *iterateItems(query: ItemQuery): Generator<StoredItem> {
    const roots = query.roots.map((r) => rootKey(r));
    const marks = roots.map(() => '?').join(',');
    const columns = query.findingsAsText ? ITEM_COLUMNS_AS_BYTES : '*';
    if (query.uris) {
      const one = this.prepare(
        `SELECT ${columns} FROM items WHERE gone_scan IS NULL AND root IN (${marks}) AND (uri = ?${query.children ? ' OR parent_uri = ?' : ''})${
          query.withFindings ? ' AND findings IS NOT NULL' : ''
        } ORDER BY uri`,
      );
      for (const uri of query.uris) {
        const rows = one.all(...roots, uri, ...(query.children ? [uri] : [])) as ItemRowWithFindings[];
        yield* this.toStored(rows);
      }
      return;
    }
    // Keyset pages in uri order. The terms on root and gone_scan are kept off their index (the
    // unary `+`), so SQLite walks the uri index on from the last page's uri: on the index of root
    // and gone_scan it sorted every current item again for each page of 500, and a report of
    // 300,000 items took 45 s (a million, a quarter of an hour).
    const page = this.prepare(
      `SELECT ${columns} FROM items WHERE +gone_scan IS NULL AND +root IN (${marks}) AND uri > ?${
        query.withFindings ? ' AND findings IS NOT NULL' : ''
      } ORDER BY uri LIMIT ${PAGE}`,
    );
    let after = '';
    for (;;) {
      const rows = page.all(...roots, after) as ItemRowWithFindings[];
      if (rows.length === 0) return;
      after = (rows[rows.length - 1] as ItemRowWithFindings).uri;
      yield* this.toStored(rows);
      if (rows.length < PAGE) return;
    }
  }

  /** Items marked gone by this scan, in pages. */
  *iterateGone(scanId: string, roots: readonly string[]): Generator<StoredItem> {
    const keys = roots.map((r) => rootKey(r));
    const marks = keys.map(() => '?').join(',');
    // In uri order as iterateItems' pages (the `+` keeps root and gone_scan off their index).
    const page = this.prepare(`SELECT * FROM items WHERE +gone_scan = ? AND +root IN (${marks}) AND uri > ? ORDER BY uri LIMIT ${PAGE}`);
    let after = '';
    for (;;) {
      const rows = page.all(scanId, ...keys, after) as ItemRowWithFindings[];
      if (rows.length === 0) return;
      after = (rows[rows.length - 1] as ItemRowWithFindings).uri;
      yield* this.toStored(rows);
      if (rows.length < PAGE) return;
    }
  }

  counts(roots: readonly string[]): StoreCounts {
    const keys = roots.map((r) => rootKey(r));
    const marks = keys.map(() => '?').join(',');
    const where = `gone_scan IS NULL AND root IN (${marks})`;
    const row = this.db
      .prepare(
        `SELECT count(*) AS items, coalesce(sum(finding_count > 0), 0) AS with_findings, coalesce(sum(finding_count), 0) AS findings,
           coalesce(sum(CASE WHEN entry IS NULL THEN size ELSE 0 END), 0) AS bytes FROM items WHERE ${where}`,
      )
      .get(...keys) as { items: number; with_findings: number; findings: number; bytes: number };
    const byErrorCode: Record<string, number> = {};
    for (const r of this.db
      .prepare(`SELECT error_code, count(*) AS n FROM items WHERE ${where} AND error_code IS NOT NULL GROUP BY error_code ORDER BY error_code`)
      .all(...keys) as { error_code: string; n: number }[]) {
      byErrorCode[r.error_code] = r.n;
    }
    return { items: row.items, itemsWithFindings: row.with_findings, findings: row.findings, bytes: row.bytes, byErrorCode, ...this.byType(where, keys) };
  }

  /** Findings per type from the digests, when every item with findings has one (items written before migration 7 have none). */
  private byType(where: string, keys: string[]): { byType?: Record<string, number> } {
    const undigested = this.prepare(`SELECT count(*) AS n FROM items WHERE ${where} AND findings IS NOT NULL AND digest IS NULL`).get(...keys) as { n: number };
    if (undigested.n > 0) return {};
    const byType: Record<string, number> = {};
    const rows = this.prepare(
      // Columns named for their table: json_each has a root column of its own.
      `SELECT t.key AS type, sum(t.value) AS n FROM items, json_each(items.digest, '$.byType') AS t
       WHERE ${where.replace('gone_scan', 'items.gone_scan').replace('root IN', 'items.root IN')} AND items.digest IS NOT NULL GROUP BY t.key ORDER BY t.key`,
    ).all(...keys) as { type: string; n: number }[];
    for (const r of rows) byType[r.type] = r.n;
    return { byType };
  }

  /** Marks items under these roots that this scan did not see as gone; returns how many. */
  markGone(scanId: string, roots: string[]): number {
    let count = 0;
    const stmt = this.prepare(`UPDATE items SET gone_scan = ? WHERE root = ? AND gone_scan IS NULL AND ${LAST_SEEN} != ?`);
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
    const gone = this.prepare(`SELECT findings FROM items WHERE ${where}`).all(r, rel, prefix) as { findings: string | null }[];
    this.prepare(`UPDATE items SET gone_scan = ? WHERE ${where}`).run(scanId, r, rel, prefix);
    return gone.flatMap((row) => parseFindings(row.findings));
  }

  /** The findings stored now for an item and its children. */
  findingsOf(uri: string): StoredFinding[] {
    const rows = this.prepare('SELECT findings FROM items WHERE (uri = ? OR parent_uri = ?) AND gone_scan IS NULL ORDER BY uri').all(uri, uri) as {
      findings: string | null;
    }[];
    return rows.flatMap((row) => parseFindings(row.findings));
  }

  /** Triage decisions for the items with these uris, by uri, type and hash. */
  private triageFor(uris: Set<string>): Map<string, { status: TriageStatus; note: string | null }> {
    const decisions = new Map<string, { status: TriageStatus; note: string | null }>();
    if (uris.size === 0) return decisions;
    const list = [...uris];
    const rows = this.prepare(`SELECT item_uri, type, hash, status, note FROM triage WHERE item_uri IN (${list.map(() => '?').join(',')})`).all(...list) as {
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
    const decisions = this.triageFor(new Set(rows.filter((r) => r.findings !== null || r.findings_bytes).map((r) => r.uri)));
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
      ...(r.truncated ? { truncated: JSON.parse(r.truncated) as Truncation } : {}),
      ...storedFindings(r, decisions),
      ...(r.marks_scan ? { marksScan: r.marks_scan, newFindings: r.new_findings ? (JSON.parse(r.new_findings) as number[]) : [] } : {}),
    }));
  }

  /** The current (not gone) items under the given roots, with their findings and triage status, in uri order (all in memory: small states only). */
  currentItems(roots: string[]): StoredItem[] {
    const resolved = roots.map((r) => rootKey(r));
    const marks = resolved.map(() => '?').join(',');
    const rows = this.prepare(`SELECT * FROM items WHERE gone_scan IS NULL AND root IN (${marks}) ORDER BY uri`).all(...resolved) as ItemRowWithFindings[];
    return this.toStored(rows);
  }

  /** Every current item holding a finding with one of these hashes, and those findings: the subject search, by the hash index. */
  findByHashes(hashes: readonly string[]): { item: StoredItem; finding: StoredFinding }[] {
    if (hashes.length === 0) return [];
    const wanted = new Set(hashes);
    const prefixes = [...new Set(hashes.map(hashPrefix))];
    const marks = prefixes.map(() => '?').join(',');
    const rows = this.db
      .prepare(
        `SELECT * FROM items WHERE gone_scan IS NULL AND findings IS NOT NULL
           AND uri IN (SELECT item_uri FROM finding_hashes WHERE hash16 IN (${marks})
                       UNION ALL SELECT item_uri FROM finding_hashes_new WHERE hash16 IN (${marks})) ORDER BY uri`,
      )
      .all(...prefixes, ...prefixes) as ItemRowWithFindings[];
    return this.toStored(rows).flatMap((item) => item.findings.filter((f) => wanted.has(f.hash)).map((finding) => ({ item, finding })));
  }

  /** Sets the triage status of every current finding that matches; returns how many findings. */
  triage(select: (item: { path: string; entry?: string }, finding: Finding) => boolean, status: TriageStatus, note: string | undefined, at: Date): number {
    const rows = this.prepare('SELECT uri, path, entry, findings FROM items WHERE gone_scan IS NULL AND findings IS NOT NULL').all() as {
      uri: string;
      path: string;
      entry: string | null;
      findings: string;
    }[];
    const upsert = this.prepare(
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
  setAccess(updates: readonly { uri: string; access: Access; accessVersion?: string }[]): void {
    const stmt = this.prepare('UPDATE items SET access = ?, access_version = coalesce(?, access_version) WHERE uri = ?');
    this.db.transaction(() => {
      for (const u of updates) stmt.run(JSON.stringify(u.access), u.accessVersion ?? null, u.uri);
    })();
  }

  /** Marks one item and its children gone (a message deleted at the source); returns how many. */
  markUriGone(scanId: string, uri: string): number {
    return this.prepare('UPDATE items SET gone_scan = ? WHERE (uri = ? OR parent_uri = ?) AND gone_scan IS NULL').run(scanId, uri, uri).changes;
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
           AND ${LAST_SEEN} IN (SELECT id FROM scans WHERE started_at < ?)`,
      )
      .run(scanId, rootKey(root), prefix, deep ? 1 : 0, folder.length + 2, syncStartedAt).changes;
  }

  /** When a scan started (ISO-8601). */
  scanStartedAt(scanId: string): string | undefined {
    return (this.prepare('SELECT started_at FROM scans WHERE id = ?').get(scanId) as { started_at: string } | undefined)?.started_at;
  }

  /** Every kv entry whose key starts with `prefix`. */
  entriesWithPrefix(prefix: string): { key: string; value: string }[] {
    return this.prepare('SELECT key, value FROM kv WHERE substr(key, 1, length(?)) = ? ORDER BY key').all(prefix, prefix) as {
      key: string;
      value: string;
    }[];
  }

  getValue(key: string): string | undefined {
    return (this.prepare('SELECT value FROM kv WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setValue(key: string, value: string | undefined): void {
    if (value === undefined) this.prepare('DELETE FROM kv WHERE key = ?').run(key);
    else this.prepare('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}

/**
 * The SQLite scan state behind the ScanStore interface. better-sqlite3 is synchronous, so each
 * method runs at once and returns a settled promise; item reads go page by page.
 */
export class SqliteStore implements ScanStore {
  constructor(readonly state: ScanState) {}

  static open(dir?: string): SqliteStore {
    return new SqliteStore(ScanState.open(dir));
  }

  get file(): string {
    return this.state.file;
  }

  async close(): Promise<void> {
    await this.state.mergedAside();
    this.state.close();
  }
  /** See ScanStore.indexAside. */
  async indexAside(): Promise<void> {
    this.state.mergeHashesAside();
  }
  async beginScan(id: string, roots: string[], minConfidence: number, startedAt: Date): Promise<void> {
    this.state.beginScan(id, roots, minConfidence, startedAt);
  }
  async finishScan(id: string, finishedAt: Date, changes: unknown): Promise<void> {
    await this.state.mergedAside();
    this.state.finishScan(id, finishedAt, changes);
  }
  async lastFinishedScan(): Promise<ScanRecord | undefined> {
    return this.state.lastFinishedScan();
  }
  async scanStartedAt(scanId: string): Promise<string | undefined> {
    return this.state.scanStartedAt(scanId);
  }
  async priorItems(uris: readonly string[]): Promise<Map<string, PriorItem>> {
    return this.state.priorItems(uris);
  }
  async writeItems(scanId: string, writes: readonly ItemWrite[]): Promise<void> {
    this.state.writeItems(scanId, writes);
  }
  async markGone(scanId: string, roots: readonly string[]): Promise<number> {
    return this.state.markGone(scanId, [...roots]);
  }
  async markUriGone(scanId: string, uri: string): Promise<number> {
    return this.state.markUriGone(scanId, uri);
  }
  async markPathGone(scanId: string, root: string, rel: string): Promise<StoredFinding[]> {
    return this.state.markPathGone(scanId, root, rel);
  }
  async markFolderGoneBefore(scanId: string, root: string, folder: string, syncStartedAt: string, deep?: boolean): Promise<number> {
    return this.state.markFolderGoneBefore(scanId, root, folder, syncStartedAt, deep);
  }
  async setAccess(updates: readonly { uri: string; access: Access; accessVersion?: string }[]): Promise<void> {
    this.state.setAccess(updates);
  }
  async *items(query: ItemQuery): AsyncIterable<StoredItem> {
    yield* this.state.iterateItems(query);
  }
  async findingsOf(uri: string): Promise<StoredFinding[]> {
    return this.state.findingsOf(uri);
  }
  async *goneItems(scanId: string, roots: readonly string[]): AsyncIterable<StoredItem> {
    yield* this.state.iterateGone(scanId, roots);
  }
  async counts(roots: readonly string[]): Promise<StoreCounts> {
    return this.state.counts(roots);
  }
  async findByHashes(hashes: readonly string[]): Promise<{ item: StoredItem; finding: StoredFinding }[]> {
    return this.state.findByHashes(hashes);
  }
  async triage(
    select: (item: { path: string; entry?: string }, finding: Finding) => boolean,
    status: TriageStatus,
    note: string | undefined,
    at: Date,
  ): Promise<number> {
    return this.state.triage(select, status, note, at);
  }
  async getValue(key: string): Promise<string | undefined> {
    return this.state.getValue(key);
  }
  async setValue(key: string, value: string | undefined): Promise<void> {
    this.state.setValue(key, value);
  }
  async entriesWithPrefix(prefix: string): Promise<{ key: string; value: string }[]> {
    return this.state.entriesWithPrefix(prefix);
  }
}
