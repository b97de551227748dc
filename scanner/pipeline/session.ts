/**
 * ScanSession: the worker pool, the key and the state, shared by a scan and by watch mode. It
 * decides for each item whether the stored result still holds (same version and settings), has
 * the others read in the pool, works out which findings are new and which went (against the
 * state's own findings of that item only), and stores the result.
 *
 * The pool keeps one task queued per worker beside the one it runs, so a worker never waits for
 * the main thread; the item's time limit still runs from when a worker takes it up (the worker
 * says so on a message port).
 */
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import pLimit, { type LimitFunction } from 'p-limit';
import { Piscina } from 'piscina';
import { DEFAULT_MIN_CONFIDENCE } from '../../detectors/engine.js';
import { type PackedItems, unpackItems } from '../../detectors/packed.js';
import { regionsOfPath } from '../../detectors/region-hints.js';
import { AccessCollector } from '../access/collector.js';
import { itemError } from '../errors.js';
import type { Access, ExtractedItem, ItemError, OcrCost, ResolvedFinding, SourceItem } from '../model.js';
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
        idleTimeout: 5_000,
        workerData: init,
        resourceLimits: { maxOldGenerationSizeMb: options.workerMemoryMb ?? DEFAULT_WORKER_MEMORY_MB },
      });
    this.timeoutMs = options.itemTimeoutMs ?? DEFAULT_ITEM_TIMEOUT_MS;
    // Two tasks per worker: one running, one waiting in the pool's queue, so a worker that finishes
    // starts the next item at once instead of waiting for the main thread to store the last one.
    this.slots = pLimit(this.workers * 2);
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
      ...(item.bytes ? { bytes: item.bytes } : { location: item.location as Buffer }),
      name,
      size: item.size,
      ...(regions.length ? { regions } : {}),
    };
    const abort = new AbortController();
    const { port1, port2 } = new MessageChannel();
    let timer: NodeJS.Timeout | undefined;
    // The worker stops itself at the deadline and keeps what it found; the abort is for a parser stuck in one part.
    port1.once('message', () => {
      timer = setTimeout(() => abort.abort(timeoutError()), this.timeoutMs + hardTimeoutGrace(this.timeoutMs));
      port1.close();
    });
    try {
      const packed = await this.slots(() =>
        this.pool.run({ ...task, timeoutMs: this.timeoutMs, started: port2 }, { signal: abort.signal, transferList: [port2] }),
      );
      const results = unpackItems(packed);
      if (results.length === 0) return [{ kind: item.kind, findings: [], error: itemError('internal', 'the worker returned nothing for this item') }];
      // The worker calls every top item a file; the source knows better (a mail message).
      return results.map((r) => (r.entry === undefined ? { ...r, kind: item.kind } : r));
    } catch (err) {
      return [{ kind: item.kind, findings: [], error: workerFailure(err, this.timeoutMs) }];
    } finally {
      if (timer) clearTimeout(timer);
      port1.close();
    }
  }

  async close(): Promise<void> {
    await this.started?.destroy();
    await this.store.close();
  }
}

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
