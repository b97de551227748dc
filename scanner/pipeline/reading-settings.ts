/**
 * What reading an item depends on, worked out in one place for the local session and for the
 * distributed worker, so the two read alike and reuse stored results alike:
 * - `resultSettings`: the text stored with each item; a stored result is reused only when the
 *   file's version and this text are the same.
 * - `workerInit`: what each worker thread is started with.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_MIN_CONFIDENCE } from '../../detectors/confidence.js';
import { createOcrBudget, type OcrSettings } from '../extractors/ocr-engine.js';
import { VERSION } from '../version.js';
import { DEFAULT_MAX_DEPTH, type ScanOptions } from './options.js';
import type { WorkerInit } from './worker.js';

/** The part of a scan's options that changes what reading an item gives. */
export type ReadingOptions = Pick<
  ScanOptions,
  'minConfidence' | 'disabledDetectors' | 'phoneRegions' | 'maxDepth' | 'archiveLimits' | 'ocr' | 'maxFindingsPerItem' | 'configPath'
>;

export function resultSettings(options: ReadingOptions): string {
  return JSON.stringify({
    version: VERSION,
    minConfidence: options.minConfidence ?? DEFAULT_MIN_CONFIDENCE,
    disabled: [...(options.disabledDetectors ?? [])].sort(),
    ...(options.phoneRegions?.length ? { phoneRegions: options.phoneRegions } : {}),
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    archiveLimits: options.archiveLimits ?? null,
    // Items that OCR skipped end as `ocr-skipped`, which is never reused; the languages change what OCR reads.
    ocrLanguages: options.ocr?.languages ?? null,
    ...(options.maxFindingsPerItem !== undefined ? { maxFindings: options.maxFindingsPerItem } : {}),
    config: options.configPath ? createHash('sha256').update(readFileSync(options.configPath)).digest('hex') : null,
  });
}

/**
 * The worker threads' start data. The OCR page budget is shared memory of this process: a local
 * scan has one for the whole scan, a distributed worker one per job's pool on its machine.
 */
export function workerInit(options: ReadingOptions, key: Buffer, debug = false): WorkerInit {
  return {
    key: key.toString('hex'),
    minConfidence: options.minConfidence ?? DEFAULT_MIN_CONFIDENCE,
    disabledDetectors: options.disabledDetectors ?? [],
    ...(options.phoneRegions?.length ? { phoneRegions: options.phoneRegions } : {}),
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    ...(options.configPath ? { configPath: resolve(options.configPath) } : {}),
    ...(options.archiveLimits ? { archiveLimits: options.archiveLimits } : {}),
    ...(options.ocr ? { ocr: ocrWorkerSettings(options.ocr) } : {}),
    ...(options.ocr?.budgetPages !== undefined ? { ocrBudget: createOcrBudget(options.ocr.budgetPages) } : {}),
    ...(options.maxFindingsPerItem !== undefined ? { maxFindingsPerItem: options.maxFindingsPerItem } : {}),
    ...(debug ? { debug: true } : {}),
  };
}

/** The OCR settings a worker needs (the budget travels apart, as shared memory). */
function ocrWorkerSettings(options: NonNullable<ScanOptions['ocr']>): Partial<OcrSettings> {
  const { budgetPages: _budget, ...settings } = options;
  return settings;
}
