/**
 * OCR through tesseract.js (Tesseract compiled to WebAssembly: no native build, no system
 * package). Everything it needs comes from node_modules: the core from tesseract.js-core, the
 * language data from the @tesseract.js-data/* packages (LSTM "best_int" models), so a scan never
 * fetches anything; without `langPath` tesseract.js would download from a CDN.
 *
 * One Tesseract instance per pool worker, created on the first image and reused for every item
 * after it: starting one costs about a second (reading and unpacking the models). Its thread is
 * unref'd, so it never keeps a process alive, and it ends with the pool worker that owns it.
 *
 * The settings (languages, caps, the per-scan budget) are set once per worker from its WorkerInit.
 * The budget is a counter in shared memory, so all pool workers draw on the same pages.
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Worker as TesseractWorker } from 'tesseract.js';
import { ExtractError } from './types.js';

const require = createRequire(import.meta.url);

/** Language codes shipped as npm packages (`@tesseract.js-data/CODE`). */
export const OCR_LANGUAGES = ['nld', 'eng', 'deu', 'fra'] as const;
export type OcrLanguage = (typeof OCR_LANGUAGES)[number];
export const DEFAULT_OCR_LANGUAGES: readonly OcrLanguage[] = ['nld', 'eng'];

export interface OcrSettings {
  enabled: boolean;
  languages: readonly OcrLanguage[];
  /** Pixels of one image or rendered page; a larger image ends as `too-large`. */
  maxPixels: number;
  /** Pages (of a PDF or TIFF) or embedded images OCR'd per item; the rest is left with a note. */
  maxPagesPerItem: number;
  /** Resolution PDF pages without text are rendered at. */
  pdfDpi: number;
}

export const DEFAULT_OCR_SETTINGS: OcrSettings = {
  enabled: true,
  languages: DEFAULT_OCR_LANGUAGES,
  maxPixels: 40_000_000,
  maxPagesPerItem: 20,
  pdfDpi: 200,
};

/** Shared by every pool worker of a scan: [0] pages used; the limit is in the second slot. */
export interface OcrBudget {
  counter: SharedArrayBuffer;
}

/** A budget of `pages` pages and images for a whole scan. */
export function createOcrBudget(pages: number): OcrBudget {
  const counter = new SharedArrayBuffer(8);
  const view = new Int32Array(counter);
  view[1] = Math.max(0, Math.min(2 ** 31 - 1, Math.floor(pages)));
  return { counter };
}

let settings: OcrSettings = DEFAULT_OCR_SETTINGS;
let budget: Int32Array | undefined;

export function configureOcr(overrides: Partial<OcrSettings> | undefined, sharedBudget?: OcrBudget): void {
  settings = { ...DEFAULT_OCR_SETTINGS, ...overrides };
  for (const lang of settings.languages) {
    if (!(OCR_LANGUAGES as readonly string[]).includes(lang))
      throw new Error(`OCR language "${lang}" is not installed; choose from ${OCR_LANGUAGES.join(', ')}`);
  }
  budget = sharedBudget ? new Int32Array(sharedBudget.counter) : undefined;
}

export function ocrSettings(): OcrSettings {
  return settings;
}

/**
 * Takes one page from the scan's budget; false when OCR is off or the budget is spent. The add
 * is atomic, so two workers never both take the last page.
 */
export function takeOcrPage(): boolean {
  if (!settings.enabled) return false;
  if (!budget) return true;
  const used = Atomics.add(budget, 0, 1);
  if (used < (budget[1] as number)) return true;
  Atomics.sub(budget, 0, 1);
  return false;
}

/** Why OCR did not run, for the item's `ocr-skipped` error. */
export function ocrSkipReason(): string {
  return settings.enabled
    ? 'the scan used up its OCR budget (--ocr-budget); scan again with a larger budget to read it'
    : 'OCR is switched off (--no-ocr); scan without --no-ocr to read it';
}

export interface OcrLine {
  text: string;
  /** 0..100, Tesseract's confidence in the words of this line. */
  confidence: number;
}

export interface OcrResult {
  lines: OcrLine[];
  ms: number;
}

/** Words Tesseract is less sure of than this are noise (specks, photo texture), not text. */
const MIN_WORD_CONFIDENCE = 40;

let engine: Promise<TesseractWorker> | undefined;
/** Recognitions in flight: the thread stays ref'd until the last one ends. */
let active = 0;
let engineLanguages = '';

function languageFile(code: OcrLanguage): string {
  // best_int: the integer LSTM models, a third the size of the 4.0.0 set and what LSTM-only mode reads.
  return join(dirname(require.resolve(`@tesseract.js-data/${code}/package.json`)), '4.0.0_best_int', `${code}.traineddata.gz`);
}

async function startEngine(languages: readonly OcrLanguage[]): Promise<TesseractWorker> {
  const { createWorker, OEM } = await import('tesseract.js');
  // tesseract.js reads all languages from one folder; the packages keep one each. A folder of
  // links, read once while the engine starts and removed right after, joins them.
  const folder = mkdtempSync(join(tmpdir(), 'inzage-tessdata-'));
  try {
    for (const code of languages) symlinkSync(languageFile(code), join(folder, `${code}.traineddata.gz`));
    const worker = await createWorker([...languages], OEM.LSTM_ONLY, {
      langPath: folder,
      gzip: true,
      // No cache: tesseract.js would otherwise write unpacked models into the working directory.
      cacheMethod: 'none',
      errorHandler: () => {},
    });
    threadOf(worker)?.unref();
    return worker;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The Node thread under a tesseract.js worker: ref'd while it works for us, unref'd while it idles. */
function threadOf(worker: TesseractWorker): { ref(): void; unref(): void } | undefined {
  const thread = (worker as unknown as { worker?: { ref?: () => void; unref?: () => void } }).worker;
  return thread?.ref && thread.unref ? (thread as { ref(): void; unref(): void }) : undefined;
}

function ocrEngine(): Promise<TesseractWorker> {
  const wanted = settings.languages.join('+');
  if (!engine || engineLanguages !== wanted) {
    void closeOcr();
    engineLanguages = wanted;
    engine = startEngine(settings.languages);
    // A failed start is not cached: the next image tries again.
    engine.catch(() => {
      engine = undefined;
    });
  }
  return engine;
}

/** Reads the text of one image (PNG bytes), line by line, with Tesseract's confidence per line. */
export async function recognize(png: Uint8Array): Promise<OcrResult> {
  const started = performance.now();
  let worker: TesseractWorker;
  try {
    worker = await ocrEngine();
  } catch (err) {
    throw new ExtractError(
      'internal',
      `the OCR engine could not start (${(err as Error)?.message ?? 'error'}); reinstall the package to restore its language data`,
    );
  }
  let result: Awaited<ReturnType<TesseractWorker['recognize']>>;
  // An unref'd thread does not keep the process alive: while it reads, it must.
  const thread = threadOf(worker);
  if (active++ === 0) thread?.ref();
  try {
    result = await worker.recognize(Buffer.from(png.buffer, png.byteOffset, png.byteLength), {}, { blocks: true, text: false });
  } catch (err) {
    throw new ExtractError(
      'corrupt',
      `the OCR engine could not read the image (${typeof err === 'string' ? 'decode error' : ((err as Error)?.name ?? 'error')})`,
    );
  } finally {
    if (--active === 0) thread?.unref();
  }
  const lines: OcrLine[] = [];
  for (const block of result.data.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) {
        const words = line.words.filter((w) => w.confidence >= MIN_WORD_CONFIDENCE && w.text.trim() !== '');
        if (words.length === 0) continue;
        const text = words.map((w) => w.text).join(' ');
        const confidence = words.reduce((sum, w) => sum + w.confidence, 0) / words.length;
        lines.push({ text, confidence });
      }
    }
  }
  return { lines, ms: performance.now() - started };
}

/** Ends the Tesseract thread (tests and benchmarks; a pool worker's ends with it). */
export async function closeOcr(): Promise<void> {
  const current = engine;
  engine = undefined;
  if (current) await current.then((w) => w.terminate()).catch(() => {});
}
