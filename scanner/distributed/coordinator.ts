/**
 * `inzage scan --queue URL --store URL`: the coordinator of a distributed scan. It creates the
 * scan in the store, enqueues one crawl job per root, shows progress from the queue and the
 * store, waits until no job is left, then marks what no worker saw as gone and streams the
 * report from the store, item by item, as a local scan does (workers mark new findings per item). It reads no file itself, so it can run anywhere.
 *
 * Restartable: the running scan's id and the comparison base are kept in the store, and the jobs
 * live in Redis, so a coordinator killed and started again with the same roots picks the scan up
 * where it was. A scan marker in Redis tells whether Redis kept its data: when Redis comes back
 * empty (no persistence), the coordinator enqueues the roots again, and the workers reuse every
 * item already stored for this scan by its version, so only what was lost is read again.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DEFAULT_MIN_CONFIDENCE } from '../../detectors/confidence.js';
import { InzageError } from '../errors.js';
import type { Report, ReportChanges, ResolvedFinding } from '../model.js';
import { resultSettings } from '../pipeline/reading-settings.js';
import {
  DEFAULT_ITEM_TIMEOUT_MS,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_FILE_SIZE,
  DEFAULT_WORKER_MEMORY_MB,
  type ScanOptions,
  type ScanResult,
} from '../pipeline/scan.js';
import { snapshotOf } from '../report/assemble.js';
import { type StoredChanges, saveReportSettings } from '../report/from-state.js';
import { collectReport, type ReportSettings, type StreamContext, snapshotMarker, stateMarker } from '../report/stream.js';
import { loadSuppressions } from '../report/suppressions.js';
import { PostgresStore } from '../state/postgres.js';
import { rootKey, stateDir } from '../state/state.js';
import type { ScanStore } from '../state/store.js';
import { type DistributedScanOptions, enqueue, markerKey, openQueue, progressKey, redisConnection } from './queue.js';

/** The scan this store is running, if any: one distributed scan at a time per store and queue. */
const RUNNING_KEY = 'distributed/running';
const baseKey = (scanId: string) => `distributed/base/${scanId}`;

export interface DistributedProgress {
  items: number;
  withFindings: number;
  errors: number;
  queued: number;
  active: number;
  failed: number;
  /** Files and folders done per worker (host/pid/tag), from this scan's start. */
  perWorker: Record<string, number>;
}

export interface CoordinatorOptions extends ScanOptions {
  queueUrl: string;
  storeUrl: string;
  prefix: string;
  onProgress?: (p: DistributedProgress) => void;
  /** How often the queue is asked; default 500 ms. */
  pollMs?: number;
}

interface RunningScan {
  scanId: string;
  roots: string[];
}

/** What the scan is compared with, kept in the store so a restarted coordinator compares the same way: small, never the findings. */
interface ComparisonBase {
  since: ReportChanges['since'];
}

export function distributedSettings(options: ScanOptions): DistributedScanOptions {
  const minConfidence = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const configPath = options.configPath ? resolve(options.configPath) : undefined;
  return {
    include: options.include ?? [],
    exclude: options.exclude ?? [],
    maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
    skipFolders: [...(options.skipFolders ?? []), stateDir(options.stateDir)],
    itemTimeoutMs: options.itemTimeoutMs ?? DEFAULT_ITEM_TIMEOUT_MS,
    workerMemoryMb: options.workerMemoryMb ?? DEFAULT_WORKER_MEMORY_MB,
    minConfidence,
    disabledDetectors: options.disabledDetectors ?? [],
    maxDepth,
    ...(options.archiveLimits ? { archiveLimits: options.archiveLimits as Record<string, number> } : {}),
    ...(configPath ? { configPath } : {}),
    ...(options.phoneRegions?.length ? { phoneRegions: options.phoneRegions } : {}),
    ...(options.maxFindingsPerItem !== undefined ? { maxFindingsPerItem: options.maxFindingsPerItem } : {}),
    ...(options.ocr ? { ocr: options.ocr } : {}),
    // The same text a local scan stores with each item (ScanSession.settings), so results are reused the same way.
    settings: resultSettings({ ...options, ...(configPath ? { configPath } : {}) }),
  };
}

/**
 * Runs a distributed scan to its end, then hands the store and the report context to `consume`
 * (which streams the reports, as after a local scan), then finishes the scan in the store.
 */
export async function distributedScanThen<T>(
  options: CoordinatorOptions,
  consume: (store: ScanStore, ctx: StreamContext) => Promise<ScanResult<T>>,
): Promise<T> {
  if (options.m365) throw new InzageError('usage', '--m365 cannot be combined with --queue yet: scan Microsoft 365 from one machine');
  if (options.followSymlinks) throw new InzageError('usage', '--follow-symlinks cannot be combined with --queue yet');
  const roots = options.roots.map((r) => rootKey(r));
  const suppressions = await loadSuppressions(options.suppressionsFile);
  const store = await PostgresStore.open(options.storeUrl);
  const connection = redisConnection(options.queueUrl);
  const queue = openQueue(connection, options.prefix);
  try {
    const { scanId, startedAt, base } = await beginOrResume(store, queue, roots, options);
    await waitForQueue(store, queue, connection, scanId, roots, options);
    await store.markGone(scanId, roots);
    // Resolved: what the workers' reads no longer found, and the findings of items gone.
    const resolved: ResolvedFinding[] = [];
    for await (const r of store.resolvedIn(scanId)) resolved.push(r);
    for await (const gone of store.goneItems(scanId, roots)) {
      for (const f of gone.findings) {
        resolved.push({
          path: gone.path,
          ...(gone.entry !== undefined ? { entry: gone.entry } : {}),
          type: f.type,
          category: f.category,
          masked: f.masked,
          hash: f.hash,
        });
      }
    }
    // Folder ACLs are not read: the coordinator may not have the shares mounted. Files keep the owner and mode their worker read.
    const settings: ReportSettings = {
      folderAccess: new Map(),
      ...(options.risk?.retention ? { retention: [...options.risk.retention] } : {}),
      ...(options.hotspots !== undefined ? { hotspots: options.hotspots } : {}),
    };
    await saveReportSettings(store, scanId, settings);
    const progress = await store.progress(scanId);
    const finishedAt = new Date();
    const marker = options.baseline ? snapshotMarker(snapshotOf(options.baseline.report.items), base.since) : stateMarker(scanId, base.since, resolved);
    const { result, changes } = await consume(store, {
      scanId,
      roots,
      startedAt,
      finishedAt,
      minConfidence: options.minConfidence ?? DEFAULT_MIN_CONFIDENCE,
      suppressions,
      marker,
      read: progress.items,
      reused: 0,
      settings,
    });
    await store.finishScan(scanId, finishedAt, { changes, ...(options.baseline ? { baseline: resolve(options.baseline.file) } : {}) } satisfies StoredChanges);
    await store.dropResolved(scanId);
    await store.setValue(RUNNING_KEY, undefined);
    await store.setValue(baseKey(scanId), undefined);
    await connection.del(markerKey(options.prefix, scanId), progressKey(options.prefix, scanId));
    return result;
  } finally {
    await queue.close();
    connection.disconnect();
    await store.close();
  }
}

/** A distributed scan's whole report in memory (the library API; the CLI streams instead). */
export async function distributedScan(options: CoordinatorOptions): Promise<Report> {
  return distributedScanThen(options, async (store, ctx) => {
    const report = await collectReport(store.items({ roots: ctx.roots }), ctx);
    return { result: report, changes: report.changes };
  });
}

async function beginOrResume(
  store: PostgresStore,
  queue: Queue,
  roots: string[],
  options: CoordinatorOptions,
): Promise<{ scanId: string; startedAt: Date; base: ComparisonBase }> {
  const raw = await store.getValue(RUNNING_KEY);
  if (raw) {
    const running = JSON.parse(raw) as RunningScan;
    const scan = await store.scanById(running.scanId);
    if (scan && scan.status === 'running') {
      if (JSON.stringify([...running.roots].sort()) !== JSON.stringify([...roots].sort())) {
        throw new InzageError(
          'scan-running',
          `${store.description} is running another distributed scan (${running.scanId}, of ${running.roots.join(', ')}); start that scan's coordinator again to finish it, or wait for it`,
        );
      }
      // Jobs that ran out of retries (a store or share away for minutes) get another round.
      await queue.retryJobs({ state: 'failed' });
      const base = JSON.parse((await store.getValue(baseKey(running.scanId))) ?? '{"since":null}') as ComparisonBase;
      return { scanId: running.scanId, startedAt: new Date(scan.startedAt), base };
    }
  }
  const scanId = randomUUID();
  const startedAt = new Date();
  const base = await comparisonBase(store, options);
  const settings = distributedSettings(options);
  // Failed jobs of earlier scans would count against this one.
  await queue.clean(0, 0, 'failed');
  await store.setValue(baseKey(scanId), JSON.stringify(base));
  await store.beginScan(scanId, roots, settings.minConfidence, startedAt, settings);
  await store.setValue(RUNNING_KEY, JSON.stringify({ scanId, roots } satisfies RunningScan));
  return { scanId, startedAt, base };
}

/** What the scan is compared with: the baseline report, or the last finished scan of the store. */
async function comparisonBase(store: ScanStore, options: ScanOptions): Promise<ComparisonBase> {
  if (options.baseline) return { since: { baseline: options.baseline.file, at: options.baseline.report.scan.finishedAt } };
  const last = await store.lastFinishedScan();
  return { since: last ? { scanId: last.id, at: last.finishedAt ?? last.startedAt } : null };
}

async function waitForQueue(
  store: PostgresStore,
  queue: Queue,
  connection: Redis,
  scanId: string,
  roots: string[],
  options: CoordinatorOptions,
): Promise<void> {
  const marker = markerKey(options.prefix, scanId);
  const pollMs = options.pollMs ?? 500;
  for (;;) {
    // No marker: a new scan, or Redis lost its data. Enqueuing the roots again is safe either way (job ids and writes are idempotent).
    if ((await connection.exists(marker)) === 0) {
      await enqueue(
        queue,
        roots.map((root) => ({ scanId, root, rel: '' })),
        [],
      );
      await connection.set(marker, new Date().toISOString());
    }
    // One Lua script counts every state at once, so a job moving between states is never missed.
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed');
    const pending = (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0) + (counts['waiting-children'] ?? 0);
    if (options.onProgress) {
      const done = await store.progress(scanId);
      const perWorker: Record<string, number> = {};
      for (const [k, v] of Object.entries(await connection.hgetall(progressKey(options.prefix, scanId)))) perWorker[k] = Number(v);
      options.onProgress({ ...done, queued: pending - (counts.active ?? 0), active: counts.active ?? 0, failed: counts.failed ?? 0, perWorker });
    }
    if (pending === 0 && (await connection.exists(marker)) === 1) {
      if ((counts.failed ?? 0) > 0) {
        throw new InzageError(
          'jobs-failed',
          `${counts.failed} work unit(s) failed after every retry (the workers' logs say why); fix the cause and run the same inzage scan command again: it resumes this scan and retries them`,
        );
      }
      return;
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
