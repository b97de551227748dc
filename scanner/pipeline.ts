/**
 * The scan pipeline: sources → (worker pool: extractors → detectors) → report items.
 * I/O is bounded by the number of tasks in flight; CPU work runs in a piscina pool sized to the
 * cores. Every item ends in the report exactly once: with findings, with an error, or with neither.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { Piscina } from 'piscina';
import { DEFAULT_MIN_CONFIDENCE } from '../detectors/engine.js';
import { AccessCollector, type AccessOptions } from './access/collector.js';
import { itemError } from './errors.js';
import { type Access, type ExtractedItem, type Report, type ReportItem, SKIP_CODES, type SourceItem } from './model.js';
import { type RiskOptions, scoreRisk } from './risk.js';
import { rollUp } from './rollup.js';
import { keyFilePath, loadOrCreateKey } from './secret-key.js';
import { crawlFilesystem } from './sources/filesystem.js';
import { VERSION } from './version.js';
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
  /** Items in flight at once (file reads plus queued work); default: twice the workers, at least 4. */
  concurrency?: number;
  /** Per-item time limit in milliseconds. */
  itemTimeoutMs?: number;
  /** Heap limit per worker in MB; an item that needs more ends as `too-large`. */
  workerMemoryMb?: number;
  minConfidence?: number;
  disabledDetectors?: string[];
  maxDepth?: number;
  keyFile?: string;
  /** Folders never entered, such as the report folder. */
  skipFolders?: string[];
  /** Broad groups and whether to read ACLs (scanner/access/collector.ts). */
  access?: AccessOptions;
  /** Retention rules and the reference time for ages (scanner/risk.ts). */
  risk?: RiskOptions;
  /** Length of the report's hot-spot list; default 25. */
  hotspots?: number;
}

export interface ScanEvents {
  onItem?(item: ReportItem): void;
}

/** 1 GiB: a share's large logs and exports fit under it, disk images and video do not. */
export const DEFAULT_MAX_FILE_SIZE = 1024 ** 3;
export const DEFAULT_ITEM_TIMEOUT_MS = 120_000;
export const DEFAULT_WORKER_MEMORY_MB = 1536;
export const DEFAULT_MAX_DEPTH = 5;

export async function scan(options: ScanOptions, events: ScanEvents = {}): Promise<Report> {
  const startedAt = new Date();
  const minConfidence = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  const workers = Math.max(1, options.workers ?? availableParallelism());
  const inFlightMax = Math.max(4, options.concurrency ?? workers * 2);
  const key = loadOrCreateKey(keyFilePath(options.keyFile));
  const init: WorkerInit = {
    key: key.toString('hex'),
    minConfidence,
    disabledDetectors: options.disabledDetectors ?? [],
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
  };
  const pool = new Piscina<WorkerTask, ExtractedItem[]>({
    filename: new URL('./worker.js', import.meta.url).href,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 5_000,
    workerData: init,
    resourceLimits: { maxOldGenerationSizeMb: options.workerMemoryMb ?? DEFAULT_WORKER_MEMORY_MB },
  });
  const timeoutMs = options.itemTimeoutMs ?? DEFAULT_ITEM_TIMEOUT_MS;
  const collector = new AccessCollector(options.access);
  const riskOptions = options.risk ?? {};
  const items: ReportItem[] = [];
  const pairs: { item: ReportItem; source: SourceItem }[] = [];
  const record = (item: ReportItem, source: SourceItem) => {
    items.push(item);
    pairs.push({ item, source });
    events.onItem?.(item);
  };

  const inFlight = new Set<Promise<void>>();
  const accessReads = new Set<Promise<void>>();
  try {
    const source = crawlFilesystem(options.roots, {
      include: options.include ?? [],
      exclude: options.exclude ?? [],
      followSymlinks: options.followSymlinks ?? false,
      maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
      skipFolders: options.skipFolders ?? [],
    });
    for await (const item of source) {
      if (item.error || !item.location) {
        record(toReportItem(item, { kind: item.kind, findings: [], error: item.error ?? null }, collector.cheap(item), riskOptions), item);
        continue;
      }
      const task = processFile(pool, item, timeoutMs).then((results) => {
        if (!results.some((r) => r.findings.length > 0)) {
          const access = collector.cheap(item);
          for (const result of results) record(toReportItem(item, result, access, riskOptions), item);
          return;
        }
        // The ACL is read once per file, only when it holds personal data, and outside the
        // in-flight limit: files keep flowing to the workers while ACL reads gather into batches.
        const withAcl = collector.full(item).then((access) => {
          for (const result of results) record(toReportItem(item, result, access, riskOptions), item);
        });
        accessReads.add(withAcl);
        void withAcl.finally(() => accessReads.delete(withAcl));
      });
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
      if (inFlight.size >= inFlightMax) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    await Promise.all(accessReads);
  } finally {
    await pool.destroy();
  }

  const { folders, hotspots } = await rollUp(pairs, collector, {
    risk: riskOptions,
    ...(options.hotspots !== undefined ? { hotspots: options.hotspots } : {}),
  });
  items.sort(compareItems);
  const finishedAt = new Date();
  return { ...buildReport(items, options.roots, startedAt, finishedAt, minConfidence), folders, hotspots };
}

async function processFile(pool: Piscina<WorkerTask, ExtractedItem[]>, item: SourceItem, timeoutMs: number): Promise<ExtractedItem[]> {
  const task: WorkerTask = { location: item.location as Buffer, name: basename(item.path) || 'file', size: item.size };
  try {
    const results = await pool.run(task, { signal: AbortSignal.timeout(timeoutMs) });
    return results.length > 0 ? results : [{ kind: item.kind, findings: [], error: itemError('internal', 'the worker returned nothing for this item') }];
  } catch (err) {
    return [{ kind: item.kind, findings: [], error: workerFailure(err, timeoutMs) }];
  }
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

function toReportItem(source: SourceItem, result: ExtractedItem, access: Access | undefined, riskOptions: RiskOptions): ReportItem {
  const item: ReportItem = {
    path: source.path,
    ...(result.entry !== undefined ? { entry: result.entry } : {}),
    uri: result.entry !== undefined ? `${source.uri}#${encodeURIComponent(result.entry)}` : source.uri,
    kind: result.kind,
    ...(result.mediaType ? { mediaType: result.mediaType } : {}),
    size: result.entry !== undefined ? (result.size ?? 0) : source.size,
    ...(source.modified ? { modified: source.modified } : {}),
    ...(access ? { access } : {}),
    findings: result.findings,
    risk: scoreRisk(result.findings, access, result.error, { path: source.path, ...(source.modified ? { modified: source.modified } : {}) }, riskOptions),
    error: result.error,
  };
  return item;
}

function compareItems(a: ReportItem, b: ReportItem): number {
  return a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0;
}

export function buildReport(items: ReportItem[], roots: string[], startedAt: Date, finishedAt: Date, minConfidence: number): Report {
  const byType: Record<string, number> = {};
  const byErrorCode: Record<string, number> = {};
  let findings = 0;
  let withFindings = 0;
  let bytes = 0;
  let errors = 0;
  let skipped = 0;
  for (const item of items) {
    if (item.findings.length > 0) withFindings++;
    findings += item.findings.length;
    if (item.entry === undefined) bytes += item.size;
    for (const f of item.findings) byType[f.type] = (byType[f.type] ?? 0) + 1;
    if (item.error) {
      byErrorCode[item.error.code] = (byErrorCode[item.error.code] ?? 0) + 1;
      if (SKIP_CODES.has(item.error.code)) skipped++;
      else errors++;
    }
  }
  return {
    schema: 'inzage.report/v1',
    tool: { name: 'inzage', version: VERSION },
    scan: { id: randomUUID(), startedAt: startedAt.toISOString(), finishedAt: finishedAt.toISOString(), roots, minConfidence },
    stats: {
      items: items.length,
      itemsWithFindings: withFindings,
      findings,
      bytes,
      errors,
      skipped,
      durationMs: finishedAt.getTime() - startedAt.getTime(),
      byType,
      byErrorCode,
    },
    items,
  };
}
