/**
 * Progress a person can plan by, on stderr when it is a terminal: items and bytes done out of
 * those found so far (the crawl runs ahead of the readers), the rate, and once the crawl has
 * finished and the totals are final, an estimate of the time left. Drawn by cli-progress.
 */
import cliProgress from 'cli-progress';
import type { ProgressEvent } from '../pipeline/options.js';
import { formatSize } from '../size.js';

export class ScanProgress {
  private readonly bar: cliProgress.SingleBar;
  private seen = { items: 0, bytes: 0 };
  private doneCount = { items: 0, bytes: 0, withFindings: 0, reused: 0, errors: 0 };
  private crawled = false;
  private readonly started = Date.now();
  private running = false;

  constructor(stream: NodeJS.WriteStream) {
    this.bar = new cliProgress.SingleBar(
      {
        stream,
        format: (_options, params, payload: { line: string }) => payload.line ?? `${params.value}`,
        hideCursor: true,
        clearOnComplete: true,
        fps: 4,
        etaBuffer: 200,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  /** The source found an item: the totals grow. */
  found(event: { size: number }): void {
    this.seen.items++;
    this.seen.bytes += event.size;
    this.draw();
  }

  crawlDone(): void {
    this.crawled = true;
    this.draw();
  }

  /** An item is done and stored. */
  done(event: ProgressEvent): void {
    const d = this.doneCount;
    d.items++;
    d.bytes += event.size;
    if (event.findings > 0) d.withFindings++;
    if (event.reused) d.reused++;
    if (event.error) d.errors++;
    this.draw();
  }

  /** The line as it stands; exported for tests. */
  line(now = Date.now()): string {
    const d = this.doneCount;
    const seconds = Math.max(0.001, (now - this.started) / 1000);
    const rate = d.items / seconds;
    const byteRate = d.bytes / seconds;
    const of = this.crawled ? '' : '+';
    let eta = '';
    if (this.crawled && rate > 0) {
      // By bytes when files differ in size (a few big ones dominate), else by items.
      const left = this.seen.bytes > 0 && byteRate > 0 ? (this.seen.bytes - d.bytes) / byteRate : (this.seen.items - d.items) / rate;
      eta = `, about ${formatDuration(Math.max(0, left))} left`;
    } else if (!this.crawled) eta = ', still listing';
    return (
      `Scanning ${d.items}/${this.seen.items}${of} items, ${formatSize(d.bytes)}/${formatSize(this.seen.bytes)}${of}` +
      ` · ${rate.toFixed(rate < 10 ? 1 : 0)} items/s, ${formatSize(byteRate)}/s${eta}` +
      ` · ${d.withFindings} with personal data, ${d.reused} unchanged, ${d.errors} not read`
    );
  }

  private draw(): void {
    const total = Math.max(1, this.seen.items);
    if (!this.running) {
      this.bar.start(total, 0, { line: this.line() });
      this.running = true;
    }
    this.bar.setTotal(total);
    this.bar.update(this.doneCount.items, { line: this.line() });
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.bar.stop();
  }
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}
