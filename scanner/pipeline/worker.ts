/**
 * The worker-thread task: one item in, its findings (and those of any children) out. Parsing and
 * detection run here, off the main thread; raw values never leave this thread, since the engine
 * returns only masked values and keyed hashes. A task that hangs or runs out of memory is ended
 * by the pool, which replaces the worker; the pipeline records the item's error.
 */
import { BroadcastChannel, threadId, workerData } from 'node:worker_threads';
import type { Engine } from '../../detectors/engine.js';
import { type PackedItems, packItems } from '../../detectors/packed.js';
import { regionsOfPath } from '../../detectors/region-hints.js';
import type { Finding, Segment } from '../../detectors/types.js';
import { fsItemError, itemError } from '../errors.js';
import { fileContent, memoryContent } from '../extractors/content.js';
import { extractorFor } from '../extractors/index.js';
import { type ArchiveLimits, configureArchiveLimits, newBudget } from '../extractors/limits.js';
import { BINARY, detectMediaType } from '../extractors/media-type.js';
import { configureOcr, type OcrBudget, type OcrSettings } from '../extractors/ocr-engine.js';
import { directFinding, temperOcrFindings } from '../extractors/ocr-findings.js';
import { type ExtractBudget, ExtractError, type ItemContent, segmentsOf } from '../extractors/types.js';
import { DEFAULT_MAX_FINDINGS_PER_ITEM, type ExtractedItem, type ItemKind, type Truncation } from '../model.js';
import { createHasher } from '../state/secret-key.js';
import { buildScanEngine } from './scan-engine.js';
import { routeWorkerConsole } from './worker-console.js';

export interface WorkerInit {
  /** The hash key, hex. Held in memory only. */
  key: string;
  minConfidence: number;
  disabledDetectors?: string[];
  /** Regions of phone numbers without a country code (`--phone-region`); else the config's, else NL. */
  phoneRegions?: string[];
  /** The config file, loaded again here: custom and plugin detectors are functions, which cannot be posted to a thread. */
  configPath?: string;
  /** How deep containers may nest (zip in zip in mail). */
  maxDepth: number;
  /** Zip-bomb limits; defaults in extractors/limits.ts. */
  archiveLimits?: Partial<ArchiveLimits>;
  /** OCR languages, caps and on/off; defaults in extractors/ocr-engine.ts. */
  ocr?: Partial<OcrSettings>;
  /** The scan's OCR budget, shared by all workers. */
  ocrBudget?: OcrBudget;
  /** Findings kept per item (default DEFAULT_MAX_FINDINGS_PER_ITEM); beyond it they are counted. */
  maxFindingsPerItem?: number;
  /** Show what parser libraries print, masked, on stderr (`--debug`); otherwise it goes nowhere. */
  debug?: boolean;
}

/**
 * An item with millions of findings (a log of every login, a dump of a customer table) would fill
 * the worker's heap and lose all of them. Past this many, findings are counted per type and only
 * the first FIRST_OF_EACH_TYPE of each type still listed, and the item says `truncated`.
 */
const FIRST_OF_EACH_TYPE = 100;

/** An item's findings within the cap: memory stays below cap + FIRST_OF_EACH_TYPE × types. */
class CappedFindings {
  readonly kept: Finding[] = [];
  private total = 0;
  private readonly byType = new Map<string, { total: number; kept: number }>();
  constructor(private readonly cap: number) {}

  add(f: Finding): void {
    this.total++;
    let t = this.byType.get(f.type);
    if (!t) {
      t = { total: 0, kept: 0 };
      this.byType.set(f.type, t);
    }
    t.total++;
    if (this.kept.length < this.cap || t.kept < FIRST_OF_EACH_TYPE) {
      this.kept.push(f);
      t.kept++;
    }
  }

  truncation(): Truncation | undefined {
    if (this.total === this.kept.length) return undefined;
    return { total: this.total, kept: this.kept.length, byType: Object.fromEntries([...this.byType].map(([type, t]) => [type, t.total])) };
  }
}

export interface WorkerTask {
  /** Path bytes of a file to read here, or the bytes themselves. */
  location?: Uint8Array;
  bytes?: Uint8Array;
  name: string;
  size: number;
  /** The countries the item's path names (region-hints.ts `regionsOfPath`): the worker sees only its name. */
  regions?: string[];
  /**
   * Epoch milliseconds after which the worker stops between parts and returns what it found so
   * far, with `timeout` on the item; the pool's hard abort a little later is only for a parser
   * that hangs inside one part. A big archive past its time keeps the findings of what was read.
   */
  deadline?: number;
  /**
   * The per-item time limit in milliseconds, counted from when this worker starts the item (the
   * task may wait in the pool's queue first); takes the place of `deadline`.
   */
  timeoutMs?: number;
  /**
   * Told the start time when this worker takes the item up, so the pool's hard abort is counted
   * from then too: the task's id and this thread's, posted on the session's broadcast channel of
   * this name (one channel for the whole scan, not a port created and transferred with every task).
   */
  startSignal?: { channel: string; id: number };
}

/** Shared by an item and everything nested in it. */
interface Run {
  engine: Engine;
  budget: ExtractBudget;
  deadline: number;
  stopped: boolean;
}

const init = workerData as WorkerInit;
configureArchiveLimits(init.archiveLimits);
// First, so that nothing a library prints while it is set up reaches the user's terminal.
let readyEngine: Engine | undefined;
routeWorkerConsole(init.debug === true, () => (readyEngine ? (text) => (readyEngine as Engine).redact(text) : undefined));
configureOcr(init.ocr, init.ocrBudget);
const hasher = createHasher(Buffer.from(init.key, 'hex'));

/**
 * Built on the first task, not at the top level: a top-level await makes this module's graph
 * asynchronous, which `require()` cannot load (see worker-entry.cts for why that once aborted Node).
 */
let engineReady: Promise<Engine> | undefined;
function workerEngine(): Promise<Engine> {
  engineReady ??= buildScanEngine(init, hasher).then((engine) => {
    readyEngine = engine;
    return engine;
  });
  return engineReady;
}

/** Builds the engine before the first task arrives (worker-entry.cts awaits it). */
export async function prepareWorker(): Promise<void> {
  await workerEngine();
}

/**
 * The pool may hand a worker its next tasks while it is still busy (so that it never waits for a
 * main thread held up by a state write); they run here one at a time, in the order given, and an
 * item's time limit starts when its turn comes.
 */
let turn: Promise<unknown> = Promise.resolve();

/** Findings go back packed (detectors/packed.ts): a few columns instead of thousands of small objects to clone. */
export default function scanItem(task: WorkerTask): Promise<PackedItems<ExtractedItem>> {
  const mine = turn.then(async () => packItems(await extractTask(task)));
  turn = mine.catch(() => undefined);
  return mine;
}

const startChannels = new Map<string, BroadcastChannel>();

function announceStart(signal: WorkerTask['startSignal']): void {
  if (!signal) return;
  let channel = startChannels.get(signal.channel);
  if (!channel) {
    channel = new BroadcastChannel(signal.channel);
    // Posted on only, but every other worker's start signals arrive here too, and a channel without
    // a listener keeps them queued: a scan of a million files held 350 MB of them. They are taken
    // and dropped. The channel must not keep the thread alive.
    channel.onmessage = () => undefined;
    channel.unref();
    startChannels.set(signal.channel, channel);
  }
  channel.postMessage([signal.id, threadId]);
}

async function extractTask(task: WorkerTask): Promise<ExtractedItem[]> {
  const startedAt = Date.now();
  announceStart(task.startSignal);
  const deadline = task.timeoutMs !== undefined ? startedAt + task.timeoutMs : (task.deadline ?? Number.POSITIVE_INFINITY);
  const engine = await workerEngine();
  let content: ItemContent;
  try {
    content = task.location ? await fileContent(Buffer.from(task.location), task.name, task.size) : memoryContent(task.bytes ?? new Uint8Array(), task.name);
  } catch (err) {
    return [{ kind: 'file', findings: [], error: fsItemError(err, 'opening the file') }];
  }
  const results: ExtractedItem[] = [];
  await extractItem(content, 'file', undefined, 0, { engine, budget: newBudget(), deadline, stopped: false }, results, task.regions ?? []);
  return results;
}

async function extractItem(
  content: ItemContent,
  kind: ItemKind,
  entry: string | undefined,
  depth: number,
  run: Run,
  out: ExtractedItem[],
  pathRegions: readonly string[],
): Promise<void> {
  const findings = new CappedFindings(init.maxFindingsPerItem ?? DEFAULT_MAX_FINDINGS_PER_ITEM);
  // The countries this item points at, from its path and then from its text (region-hints.ts).
  const scope = run.engine.openItem(pathRegions);
  const item: ExtractedItem = { kind, findings: findings.kept, error: null, size: content.size, ...(entry !== undefined ? { entry } : {}) };
  out.push(item);
  if (content.size === 0) {
    // An empty attachment or archive entry, as the source does for empty files: nothing to parse, no "corrupt" docx.
    item.error = itemError('empty', 'is empty; nothing to scan');
    return;
  }
  try {
    const mediaType = await detectMediaType(content.head, content.name);
    item.mediaType = mediaType;
    const extractor = extractorFor(mediaType);
    if (!extractor) {
      item.error =
        mediaType === BINARY
          ? itemError('unsupported-format', 'binary content of no known format; not scanned')
          : itemError('unsupported-format', `no extractor reads ${mediaType} yet; not scanned`);
      return;
    }
    const keep = (segment: Segment, found: Finding[]) => {
      for (const f of segment.ocr ? temperOcrFindings(found, segment.ocr.confidence, init.minConfidence) : found) findings.add(f);
    };
    let parts = 0;
    for await (const part of extractor.extract(content, { mediaType, depth, budget: run.budget })) {
      // The first part is always read: on a loaded machine the limit can pass while the parser is
      // still producing it, and stopping then would report nothing of a file that was being read.
      // A parser stuck inside one part is ended by the session's hard limit instead.
      if (run.stopped || (parts++ > 0 && Date.now() > run.deadline)) {
        run.stopped = true;
        item.error ??= itemError(
          'timeout',
          'reading took longer than the time limit (--timeout); the findings of what was read are kept, the rest was not scanned',
        );
        break;
      }
      if ('segment' in part || 'segments' in part) {
        const segments = segmentsOf(part);
        // A promise per segment only where a recogniser needs one: a sheet is a segment per cell.
        if (run.engine.recognizes) for (const segment of segments) keep(segment, await run.engine.detectAsync(segment, scope));
        else for (const segment of segments) keep(segment, run.engine.detect(segment, scope));
        continue;
      }
      if ('direct' in part) {
        findings.add(directFinding(part.direct, hasher));
        continue;
      }
      if ('ocr' in part) {
        item.ocr = { pages: (item.ocr?.pages ?? 0) + part.ocr.pages, ms: (item.ocr?.ms ?? 0) + Math.round(part.ocr.ms) };
        continue;
      }
      const childEntry = entry ? `${entry}/${part.child.entry}` : part.child.entry;
      if (part.child.error) {
        out.push({ kind: part.child.kind, entry: childEntry, findings: [], error: part.child.error, size: part.child.content.size });
      } else if (depth + 1 > init.maxDepth) {
        item.error = itemError('archive-limit', `containers nest deeper than ${init.maxDepth} levels; deeper parts not scanned`);
        // Every further child is as deep: stop expanding them (a container yields its own text before its children).
        break;
      } else {
        // An entry is in its container's folder, and maybe in a folder of its own (`BE/klanten.csv`).
        const childRegions = [...new Set([...pathRegions, ...regionsOfPath(part.child.entry)])];
        await extractItem(part.child.content, part.child.kind, childEntry, depth + 1, run, out, childRegions);
      }
    }
  } catch (err) {
    item.error = describeFailure(err);
  }
  // Numbers held back for a country the item, by its end, showed it is about.
  for (const f of run.engine.closeItem(scope)) findings.add(f);
  // The item step: Art. 9/10 terms count as high only in an item that also identifies someone.
  item.findings = run.engine.finalizeItem(findings.kept);
  const truncated = findings.truncation();
  if (truncated) item.truncated = truncated;
}

/** Parser errors can quote the text they choked on; only our own messages are passed on. */
function describeFailure(err: unknown) {
  if (err instanceof ExtractError) return itemError(err.code, err.message);
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return fsItemError(err, 'reading the file');
  const name = err instanceof Error ? err.name : typeof err;
  return itemError('corrupt', `the file could not be parsed (${name}); it may be damaged or not what its name says`);
}
