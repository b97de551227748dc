/**
 * The command-line side of distributed mode: the `worker` command, the options `scan`, `report`,
 * `find` and `triage` take for it, and the coordinator's progress line.
 */
import { availableParallelism } from 'node:os';
import { type Command, InvalidArgumentError } from 'commander';
import { InzageError } from '../errors.js';
import type { DistributedProgress } from './coordinator.js';

// The queue and database clients load only when distributed mode is used: they cost every other command start-up time.

export const DEFAULT_QUEUE_PREFIX = 'inzage';

export function queueUrl(explicit?: string): string | undefined {
  return explicit ?? process.env.INZAGE_QUEUE_URL ?? undefined;
}
export function storeUrl(explicit?: string): string | undefined {
  return explicit ?? process.env.INZAGE_STORE_URL ?? undefined;
}
export function queuePrefix(explicit?: string): string {
  return explicit ?? process.env.INZAGE_QUEUE_PREFIX ?? DEFAULT_QUEUE_PREFIX;
}

export interface DistributedFlags {
  queue?: string;
  store?: string;
  queuePrefix?: string;
}

const positiveInt = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number of at least 1`);
  return n;
};

export function addQueueOptions(cmd: Command): Command {
  return cmd
    .option('--queue <url>', 'distributed mode: the Redis of the work queue, redis://host:6379 (default $INZAGE_QUEUE_URL; docs/distributed.md)')
    .option('--store <url>', 'distributed mode: the PostgreSQL store of the results, postgres://user@host/db (default $INZAGE_STORE_URL)')
    .option('--queue-prefix <name>', 'distributed mode: key prefix of the queue in Redis, for several installations on one Redis (default inzage)');
}

/** The queue, store and prefix of a distributed scan, or undefined for a local one. */
export function distributedTarget(flags: DistributedFlags): { queueUrl: string; storeUrl: string; prefix: string } | undefined {
  const queue = queueUrl(flags.queue);
  const store = storeUrl(flags.store);
  if (!queue && !flags.store) return undefined;
  if (!queue) throw new InzageError('usage', '--store needs --queue (or INZAGE_QUEUE_URL): a scan into PostgreSQL runs on workers');
  if (!store) throw new InzageError('usage', '--queue needs --store (or INZAGE_STORE_URL): the workers write their results to PostgreSQL');
  return { queueUrl: queue, storeUrl: store, prefix: queuePrefix(flags.queuePrefix) };
}

export function addWorkerCommand(program: Command): void {
  addQueueOptions(
    program
      .command('worker')
      .description(
        'distributed mode: take work from the queue, read files from this machine, write results to the store (SIGTERM finishes the current work, then exits)',
      ),
  )
    .option('--workers <n>', 'worker threads for parsing and detection (default: number of cores)', positiveInt('--workers'))
    .option('--concurrency <n>', 'work units taken at once (default: twice the workers)', positiveInt('--concurrency'))
    .option('--debug', "show what parser libraries print on this machine's stderr, masked (a setting of the machine, not of the scan)")
    .action(async (flags: DistributedFlags & { workers?: number; concurrency?: number; debug?: boolean }) => {
      const queue = queueUrl(flags.queue);
      const store = storeUrl(flags.store);
      if (!queue || !store) throw new InzageError('usage', 'inzage worker needs --queue URL and --store URL (or INZAGE_QUEUE_URL and INZAGE_STORE_URL)');
      const lockMs = process.env.INZAGE_QUEUE_LOCK_MS ? Number(process.env.INZAGE_QUEUE_LOCK_MS) : undefined;
      const { startWorker } = await import('./worker.js');
      const worker = await startWorker({
        queueUrl: queue,
        storeUrl: store,
        prefix: queuePrefix(flags.queuePrefix),
        threads: flags.workers ?? availableParallelism(),
        ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
        ...(lockMs && lockMs > 0 ? { lockMs } : {}),
        ...(flags.debug ? { debug: true } : {}),
        onJob: (e) => {
          // Job names and error codes only: paths and values stay out of the log.
          if (e.failed) process.stderr.write(`inzage worker: a ${e.name} job failed and will be retried: ${e.failed}\n`);
        },
      });
      process.stderr.write(`inzage worker ${worker.name}: ready, taking work from the queue\n`);
      await new Promise<void>((done) => {
        process.once('SIGTERM', () => done());
        process.once('SIGINT', () => done());
      });
      process.stderr.write(`inzage worker ${worker.name}: stopping after the current work\n`);
      await worker.close();
      process.stderr.write(`inzage worker ${worker.name}: stopped\n`);
    });
}

/** One line on stderr for the coordinator, redrawn at most four times a second. */
export class DistributedProgressLine {
  private last = 0;

  update(p: DistributedProgress): void {
    const now = Date.now();
    if (now - this.last < 250) return;
    this.last = now;
    const workers = Object.keys(p.perWorker).length;
    process.stderr.write(
      `\r\x1b[KDistributed scan… ${p.items} items done (${p.withFindings} with personal data, ${p.errors} not read), ` +
        `${p.queued} units queued, ${p.active} active, ${p.failed} failed, ${workers} worker${workers === 1 ? '' : 's'}`,
    );
  }

  done(): void {
    process.stderr.write('\r\x1b[K');
  }
}
