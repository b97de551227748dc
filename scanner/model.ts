/**
 * Plain data that flows from sources through the pipeline to the reporters. The report types
 * mirror the `inzage.report/v1` contract in DESIGN.md; reporters/report.schema.json is its schema.
 */
import type { Finding } from '../detectors/types.js';

export type { Finding };

export type ItemKind = 'file' | 'folder' | 'archive-entry' | 'message' | 'attachment' | 'drive-item';

/** Stable error codes on items. Codes in SKIP_CODES mean "deliberately not read", the rest "could not read". */
export type ErrorCode =
  | 'permission-denied'
  | 'not-found'
  | 'symlink-loop'
  | 'symlink'
  | 'not-regular-file'
  | 'too-large'
  | 'empty'
  | 'unsupported-format'
  | 'corrupt'
  | 'encrypted'
  | 'timeout'
  | 'archive-limit'
  | 'no-text-layer'
  | 'ocr-skipped'
  | 'io-error'
  | 'internal';

export const SKIP_CODES: ReadonlySet<ErrorCode> = new Set(['symlink', 'not-regular-file', 'empty', 'unsupported-format']);

export interface ItemError {
  code: ErrorCode;
  message: string;
}

export interface AccessEntry {
  /** `user:NAME`, `group:NAME`, `everyone` (POSIX other), or a Windows account (`CONTOSO\\HR`, `Everyone`, a SID). */
  principal: string;
  /** Normalised, comma-separated: `read`, `write`, `execute`, `delete`, `change-permissions`, `take-ownership`; `full`; `none`. */
  rights: string;
  /** Additions to the contract. `deny` entries (NTFS) take rights away; absent means allow. */
  type?: 'allow' | 'deny';
  /** Rights after the POSIX ACL mask, when the mask takes something away. */
  effective?: string;
  /** Taken over from the parent folder (NTFS `(I)`). */
  inherited?: boolean;
  /** A folder's default ACL entry (POSIX) or an entry that only new children inherit (NTFS `(IO)`). */
  default?: boolean;
  /** The platform's own notation (`r-x`, `(OI)(CI)(M)`, `ALLOWED/OI|CI/CHANGE`). */
  native?: string;
}

/** Where the access data came from: mode bits only, a POSIX ACL, NTFS (icacls), or a CIFS mount (getcifsacl). */
export type AccessSource = 'posix-mode' | 'posix-acl' | 'ntfs' | 'cifs';

export interface Access {
  owner?: string;
  group?: string;
  mode?: string;
  entries: AccessEntry[];
  /**
   * Whether broad principals can read it; `unknown` where who can read it was not read (a drive
   * item without findings, a permissions call that failed). Unknown is never reported as `false`.
   */
  broad: boolean | 'unknown';
  reasons: string[];
  /** Additions to the contract. */
  source?: AccessSource;
  /** Principals who can effectively read it (after masks and deny entries). */
  readers?: string[];
  /**
   * Roll-up: the `uri` of the folder in the report's `folders` whose readers are exactly this
   * item's; `entries` is then left empty and the folder's access applies.
   */
  sameAsFolder?: string;
  /** What the collector could not see, said plainly (a mailbox's delegates through Graph). */
  notes?: string[];
}

export type RiskLevel = 'none' | 'low' | 'medium' | 'high' | 'critical';

export interface Risk {
  score: number;
  level: RiskLevel;
  reasons: string[];
  /** Addition to the contract: set when a retention rule says the item is kept too long. */
  retention?: { rule: string; maxAgeDays: number; ageDays: number };
}

/** What a source hands the pipeline: one item and how to reach its bytes. */
export interface SourceItem {
  /** The root this item was found under, as the user gave it. */
  root: string;
  /** Path relative to the root, `/`-separated, for display (invalid UTF-8 shown as U+FFFD). */
  path: string;
  uri: string;
  kind: ItemKind;
  size: number;
  modified?: string;
  /** Absolute path in the bytes the file system uses, so names in broken UTF-8 still open. */
  location?: Buffer;
  uid?: number;
  gid?: number;
  mode?: number;
  /** What a rescan compares to decide that a file is unchanged and need not be read. */
  fingerprint?: { size: number; mtimeMs: number; ino: string; dev: string };
  /**
   * The source's opaque version (a changeKey, an ETag); equal versions mean the item need not be
   * read again. Without it the fingerprint serves (state/store.ts `fingerprintVersion`).
   */
  version?: string;
  /** The media type when the source knows it (a mail message), so no file name is needed to pick an extractor. */
  mediaType?: string;
  /** What the access depends on (mode and ctime for files): the ACL is read again only when it changed. */
  accessVersion?: string;
  /** The bytes themselves, for items that are not files (mail messages from Graph); read under `name`. */
  bytes?: Uint8Array;
  name?: string;
  /**
   * Content that costs a download (a drive file, a message's attachments), fetched only when the
   * pipeline reads the item: an unchanged item is reused without it.
   */
  fetch?: () => Promise<FetchedContent>;
  /** Access the source already knows (a mailbox's owner); otherwise it is taken from uid/gid/mode. */
  access?: Access;
  /** Set when the source already knows the item cannot be read. */
  error?: ItemError;
}

/** What an item's `fetch` gives: its bytes, or why they could not be had. */
export type FetchedContent =
  | {
      bytes: Uint8Array;
      /** false: part of it could not be read (an attachment); stored without a version, so the next scan reads it again. */
      complete?: boolean;
    }
  | { error: ItemError };

/** Findings listed per item by default (`--max-findings`); the worker enforces it (pipeline/worker.ts). */
export const DEFAULT_MAX_FINDINGS_PER_ITEM = 10_000;

/**
 * Addition to the contract: set on an item with more findings than `--max-findings` (default
 * 10,000). `findings` then lists the first ones (up to the cap, and at least the first 100 of each
 * type); `total` and `byType` count all of them.
 */
export interface Truncation {
  /** Findings in the item, listed or not. */
  total: number;
  /** Findings listed in `findings`. */
  kept: number;
  /** All findings per type, listed or not. */
  byType: Record<string, number>;
}

/** What the worker returns for one item (and each child it contains). */
export interface ExtractedItem {
  entry?: string;
  kind: ItemKind;
  mediaType?: string;
  size?: number;
  findings: Finding[];
  error: ItemError | null;
  /** Pages and images this item sent through OCR, and the milliseconds it took (counted apart in stats). */
  ocr?: OcrCost;
  truncated?: Truncation;
}

export interface OcrCost {
  pages: number;
  ms: number;
}

/** A finding as reported: the engine's finding plus what the state and the suppressions say of it. */
export interface ReportFinding extends Finding {
  /** Against the previous scan or the baseline: `new` or `unchanged`. */
  change?: 'new' | 'unchanged';
  /** Triage status set with `inzage triage`; absent means open. */
  status?: 'open' | 'false-positive' | 'accepted' | 'to-remediate';
  note?: string;
  /** The reason of the suppression entry that matches it. Suppressed findings are counted, not hidden. */
  suppressed?: string;
}

export interface ReportItem {
  path: string;
  entry?: string;
  uri: string;
  kind: ItemKind;
  mediaType?: string;
  size: number;
  modified?: string;
  access?: Access;
  findings: ReportFinding[];
  /** Addition: the item had more findings than the cap; `findings` lists the first ones. */
  truncated?: Truncation;
  risk: Risk;
  error: ItemError | null;
}

/** A finding that was in the previous scan (or the baseline) and is no more. */
export interface ResolvedFinding {
  path: string;
  entry?: string;
  type: string;
  category: string;
  masked: string;
  hash: string;
}

export interface ReportChanges {
  since: { scanId?: string; at?: string; baseline?: string } | null;
  new: number;
  resolved: number;
  unchanged: number;
  resolvedFindings: ResolvedFinding[];
}

export interface ReportStats {
  items: number;
  itemsWithFindings: number;
  findings: number;
  bytes: number;
  errors: number;
  skipped: number;
  durationMs: number;
  /** Additions to the contract: counts per finding type and per error code. */
  byType: Record<string, number>;
  byErrorCode: Record<string, number>;
  /** Findings matched by a suppression entry (still listed). */
  suppressed: number;
  /** Files read in this scan, and files unchanged since the last scan whose results were reused. */
  read: number;
  reused: number;
  /** Addition to the contract: pages and images read by OCR in this scan, and the time OCR took. */
  ocr?: OcrCost;
}

/** Addition to the contract: a folder's access once, with counts for what lies under it. */
export interface ReportFolder {
  /** Relative to its root, `/`-separated; `''` is the root itself. */
  path: string;
  uri: string;
  access?: Access;
  /** Files directly in this folder. */
  items: number;
  /** Items directly in this folder whose access is this folder's (their `access.sameAsFolder`). */
  itemsSameAccess: number;
  /** Counts for the whole subtree. */
  itemsWithFindings: number;
  findings: number;
  distinctValues: number;
  broadItems: number;
  risk: Risk;
}

/** Addition to the contract: the riskiest items and folders, highest score first. */
export interface Hotspot {
  kind: 'item' | 'folder';
  path: string;
  entry?: string;
  uri: string;
  score: number;
  level: RiskLevel;
  reasons: string[];
  findings: number;
  distinctValues: number;
  /** An item's `access.broad` (`unknown` included); a folder's is whether any item under it is broad. */
  broad: boolean | 'unknown';
}

export interface Report {
  schema: 'inzage.report/v1';
  tool: { name: 'inzage'; version: string };
  scan: { id: string; startedAt: string; finishedAt: string; roots: string[]; minConfidence: number };
  stats: ReportStats;
  items: ReportItem[];
  changes: ReportChanges;
  folders?: ReportFolder[];
  hotspots?: Hotspot[];
}
