/** What a scan can be told, what it reports as it goes, and the defaults. */
import type { AccessOptions } from '../access/collector.js';
import type { ArchiveLimits } from '../extractors/limits.js';
import type { OcrSettings } from '../extractors/ocr-engine.js';
import type { ItemError, OcrCost, Report } from '../model.js';
import type { RiskOptions } from '../report/risk.js';
import type { M365Settings } from '../sources/m365/settings.js';

export interface ScanOptions {
  roots: string[];
  include?: string[];
  exclude?: string[];
  followSymlinks?: boolean;
  /** Bytes; larger files are listed as `too-large`. */
  maxFileSize?: number;
  /** Worker threads for parsing and detection; default: the number of cores. */
  workers?: number;
  /** Items in flight at once (crawled and waiting for a worker); default: four times the workers, at least 8. */
  concurrency?: number;
  /** Per-item time limit in milliseconds, counted from when a worker takes the item up. */
  itemTimeoutMs?: number;
  /** Heap limit per worker in MB; an item that needs more ends as `too-large`. */
  workerMemoryMb?: number;
  minConfidence?: number;
  disabledDetectors?: string[];
  /** Regions of phone numbers without a country code, first one first (`--phone-region`). */
  phoneRegions?: string[];
  /** A config file with custom and plugin detectors (scanner/config.ts); each worker loads it. */
  configPath?: string;
  maxDepth?: number;
  /** Zip-bomb limits (total and per-entry uncompressed bytes, entry count, ratio); see extractors/limits.ts. */
  archiveLimits?: Partial<ArchiveLimits>;
  /** OCR of images and image-only PDF pages: on/off, languages, caps; `budgetPages` for the whole scan. */
  ocr?: Partial<OcrSettings> & { budgetPages?: number };
  /** Findings listed per item; beyond it they are counted per type (default 10,000; worker.ts). */
  maxFindingsPerItem?: number;
  /** Show what parser libraries print in the workers on stderr, masked (pipeline/worker-console.ts). */
  debug?: boolean;
  /** Folder of the state database and key; default INZAGE_STATE_DIR or `.inzage`. */
  stateDir?: string;
  keyFile?: string;
  /** Compare with this report instead of the previous scan in the state. */
  baseline?: { file: string; report: Report };
  suppressionsFile?: string;
  /** Folders never entered, such as the report folder. */
  skipFolders?: string[];
  /** Broad groups and whether to read ACLs (scanner/access/collector.ts). */
  access?: AccessOptions;
  /** Retention rules (scanner/report/risk.ts); ages are measured at the end of the scan. */
  risk?: Pick<RiskOptions, 'retention'>;
  /** Length of the report's hot-spot list; default 25. */
  hotspots?: number;
  /** Also scan Microsoft 365 (mailboxes) with these settings; see scanner/sources/m365. */
  m365?: M365Settings;
  /** State writes: items per transaction and the longest an item waits to be written (ms). */
  writeBatch?: { items?: number; delayMs?: number };
}

export interface ProgressEvent {
  path: string;
  size: number;
  findings: number;
  error: ItemError | null;
  reused: boolean;
  /** OCR done for this item (pages, milliseconds); absent when none. */
  ocr?: OcrCost;
}

export interface ScanEvents {
  /** An item is done and in the state. */
  onItem?(event: ProgressEvent): void;
  /** The source found an item (before it is read): progress totals grow with these. */
  onFound?(event: { size: number }): void;
  /** The source has listed everything: totals are final, an ETA can be given. */
  onCrawlDone?(): void;
}

/** 1 GiB: a share's large logs and exports fit under it, disk images and video do not. */
export const DEFAULT_MAX_FILE_SIZE = 1024 ** 3;
export const DEFAULT_ITEM_TIMEOUT_MS = 120_000;
export const DEFAULT_WORKER_MEMORY_MB = 1536;
export const DEFAULT_MAX_DEPTH = 5;
export { DEFAULT_MAX_FINDINGS_PER_ITEM } from '../model.js';
