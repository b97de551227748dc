/**
 * Reports written item by item from the state, in memory that does not grow with the share:
 * - report.json: the items go to a part file as they come; the file is then the head (schema,
 *   tool, scan, stats), the items, and the aggregates, which are known only at the end.
 * - items.csv, findings.csv: a row per item or finding as it comes.
 * - register.csv: one row per location, accumulated.
 * - report.html: every item when the share has at most `htmlItemLimit` (default 50,000); beyond
 *   that the riskiest ones (read again from the state in a second pass), and the page says how
 *   many more are in report.json and the CSV. Aggregates always cover every item.
 * The same v1 contract as the in-memory reporters; a report collected in memory and rendered
 * with reporters/index.ts gives the same content.
 */
import { closeSync, createReadStream, createWriteStream, openSync, writevSync } from 'node:fs';
import { chmod, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Access, Report, ReportItem } from '../scanner/model.js';
import type { Latin1Text } from '../scanner/report/findings-text.js';
import { evaluateGate, type FailRule } from '../scanner/report/gate.js';
import { ReportAssembler, type ReportHead, type ReportSummary, type StreamContext } from '../scanner/report/stream.js';
import type { ScanStore } from '../scanner/state/store.js';
import { VERSION } from '../scanner/version.js';
import { type CsvDelimiter, csvHeader, csvLine, FINDING_COLUMNS, ITEM_COLUMNS, itemFindingRows, itemRow } from './csv.js';
import { type PageData, pageShell, scriptSafe, scriptSafeJson, scriptSafeLatin1 } from './html.js';
import { aroundFindings, shortHashes, withFindingsJson } from './json-text.js';
import { RegisterAccumulator, registerCsv } from './register.js';

/** Items the HTML page embeds at most; the rest are in report.json and the CSV. */
export const DEFAULT_HTML_ITEM_LIMIT = 50_000;

export interface StreamOptions {
  csvDelimiter: CsvDelimiter;
  /** Items the HTML page embeds at most (riskiest first beyond it); default 50,000. */
  htmlItemLimit?: number;
  failOn?: FailRule[];
}

export interface StreamedReport {
  summary: ReportSummary;
  written: string[];
  /** Items that met a --fail-on rule. */
  failing: string[];
  /** Items per risk level. */
  byLevel: Record<string, number>;
}

/** A file written with back-pressure: the writer waits when the OS buffer is full. */
class Output {
  private readonly fd: number;
  /** Chunks waiting, strings run together; findings come as Latin1Text and are written as their bytes. */
  private pending: (string | Latin1Text)[] = [];
  private text = '';
  private size = 0;
  constructor(readonly file: string) {
    this.fd = openSync(file, 'w', 0o640);
  }
  async write(chunk: string | Latin1Text): Promise<void> {
    if (typeof chunk === 'string') {
      this.text += chunk;
      this.size += chunk.length;
    } else {
      if (this.text) this.pending.push(this.text);
      this.text = '';
      this.pending.push(chunk);
      this.size += chunk.latin1.length;
    }
    if (this.size >= 1 << 18) this.drain();
  }
  /** Several chunks in a row (an item around its findings). */
  async writeAll(chunks: readonly (string | Latin1Text)[]): Promise<void> {
    for (const c of chunks) await this.write(c);
  }
  /**
   * The waiting chunks in one writev, synchronously: a quarter MB to the page cache takes a fraction
   * of a millisecond, less than a write stream's trip through the thread pool and its callbacks;
   * with the stream, an unchanged rescan also waited for the last writes at its end.
   */
  private drain(): void {
    if (this.text) this.pending.push(this.text);
    let buffers: Buffer[] = this.pending.map((c) => (typeof c === 'string' ? Buffer.from(c) : Buffer.from(c.latin1, 'latin1')));
    this.pending = [];
    this.text = '';
    this.size = 0;
    let left = buffers.reduce((n, b) => n + b.length, 0);
    while (left > 0) {
      let written = writevSync(this.fd, buffers);
      left -= written;
      if (left === 0) break;
      // A short write (a full disk is an error, not this): go on from the first byte not written.
      const rest: Buffer[] = [];
      for (const b of buffers) {
        if (written >= b.length) written -= b.length;
        else {
          rest.push(written > 0 ? b.subarray(written) : b);
          written = 0;
        }
      }
      buffers = rest;
    }
  }
  async close(): Promise<void> {
    try {
      if (this.size > 0 || this.text || this.pending.length > 0) this.drain();
    } finally {
      closeSync(this.fd);
    }
    await chmod(this.file, 0o640);
  }
}

/**
 * Puts finished report files in place of the last scan's. Not by a rename over the old file: ext4
 * (auto_da_alloc) then allocates and starts writing the whole new file before the rename returns,
 * 50 to 70 ms for a report.json of 86 MB, about a tenth of an unchanged rescan for both files. The
 * old file is renamed aside first and removed once everything is written; only between the two
 * renames (microseconds) is the name free.
 */
class FilePlacer {
  private readonly removals: Promise<void>[] = [];
  async place(from: string, to: string): Promise<void> {
    const aside = `${to}.${process.pid}.old`;
    let moved = true;
    try {
      await rename(to, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      moved = false;
    }
    try {
      await rename(from, to);
    } catch (err) {
      if (moved) await rename(aside, to).catch(() => undefined);
      throw err;
    }
    if (moved) this.removals.push(rm(aside, { force: true }));
  }
  /** Resolves once the old files are gone. */
  async done(): Promise<void> {
    await Promise.all(this.removals);
  }
}

/**
 * report.json: the head, the items as they come, then the aggregates, known only at the end.
 * When the head could be told before the items (ReportAssembler.predictHead), the items go
 * straight into the file after it; otherwise, or when the head at the end differs from the one
 * told, they go to a part file that is copied in behind the right head: copying 60 MB of items
 * cost a sixth of an unchanged rescan.
 */
class JsonSink {
  private readonly part: Output;
  private count = 0;
  /** The head written at the start, as text; undefined when the items go to a part file. */
  private readonly early: string | undefined;

  constructor(
    private readonly file: string,
    predicted: ReportHead | undefined,
    private readonly placer: FilePlacer,
  ) {
    this.early = predicted ? JsonSink.opening(predicted) : undefined;
    this.part = new Output(this.early !== undefined ? `${file}.part` : `${file}.items.part`);
  }

  /** The head's text up to the items' opening bracket. */
  private static opening(head: ReportHead): string {
    const { schema, tool, scan, stats } = head;
    const text = JSON.stringify({ schema, tool, scan, stats }, null, 2);
    return `${text.slice(0, -2)},\n  "items": [`;
  }

  async start(): Promise<void> {
    if (this.early !== undefined) await this.part.write(this.early);
  }
  /**
   * One item per line, compact: indenting every finding's fields took about a third of an
   * unchanged rescan (a regex over 40 MB on 100,000 findings) and doubled the file.
   */
  async item(item: ReportItem, findings: string | Latin1Text | undefined): Promise<void> {
    await this.part.write(`${this.count++ === 0 ? '' : ','}\n    `);
    if (findings === undefined) await this.part.write(JSON.stringify(item));
    else if (typeof findings === 'string') await this.part.write(withFindingsJson(item, findings));
    else {
      const [before, after] = aroundFindings(item);
      await this.part.writeAll([before, findings, after]);
    }
  }
  async finish(summary: ReportSummary): Promise<void> {
    const { schema, tool, scan, stats, ...rest } = summary;
    const head = JsonSink.opening({ schema, tool, scan, stats });
    const tail = JSON.stringify(rest, null, 2);
    const ending = `${this.count > 0 ? '\n  ' : ''}],${tail.slice(1)}\n`;
    if (this.early === head) {
      await this.part.write(ending);
      await this.part.close();
      await this.placer.place(this.part.file, this.file);
      await chmod(this.file, 0o640);
      return;
    }
    await this.part.close();
    const out = new Output(this.early !== undefined ? `${this.file}.head.part` : `${this.file}.part`);
    await out.write(head);
    await out.close();
    // Items written after a head that turned out wrong start where that head ended.
    const start = this.early !== undefined ? Buffer.byteLength(this.early) : 0;
    await pipeline(createReadStream(this.part.file, { start }), createWriteStream(out.file, { flags: 'a' }));
    const end = new Output(`${this.file}.tail.part`);
    await end.write(ending);
    await end.close();
    await pipeline(createReadStream(end.file), createWriteStream(out.file, { flags: 'a' }));
    await this.placer.place(out.file, this.file);
    await chmod(this.file, 0o640);
    await rm(this.part.file, { force: true });
    await rm(end.file, { force: true });
  }
}

/** The page's embedded items, interned as pageData does (reporters/html.ts). */
class PageItems {
  readonly access: NonNullable<ReportItem['access']>[] = [];
  private readonly accessIndex = new Map<string, number>();
  readonly uriPrefix: string[] = [];
  private readonly prefixIndex = new Map<string, number>();
  private readonly folderEntries: Map<string, Access['entries']>;

  constructor(folderAccess: ReadonlyMap<string, Access> | undefined) {
    this.folderEntries = new Map([...(folderAccess ?? [])].map(([uri, a]) => [uri, a.entries.filter((e) => !e.default)]));
  }

  private intern<T>(table: T[], index: Map<string, number>, key: string, value: T): number {
    let i = index.get(key);
    if (i === undefined) {
      i = table.push(value) - 1;
      index.set(key, i);
    }
    return i;
  }

  /** The item as the page embeds it, in chunks to write one after the other. */
  json(item: ReportItem, findingsJson: string | Latin1Text | undefined): (string | Latin1Text)[] {
    const { access: itemAccess, uri, ...rest } = item;
    const out: { findings: unknown[] } & Record<string, unknown> = {
      ...rest,
      findings: findingsJson === undefined ? item.findings.map((f) => ({ ...f, hash: f.hash.slice(0, 16) })) : [],
    };
    if (itemAccess) {
      const folder = itemAccess.sameAsFolder ? this.folderEntries.get(itemAccess.sameAsFolder) : undefined;
      const shown = folder && itemAccess.entries.length === 0 ? { ...itemAccess, entries: folder } : itemAccess;
      out.a = this.intern(this.access, this.accessIndex, JSON.stringify(shown), shown);
    }
    if (item.path && uri.endsWith(item.path)) {
      const prefix = uri.slice(0, uri.length - item.path.length);
      out.u = this.intern(this.uriPrefix, this.prefixIndex, prefix, prefix);
    } else out.uri = uri;
    if (findingsJson === undefined) return [scriptSafe(JSON.stringify(out))];
    if (typeof findingsJson === 'string') return [scriptSafe(withFindingsJson(out, shortHashes(findingsJson)))];
    const [before, after] = aroundFindings(out, scriptSafe);
    return [before, scriptSafeLatin1({ latin1: shortHashes(findingsJson.latin1) }), after];
  }
}

/** A bounded list of the riskiest items: score, uri and the access the roll-up left (for the second pass). */
class Riskiest {
  private entries: { score: number; uri: string; access: Access | undefined }[] = [];
  constructor(private readonly limit: number) {}
  add(item: ReportItem): void {
    this.entries.push({ score: item.risk.score, uri: item.uri, access: item.access });
    if (this.entries.length >= this.limit * 2) this.cut();
  }
  private cut(): void {
    this.entries.sort((a, b) => b.score - a.score || (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
    this.entries.length = Math.min(this.entries.length, this.limit);
  }
  list() {
    this.cut();
    return this.entries;
  }
}

/**
 * Assembles the report from the state in one pass (two for a page over its item limit) and writes
 * the chosen formats into `out`; returns the summary and the files written.
 */
export async function writeStreamedReports(
  store: ScanStore,
  ctx: StreamContext,
  out: string,
  formats: readonly string[],
  options: StreamOptions,
): Promise<StreamedReport> {
  await mkdir(out, { recursive: true, mode: 0o750 });
  const limit = options.htmlItemLimit ?? DEFAULT_HTML_ITEM_LIMIT;
  const d = options.csvDelimiter;
  const want = new Set(formats);
  const counts = want.has('html') || want.has('json') ? await store.counts(ctx.roots) : undefined;
  const total = counts?.items ?? 0;
  const pageAll = total <= limit;

  const itemsCsv = want.has('csv') ? new Output(join(out, 'items.csv')) : undefined;
  const findingsCsv = want.has('csv') ? new Output(join(out, 'findings.csv')) : undefined;
  const register = want.has('register') ? new RegisterAccumulator() : undefined;
  const page = want.has('html') ? new PageItems(ctx.settings?.folderAccess) : undefined;
  // The page's data object begins with its items (`{"items":[` … `],` and the rest), so the items
  // go straight into the page file; only report.json's head must wait for the end.
  const pageFile = join(out, 'report.html');
  const pageShellParts = page ? pageShell(VERSION) : undefined;
  const pagePart = page ? new Output(`${pageFile}.part`) : undefined;
  await pagePart?.write(`${pageShellParts?.before}{"items":[`);
  const riskiest = page && !pageAll ? new Riskiest(limit) : undefined;
  let pageCount = 0;
  await itemsCsv?.write(csvHeader(ITEM_COLUMNS, d));
  await findingsCsv?.write(csvHeader(FINDING_COLUMNS, d));

  const assembler = new ReportAssembler(ctx);
  const placer = new FilePlacer();
  const json = want.has('json') ? new JsonSink(join(out, 'report.json'), counts && assembler.predictHead(counts), placer) : undefined;
  await json?.start();
  const byLevel: Record<string, number> = { none: 0, low: 0, medium: 0, high: 0, critical: 0 };
  const failing: string[] = [];
  // Findings as text only (not parsed) when every format written copies them as text.
  const findingsAsText = !want.has('csv') && !want.has('register') && !options.failOn?.length;
  for await (const stored of store.items({ roots: ctx.roots, findingsAsText })) {
    const item = assembler.add(stored);
    const findingsJson = assembler.findingsText(item);
    byLevel[item.risk.level] = (byLevel[item.risk.level] ?? 0) + 1;
    if (options.failOn) failing.push(...evaluateGate({ items: [item] } as Report, options.failOn).items);
    await json?.item(item, findingsJson);
    if (itemsCsv) await itemsCsv.write(csvLine(itemRow(item), d));
    if (findingsCsv) for (const row of itemFindingRows(item)) await findingsCsv.write(csvLine(row, d));
    register?.add(item);
    if (page && pagePart && pageAll) {
      if (pageCount++ > 0) await pagePart.write(',');
      await pagePart.writeAll(page.json(item, findingsJson));
    }
    riskiest?.add(item);
  }
  const summary = assembler.finish();
  const written: string[] = [];
  if (json) {
    await json.finish(summary);
    written.push(join(out, 'report.json'));
  }
  if (page && pagePart) {
    if (riskiest) {
      // Second pass: the riskiest items again, from the state, riskiest first.
      const chosen = riskiest.list();
      const byUri = new Map(chosen.map((c) => [c.uri, c.access]));
      for (let i = 0; i < chosen.length; i += 500) {
        const uris = chosen.slice(i, i + 500).map((c) => c.uri);
        for await (const stored of store.items({ roots: ctx.roots, uris, findingsAsText: true })) {
          const item = assembler.again(stored, byUri.get(stored.uri));
          if (pageCount++ > 0) await pagePart.write(',');
          await pagePart.writeAll(page.json(item, assembler.findingsText(item)));
        }
      }
    }
    const data: Omit<PageData, 'items'> & { embedded: unknown } = {
      ...summary,
      tables: { access: page.access, uriPrefix: page.uriPrefix },
      embedded: { items: pageCount, total: summary.stats.items, limit, order: pageAll ? 'uri' : 'risk' },
    };
    await pagePart.write(`],${scriptSafeJson(data).slice(1)}${pageShellParts?.after}`);
    await pagePart.close();
    await placer.place(pagePart.file, pageFile);
    await chmod(pageFile, 0o640);
    written.push(pageFile);
  }
  if (itemsCsv && findingsCsv) {
    await itemsCsv.close();
    await findingsCsv.close();
    written.push(itemsCsv.file, findingsCsv.file);
  }
  if (register) {
    const file = new Output(join(out, 'register.csv'));
    await file.write(registerCsv(register.rows(), d));
    await file.close();
    written.push(file.file);
  }
  // In the order the formats were asked for, as the in-memory writer lists them.
  const order = ['json', 'html', 'csv', 'register'];
  const rank = (f: string) => {
    const name = f.endsWith('report.json') ? 'json' : f.endsWith('report.html') ? 'html' : f.endsWith('register.csv') ? 'register' : 'csv';
    const asked = formats.indexOf(name);
    return asked >= 0 ? asked : order.indexOf(name) + formats.length;
  };
  written.sort((a, b) => rank(a) - rank(b));
  await placer.done();
  return { summary, written, failing, byLevel };
}
