/**
 * The scan: sources → (worker pool: extractors → detectors) → scan state → report.
 *
 * Sources hand over events (sources/types.ts); this module alone decides, through the session,
 * what is unchanged and reused, what is read, and what is counted and stored. Items are written
 * to the state in batches as they finish, so a killed scan resumes where it stopped. The report is
 * then assembled from the state item by item (report/stream.ts): the library's `scan()` collects
 * it in memory, the CLI streams it to files (reporters/stream.ts).
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { OcrCost, ReportChanges } from '../model.js';
import { snapshotOf } from '../report/assemble.js';
import { lastScanContext, type StoredChanges, saveReportSettings } from '../report/from-state.js';
import { type ChangeMarker, collectReport, type ReportSettings, type StreamContext, snapshotMarker, stateMarker } from '../report/stream.js';
import { loadSuppressions, readIgnoreFiles } from '../report/suppressions.js';
import { filesystemSource } from '../sources/filesystem.js';
import { m365Root } from '../sources/m365/settings.js';
import type { Source, SourceEvent, SourceReader } from '../sources/types.js';
import { SqliteStore, stateDir } from '../state/state.js';
import type { ScanStore } from '../state/store.js';
import { readAccess } from './access.js';
import { BatchWriter } from './batch-writer.js';
import { DEFAULT_MAX_FILE_SIZE, type ProgressEvent, type ScanEvents, type ScanOptions } from './options.js';
import { ScanSession } from './session.js';

export { loadBaseline } from '../report/baseline.js';
export * from './options.js';
export { ScanSession, WORKER_ENTRY, WORKER_POOL_OPTIONS } from './session.js';

/** What a report consumer gets once the scan is in the state: the store to stream from, and how to assemble. */
export interface ScanResult<T> {
  result: T;
  changes: ReportChanges;
}

/** Scans, then hands the state and the report context to `consume` (which writes or collects the report), then closes. */
export async function scanThen<T>(
  options: ScanOptions,
  events: ScanEvents,
  consume: (store: ScanStore, ctx: StreamContext) => Promise<ScanResult<T>>,
): Promise<T> {
  const startedAt = new Date();
  const suppressions = await loadSuppressions(options.suppressionsFile);
  const session = new ScanSession(options);
  const store = session.store;
  const scanId = randomUUID();
  const counts = { read: 0, reused: 0, ocr: { pages: 0, ms: 0 } };
  // File-system roots, then the Microsoft 365 root when it is scanned too.
  const roots = [...options.roots, ...(options.m365 ? [m365Root(options.m365)] : [])];
  try {
    const since = await comparedWith(store, options);
    await store.beginScan(scanId, roots, session.minConfidence, startedAt);
    const source = filesystemSource(options.roots, {
      include: options.include ?? [],
      exclude: [...(options.exclude ?? []), ...readIgnoreFiles(options.roots)],
      followSymlinks: options.followSymlinks ?? false,
      maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
      skipFolders: [...(options.skipFolders ?? []), stateDir(options.stateDir)],
    });
    await consumeSource(session, scanId, source, options, events, counts);
    await store.markGone(scanId, options.roots);
    // Its items wait on Graph (attachments, downloads) before a worker reads them: more of them in flight.
    if (options.m365) await consumeSource(session, scanId, await m365Events(session, scanId, options), options, events, counts, M365_IN_FLIGHT);
    events.onCrawlDone?.();
    // Findings of items that went in this scan are resolved.
    for await (const gone of store.goneItems(scanId, roots)) {
      for (const f of gone.findings) {
        session.ledger.resolved.push({
          path: gone.path,
          ...(gone.entry !== undefined ? { entry: gone.entry } : {}),
          type: f.type,
          category: f.category,
          masked: f.masked,
          hash: f.hash,
        });
      }
    }
    const folderAccess = await readAccess(session);
    const settings: ReportSettings = {
      folderAccess,
      ...(options.risk?.retention ? { retention: [...options.risk.retention] } : {}),
      ...(options.hotspots !== undefined ? { hotspots: options.hotspots } : {}),
    };
    await saveReportSettings(store, scanId, settings);
    // The last write before the report: the hash index is merged on a thread meanwhile.
    await store.indexAside?.();
    const finishedAt = new Date();
    const marker: ChangeMarker = options.baseline
      ? snapshotMarker(snapshotOf(options.baseline.report.items), since)
      : stateMarker(scanId, since, session.ledger.resolved);
    const { result, changes } = await consume(store, {
      scanId,
      roots,
      startedAt,
      finishedAt,
      minConfidence: session.minConfidence,
      suppressions,
      marker,
      read: counts.read,
      reused: counts.reused,
      ...(counts.ocr.pages > 0 ? { ocr: counts.ocr } : {}),
      settings,
    });
    await store.finishScan(scanId, finishedAt, { changes, ...(options.baseline ? { baseline: resolve(options.baseline.file) } : {}) } satisfies StoredChanges);
    return result;
  } finally {
    await session.close();
  }
}

/** Scans and returns the whole report in memory (the library API; the CLI streams instead). */
export async function scan(options: ScanOptions, events: ScanEvents = {}) {
  return scanThen(options, events, async (store, ctx) => {
    const report = await collectReport(store.items({ roots: ctx.roots }), ctx);
    return { result: report, changes: report.changes };
  });
}

/**
 * Reads a source's events: items go to the pool (several per worker in flight, so the crawl runs
 * ahead of the readers) and into batched writes. A checkpoint, gone or access event is applied, in
 * the order given, only once every item before it is stored (of its own stream, when the source
 * merges several: sources/merge.ts), so a resumed scan never trusts a checkpoint past work that was
 * lost; items after it go on meanwhile (an item whose uri such an event names waits for it). A `settle` is answered the same way: its `done` once everything
 * before it is stored and applied, while the pipeline goes on.
 */
async function consumeSource(
  session: ScanSession,
  scanId: string,
  source: AsyncIterable<SourceEvent>,
  options: ScanOptions,
  events: ScanEvents,
  counts: { read: number; reused: number; ocr: OcrCost },
  /** Items in flight at least: more for a source whose items wait on the network before a worker reads them. */
  minInFlight = 8,
): Promise<void> {
  const store = session.store;
  const writer = new BatchWriter(store, scanId, options.writeBatch?.items, options.writeBatch?.delayMs);
  const inFlightMax = Math.max(minInFlight, options.concurrency ?? session.workers * 4);
  // Items in flight, by the stream that yielded them (sources/merge.ts; '' when not merged).
  const inFlight = new Map<Promise<void>, string>();
  let failure: unknown;
  // Events not yet applied, by stream; uris that a pending gone or access event names.
  const pending = new Map<Promise<void>, string>();
  const named = new Map<string, number>();
  const settle = async () => {
    await Promise.all(inFlight.keys());
    await writer.flush();
    await Promise.allSettled(pending.keys());
  };
  const apply = async (event: Exclude<SourceEvent, { type: 'item' } | { type: 'settle' }>) => {
    if (event.type === 'gone') await store.markUriGone(scanId, event.uri);
    else if (event.type === 'access') await store.setAccess([{ uri: event.uri, access: event.access }]);
    else {
      if (event.folderSynced) {
        const f = event.folderSynced;
        await store.markFolderGoneBefore(scanId, f.root, f.folder, f.syncStartedAt, f.deep);
      }
      await store.setValue(event.key, event.value);
    }
  };
  for await (const event of source) {
    if (failure) throw failure;
    const stream = event.stream ?? '';
    if (event.type === 'item') {
      const item = event.item;
      if (named.has(item.uri)) await Promise.allSettled(pending.keys());
      events.onFound?.({ size: item.size });
      const readable = !item.error && Boolean(item.location || item.bytes || item.fetch);
      const task = session
        .handleBatched(item, writer, (done: ProgressEvent) => {
          if (done.reused) counts.reused++;
          else if (readable) counts.read++;
          addOcrCost(counts.ocr, done.ocr);
          events.onItem?.(done);
        })
        .catch((err: unknown) => {
          failure ??= err;
        });
      inFlight.set(task, stream);
      void task.finally(() => inFlight.delete(task));
      if (inFlight.size >= inFlightMax) await Promise.race(inFlight.keys());
      continue;
    }
    // What this event waits for: the items and events before it of its own stream and of the streams around it.
    const before = [...inFlight].filter(([, s]) => related(s, stream)).map(([t]) => t);
    const earlier = [...pending].filter(([, s]) => related(s, stream)).map(([p]) => p);
    const uri = event.type === 'gone' || event.type === 'access' ? event.uri : undefined;
    if (uri) named.set(uri, (named.get(uri) ?? 0) + 1);
    const applied = (async () => {
      try {
        await Promise.all(earlier);
        await Promise.all(before);
        await writer.flush();
        if (event.type !== 'settle') await apply(event);
      } finally {
        // Called even when a write failed, so the source is never left waiting; the failure ends the scan at the next event.
        if (event.type === 'settle') event.done();
        if (uri) {
          const left = (named.get(uri) ?? 1) - 1;
          if (left > 0) named.set(uri, left);
          else named.delete(uri);
        }
      }
    })();
    pending.set(applied, stream);
    applied.then(
      () => pending.delete(applied),
      (err: unknown) => {
        pending.delete(applied);
        failure ??= err;
      },
    );
  }
  await settle();
  if (failure) throw failure;
}

const M365_IN_FLIGHT = 64;

/** Streams whose events must keep their order: the same, one inside the other, or either not merged. */
function related(a: string, b: string): boolean {
  return a === '' || b === '' || a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

/** The Microsoft 365 source for this scan, reading the state only through a SourceReader. */
async function m365Events(session: ScanSession, scanId: string, options: ScanOptions): Promise<Source> {
  const settings = options.m365 as NonNullable<ScanOptions['m365']>;
  // Loaded only when needed: the Azure and Graph libraries add a fifth of a second to every start.
  const { m365Source } = await import('../sources/m365/source.js');
  // The detectors too: only this source masks text on the main thread.
  const { buildScanEngine } = await import('./scan-engine.js');
  // Masking only, with the detectors the workers use: the hash of a value in a subject is never needed, so the hasher is a stub.
  const engine = await buildScanEngine(
    {
      minConfidence: session.minConfidence,
      disabledDetectors: options.disabledDetectors ?? [],
      ...(options.configPath ? { configPath: resolve(options.configPath) } : {}),
      // `--phone-region`: subjects are masked with the phone regions the workers read numbers in.
      ...(options.phoneRegions?.length ? { phoneRegions: options.phoneRegions } : {}),
    },
    () => '',
  );
  const store = session.store;
  return m365Source(settings, {
    redact: (text) => engine.redact(text),
    reader: storeReader(store),
    startedAt: (await store.scanStartedAt(scanId)) ?? new Date().toISOString(),
    maxAttachmentSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
  });
}

/** The read-only view of the state a source gets. */
function storeReader(store: ScanStore): SourceReader {
  return {
    getValue: (key) => store.getValue(key),
    entriesWithPrefix: (prefix) => store.entriesWithPrefix(prefix),
    findingCounts: async (uris) => {
      const out = new Map<string, number>();
      for (const [uri, prior] of await store.priorItems(uris)) if (!prior.gone) out.set(uri, prior.findingCount);
      return out;
    },
  };
}

/** What this scan is compared with: the baseline report, or the state as the last scan left it. */
async function comparedWith(store: ScanStore, options: ScanOptions): Promise<ReportChanges['since']> {
  if (options.baseline) return { baseline: options.baseline.file, at: options.baseline.report.scan.finishedAt };
  const last = await store.lastFinishedScan();
  return last ? { scanId: last.id, at: last.finishedAt ?? last.startedAt } : null;
}

/** The report of the last finished scan, in memory, from the state (the library API; `inzage report` streams). */
export async function reportFromState(options: { stateDir?: string; suppressionsFile?: string }) {
  const store = SqliteStore.open(options.stateDir);
  try {
    const ctx = await lastScanContext(store, options);
    return await collectReport(store.items({ roots: ctx.roots }), ctx);
  } finally {
    await store.close();
  }
}

function addOcrCost(total: OcrCost, cost: OcrCost | undefined): void {
  if (!cost) return;
  total.pages += cost.pages;
  total.ms += cost.ms;
}
