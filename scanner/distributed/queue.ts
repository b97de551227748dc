/**
 * What the coordinator and the workers of distributed mode share: the BullMQ queue, the shape of
 * its jobs, their ids and retry policy, and the few Redis keys beside it.
 *
 * One queue carries two kinds of job. A `crawl` job lists one folder: it enqueues a crawl job per
 * child folder and `items` jobs of up to FILE_BATCH files each. An `items` job names files by
 * root, relative path and the version (size and mtime) the crawl saw, never their contents; the
 * worker reads them from its own mount of the share. Both are idempotent: job ids derive from
 * the scan and the path, so a crawl retried after it enqueued half its children adds no twins,
 * and the store's writes are upserts, so an item read twice is stored once.
 *
 * One scan runs on a queue at a time (the coordinator refuses a second one); several teams can
 * share one Redis with a prefix each (`--queue-prefix`).
 */
import { createHash } from 'node:crypto';
import { type JobsOptions, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { InzageError } from '../errors.js';
import type { ScanOptions } from '../pipeline/options.js';

export const QUEUE_NAME = 'inzage';
/** Files per `items` job: large enough that the queue costs little per file, small enough that a killed worker's batch is quick to redo. */
export const FILE_BATCH = 32;

export interface CrawlJob {
  scanId: string;
  root: string;
  /** Folder relative to the root, `/`-separated; '' is the root itself (which may be a file). */
  rel: string;
}

export interface ItemsJob {
  scanId: string;
  root: string;
  /** The files, each with the version the crawl saw (size:mtimeMs); the worker stats each file again before reading it. */
  files: { rel: string; version: string }[];
}

/** What a worker needs to read a scan's items as the coordinator's settings say; kept with the scan in the store. */
export interface DistributedScanOptions {
  include: string[];
  exclude: string[];
  maxFileSize: number;
  skipFolders: string[];
  itemTimeoutMs: number;
  workerMemoryMb: number;
  minConfidence: number;
  disabledDetectors: string[];
  maxDepth: number;
  archiveLimits?: Record<string, number>;
  configPath?: string;
  /** Regions of phone numbers without a country code (`--phone-region`). */
  phoneRegions?: string[];
  /** Findings listed per item (`--max-findings`); beyond it they are counted per type. */
  maxFindingsPerItem?: number;
  /** OCR on/off, languages and caps as the coordinator was given them; `budgetPages` holds per worker machine and job pool. */
  ocr?: ScanOptions['ocr'];
  /** What results depend on besides the file (as ScanSession.settings): compared before reusing a stored result. */
  settings: string;
}

/** Retries with exponential backoff: 1, 2, 4 … 64 s, about two minutes in all, enough for a store or share to come back. */
export const JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: false,
};

const digest = (...parts: string[]) => createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 32);
export const crawlJobId = (j: CrawlJob) => `${j.scanId}.c.${digest(j.root, j.rel)}`;
export const itemsJobId = (j: ItemsJob) => `${j.scanId}.i.${digest(j.root, ...j.files.map((f) => f.rel))}`;

/** Redis keys beside the queue's own: the scan's marker (gone means Redis lost its data) and per-worker counts. */
export const markerKey = (prefix: string, scanId: string) => `${prefix}:${QUEUE_NAME}:inzage-scan:${scanId}`;
export const progressKey = (prefix: string, scanId: string) => `${prefix}:${QUEUE_NAME}:inzage-progress:${scanId}`;

/**
 * A Redis connection as BullMQ needs it: commands wait (rather than fail) while Redis is away, so
 * a Redis restart pauses the scan instead of failing its jobs. TLS and passwords come from the URL
 * (rediss://user:pass@host), as ioredis reads it.
 */
export function redisConnection(url: string): Redis {
  if (!/^rediss?:\/\//i.test(url)) throw new InzageError('usage', `--queue takes a redis:// or rediss:// URL, not ${url.replace(/\/\/[^@/]*@/, '//***@')}`);
  const redis = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(times * 200, 2_000) });
  // Connection errors are retried by ioredis; an unhandled 'error' event would end the process instead.
  redis.on('error', () => {});
  return redis;
}

export function openQueue(connection: Redis, prefix: string): Queue {
  return new Queue(QUEUE_NAME, { connection, prefix, defaultJobOptions: JOB_OPTIONS });
}

export async function enqueue(queue: Queue, crawls: CrawlJob[], items: ItemsJob[]): Promise<void> {
  if (crawls.length === 0 && items.length === 0) return;
  await queue.addBulk([
    ...crawls.map((data) => ({ name: 'crawl', data, opts: { ...JOB_OPTIONS, jobId: crawlJobId(data) } })),
    ...items.map((data) => ({ name: 'items', data, opts: { ...JOB_OPTIONS, jobId: itemsJobId(data) } })),
  ]);
}
