/**
 * Batched state writes: items are written many to a transaction, flushed when a batch reaches its
 * size (counted in rows, so one archive with thousands of entries fills a batch alone, and in
 * findings) or when its oldest item has waited long enough. One transaction per batch keeps the rule that a killed scan
 * leaves every item as before or as after; an item not yet flushed is simply read again.
 */
import type { ItemWrite, ScanStore } from '../state/store.js';

export const DEFAULT_BATCH_ROWS = 500;
export const DEFAULT_BATCH_DELAY_MS = 250;
/**
 * Findings a batch holds at most. A batch is written in one synchronous transaction on the main
 * thread, during which no task is handed to a worker: 500 dense files (50,000 findings) held it for
 * about a second, and the workers ran out of work meanwhile. 4,000 findings took some 70 ms, still
 * longer than the few small files a worker holds; with 1,000 (about 15 ms) a dense share of 20 MB
 * scanned 4-6 % faster on one worker and on two, and 500 or 250 no faster again.
 */
export const DEFAULT_BATCH_FINDINGS = 1000;

interface Pending {
  write: ItemWrite;
  done: () => void;
}

export class BatchWriter {
  private pending: Pending[] = [];
  private rows = 0;
  private findings = 0;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(
    private readonly store: ScanStore,
    private readonly scanId: string,
    private readonly maxRows = DEFAULT_BATCH_ROWS,
    private readonly maxDelayMs = DEFAULT_BATCH_DELAY_MS,
    private readonly maxFindings = DEFAULT_BATCH_FINDINGS,
  ) {}

  /** Queues a write; `done` runs once it is committed. Throws the error of an earlier failed batch. */
  add(write: ItemWrite, done: () => void = () => undefined): void {
    if (this.failure) throw this.failure;
    this.pending.push({ write, done });
    this.rows += write.op === 'replace' ? Math.max(1, write.results.length) : 1;
    if (write.op === 'replace') for (const r of write.results) this.findings += r.findings.length;
    if (this.rows >= this.maxRows || this.findings >= this.maxFindings) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.maxDelayMs);
  }

  /** Writes what is queued; resolves when every batch so far is committed. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.rows = 0;
    this.findings = 0;
    if (batch.length > 0) {
      this.chain = this.chain.then(async () => {
        if (this.failure) return;
        try {
          await this.store.writeItems(
            this.scanId,
            batch.map((p) => p.write),
          );
        } catch (err) {
          this.failure = err;
          return;
        }
        for (const p of batch) p.done();
      });
    }
    return this.chain.then(() => {
      if (this.failure) throw this.failure;
    });
  }
}
