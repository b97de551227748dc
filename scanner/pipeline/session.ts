/**
 * ScanSession: the worker pool, the key and the state, shared by a scan and by watch mode. It
 * decides for each item whether the stored result still holds (same version and settings), has
 * the others read in the pool, works out which findings are new and which went (against the
 * state's own findings of that item only), and stores the result.
 *
 * The pool hands each worker its next tasks while it runs one (the worker takes them in turn), so
 * a worker never waits for a main thread held up by a state write; the item's time limit still
 * runs from when a worker takes it up (the worker says so on the session's broadcast channel).
 */

import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { BroadcastChannel } from 'node:worker_threads';
import pLimit, { type LimitFunction } from 'p-limit';
import { Piscina } from 'piscina';
import { DEFAULT_MIN_CONFIDENCE } from '../../detectors/confidence.js';
import { type PackedItems, unpackItems } from '../../detectors/packed.js';
import { regionsOfPath } from '../../detectors/region-hints.js';
import { AccessCollector } from '../access/collector.js';
import { itemError } from '../errors.js';
import type { Access, ExtractedItem, ItemError, ItemKind, OcrCost, ResolvedFinding, SourceItem } from '../model.js';
import { foldersOf } from '../report/rollup.js';
import { keyFilePath, loadOrCreateKey } from '../state/secret-key.js';
import { canReuse, type ScanState, SqliteStore, stateDir, versionOf } from '../state/state.js';
import type { ItemWrite, PriorItem } from '../state/store.js';
import type { BatchWriter } from './batch-writer.js';
import { findingChanges } from './item-changes.js';
import { DEFAULT_ITEM_TIMEOUT_MS, DEFAULT_WORKER_MEMORY_MB, type ProgressEvent, type ScanOptions } from './options.js';
import { resultSettings, workerInit } from './reading-settings.js';
import type { WorkerTask } from './worker.js';

/** The file each pool worker loads: a CommonJS entry, so piscina loads our ES modules one way only (see worker-entry.cts). */
export const WORKER_ENTRY = new URL('./worker-entry.cjs', import.meta.url).href;

/**
 * What every pool of scan workers shares (this session's and the distributed worker's).
 *
 * `atomics: 'async'`: piscina's default has an idle worker wait for its next task in
 * `Atomics.wait`, which blocks the thread's event loop; with tasks that finish within their own
 * microtasks (a small file is read synchronously) the loop then never turned between tasks. Timers
 * in the worker never fired and messages for it were never taken: every other worker's start
 * signal stayed queued, about 280 bytes per item read (a million small files peaked at 647 MB).
 * `Atomics.waitAsync` waits the same way but lets the loop run (test/worker-pool.test.ts).
 */
export const WORKER_POOL_OPTIONS = { atomics: 'async', idleTimeout: 5_000 } as const;

/** What the scan learns of items as they pass, for the work after the crawl. */
export interface ScanLedger {
  /** Findings that were stored before and are not any more (items read again). */
  resolved: ResolvedFinding[];
  /** Top items with findings whose ACL must be read (new, read again, or access changed), with their mode. */
  needAcl: Map<string, number | undefined>;
  /** Every folder holding an item, by uri. */
  folders: Set<string>;
}

export const newLedger = (): ScanLedger => ({ resolved: [], needAcl: new Map(), folders: new Set() });

export class ScanSession {
  /** The state as the rest of the code reads it. */
  readonly store: SqliteStore;
  /** The same state, synchronous: for watch mode until it uses the store (sources never see it). */
  readonly state: ScanState;
  readonly minConfidence: number;
  private readonly startPool: () => Piscina<WorkerTask, PackedItems<ExtractedItem>>;
  private started: Piscina<WorkerTask, PackedItems<ExtractedItem>> | undefined;
  private get pool(): Piscina<WorkerTask, PackedItems<ExtractedItem>> {
    this.started ??= this.startPool();
    return this.started;
  }
  /** Where workers say they took a task up: one channel for the session, named for it alone. */
  private readonly startChannel = `inzage-start-${randomUUID()}`;
  private startListener: BroadcastChannel | undefined;
  /** What to do when a task starts on a worker thread, by task id. */
  private readonly onStart = new Map<number, (threadId: number) => void>();
  /** Worker threads ended for an item past its time limit: the other tasks they held are sent again. */
  private readonly ended = new Set<number>();
  private nextTaskId = 0;
  private readonly slots: LimitFunction;
  private readonly timeoutMs: number;
  readonly workers: number;
  readonly collector: AccessCollector;
  /** What results depend on besides the file: stored with each item, compared before reusing it. */
  readonly settings: string;
  /** Filled by every item handled; a scan reads it when the crawl is done. */
  ledger: ScanLedger = newLedger();

  constructor(options: Omit<ScanOptions, 'roots'>) {
    this.minConfidence = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
    this.workers = Math.max(1, options.workers ?? availableParallelism());
    const dir = stateDir(options.stateDir);
    const key = loadOrCreateKey(keyFilePath(options.keyFile ?? (process.env.INZAGE_KEY_FILE ? undefined : join(dir, 'secret.key'))));
    this.store = SqliteStore.open(dir);
    this.state = this.store.state;
    this.collector = new AccessCollector(options.access);
    this.settings = resultSettings(options);
    const init = workerInit(options, key, options.debug);
    // Threads start with the first item that must be read: an unchanged rescan builds no engines.
    this.startPool = () =>
      new Piscina<WorkerTask, PackedItems<ExtractedItem>>({
        filename: WORKER_ENTRY,
        minThreads: this.workers,
        maxThreads: this.workers,
        // Each worker holds its next tasks beside the one it runs: a worker that finishes starts the
        // next at once, even while the main thread is inside a state write (which can take 100 ms).
        concurrentTasksPerWorker: TASKS_PER_WORKER,
        ...WORKER_POOL_OPTIONS,
        workerData: init,
        resourceLimits: { maxOldGenerationSizeMb: options.workerMemoryMb ?? DEFAULT_WORKER_MEMORY_MB },
      });
    this.timeoutMs = options.itemTimeoutMs ?? DEFAULT_ITEM_TIMEOUT_MS;
    // As many tasks as the workers hold: more would only wait in the pool's queue on the main thread.
    this.slots = pLimit(this.workers * TASKS_PER_WORKER);
  }

  /** Reads (or reuses) one item and stores it at once; resolves when it is in the state (watch mode). */
  async handle(scanId: string, item: SourceItem): Promise<ProgressEvent> {
    const { event, write } = await this.process(item);
    await this.store.writeItems(scanId, [write]);
    return event;
  }

  /** Reads (or reuses) one item and queues its write; `onStored` runs once it is committed. */
  async handleBatched(item: SourceItem, writer: BatchWriter, onStored: (event: ProgressEvent) => void): Promise<void> {
    const { event, write } = await this.process(item);
    writer.add(write, () => onStored(event));
  }

  /** The decision for one item and what to write for it. */
  async process(item: SourceItem): Promise<{ event: ProgressEvent; write: ItemWrite }> {
    this.noteFolders(item);
    const base = { path: item.path, size: item.size };
    const prior = (await this.store.priorItems([item.uri])).get(item.uri);
    // Mode bits now, or what the source says (a mailbox, a drive item's sharing links); the ACL of
    // files with findings is read in one batch when the crawl is done.
    const access = item.access ?? this.collector.cheap(item);
    const accessVersion = item.accessVersion;
    const failed = async (error: ItemError) => {
      const write = await this.replacement(item, prior, access, [{ kind: item.kind, findings: [], error }]);
      return { event: { ...base, findings: 0, error, reused: false }, write };
    };
    if (item.error || (!item.location && !item.bytes && !item.fetch)) {
      return failed(item.error ?? itemError('internal', 'the source gave no way to read this item'));
    }
    if (canReuse(prior, item, this.settings)) {
      // The stored ACL still holds when the access version is unchanged: neither replaced nor read again.
      const sameAccess = accessVersion !== undefined && prior.accessVersion === accessVersion && !item.access;
      if (!sameAccess && prior.findingCount > 0 && !item.access && item.location) this.ledger.needAcl.set(item.uri, modeOf(access));
      const write: ItemWrite = sameAccess
        ? { op: 'reuse', uri: item.uri }
        : { op: 'reuse', uri: item.uri, access: access ?? null, ...(accessVersion ? { accessVersion } : {}) };
      return { event: { ...base, findings: prior.findingCount, error: null, reused: true }, write };
    }
    if (item.fetch) {
      // Only now, as the stored result does not hold: the download the source put off.
      const fetched = await item.fetch();
      if ('error' in fetched) {
        item = { ...item, error: fetched.error };
        return failed(fetched.error);
      }
      item = { ...item, bytes: fetched.bytes, size: fetched.bytes.length };
      if (fetched.complete === false) {
        // Without a version an incomplete result is never reused.
        delete item.version;
        delete item.fingerprint;
      }
    }
    const results = await this.extract(item);
    const write = await this.replacement(item, prior, access, results);
    const findings = results.reduce((n, r) => n + r.findings.length, 0);
    if (findings > 0 && !item.access && item.location) this.ledger.needAcl.set(item.uri, modeOf(access));
    const ocr = ocrCost(results);
    return { event: { ...base, findings, error: results[0]?.error ?? null, reused: false, ...(ocr ? { ocr } : {}) }, write };
  }

  private noteFolders(item: SourceItem): void {
    for (const f of foldersOf({ uri: item.uri, path: item.path, kind: item.kind, root: resolve(item.root), parentUri: null }) ?? []) {
      if (this.ledger.folders.has(f.uri)) break;
      this.ledger.folders.add(f.uri);
    }
  }

  /**
   * The write for an item read again, with the findings that are new against what the state held
   * for it (matched per entry as a multiset of type and hash); the stored findings that found no
   * match are resolved.
   */
  private async replacement(item: SourceItem, prior: PriorItem | undefined, access: Access | undefined, results: ExtractedItem[]): Promise<ItemWrite> {
    const { newFindings, resolved } = await findingChanges(this.store, item, prior, results);
    for (const r of resolved) this.ledger.resolved.push(r);
    return {
      op: 'replace',
      item,
      version: versionOf(item),
      ...(access ? { access } : {}),
      ...(item.accessVersion ? { accessVersion: item.accessVersion } : {}),
      results,
      settings: this.settings,
      newFindings,
    };
  }

  private async extract(item: SourceItem): Promise<ExtractedItem[]> {
    const name = item.name ?? (basename(item.path) || 'file');
    const regions = regionsOfPath(`${item.root}/${item.path}`);
    const task: WorkerTask = {
      ...(item.bytes ? { bytes: ownBytes(item.bytes) } : { location: ownBytes(item.location as Buffer) }),
      name,
      size: item.size,
      ...(regions.length ? { regions } : {}),
    };
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.runTask(task, item.kind);
      // A task held by a worker that was ended for another item (its time limit, its heap) never
      // began: the item is not at fault, so it is sent once more, to a fresh worker.
      if ('unstarted' in outcome && attempt < 2) continue;
      return 'unstarted' in outcome ? outcome.unstarted : outcome.results;
    }
  }

  private async runTask(task: WorkerTask, kind: ItemKind): Promise<{ results: ExtractedItem[] } | { unstarted: ExtractedItem[] }> {
    const id = this.nextTaskId++;
    let timer: NodeJS.Timeout | undefined;
    let thread: number | undefined;
    let overran = false;
    // The worker stops itself at the deadline and keeps what it found; ending its thread is for a
    // parser stuck in one part. Not piscina's abort signal: piscina gives a task with a signal a
    // worker of its own, so no worker could hold its next task.
    this.onStart.set(id, (threadId) => {
      thread = threadId;
      timer = setTimeout(() => {
        overran = true;
        this.endThread(threadId);
      }, this.timeoutMs + hardTimeoutGrace(this.timeoutMs));
    });
    try {
      const packed = await this.slots(() => {
        this.listenForStarts();
        return this.pool.run({ ...task, timeoutMs: this.timeoutMs, startSignal: { channel: this.startChannel, id } });
      });
      const results = unpackItems(packed);
      if (results.length === 0) return { results: [{ kind, findings: [], error: itemError('internal', 'the worker returned nothing for this item') }] };
      // The worker calls every top item a file; the source knows better (a mail message).
      return { results: results.map((r) => (r.entry === undefined ? { ...r, kind } : r)) };
    } catch (err) {
      const failed = [{ kind, findings: [], error: workerFailure(overran ? timeoutError() : err, this.timeoutMs) }];
      // Not begun, or begun on a thread ended for another item's time limit: not this item's fault.
      const bystander = thread === undefined || (!overran && this.ended.has(thread));
      return bystander ? { unstarted: failed } : { results: failed };
    } finally {
      if (timer) clearTimeout(timer);
      this.onStart.delete(id);
    }
  }

  /** Ends a worker thread held up past an item's time limit; the pool starts another in its place. */
  private endThread(threadId: number): void {
    this.ended.add(threadId);
    void this.started?.threads
      .find((t) => t.threadId === threadId)
      ?.terminate()
      .catch(() => undefined);
  }

  private listenForStarts(): void {
    if (this.startListener) return;
    const listener = new BroadcastChannel(this.startChannel);
    listener.onmessage = (event) => {
      const [id, threadId] = (event as { data: [number, number] }).data;
      const started = this.onStart.get(id);
      this.onStart.delete(id);
      started?.(threadId);
    };
    // Tasks in the pool keep the process alive, not this channel.
    listener.unref();
    this.startListener = listener;
  }

  async close(): Promise<void> {
    await this.started?.destroy();
    this.startListener?.close();
    await this.store.close();
  }
}

/** Tasks a worker holds at once: the one it runs and the next ones, run in turn (worker.ts). */
const TASKS_PER_WORKER = 3;

const modeOf = (access: Access | undefined) => (access?.mode ? Number.parseInt(access.mode, 8) : undefined);

function timeoutError(): Error {
  const err = new Error('the item took longer than its time limit');
  err.name = 'TimeoutError';
  return err;
}

/** Time a worker gets past the deadline to stop between parts before it is terminated. */
function hardTimeoutGrace(timeoutMs: number): number {
  return Math.max(2_000, Math.round(timeoutMs * 0.2));
}

function workerFailure(err: unknown, timeoutMs: number) {
  const e = err as { name?: string; code?: string; message?: string; cause?: { name?: string } } | undefined;
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError') {
    return itemError('timeout', `reading took longer than ${Math.round(timeoutMs / 1000)} s and was stopped; raise --timeout or look at the file`);
  }
  if (e?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return itemError('too-large', 'reading it needed more memory than a worker may use (--worker-memory); not scanned');
  }
  return itemError('internal', `the worker failed on this item (${e?.name ?? 'error'}); the scan went on`);
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

/**
 * The bytes in an array of their own, for a task message: a structured clone copies a view's whole
 * ArrayBuffer, and a small Buffer is a view of Node's 8 KB pool, so each task copied 8 KB for a
 * path of 50 bytes (7 µs a task; with many small files the main thread's largest cost after lstat).
 */
function ownBytes(view: Uint8Array): Uint8Array {
  return view.byteOffset === 0 && view.byteLength === view.buffer.byteLength ? view : new Uint8Array(view);
}
