/**
 * Every state access of `inzage serve`, in one module, so it can move onto the store interface
 * (SQLite or PostgreSQL) without touching the routes.
 *
 * The server does not assemble the whole report: that holds every item in memory. It keeps a read
 * model in the state instead (tables serve_items and serve_folders, migration 3): one row per
 * current item with its counts, types, risk and access flag, and one per folder, indexed for paging
 * and sorting. The model is rebuilt from the items in batches (bounded memory) when a scan has
 * finished since, or when triage changed outside the server; the server's own triage updates the
 * rows it touched. Risk is scored as in the report: on the findings not triaged away, with the
 * access of the item (or of its container) and the retention rules the scan used.
 */
import type Database from 'better-sqlite3';
import type { Finding } from '../../detectors/types.js';
import { registerLocation } from '../../reporters/register.js';
import { hashQueries, type SubjectQuery, subjectHit } from '../commands/find.js';
import { type Access, type ErrorCode, type ItemError, type Risk, SKIP_CODES, type Truncation } from '../model.js';
import { SETTINGS_KEY } from '../report/from-state.js';
import { DEFAULT_RETENTION_RULES, type RetentionRule, RISK_LEVELS, type RiskOptions, scoreRisk } from '../report/risk.js';
import { addToTrend, emptyTrend, type TrendFigures } from '../report/trend.js';
import { rootKey, type ScanState, type TriageStatus } from '../state/state.js';

const BATCH = 2000;
/** Counting stops here: a page says "100,000+" rather than scan ten million rows for a number. */
export const COUNT_CAP = 100_000;
const INDEX_KEY = 'serve.index';
/**
 * The read model's own layout version, part of its signature: a model built by an older server
 * (which stored unknown access as 0) is rebuilt, not read with the new meaning.
 */
const MODEL_VERSION = 2;
/** serve_items.broad: 1 broad, 0 checked and not broad, 2 not read (unknown). */
const BROAD_UNKNOWN = 2;
function broadCode(broad: boolean | 'unknown' | undefined): number {
  return broad === true ? 1 : broad === 'unknown' ? BROAD_UNKNOWN : 0;
}
const SUMMARY_KEY = 'serve.summary';

export interface ItemFilter {
  folder?: string | undefined;
  type?: string | undefined;
  category?: string | undefined;
  /** Lowest risk level, 0 (none) … 4 (critical). */
  minLevel?: number | undefined;
  /** `unknown`: who can read the item was not read (access.broad "unknown"), never counted as not broad. */
  access?: 'broad' | 'not-broad' | 'unknown' | undefined;
  status?: 'findings' | 'open' | 'triaged' | 'none' | 'unread' | undefined;
  /** ISO date: items modified on or after it. */
  changedSince?: string | undefined;
  /** Part of the path or entry name, any case. */
  q?: string | undefined;
}

export type SortKey = 'risk' | 'name' | 'findings' | 'modified' | 'size';

export interface ItemRowView {
  uri: string;
  name: string;
  path: string;
  entry?: string;
  kind: string;
  size: number;
  modified?: string;
  findings: number;
  open: number;
  types: string[];
  categories: string[];
  score: number;
  level: string;
  /** `unknown` where access was not read: the officer must not take it as checked and fine. */
  broad: boolean | 'unknown';
  error?: ItemError;
}

export interface FindingView extends Finding {
  /** Index of the finding in its item, the handle triage uses. */
  index: number;
  status: TriageStatus;
  note?: string;
  decidedBy?: string;
  decidedAt?: string;
}

export interface ItemDetail {
  item: ItemRowView & { mediaType?: string; access?: Access; risk: Risk; parentUri: string | null; truncated?: Truncation };
  findings: FindingView[];
  children: ItemRowView[];
}

export type TriageSelection = { kind: 'finding'; uri: string; index: number } | { kind: 'item'; uri: string } | { kind: 'filter'; filter: ItemFilter };

interface ItemsRow {
  uri: string;
  parent_uri: string | null;
  root: string;
  path: string;
  entry: string | null;
  kind: string;
  media_type: string | null;
  size: number;
  modified: string | null;
  access: string | null;
  error_code: string | null;
  error_message: string | null;
  findings: string | null;
  /** Only where the query selects it. */
  truncated?: string | null;
}

interface ServeRow {
  uri: string;
  parent_uri: string | null;
  root: string;
  path: string;
  entry: string | null;
  folder: string;
  name: string;
  kind: string;
  size: number;
  modified: string | null;
  findings: number;
  open: number;
  types: string;
  categories: string;
  score: number;
  level: number;
  broad: number;
  retention: number;
  error_code: string | null;
  error_message: string | null;
  unread: number;
}

/** Overview figures that do not change with triage, kept with the read model. */
interface Summary {
  scanId: string;
  items: number;
  itemsWithFindings: number;
  findings: number;
  bytes: number;
  errors: number;
  skipped: number;
  byType: Record<string, number>;
  byCategory: Record<string, number>;
}

interface FolderAgg {
  items: number;
  withFindings: number;
  findings: number;
  broad: number;
  maxLevel: number;
  directMass: number;
  directFindings: number;
  directWithFindings: number;
  directBroad: number;
  directMaxLevel: number;
}

const dirname = (path: string) => {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
};
const words = (list: Iterable<string>) => {
  const s = [...new Set(list)].sort().join(' ');
  return s ? ` ${s} ` : '';
};
const unwords = (s: string) => s.trim().split(' ').filter(Boolean);

function parseFindings(json: string | null): Finding[] {
  if (!json) return [];
  return (JSON.parse(json) as (Finding & { basis?: string[] | null })[]).map((f) => {
    if (f.basis === null) delete f.basis;
    return f;
  });
}

const counts = (status: TriageStatus | undefined) => status !== 'false-positive' && status !== 'accepted';

export class ServeQueries {
  private readonly db: Database.Database;

  constructor(private readonly state: ScanState) {
    this.db = state.connection;
  }

  // ---- read model ---------------------------------------------------------------------------

  private lastScan(): { id: string; roots: string[]; finishedAt: string; changes: unknown } | undefined {
    const last = this.state.lastFinishedScan();
    return last ? { id: last.id, roots: last.roots, finishedAt: last.finishedAt ?? last.startedAt, changes: last.changes } : undefined;
  }

  private triageSignature(): string {
    const row = this.db.prepare('SELECT count(*) AS n, max(updated_at) AS at FROM triage').get() as { n: number; at: string | null };
    return `v${MODEL_VERSION}/${row.n}/${row.at ?? ''}`;
  }

  private riskOptions(scanId: string, finishedAt: string): RiskOptions {
    // The retention rules the scan used (report/from-state.ts keeps them with the scan id).
    const raw = this.state.getValue(SETTINGS_KEY);
    const saved = raw ? (JSON.parse(raw) as { scanId?: string; retention?: RetentionRule[] }) : undefined;
    const retention = saved?.scanId === scanId && saved.retention ? saved.retention : DEFAULT_RETENTION_RULES;
    return { now: new Date(finishedAt), retention };
  }

  /** The scan the read model shows, or undefined when the state holds no finished scan. */
  scanInfo(): { id: string; roots: string[]; finishedAt: string; startedAt: string; minConfidence: number; changes: unknown } | undefined {
    const last = this.state.lastFinishedScan();
    return last
      ? {
          id: last.id,
          roots: last.roots,
          finishedAt: last.finishedAt ?? last.startedAt,
          startedAt: last.startedAt,
          minConfidence: last.minConfidence,
          changes: last.changes,
        }
      : undefined;
  }

  /** Rebuilds the read model if a scan finished or triage changed outside the server since; returns whether it did. */
  ensureFresh(): boolean {
    const last = this.lastScan();
    if (!last) return false;
    const signature = `${last.id}|${this.triageSignature()}`;
    if (this.state.getValue(INDEX_KEY) === signature) return false;
    this.rebuild(last);
    this.state.setValue(INDEX_KEY, `${last.id}|${this.triageSignature()}`);
    return true;
  }

  private rebuild(last: { id: string; roots: string[]; finishedAt: string; changes: unknown }): void {
    const riskOptions = this.riskOptions(last.id, last.finishedAt);
    const roots = last.roots.map(rootKey);
    const summary: Summary = { scanId: last.id, items: 0, itemsWithFindings: 0, findings: 0, bytes: 0, errors: 0, skipped: 0, byType: {}, byCategory: {} };
    const changes = (last.changes as { changes?: { new: number; resolved: number } } | null)?.changes;
    const trend = emptyTrend(changes);
    const folders = new Map<string, FolderAgg>();
    const insert = this.db.prepare(
      `INSERT INTO serve_items (uri, parent_uri, root, path, entry, folder, name, kind, size, modified, findings, open, types, categories,
         score, level, broad, retention, error_code, error_message, unread)
       VALUES (@uri, @parent_uri, @root, @path, @entry, @folder, @name, @kind, @size, @modified, @findings, @open, @types, @categories,
         @score, @level, @broad, @retention, @error_code, @error_message, @unread)`,
    );
    // Walks the primary key; the root and gone tests stay out of the WHERE so the planner cannot
    // pick the root index and sort the whole table for every batch.
    const page = this.db.prepare(
      `SELECT uri, parent_uri, root, path, entry, kind, media_type, size, modified, access, error_code, error_message, findings, gone_scan
       FROM items WHERE uri > ? ORDER BY uri LIMIT ${BATCH}`,
    );
    const wanted = new Set(roots);
    const parentAccess = this.db.prepare('SELECT access FROM items WHERE uri = ?');
    const decisions = this.db.prepare('SELECT item_uri, type, hash, status FROM triage WHERE item_uri >= ? AND item_uri <= ?');
    let cachedParent: { uri: string; access: Access | undefined } | undefined;
    this.db.transaction(() => {
      this.db.exec('DELETE FROM serve_items; DELETE FROM serve_folders;');
      let after = '';
      for (;;) {
        const batch = page.all(after) as (ItemsRow & { gone_scan: string | null })[];
        if (batch.length === 0) break;
        after = (batch[batch.length - 1] as ItemsRow).uri;
        const rows = batch.filter((r) => r.gone_scan === null && wanted.has(r.root));
        if (rows.length === 0) continue;
        const statusOf = new Map<string, TriageStatus>();
        for (const d of decisions.all((rows[0] as ItemsRow).uri, (rows[rows.length - 1] as ItemsRow).uri) as {
          item_uri: string;
          type: string;
          hash: string;
          status: TriageStatus;
        }[]) {
          statusOf.set(`${d.item_uri}\0${d.type}\0${d.hash}`, d.status);
        }
        for (const r of rows) {
          let access = r.access ? (JSON.parse(r.access) as Access) : undefined;
          if (!access && r.parent_uri) {
            if (cachedParent?.uri !== r.parent_uri) {
              const p = parentAccess.get(r.parent_uri) as { access: string | null } | undefined;
              cachedParent = { uri: r.parent_uri, access: p?.access ? (JSON.parse(p.access) as Access) : undefined };
            }
            access = cachedParent.access;
          }
          const findings = parseFindings(r.findings);
          const row = this.rowFor(r, findings, access, (f) => statusOf.get(`${r.uri}\0${f.type}\0${f.hash}`), riskOptions);
          insert.run(row);
          addToSummary(summary, r, findings, row);
          addToTrend(trend, { findings, level: RISK_LEVELS[row.level] ?? 'none', broad: row.broad === 1 });
          addToFolders(folders, row);
        }
      }
      const insertFolder = this.db.prepare(
        `INSERT INTO serve_folders (folder, parent, name, items, with_findings, findings, broad, max_level, direct_mass, direct_findings,
           direct_with_findings, direct_broad, direct_max_level) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const [folder, a] of folders) {
        const parent = folder === '' ? null : dirname(folder);
        const name = folder === '' ? '' : folder.slice(folder.lastIndexOf('/') + 1);
        insertFolder.run(
          folder,
          parent,
          name,
          a.items,
          a.withFindings,
          a.findings,
          a.broad,
          a.maxLevel,
          a.directMass,
          a.directFindings,
          a.directWithFindings,
          a.directBroad,
          a.directMaxLevel,
        );
      }
      this.state.setValue(SUMMARY_KEY, JSON.stringify(summary));
      // Scans made before the trend existed get their point from the first read model built after them.
      this.db.prepare('INSERT INTO scan_stats (scan_id, stats) VALUES (?, ?) ON CONFLICT (scan_id) DO NOTHING').run(last.id, JSON.stringify(trend));
    })();
  }

  private rowFor(
    r: ItemsRow,
    findings: Finding[],
    access: Access | undefined,
    statusOf: (f: Finding) => TriageStatus | undefined,
    riskOptions: RiskOptions,
  ): ServeRow {
    const active = findings.filter((f) => counts(statusOf(f)));
    const open = findings.filter((f) => (statusOf(f) ?? 'open') === 'open').length;
    const error: ItemError | null = r.error_code ? { code: r.error_code as ErrorCode, message: r.error_message ?? '' } : null;
    const risk = scoreRisk(active, access, error, { path: r.path, ...(r.modified ? { modified: r.modified } : {}) }, riskOptions);
    return {
      uri: r.uri,
      parent_uri: r.parent_uri,
      path: r.path,
      entry: r.entry,
      folder: dirname(r.path),
      name: r.entry !== null ? `${r.path} › ${r.entry}` : r.path,
      kind: r.kind,
      size: r.size,
      modified: r.modified,
      findings: findings.length,
      open,
      types: words(findings.map((f) => f.type)),
      categories: words(findings.map((f) => f.category)),
      score: risk.score,
      level: Math.max(0, RISK_LEVELS.indexOf(risk.level)),
      broad: broadCode(access?.broad),
      retention: risk.reasons.some((reason) => /retention/i.test(reason)) ? 1 : 0,
      error_code: r.error_code,
      error_message: r.error_message,
      unread: error && !SKIP_CODES.has(error.code) ? 1 : 0,
      root: r.root,
    };
  }

  /** Re-scores the rows of these items after the server's own triage, then marks the model current. */
  private refreshRows(uris: Iterable<string>): void {
    const last = this.lastScan();
    if (!last) return;
    const riskOptions = this.riskOptions(last.id, last.finishedAt);
    const get = this.db.prepare(
      'SELECT uri, parent_uri, root, path, entry, kind, media_type, size, modified, access, error_code, error_message, findings, truncated FROM items WHERE uri = ?',
    );
    const update = this.db.prepare('UPDATE serve_items SET open = @open, score = @score, level = @level, retention = @retention WHERE uri = @uri');
    for (const uri of uris) {
      const r = get.get(uri) as ItemsRow | undefined;
      if (!r) continue;
      const statuses = this.statusesOf(uri);
      const access = this.accessOf(r);
      const row = this.rowFor(r, parseFindings(r.findings), access, (f) => statuses.get(`${f.type}\0${f.hash}`)?.status, riskOptions);
      update.run({ uri, open: row.open, score: row.score, level: row.level, retention: row.retention });
    }
  }

  private accessOf(r: Pick<ItemsRow, 'access' | 'parent_uri'>): Access | undefined {
    if (r.access) return JSON.parse(r.access) as Access;
    if (!r.parent_uri) return undefined;
    const p = this.db.prepare('SELECT access FROM items WHERE uri = ?').get(r.parent_uri) as { access: string | null } | undefined;
    return p?.access ? (JSON.parse(p.access) as Access) : undefined;
  }

  private statusesOf(uri: string): Map<string, { status: TriageStatus; note: string | null; by: string | null; at: string }> {
    const rows = this.db.prepare('SELECT type, hash, status, note, updated_by, updated_at FROM triage WHERE item_uri = ?').all(uri) as {
      type: string;
      hash: string;
      status: TriageStatus;
      note: string | null;
      updated_by: string | null;
      updated_at: string;
    }[];
    return new Map(rows.map((t) => [`${t.type}\0${t.hash}`, { status: t.status, note: t.note, by: t.updated_by, at: t.updated_at }]));
  }

  // ---- overview -----------------------------------------------------------------------------

  /** The overview is a few full passes over the read model: kept until the model changes (a scan or a decision). */
  private cachedOverview: { signature: string; value: ReturnType<ServeQueries['computeOverview']> } | undefined;

  overview() {
    this.ensureFresh();
    const signature = this.state.getValue(INDEX_KEY) ?? '';
    if (this.cachedOverview?.signature !== signature) this.cachedOverview = { signature, value: this.computeOverview() };
    return this.cachedOverview.value;
  }

  private computeOverview() {
    const scan = this.scanInfo();
    const summary = JSON.parse(this.state.getValue(SUMMARY_KEY) ?? 'null') as Summary | null;
    if (!scan || !summary) return null;
    const byLevel = [0, 0, 0, 0, 0];
    for (const r of this.db.prepare('SELECT level, count(*) AS n FROM serve_items GROUP BY level').all() as { level: number; n: number }[]) {
      byLevel[r.level] = r.n;
    }
    const list = (where: string, order = 'score DESC, uri', limit = 50) => ({
      rows: (this.db.prepare(`SELECT * FROM serve_items WHERE ${where} ORDER BY ${order} LIMIT ${limit}`).all() as ServeRow[]).map(view),
      total: (this.db.prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM serve_items WHERE ${where} LIMIT ${COUNT_CAP})`).get() as { n: number }).n,
    });
    const hotFolders = (
      this.db.prepare('SELECT * FROM serve_folders WHERE direct_mass > 0 ORDER BY direct_mass DESC, direct_findings DESC LIMIT 20').all() as {
        folder: string;
        direct_findings: number;
        direct_with_findings: number;
        direct_broad: number;
        direct_max_level: number;
        direct_mass: number;
      }[]
    ).map((f) => ({
      path: f.folder,
      findings: f.direct_findings,
      withFindings: f.direct_with_findings,
      broad: f.direct_broad,
      level: RISK_LEVELS[f.direct_max_level] ?? 'none',
      mass: f.direct_mass,
    }));
    const changes = (scan.changes as { changes?: { since: unknown; new: number; resolved: number } } | null)?.changes;
    return {
      scan: { id: scan.id, roots: scan.roots, startedAt: scan.startedAt, finishedAt: scan.finishedAt, minConfidence: scan.minConfidence },
      stats: summary,
      changes: changes ? { since: changes.since, new: changes.new, resolved: changes.resolved } : null,
      byLevel,
      byType: Object.entries(summary.byType).sort((a, b) => b[1] - a[1]),
      byCategory: Object.entries(summary.byCategory).sort((a, b) => b[1] - a[1]),
      hotItems: list('score > 0', 'score DESC, findings DESC, uri', 20).rows,
      hotFolders,
      broad: list('broad = 1 AND score > 0'),
      retention: list('retention = 1'),
      unscannable: list('unread = 1', 'uri'),
    };
  }

  // ---- explorer -----------------------------------------------------------------------------

  private where(filter: ItemFilter): { sql: string; params: unknown[] } {
    const parts: string[] = [];
    const params: unknown[] = [];
    if (filter.folder) {
      // A range, not LIKE (which is case-insensitive and so cannot use the index): '0' follows '/'.
      parts.push('(folder = ? OR (folder >= ? AND folder < ?))');
      params.push(filter.folder, `${filter.folder}/`, `${filter.folder}0`);
    }
    if (filter.type) {
      parts.push('instr(types, ?) > 0');
      params.push(` ${filter.type} `);
    }
    if (filter.category) {
      parts.push('instr(categories, ?) > 0');
      params.push(` ${filter.category} `);
    }
    if (filter.minLevel !== undefined && filter.minLevel > 0) {
      parts.push('level >= ?');
      params.push(filter.minLevel);
    }
    if (filter.access === 'broad') parts.push('broad = 1');
    if (filter.access === 'not-broad') parts.push('broad = 0');
    if (filter.access === 'unknown') parts.push(`broad = ${BROAD_UNKNOWN}`);
    switch (filter.status) {
      case 'findings':
        parts.push('findings > 0');
        break;
      case 'open':
        parts.push('open > 0');
        break;
      case 'triaged':
        parts.push('findings > 0 AND open < findings');
        break;
      case 'none':
        parts.push('findings = 0 AND unread = 0');
        break;
      case 'unread':
        parts.push('unread = 1');
        break;
      default:
    }
    if (filter.changedSince) {
      parts.push('modified >= ?');
      params.push(filter.changedSince);
    }
    if (filter.q) {
      parts.push('instr(lower(name), ?) > 0');
      params.push(filter.q.toLowerCase());
    }
    return { sql: parts.length ? parts.join(' AND ') : '1', params };
  }

  items(
    filter: ItemFilter,
    sort: SortKey,
    desc: boolean,
    offset: number,
    limit: number,
  ): { rows: ItemRowView[]; total: number; capped: boolean; more: boolean } {
    this.ensureFresh();
    const { sql, params } = this.where(filter);
    const dir = desc ? 'DESC' : 'ASC';
    // Each order matches an index (migration 3) read forwards or backwards, so a page never sorts the table.
    const order = {
      risk: `score ${dir}, uri ${dir}`,
      name: `name ${dir}, uri ${dir}`,
      findings: `findings ${dir}, uri ${dir}`,
      modified: `modified ${dir}, uri ${dir}`,
      size: `size ${dir}, uri ${dir}`,
    }[sort];
    const rows = this.db.prepare(`SELECT * FROM serve_items WHERE ${sql} ORDER BY ${order} LIMIT ? OFFSET ?`).all(...params, limit + 1, offset) as ServeRow[];
    const total = (this.db.prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM serve_items WHERE ${sql} LIMIT ${COUNT_CAP + 1})`).get(...params) as { n: number })
      .n;
    return { rows: rows.slice(0, limit).map(view), total: Math.min(total, COUNT_CAP), capped: total > COUNT_CAP, more: rows.length > limit };
  }

  /** The folders directly below `parent` ('' = the roots' top level), with their counts. */
  folders(parent: string) {
    this.ensureFresh();
    const rows = this.db
      .prepare(
        'SELECT folder, name, items, with_findings, findings, broad, max_level FROM serve_folders WHERE parent = ? AND folder != ? ORDER BY name LIMIT 1000',
      )
      .all(parent, parent) as { folder: string; name: string; items: number; with_findings: number; findings: number; broad: number; max_level: number }[];
    const hasChildren = this.db.prepare('SELECT 1 FROM serve_folders WHERE parent = ? LIMIT 1');
    return rows.map((f) => ({
      path: f.folder,
      name: f.name,
      items: f.items,
      withFindings: f.with_findings,
      findings: f.findings,
      broad: f.broad,
      level: RISK_LEVELS[f.max_level] ?? 'none',
      hasChildren: hasChildren.get(f.folder) !== undefined,
    }));
  }

  /** The finding types and categories present, for the filter lists. */
  facets(): { types: string[]; categories: string[] } {
    this.ensureFresh();
    const summary = JSON.parse(this.state.getValue(SUMMARY_KEY) ?? 'null') as Summary | null;
    return { types: Object.keys(summary?.byType ?? {}).sort(), categories: Object.keys(summary?.byCategory ?? {}).sort() };
  }

  item(uri: string): ItemDetail | undefined {
    this.ensureFresh();
    const row = this.db.prepare('SELECT * FROM serve_items WHERE uri = ?').get(uri) as ServeRow | undefined;
    const stored = this.db
      .prepare(
        'SELECT uri, parent_uri, root, path, entry, kind, media_type, size, modified, access, error_code, error_message, findings, truncated FROM items WHERE uri = ?',
      )
      .get(uri) as ItemsRow | undefined;
    const last = this.lastScan();
    if (!row || !stored || !last) return undefined;
    const statuses = this.statusesOf(uri);
    const access = this.accessOf(stored);
    const all = parseFindings(stored.findings);
    const findings: FindingView[] = all.map((f, index) => {
      const d = statuses.get(`${f.type}\0${f.hash}`);
      return {
        ...f,
        index,
        status: d?.status ?? 'open',
        ...(d?.note ? { note: d.note } : {}),
        ...(d?.by ? { decidedBy: d.by } : {}),
        ...(d ? { decidedAt: d.at } : {}),
      };
    });
    const error: ItemError | null = stored.error_code ? { code: stored.error_code as ErrorCode, message: stored.error_message ?? '' } : null;
    const risk = scoreRisk(
      findings.filter((f) => counts(f.status)),
      access,
      error,
      { path: stored.path, ...(stored.modified ? { modified: stored.modified } : {}) },
      this.riskOptions(last.id, last.finishedAt),
    );
    const children = (this.db.prepare('SELECT * FROM serve_items WHERE parent_uri = ? ORDER BY uri LIMIT 500').all(uri) as ServeRow[]).map(view);
    return {
      item: {
        ...view(row),
        ...(stored.media_type ? { mediaType: stored.media_type } : {}),
        ...(access ? { access } : {}),
        risk,
        parentUri: stored.parent_uri,
        // The finding cap's counts: the item holds more than the findings listed.
        ...(stored.truncated ? { truncated: JSON.parse(stored.truncated) as Truncation } : {}),
      },
      findings,
      children,
    };
  }

  // ---- triage -------------------------------------------------------------------------------

  /**
   * Sets the status of the selected findings, in the same triage table `inzage triage` writes, so
   * decisions carry over rescans, reports and `--fail-on`. Returns how many findings it set.
   */
  triage(selection: TriageSelection, status: TriageStatus, note: string | undefined, actor: string, at: Date): number {
    this.ensureFresh();
    const upsert = this.db.prepare(
      `INSERT INTO triage (item_uri, type, hash, status, note, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (item_uri, type, hash) DO UPDATE SET status = excluded.status, note = excluded.note, updated_at = excluded.updated_at,
         updated_by = excluded.updated_by`,
    );
    const findingsOf = this.db.prepare('SELECT findings FROM items WHERE uri = ? AND gone_scan IS NULL');
    const when = at.toISOString();
    let count = 0;
    const touched = new Set<string>();
    const apply = (uri: string, keep: (f: Finding, index: number) => boolean) => {
      const r = findingsOf.get(uri) as { findings: string | null } | undefined;
      if (!r) return;
      const seen = new Set<string>();
      parseFindings(r.findings).forEach((f, index) => {
        if (!keep(f, index)) return;
        const key = `${f.type}\0${f.hash}`;
        if (seen.has(key)) return; // one decision covers every occurrence of a value in the item
        seen.add(key);
        upsert.run(uri, f.type, f.hash, status, note ?? null, when, actor);
        count++;
      });
      touched.add(uri);
    };
    this.db.transaction(() => {
      if (selection.kind === 'finding') apply(selection.uri, (_, i) => i === selection.index);
      else if (selection.kind === 'item') apply(selection.uri, () => true);
      else {
        const { sql, params } = this.where({ ...selection.filter, status: selection.filter.status ?? 'findings' });
        const page = this.db.prepare(`SELECT uri FROM serve_items WHERE ${sql} AND findings > 0 AND uri > ? ORDER BY uri LIMIT ${BATCH}`);
        const { type, category } = selection.filter;
        let after = '';
        for (;;) {
          const uris = (page.all(...params, after) as { uri: string }[]).map((r) => r.uri);
          if (uris.length === 0) break;
          after = uris[uris.length - 1] as string;
          for (const uri of uris) apply(uri, (f) => (!type || f.type === type) && (!category || f.category === category));
        }
      }
      this.refreshRows(touched);
      this.audit(actor, 'triage', { selection, status, findings: count, ...(note ? { note: true } : {}) }, at);
      const last = this.lastScan();
      if (last) this.state.setValue(INDEX_KEY, `${last.id}|${this.triageSignature()}`);
    })();
    return count;
  }

  // ---- subject requests ---------------------------------------------------------------------

  /**
   * Items holding the person's data. The values are normalised and hashed here and dropped; the
   * audit keeps the hashes and the time, never a value.
   */
  subject(queries: SubjectQuery[], key: Buffer, actor: string, at: Date) {
    const hashes = hashQueries(queries, key);
    const hits = this.state.findByHashes(hashes).map((hit) => ({ ...subjectHit(hit), status: hit.finding.status ?? 'open' }));
    this.audit(actor, 'subject-search', { hashes, types: queries.map((q) => q.type), hits: hits.length }, at);
    return hits;
  }

  // ---- audit --------------------------------------------------------------------------------

  audit(actor: string, action: string, detail: unknown, at: Date): void {
    this.db.prepare('INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, ?, ?)').run(at.toISOString(), actor, action, JSON.stringify(detail));
  }

  auditLog(offset: number, limit: number) {
    const rows = this.db.prepare('SELECT id, at, actor, action, detail FROM audit ORDER BY id DESC LIMIT ? OFFSET ?').all(limit + 1, offset) as {
      id: number;
      at: string;
      actor: string;
      action: string;
      detail: string;
    }[];
    return { rows: rows.slice(0, limit).map((r) => ({ ...r, detail: JSON.parse(r.detail) as unknown })), more: rows.length > limit };
  }

  // ---- trend --------------------------------------------------------------------------------

  trend(): { scanId: string; finishedAt: string; figures: TrendFigures }[] {
    this.ensureFresh();
    const rows = this.db
      .prepare(
        `SELECT s.id, s.finished_at, t.stats FROM scans s JOIN scan_stats t ON t.scan_id = s.id
         WHERE s.status = 'finished' ORDER BY s.finished_at LIMIT 1000`,
      )
      .all() as { id: string; finished_at: string; stats: string }[];
    return rows.map((r) => ({ scanId: r.id, finishedAt: r.finished_at, figures: JSON.parse(r.stats) as TrendFigures }));
  }

  // ---- Art. 30 register ---------------------------------------------------------------------

  /** The draft per folder or mailbox (from the read model) with what the officer filled in. */
  register(): RegisterEntry[] {
    this.ensureFresh();
    const groups = new Map<string, RegisterEntry>();
    const page = this.db.prepare(
      `SELECT uri, path, findings, types, categories, modified, broad, level FROM serve_items WHERE findings > 0 AND uri > ? ORDER BY uri LIMIT ${BATCH}`,
    );
    let after = '';
    for (;;) {
      const rows = page.all(after) as Pick<ServeRow, 'uri' | 'path' | 'findings' | 'types' | 'categories' | 'modified' | 'broad' | 'level'>[];
      if (rows.length === 0) break;
      after = (rows[rows.length - 1] as { uri: string }).uri;
      for (const r of rows) {
        const location = registerLocation(r.path);
        let g = groups.get(location);
        if (!g) {
          g = { ...emptyEntry(location), categories: [], specialCategories: [], types: [] };
          groups.set(location, g);
        }
        g.itemsWithPersonalData++;
        g.findings += r.findings;
        g.broadAccessItems += r.broad === 1 ? 1 : 0;
        g.highestRisk = RISK_LEVELS[Math.max(RISK_LEVELS.indexOf(g.highestRisk as never), r.level)] ?? 'none';
        addAll(
          g.categories,
          unwords(r.categories).filter((c) => c !== 'special'),
        );
        addAll(g.types, unwords(r.types));
        if (unwords(r.categories).includes('special'))
          addAll(
            g.specialCategories,
            unwords(r.types).filter((t) => t.startsWith('special-')),
          );
        if (r.modified) {
          if (!g.oldest || r.modified < g.oldest) g.oldest = r.modified;
          if (!g.newest || r.modified > g.newest) g.newest = r.modified;
        }
      }
    }
    const edits = this.db.prepare('SELECT * FROM register').all() as {
      location: string;
      purpose: string | null;
      legal_basis: string | null;
      data_subjects: string | null;
      recipients: string | null;
      retention: string | null;
      owner: string | null;
      updated_at: string;
      updated_by: string;
    }[];
    for (const e of edits) {
      const g = groups.get(e.location) ?? { ...emptyEntry(e.location), categories: [], specialCategories: [], types: [] };
      Object.assign(g, {
        purpose: e.purpose ?? '',
        legalBasis: e.legal_basis ?? '',
        dataSubjects: e.data_subjects ?? '',
        recipients: e.recipients ?? '',
        retention: e.retention ?? '',
        owner: e.owner ?? '',
        updatedAt: e.updated_at,
        updatedBy: e.updated_by,
      });
      groups.set(e.location, g);
    }
    for (const g of groups.values()) {
      g.categories.sort();
      g.specialCategories.sort();
      g.types.sort();
    }
    return [...groups.values()].sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0));
  }

  saveRegister(entry: RegisterEdit, actor: string, at: Date): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO register (location, purpose, legal_basis, data_subjects, recipients, retention, owner, updated_at, updated_by)
           VALUES (@location, @purpose, @legalBasis, @dataSubjects, @recipients, @retention, @owner, @at, @actor)
           ON CONFLICT (location) DO UPDATE SET purpose = excluded.purpose, legal_basis = excluded.legal_basis, data_subjects = excluded.data_subjects,
             recipients = excluded.recipients, retention = excluded.retention, owner = excluded.owner, updated_at = excluded.updated_at,
             updated_by = excluded.updated_by`,
        )
        .run({ ...entry, at: at.toISOString(), actor });
      this.audit(actor, 'register-edit', { location: entry.location }, at);
    })();
  }
}

export interface RegisterEdit {
  location: string;
  purpose: string;
  legalBasis: string;
  dataSubjects: string;
  recipients: string;
  retention: string;
  owner: string;
}

export interface RegisterEntry extends RegisterEdit {
  itemsWithPersonalData: number;
  findings: number;
  categories: string[];
  specialCategories: string[];
  types: string[];
  oldest?: string;
  newest?: string;
  broadAccessItems: number;
  highestRisk: string;
  updatedAt?: string;
  updatedBy?: string;
}

function emptyEntry(location: string): Omit<RegisterEntry, 'categories' | 'specialCategories' | 'types'> {
  return {
    location,
    purpose: '',
    legalBasis: '',
    dataSubjects: '',
    recipients: '',
    retention: '',
    owner: '',
    itemsWithPersonalData: 0,
    findings: 0,
    broadAccessItems: 0,
    highestRisk: 'none',
  };
}

function addAll(list: string[], values: string[]): void {
  for (const v of values) if (!list.includes(v)) list.push(v);
}

function addToSummary(summary: Summary, r: ItemsRow, findings: Finding[], row: ServeRow): void {
  summary.items++;
  if (row.findings > 0) summary.itemsWithFindings++;
  summary.findings += row.findings;
  if (r.entry === null) summary.bytes += r.size;
  if (r.error_code) {
    if (SKIP_CODES.has(r.error_code as ErrorCode)) summary.skipped++;
    else summary.errors++;
  }
  for (const f of findings) {
    summary.byType[f.type] = (summary.byType[f.type] ?? 0) + 1;
    summary.byCategory[f.category] = (summary.byCategory[f.category] ?? 0) + 1;
  }
}
function view(r: ServeRow): ItemRowView {
  return {
    uri: r.uri,
    name: r.name,
    path: r.path,
    ...(r.entry !== null ? { entry: r.entry } : {}),
    kind: r.kind,
    size: r.size,
    ...(r.modified ? { modified: r.modified } : {}),
    findings: r.findings,
    open: r.open,
    types: unwords(r.types),
    categories: unwords(r.categories),
    score: r.score,
    level: RISK_LEVELS[r.level] ?? 'none',
    broad: r.broad === 1 ? true : r.broad === BROAD_UNKNOWN ? 'unknown' : false,
    ...(r.error_code ? { error: { code: r.error_code as ErrorCode, message: r.error_message ?? '' } } : {}),
  };
}

/** Adds an item to its folder (direct figures) and to every folder above it. */
function addToFolders(folders: Map<string, FolderAgg>, row: ServeRow): void {
  const get = (path: string) => {
    let a = folders.get(path);
    if (!a) {
      a = {
        items: 0,
        withFindings: 0,
        findings: 0,
        broad: 0,
        maxLevel: 0,
        directMass: 0,
        directFindings: 0,
        directWithFindings: 0,
        directBroad: 0,
        directMaxLevel: 0,
      };
      folders.set(path, a);
    }
    return a;
  };
  const has = row.findings > 0;
  const broad = has && row.broad === 1 ? 1 : 0;
  let path: string | undefined = row.folder;
  const own = get(path);
  own.directMass += row.score;
  own.directFindings += row.findings;
  own.directWithFindings += has ? 1 : 0;
  own.directBroad += broad;
  own.directMaxLevel = Math.max(own.directMaxLevel, row.level);
  for (;;) {
    const a = get(path);
    a.items++;
    a.withFindings += has ? 1 : 0;
    a.findings += row.findings;
    a.broad += broad;
    a.maxLevel = Math.max(a.maxLevel, row.level);
    if (path === '') break;
    path = dirname(path);
  }
}
