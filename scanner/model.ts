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
  | 'io-error'
  | 'internal';

export const SKIP_CODES: ReadonlySet<ErrorCode> = new Set(['symlink', 'not-regular-file', 'empty', 'unsupported-format']);

export interface ItemError {
  code: ErrorCode;
  message: string;
}

export interface AccessEntry {
  principal: string;
  rights: string;
}

export interface Access {
  owner?: string;
  group?: string;
  mode?: string;
  entries: AccessEntry[];
  broad: boolean;
  reasons: string[];
  /** What the collector could not see, said plainly (a mailbox's delegates through Graph). */
  notes?: string[];
}

export type RiskLevel = 'none' | 'low' | 'medium' | 'high' | 'critical';

export interface Risk {
  score: number;
  level: RiskLevel;
  reasons: string[];
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
  /** The bytes themselves, for items that are not files (mail messages from Graph); read under `name`. */
  bytes?: Uint8Array;
  name?: string;
  /** Access the source already knows (a mailbox's owner); otherwise it is taken from uid/gid/mode. */
  access?: Access;
  /** Set when the source already knows the item cannot be read. */
  error?: ItemError;
}

/** What the worker returns for one item (and each child it contains). */
export interface ExtractedItem {
  entry?: string;
  kind: ItemKind;
  mediaType?: string;
  size?: number;
  findings: Finding[];
  error: ItemError | null;
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
}

export interface Report {
  schema: 'inzage.report/v1';
  tool: { name: 'inzage'; version: string };
  scan: { id: string; startedAt: string; finishedAt: string; roots: string[]; minConfidence: number };
  stats: ReportStats;
  items: ReportItem[];
  changes: ReportChanges;
}
