/**
 * `inzage worker`: takes work units from the queue and writes results to the PostgreSQL store,
 * with the same worker-thread pool, extractors and detectors as a local scan.
 *
 * - A `crawl` job lists one folder (the share mounted at the same path on every worker) and
 *   enqueues its child folders and its files in batches. A folder that cannot be listed is
 *   recorded as an item with its error, as a local scan records it.
 * - An `items` job stats each file again, reuses the stored result when the version and settings
 *   match, reads the rest in the pool, and writes the whole batch in one transaction.
 * - SIGTERM: no new jobs are taken, the current ones finish, then the process exits. SIGKILL (or a
 *   lost machine): the jobs' locks expire and BullMQ's stalled-job check hands them to another
 *   worker; the writes are idempotent, so a batch done twice is stored once.
 *
 * The HMAC key comes from INZAGE_KEY_FILE on this machine only. Workers agree on it through a
 * check value in the store (an HMAC of a fixed text under the key, which does not reveal it): a
 * worker with another key refuses to start, since its hashes would not match the others'.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { type Job, Worker } from 'bullmq';
import pLimit, { type LimitFunction } from 'p-limit';
import picomatch from 'picomatch';
import { Piscina } from 'piscina';
import { type PackedItems, unpackItems } from '../../detectors/packed.js';
import { regionsOfPath } from '../../detectors/region-hints.js';
import { AccessCollector } from '../access/collector.js';
import { fsItemError, InzageError, itemError } from '../errors.js';
import type { ExtractedItem, SourceItem } from '../model.js';
import { findingChanges } from '../pipeline/item-changes.js';
import { workerInit } from '../pipeline/reading-settings.js';
import { WORKER_ENTRY, WORKER_POOL_OPTIONS } from '../pipeline/scan.js';
import type { WorkerTask } from '../pipeline/worker.js';
import { readIgnoreFiles } from '../report/suppressions.js';
import { DEFAULT_EXCLUDES, fileUri, sourceItemFor } from '../sources/filesystem.js';
import { PostgresStore } from '../state/postgres.js';
import { loadOrCreateKey } from '../state/secret-key.js';
import { canReuse, versionOf } from '../state/state.js';
import type { ItemWrite } from '../state/store.js';
import {
  type CrawlJob,
  type DistributedScanOptions,
  enqueue,
  FILE_BATCH,
  type ItemsJob,
  openQueue,
  progressKey,
  QUEUE_NAME,
  redisConnection,
} from './queue.js';

export const KEY_CHECK = 'distributed/key-check';
const KEY_CHECK_TEXT = 'inzage distributed key check v1';

export interface WorkerOptions {
  queueUrl: string;
  storeUrl: string;
  prefix: string;
  /** Worker threads for parsing and detection; default: the number of cores. */
  threads: number;
  /** Jobs taken at once; default: twice the threads. */
  concurrency?: number;
  /** How long a job's lock lasts without renewal; a killed worker's jobs come back after about this long. */
  lockMs?: number;
  /** Parser output of this machine's threads on its stderr, masked (`inzage worker --debug`). */
  debug?: boolean;
  /** Told when a job ends, for the log line. */
  onJob?: (event: { name: string; files: number; failed?: string }) => void;
}

export interface RunningWorker {
  name: string;
  /** Stops taking jobs, finishes the current ones, closes everything. */
  close(): Promise<void>;
}

/** The key from INZAGE_KEY_FILE, which must exist: a worker never makes up a key of its own. */
export function workerKey(): Buffer {
  const file = process.env.INZAGE_KEY_FILE;
  if (!file) {
    throw new InzageError(
      'no-key-file',
      'a worker needs the installation key: set INZAGE_KEY_FILE to a copy of the key file (mode 0600) on this machine; the key is never sent through Redis or PostgreSQL',
    );
  }
  if (!existsSync(file)) {
    throw new InzageError(
      'no-key-file',
      `INZAGE_KEY_FILE names ${file}, which does not exist on this machine; copy the installation's key file there (mode 0600)`,
    );
  }
  return loadOrCreateKey(resolve(file));
}

export const keyCheckValue = (key: Buffer) => createHmac('sha256', key).update(KEY_CHECK_TEXT).digest('hex');

/** The pool and settings of one scan's options; rebuilt when a job of a scan with other settings comes. */
class ReadingPool {
  readonly pool: Piscina<WorkerTask, PackedItems<ExtractedItem>>;
  readonly slots: LimitFunction;

  constructor(
    readonly options: DistributedScanOptions,
    key: Buffer,
    threads: number,
    debug: boolean,
  ) {
    const init = workerInit(options, key, debug);
    this.pool = new Piscina<WorkerTask, PackedItems<ExtractedItem>>({
      filename: WORKER_ENTRY,
      minThreads: threads,
      maxThreads: threads,
      ...WORKER_POOL_OPTIONS,
      workerData: init,
      resourceLimits: { maxOldGenerationSizeMb: options.workerMemoryMb },
    });
    // One task per thread at a time, so an item's time limit runs from when a thread takes it up.
    this.slots = pLimit(threads);
  }

  async extract(item: SourceItem): Promise<ExtractedItem[]> {
    const timeoutMs = this.options.itemTimeoutMs;
    const regions = regionsOfPath(`${item.root}/${item.path}`);
    const task: WorkerTask = {
      location: item.location as Buffer,
      name: basename(item.path) || 'file',
      size: item.size,
      ...(regions.length ? { regions } : {}),
    };
    try {
      const packed = await this.slots(() =>
        this.pool.run({ ...task, deadline: Date.now() + timeoutMs }, { signal: AbortSignal.timeout(timeoutMs + Math.max(2_000, Math.round(timeoutMs * 0.2))) }),
      );
      // Findings come back packed (detectors/packed.ts), as in a local scan.
      const results = unpackItems(packed);
      if (results.length === 0) return [{ kind: item.kind, findings: [], error: itemError('internal', 'the worker returned nothing for this item') }];
      return results.map((r) => (r.entry === undefined ? { ...r, kind: item.kind } : r));
    } catch (err) {
      const e = err as { name?: string; code?: string } | undefined;
      if (e?.name === 'AbortError' || e?.name === 'TimeoutError') {
        const s = Math.round(timeoutMs / 1000);
        return [
          {
            kind: item.kind,
            findings: [],
            error: itemError('timeout', `reading took longer than ${s} s and was stopped; raise --timeout or look at the file`),
          },
        ];
      }
      if (e?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        return [
          {
            kind: item.kind,
            findings: [],
            error: itemError('too-large', 'reading it needed more memory than a worker may use (--worker-memory); not scanned'),
          },
        ];
      }
      return [{ kind: item.kind, findings: [], error: itemError('internal', `the worker failed on this item (${e?.name ?? 'error'}); the scan went on`) }];
    }
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const key = workerKey();
  const store = await PostgresStore.open(options.storeUrl, { max: Math.max(2, options.threads) });
  const check = keyCheckValue(key);
  if ((await store.setValueOnce(KEY_CHECK, check)) !== check) {
    await store.close();
    throw new InzageError(
      'key-mismatch',
      `the key in INZAGE_KEY_FILE (${process.env.INZAGE_KEY_FILE}) is not the key the other workers of ${store.description} use; copy the same key file to every machine`,
    );
  }
  const name = `${hostname()}/${process.pid}/${randomBytes(2).toString('hex')}`;
  const connection = redisConnection(options.queueUrl);
  const queue = openQueue(connection, options.prefix);
  const collector = new AccessCollector({});
  const scans = new Map<string, DistributedScanOptions>();
  let reading: ReadingPool | undefined;

  async function scanOptions(scanId: string): Promise<DistributedScanOptions> {
    const known = scans.get(scanId);
    if (known) return known;
    const scan = await store.scanById(scanId);
    if (!scan?.options) throw new InzageError('unknown-scan', `the store has no scan ${scanId}; was the queue filled against another store?`);
    const opts = scan.options as DistributedScanOptions;
    scans.set(scanId, opts);
    return opts;
  }

  async function poolFor(opts: DistributedScanOptions): Promise<ReadingPool> {
    // The threads were started with one scan's settings; OCR on or off is not in `settings` (skipped pages are never reused).
    const same =
      reading &&
      reading.options.settings === opts.settings &&
      reading.options.itemTimeoutMs === opts.itemTimeoutMs &&
      JSON.stringify(reading.options.ocr ?? null) === JSON.stringify(opts.ocr ?? null);
    if (reading && same) return reading;
    await reading?.close();
    reading = new ReadingPool(opts, key, options.threads, options.debug ?? false);
    return reading;
  }

  async function crawl(job: CrawlJob): Promise<number> {
    const opts = await scanOptions(job.scanId);
    const root = resolve(job.root);
    const abs = job.rel ? join(root, job.rel) : root;
    const base = { root: job.root };
    if (job.rel === '') {
      let s: Awaited<ReturnType<typeof stat>>;
      try {
        s = await stat(root);
      } catch (err) {
        const item: SourceItem = {
          ...base,
          path: '',
          uri: fileUri(Buffer.from(root)),
          kind: 'folder',
          size: 0,
          error: fsItemError(err, 'opening the scan root'),
        };
        await store.writeItems(job.scanId, [errorWrite(item, opts)]);
        return 1;
      }
      if (!s.isDirectory()) {
        await enqueue(queue, [], [{ scanId: job.scanId, root: job.root, files: [{ rel: '', version: `${s.size}:${s.mtimeMs}` }] }]);
        return 0;
      }
    }
    const matchOptions = { dot: true, basename: true } as const;
    const excluded = picomatch([...DEFAULT_EXCLUDES, ...opts.exclude, ...readIgnoreFiles([root])], matchOptions);
    const included = opts.include.length ? picomatch(opts.include, matchOptions) : () => true;
    const skip = new Set(opts.skipFolders.map((p) => resolve(p)));
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(abs, { withFileTypes: true });
    } catch (err) {
      const item: SourceItem = {
        ...base,
        path: job.rel,
        uri: fileUri(Buffer.from(abs)),
        kind: 'folder',
        size: 0,
        location: Buffer.from(abs),
        error: fsItemError(err, 'listing the folder'),
      };
      await store.writeItems(job.scanId, [errorWrite(item, opts)]);
      return 1;
    }
    entries.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
    const folders: CrawlJob[] = [];
    const files: string[] = [];
    for (const entry of entries) {
      const rel = job.rel ? `${job.rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!excluded(rel) && !skip.has(join(abs, entry.name))) folders.push({ scanId: job.scanId, root: job.root, rel });
      } else if (!excluded(rel) && included(rel)) files.push(rel);
    }
    const batches: ItemsJob[] = [];
    for (let i = 0; i < files.length; i += FILE_BATCH) {
      const batch = files.slice(i, i + FILE_BATCH);
      // The version the crawl sees; the worker that reads the file stats it again.
      const versions = await Promise.all(
        batch.map((rel) =>
          stat(join(root, rel)).then(
            (s) => `${s.size}:${s.mtimeMs}`,
            () => '',
          ),
        ),
      );
      batches.push({ scanId: job.scanId, root: job.root, files: batch.map((rel, j) => ({ rel, version: versions[j] ?? '' })) });
    }
    await enqueue(queue, folders, batches);
    return 0;
  }

  function errorWrite(item: SourceItem, opts: DistributedScanOptions): ItemWrite {
    return {
      op: 'replace',
      item,
      version: versionOf(item),
      ...(item.access ? { access: item.access } : {}),
      results: [{ kind: item.kind, findings: [], error: item.error ?? itemError('internal', 'the source gave no way to read this item') }],
      settings: opts.settings,
    };
  }

  async function items(job: ItemsJob): Promise<number> {
    const opts = await scanOptions(job.scanId);
    const fsOptions = { maxFileSize: opts.maxFileSize, followSymlinks: false };
    const list = await Promise.all(
      job.files.map(async (f): Promise<SourceItem> => {
        if (f.rel !== '') return sourceItemFor(job.root, f.rel, fsOptions);
        // A root that is a file: shown by its name, as a local scan shows it.
        const root = resolve(job.root);
        return { ...(await sourceItemFor(dirname(root), basename(root), fsOptions)), root: job.root };
      }),
    );
    const prior = await store.priorItems(list.map((i) => i.uri));
    const pool = await poolFor(opts);
    const writes = await Promise.all(
      list.map(async (item): Promise<ItemWrite> => {
        const access = item.access ?? collector.cheap(item);
        if (item.error || !item.location) {
          // A file that cannot be read now: the findings it held are resolved, as in a local scan.
          const write = errorWrite({ ...item, ...(access ? { access } : {}) }, opts);
          if (write.op !== 'replace') return write;
          const { newFindings, resolved } = await findingChanges(store, item, prior.get(item.uri), write.results);
          return { ...write, newFindings, ...(resolved.length > 0 ? { resolved } : {}) };
        }
        if (canReuse(prior.get(item.uri), item, opts.settings)) return { op: 'reuse', uri: item.uri, ...(access ? { access } : {}) };
        const results = await pool.extract(item);
        // New and resolved findings against what the store held, as a local scan marks them, so the
        // coordinator streams its report from the store instead of comparing every finding.
        const { newFindings, resolved } = await findingChanges(store, item, prior.get(item.uri), results);
        return {
          op: 'replace',
          item,
          version: versionOf(item),
          ...(access ? { access } : {}),
          results,
          settings: opts.settings,
          newFindings,
          ...(resolved.length > 0 ? { resolved } : {}),
        };
      }),
    );
    await store.writeItems(job.scanId, writes);
    return list.length;
  }

  const lockDuration = options.lockMs ?? 30_000;
  const workerConnection = connection.duplicate();
  workerConnection.on('error', () => {});
  const worker = new Worker(
    QUEUE_NAME,
    async (job: Job) => {
      const scanId = (job.data as CrawlJob).scanId;
      const n = job.name === 'crawl' ? await crawl(job.data as CrawlJob) : await items(job.data as ItemsJob);
      if (n > 0) await connection.hincrby(progressKey(options.prefix, scanId), name, n);
      return n;
    },
    {
      connection: workerConnection,
      prefix: options.prefix,
      concurrency: options.concurrency ?? options.threads * 2,
      lockDuration,
      stalledInterval: lockDuration,
      // A job whose worker died is handed on this many times before it counts as failed (a file that kills its worker every time).
      maxStalledCount: 3,
      name,
    },
  );
  worker.on('error', () => {
    // Connection trouble: ioredis reconnects and the worker goes on.
  });
  worker.on('completed', (job) => options.onJob?.({ name: job.name, files: job.name === 'items' ? (job.data as ItemsJob).files.length : 0 }));
  worker.on('failed', (job, err) => {
    if (job) options.onJob?.({ name: job.name, files: 0, failed: `${(err as InzageError).code ?? err.name}: ${err.message}` });
  });
  await worker.waitUntilReady();

  return {
    name,
    async close() {
      await worker.close();
      await reading?.close();
      await queue.close();
      await store.close();
      // Connections handed to BullMQ stay ours to close.
      workerConnection.disconnect();
      connection.disconnect();
    },
  };
}
