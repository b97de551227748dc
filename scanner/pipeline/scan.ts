/**
 * The scan pipeline: sources → (worker pool: extractors → detectors) → scan state → report.
 * CPU work runs in a piscina pool sized to the cores; items in flight are bounded. Each item is
 * written to the state when done, so a killed scan resumes where it stopped, and a file whose
 * fingerprint did not change since the last scan is not read again. Every item ends in the
 * report exactly once: with findings, with an error, or with neither.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import pLimit, { type LimitFunction } from 'p-limit';
import { Piscina } from 'piscina';
import { DEFAULT_MIN_CONFIDENCE } from '../../detectors/engine.js';
import { AccessCollector, type AccessOptions } from '../access/collector.js';
import { InzageError, itemError } from '../errors.js';
import type { ArchiveLimits } from '../extractors/limits.js';
import { createOcrBudget, type OcrSettings } from '../extractors/ocr-engine.js';
import type { Access, ExtractedItem, ItemError, OcrCost, Report, ReportChanges, SourceItem } from '../model.js';
import { assembleReport, type ReportSettings, snapshotOf } from '../report/assemble.js';
import type { SnapshotItem } from '../report/changes.js';
import type { RiskOptions } from '../report/risk.js';
import { foldersOf, locationOfFileUri } from '../report/rollup.js';
import { loadSuppressions, readIgnoreFiles } from '../report/suppressions.js';
import { crawlFilesystem } from '../sources/filesystem.js';
import { type M365Settings, m365Root } from '../sources/m365/settings.js';
import { keyFilePath, loadOrCreateKey } from '../state/secret-key.js';
import { ScanState, type StoredItem, stateDir } from '../state/state.js';
import { VERSION } from '../version.js';
import type { WorkerInit, WorkerTask } from './worker.js';

export interface ScanOptions {
  roots: string[];
  include?: string[];
  exclude?: string[];
  followSymlinks?: boolean;
  /** Bytes; larger files are listed as `too-large`. */
  maxFileSize?: number;
  /** Worker threads for parsing and detection; default: the number of cores. */
  workers?: number;
  /** Items in flight at once (crawled and waiting for a worker); default: twice the workers, at least 4. */
  concurrency?: number;
  /** Per-item time limit in milliseconds, counted from when a worker takes the item up. */
  itemTimeoutMs?: number;
  /** Heap limit per worker in MB; an item that needs more ends as `too-large`. */
  workerMemoryMb?: number;
  minConfidence?: number;
  disabledDetectors?: string[];
  /** A config file with custom and plugin detectors (scanner/config.ts); each worker loads it. */
  configPath?: string;
  maxDepth?: number;
  /** Zip-bomb limits (total and per-entry uncompressed bytes, entry count, ratio); see extractors/limits.ts. */
  archiveLimits?: Partial<ArchiveLimits>;
  /** OCR of images and image-only PDF pages: on/off, languages, caps; `budgetPages` for the whole scan. */
  ocr?: Partial<OcrSettings> & { budgetPages?: number };
  /** Folder of the state database and key; default INZAGE_STATE_DIR or `.inzage`. */
  stateDir?: string;
  keyFile?: string;
  /** Compare with this report instead of the previous scan in the state. */
  baseline?: { file: string; report: Report };
  suppressionsFile?: string;
  /** Folders never entered, such as the report folder. */
  skipFolders?: string[];
  /** Broad groups and whether to read ACLs (scanner/access/collector.ts). */
  access?: AccessOptions;
  /** Retention rules (scanner/report/risk.ts); ages are measured at the end of the scan. */
  risk?: Pick<RiskOptions, 'retention'>;
  /** Length of the report's hot-spot list; default 25. */
  hotspots?: number;
  /** Also scan Microsoft 365 (mailboxes) with these settings; see scanner/sources/m365. */
  m365?: M365Settings;
}

export interface ProgressEvent {
  path: string;
  size: number;
  findings: number;
  error: ItemError | null;
  reused: boolean;
  /** OCR done for this item (pages, milliseconds); absent when none. */
  ocr?: OcrCost;
}

export interface ScanEvents {
  onItem?(event: ProgressEvent): void;
}

/** 1 GiB: a share's large logs and exports fit under it, disk images and video do not. */
export const DEFAULT_MAX_FILE_SIZE = 1024 ** 3;
export const DEFAULT_ITEM_TIMEOUT_MS = 120_000;
export const DEFAULT_WORKER_MEMORY_MB = 1536;
export const DEFAULT_MAX_DEPTH = 5;

/** The file each pool worker loads: a CommonJS entry, so piscina loads our ES modules one way only (see worker-entry.cts). */
export const WORKER_ENTRY = new URL('./worker-entry.cjs', import.meta.url).href;

/** The worker pool, the key and the state, shared by a scan and by watch mode. */
export class ScanSession {
  readonly state: ScanState;
  readonly minConfidence: number;
  private readonly pool: Piscina<WorkerTask, ExtractedItem[]>;
  private readonly slots: LimitFunction;
  private readonly timeoutMs: number;
  readonly workers: number;
  readonly collector: AccessCollector;
  /** What results depend on besides the file: stored with each item, compared before reusing it. */
  readonly settings: string;

  constructor(options: Omit<ScanOptions, 'roots'>) {
    this.minConfidence = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
    this.workers = Math.max(1, options.workers ?? availableParallelism());
    const dir = stateDir(options.stateDir);
    const key = loadOrCreateKey(keyFilePath(options.keyFile ?? (process.env.INZAGE_KEY_FILE ? undefined : join(dir, 'secret.key'))));
    this.state = ScanState.open(dir);
    this.collector = new AccessCollector(options.access);
    this.settings = JSON.stringify({
      version: VERSION,
      minConfidence: this.minConfidence,
      disabled: [...(options.disabledDetectors ?? [])].sort(),
      maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
      archiveLimits: options.archiveLimits ?? null,
      // Items that OCR skipped end as `ocr-skipped`, which is never reused; the languages change what OCR reads.
      ocrLanguages: options.ocr?.languages ?? null,
      config: options.configPath ? createHash('sha256').update(readFileSync(options.configPath)).digest('hex') : null,
    });
    const init: WorkerInit = {
      key: key.toString('hex'),
      minConfidence: this.minConfidence,
      disabledDetectors: options.disabledDetectors ?? [],
      maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
      ...(options.configPath ? { configPath: resolve(options.configPath) } : {}),
      ...(options.archiveLimits ? { archiveLimits: options.archiveLimits } : {}),
      ...(options.ocr ? { ocr: ocrWorkerSettings(options.ocr) } : {}),
      ...(options.ocr?.budgetPages !== undefined ? { ocrBudget: createOcrBudget(options.ocr.budgetPages) } : {}),
    };
    this.pool = new Piscina<WorkerTask, ExtractedItem[]>({
      filename: WORKER_ENTRY,
      minThreads: this.workers,
      maxThreads: this.workers,
      idleTimeout: 5_000,
      workerData: init,
      resourceLimits: { maxOldGenerationSizeMb: options.workerMemoryMb ?? DEFAULT_WORKER_MEMORY_MB },
    });
    this.timeoutMs = options.itemTimeoutMs ?? DEFAULT_ITEM_TIMEOUT_MS;
    // One task per worker at a time, so an item's time limit runs from when a worker takes it up,
    // not from when it was queued behind a slow one.
    this.slots = pLimit(this.workers);
  }

  /** Reads (or reuses) one item and stores its result; resolves when it is in the state. */
  async handle(scanId: string, item: SourceItem): Promise<ProgressEvent> {
    // Mode bits now, or what the source says (a mailbox, a drive item's sharing links); the ACL of
    // files with findings is read in one batch when the crawl is done.
    const access = item.access ?? this.collector.cheap(item);
    const base = { path: item.path, size: item.size };
    if (item.error || (!item.location && !item.bytes)) {
      const error = item.error ?? itemError('internal', 'the source gave no way to read this item');
      this.state.saveItem(scanId, item, access, [{ kind: item.kind, findings: [], error }], this.settings);
      return { ...base, findings: 0, error, reused: false };
    }
    if (this.state.reuseIfUnchanged(scanId, item, access, this.settings)) return { ...base, findings: 0, error: null, reused: true };
    const results = await this.extract(item);
    this.state.saveItem(scanId, item, access, results, this.settings);
    const ocr = ocrCost(results);
    return { ...base, findings: results.reduce((n, r) => n + r.findings.length, 0), error: results[0]?.error ?? null, reused: false, ...(ocr ? { ocr } : {}) };
  }

  private async extract(item: SourceItem): Promise<ExtractedItem[]> {
    const name = item.name ?? (basename(item.path) || 'file');
    const task: WorkerTask = item.bytes ? { bytes: item.bytes, name, size: item.size } : { location: item.location as Buffer, name, size: item.size };
    try {
      // The worker stops itself at the deadline and keeps what it found; the abort is for a parser stuck in one part.
      const results = await this.slots(() =>
        this.pool.run({ ...task, deadline: Date.now() + this.timeoutMs }, { signal: AbortSignal.timeout(this.timeoutMs + hardTimeoutGrace(this.timeoutMs)) }),
      );
      if (results.length === 0) return [{ kind: item.kind, findings: [], error: itemError('internal', 'the worker returned nothing for this item') }];
      // The worker calls every top item a file; the source knows better (a mail message).
      return results.map((r) => (r.entry === undefined ? { ...r, kind: item.kind } : r));
    } catch (err) {
      return [{ kind: item.kind, findings: [], error: workerFailure(err, this.timeoutMs) }];
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy();
    this.state.close();
  }
}

export async function scan(options: ScanOptions, events: ScanEvents = {}): Promise<Report> {
  const startedAt = new Date();
  const suppressions = loadSuppressions(options.suppressionsFile);
  const session = new ScanSession(options);
  const scanId = randomUUID();
  let read = 0;
  let reused = 0;
  const ocr: OcrCost = { pages: 0, ms: 0 };
  // File-system roots, then the Microsoft 365 root when it is scanned too.
  const roots = [...options.roots, ...(options.m365 ? [m365Root(options.m365)] : [])];
  try {
    const { previous, since } = comparisonBase(session.state, { ...options, roots });
    session.state.beginScan(scanId, roots, session.minConfidence, startedAt);
    const source = crawlFilesystem(options.roots, {
      include: options.include ?? [],
      exclude: [...(options.exclude ?? []), ...readIgnoreFiles(options.roots)],
      followSymlinks: options.followSymlinks ?? false,
      maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
      skipFolders: [...(options.skipFolders ?? []), stateDir(options.stateDir)],
    });
    const inFlightMax = Math.max(4, options.concurrency ?? session.workers * 2);
    const inFlight = new Set<Promise<void>>();
    for await (const item of source) {
      const task = session.handle(scanId, item).then((event) => {
        if (event.reused) reused++;
        else if (!item.error && item.location) read++;
        addOcrCost(ocr, event.ocr);
        events.onItem?.(event);
      });
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
      if (inFlight.size >= inFlightMax) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    session.state.markGone(scanId, options.roots);
    if (options.m365) {
      // Loaded only when needed: the Azure and Graph libraries add a fifth of a second to every start.
      const { scanM365 } = await import('../sources/m365/scan.js');
      await scanM365(session, scanId, options.m365, {
        disabledDetectors: options.disabledDetectors ?? [],
        maxAttachmentSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
        onItem: (event) => {
          if (event.reused) reused++;
          else if (!event.error) read++;
          addOcrCost(ocr, event.ocr);
          events.onItem?.(event);
        },
      });
    }
    const stored = session.state.currentItems(roots);
    const folderAccess = await readAccess(stored, session);
    const settings: ReportSettings = {
      folderAccess,
      ...(options.risk?.retention ? { retention: [...options.risk.retention] } : {}),
      ...(options.hotspots !== undefined ? { hotspots: options.hotspots } : {}),
    };
    session.state.setValue(SETTINGS_KEY, JSON.stringify({ scanId, ...settings, folderAccess: [...folderAccess] }));
    const finishedAt = new Date();
    const report = assembleReport(stored, {
      scanId,
      roots,
      startedAt,
      finishedAt,
      minConfidence: session.minConfidence,
      suppressions,
      ...(previous ? { previous } : {}),
      since,
      read,
      reused,
      ...(ocr.pages > 0 ? { ocr } : {}),
      settings,
    });
    session.state.finishScan(scanId, finishedAt, storedChanges(report));
    return report;
  } finally {
    await session.close();
  }
}

/** What this scan is compared with: the baseline report, or the state as the last scan left it. */
function comparisonBase(state: ScanState, options: ScanOptions): { previous: SnapshotItem[] | undefined; since: ReportChanges['since'] } {
  if (options.baseline) {
    return { previous: snapshotOf(options.baseline.report.items), since: { baseline: options.baseline.file, at: options.baseline.report.scan.finishedAt } };
  }
  const last = state.lastFinishedScan();
  const current = state.currentItems(options.roots);
  if (!last && current.length === 0) return { previous: undefined, since: null };
  return { previous: snapshotOf(current), since: last ? { scanId: last.id, at: last.finishedAt ?? last.startedAt } : null };
}

/** Kept with the scan so `inzage report` can mark the same findings new and list the same resolved ones. */
export interface StoredChanges {
  changes: ReportChanges;
  newFindings: { path: string; entry?: string; type: string; hash: string }[];
}

function storedChanges(report: Report): StoredChanges {
  const newFindings = report.items.flatMap((i) =>
    i.findings
      .filter((f) => f.change === 'new')
      .map((f) => ({ path: i.path, ...(i.entry !== undefined ? { entry: i.entry } : {}), type: f.type, hash: f.hash })),
  );
  return { changes: report.changes, newFindings };
}

/**
 * Renders the report of the last finished scan from the state, without scanning: the same items,
 * findings, marks and resolved findings as when it was written (plus triage decisions made since).
 */
export function reportFromState(options: { stateDir?: string; suppressionsFile?: string }): Report {
  const state = ScanState.open(options.stateDir);
  try {
    const last = state.lastFinishedScan();
    if (!last) throw new InzageError('no-scan', `the scan state in ${stateDir(options.stateDir)} holds no finished scan; run inzage scan first`);
    const stored = state.currentItems(last.roots);
    const kept = (last.changes ?? { changes: { since: null, resolvedFindings: [] }, newFindings: [] }) as StoredChanges;
    // Rebuild what the scan compared with: today's findings minus the new ones, plus the resolved ones.
    const previous = snapshotOf(stored);
    for (const n of kept.newFindings) {
      const item = previous.find((p) => p.path === n.path && p.entry === n.entry);
      const i = item?.findings.findIndex((f) => f.type === n.type && f.hash === n.hash) ?? -1;
      if (item && i >= 0) item.findings.splice(i, 1);
    }
    for (const r of kept.changes.resolvedFindings) previous.push({ path: r.path, ...(r.entry !== undefined ? { entry: r.entry } : {}), findings: [r] });
    return assembleReport(stored, {
      scanId: last.id,
      roots: last.roots,
      startedAt: new Date(last.startedAt),
      finishedAt: new Date(last.finishedAt ?? last.startedAt),
      minConfidence: last.minConfidence,
      suppressions: loadSuppressions(options.suppressionsFile),
      ...(kept.changes.since ? { previous } : {}),
      since: kept.changes.since,
      settings: storedSettings(state, last.id),
    });
  } finally {
    state.close();
  }
}

/**
 * Reads what the crawl left out because it costs a process per batch: the ACL of every file that
 * holds findings (stored back into the state, so `inzage report` shows it too) and the access
 * of every folder holding files, for the roll-up.
 */
async function readAccess(stored: StoredItem[], session: ScanSession): Promise<Map<string, Access>> {
  const withFindings = new Set<string>();
  for (const s of stored) if (s.findings.length > 0) withFindings.add(s.parentUri ?? s.uri);
  const folders = new Set<string>();
  const updates: { uri: string; access: Access }[] = [];
  await Promise.all(
    stored.map(async (s) => {
      for (const f of foldersOf(s) ?? []) folders.add(f.uri);
      if (s.parentUri || !withFindings.has(s.uri)) return;
      const location = locationOfFileUri(s.uri);
      if (!location) return;
      const mode = s.access?.mode ? Number.parseInt(s.access.mode, 8) : undefined;
      const access = await session.collector.acl(location, mode);
      if (!access) return;
      s.access = access;
      updates.push({ uri: s.uri, access });
    }),
  );
  session.state.setAccess(updates);
  const folderAccess = new Map<string, Access>();
  await Promise.all(
    [...folders].map(async (uri) => {
      const location = locationOfFileUri(uri);
      const access = location ? await session.collector.folder(location) : undefined;
      if (access) folderAccess.set(uri, access);
    }),
  );
  return folderAccess;
}

/** One value, overwritten by each scan: folder access for a whole share is too large to keep per scan. */
const SETTINGS_KEY = 'report-settings';

/** The report settings a scan used, so a report rendered later from the state shows the same roll-up and risk. */
function storedSettings(state: ScanState, scanId: string): ReportSettings {
  const raw = state.getValue(SETTINGS_KEY);
  if (!raw) return {};
  const {
    scanId: savedBy,
    folderAccess,
    ...rest
  } = JSON.parse(raw) as Omit<ReportSettings, 'folderAccess'> & {
    scanId?: string;
    folderAccess?: [string, Access][];
  };
  // Written by a scan that did not finish (or watch mode finished last): not this scan's settings.
  if (savedBy !== scanId) return {};
  return { ...rest, folderAccess: new Map(folderAccess ?? []) };
}

export function loadBaseline(file: string): { file: string; report: Report } {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
    if (report.schema !== 'inzage.report/v1' || !Array.isArray(report.items)) throw new Error('not an inzage.report/v1 report');
    return { file, report };
  } catch (err) {
    throw new InzageError('bad-baseline', `cannot use ${file} as a baseline: ${(err as Error).message}`);
  }
}

/** Time a worker gets past the deadline to stop between parts before it is terminated. */
function hardTimeoutGrace(timeoutMs: number): number {
  return Math.max(2_000, Math.round(timeoutMs * 0.2));
}

function workerFailure(err: unknown, timeoutMs: number) {
  const e = err as { name?: string; code?: string; message?: string } | undefined;
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') {
    return itemError('timeout', `reading took longer than ${Math.round(timeoutMs / 1000)} s and was stopped; raise --timeout or look at the file`);
  }
  if (e?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return itemError('too-large', 'reading it needed more memory than a worker may use (--worker-memory); not scanned');
  }
  return itemError('internal', `the worker failed on this item (${e?.name ?? 'error'}); the scan went on`);
}

/** The OCR settings a worker needs (the budget travels apart, as shared memory). */
function ocrWorkerSettings(options: NonNullable<ScanOptions['ocr']>): Partial<OcrSettings> {
  const { budgetPages: _budget, ...settings } = options;
  return settings;
}

function ocrCost(results: readonly ExtractedItem[]): OcrCost | undefined {
  let pages = 0;
  let ms = 0;
  for (const r of results) {
    pages += r.ocr?.pages ?? 0;
    ms += r.ocr?.ms ?? 0;
  }
  return pages > 0 ? { pages, ms } : undefined;
}

function addOcrCost(total: OcrCost, cost: OcrCost | undefined): void {
  if (!cost) return;
  total.pages += cost.pages;
  total.ms += cost.ms;
}
