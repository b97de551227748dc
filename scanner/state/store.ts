/**
 * ScanStore: the one interface through which the pipeline, the reports, `find`, `triage`, watch
 * mode and the browser workspace reach the scan state. SQLite (state/state.ts, `SqliteStore`)
 * implements it for one machine; PostgreSQL implements it for the distributed mode.
 *
 * The rules every implementation keeps:
 * - Every method is asynchronous (PostgreSQL is), and item reads are async iterators, so a state
 *   with millions of items is never held in memory at once.
 * - `writeItems` is one transaction: a process killed at any moment leaves every item in the
 *   batch as before or as after, never half. The pipeline batches many items per call.
 * - The store decides nothing: the pipeline compares versions (`priorItems`), decides reuse and
 *   computes changes; the store keeps what it is told.
 * - Findings hold masked values and keyed hashes only, as reports do.
 *
 * This interface is shared with other parts of the code base: add methods or optional fields,
 * never rename or reshape existing ones.
 */
import type { Finding } from '../../detectors/types.js';
import type { Access, ErrorCode, ExtractedItem, ItemError, ItemKind, ResolvedFinding, SourceItem, Truncation } from '../model.js';
import type { FindingsDigest } from '../report/digest.js';

export type TriageStatus = 'open' | 'false-positive' | 'accepted' | 'to-remediate';
export const TRIAGE_STATUSES: readonly TriageStatus[] = ['open', 'false-positive', 'accepted', 'to-remediate'];

/** An item as stored, with its findings and their triage status. */
export interface StoredItem {
  uri: string;
  parentUri: string | null;
  root: string;
  path: string;
  entry?: string;
  kind: ItemKind;
  mediaType?: string;
  size: number;
  modified?: string;
  access?: Access;
  error: ItemError | null;
  findings: StoredFinding[];
  /**
   * Indexes into `findings` that were new when the item was last read (against what the state
   * held before), set only when that read was by scan `marksScan`. Read by `inzage report` to mark
   * the same findings new as the scan's own report did.
   */
  newFindings?: number[];
  marksScan?: string;
  /** The item had more findings than the cap: counts of all of them (`findings` lists the first). */
  truncated?: Truncation;
  /**
   * `findings` as the store holds them, JSON text that parses to exactly `findings`, when the
   * store has it (SQLite, no triage decision on the item): a report writes it with the marks
   * spliced in instead of serialising every finding again.
   */
  findingsJson?: string;
  /**
   * The findings in brief, given only when the query asked for `findingsAsText` and the store
   * has it: `findings` is then empty and `findingsBytes` holds the findings (none of them triaged).
   */
  digest?: FindingsDigest;
  /** With `digest`: the findings as the UTF-8 bytes of their stored JSON text (what `findingsJson` would hold). */
  findingsBytes?: Buffer;
}

export interface StoredFinding extends Finding {
  status?: TriageStatus;
  note?: string;
}

export interface ScanRecord {
  id: string;
  startedAt: string;
  finishedAt: string | null;
  roots: string[];
  status: 'running' | 'finished';
  minConfidence: number;
  changes: unknown;
}

/** What the state holds of an item before this scan, for the pipeline's reuse and change decisions. */
export interface PriorItem {
  uri: string;
  root: string;
  /** The opaque version the source gave when the item was last read; null when unknown. */
  version: string | null;
  /** The settings the item was read under (tool version, threshold, detectors): reuse needs the same. */
  settings: string | null;
  errorCode: ErrorCode | null;
  gone: boolean;
  /** The source's access version (mode and ctime for files) when access was last read. */
  accessVersion: string | null;
  /** Findings of the item and its children together. */
  findingCount: number;
}

/** One entry of a `writeItems` batch. */
export type ItemWrite =
  | {
      /** Unchanged: seen by this scan, result kept. Access is replaced only when given (null: none known now). */
      op: 'reuse';
      uri: string;
      access?: Access | null;
      accessVersion?: string;
    }
  | {
      /** Read again: the item, its children and all their findings are replaced. */
      op: 'replace';
      item: SourceItem;
      /** The source's opaque version; null when the result must not be reused (an incomplete read). */
      version: string | null;
      access?: Access;
      accessVersion?: string;
      results: ExtractedItem[];
      settings: string;
      /** Per result (same order as `results`): indexes of findings new against the state before. */
      newFindings?: number[][];
      /**
       * Stored findings this read no longer finds. A store whose writers are other processes (the
       * PostgreSQL store of a distributed scan) keeps them with the scan until it finishes; the
       * local session keeps its own list, and the SQLite store leaves this out.
       */
      resolved?: ResolvedFinding[];
    };

export interface ItemQuery {
  roots: readonly string[];
  /** Only items that hold findings. */
  withFindings?: boolean;
  /** Only these uris (and, with `children`, their children). */
  uris?: readonly string[];
  children?: boolean;
  /**
   * For reports that copy the findings' stored text: an item whose findings the store holds as
   * text with a digest, and that has no triage decision, comes with `findingsBytes` and `digest`
   * and an empty `findings` (nothing parsed). A store without digests ignores this.
   */
  findingsAsText?: boolean;
}

/** Counts over the current items of some roots, computed by the store (SQL), not by reading every item. */
export interface StoreCounts {
  items: number;
  itemsWithFindings: number;
  findings: number;
  /** Bytes of top items (children are inside their container's size). */
  bytes: number;
  byErrorCode: Record<string, number>;
  /**
   * Findings per type, in key order, when the store can count them without reading every item
   * (SQLite, from the digests, when every item with findings has one).
   */
  byType?: Record<string, number>;
}

export interface ScanStore {
  close(): Promise<void>;

  // Scans
  beginScan(id: string, roots: string[], minConfidence: number, startedAt: Date): Promise<void>;
  finishScan(id: string, finishedAt: Date, changes: unknown): Promise<void>;
  /**
   * Optional: once the scan has written everything but its report, starts the work of
   * `finishScan` that the report does not need (SQLite: merging the staged finding hashes into
   * their index) on a connection of its own, so the report, which only reads, is written meanwhile.
   * `finishScan` and `close` wait for it. Nothing may be written between this and `finishScan`.
   */
  indexAside?(): Promise<void>;
  lastFinishedScan(): Promise<ScanRecord | undefined>;
  /** When a scan started (ISO-8601). */
  scanStartedAt(scanId: string): Promise<string | undefined>;

  // Writing items
  /** What the state holds of these top items (not children); uris it does not know are absent. */
  priorItems(uris: readonly string[]): Promise<Map<string, PriorItem>>;
  /** Applies the batch in one transaction. */
  writeItems(scanId: string, writes: readonly ItemWrite[]): Promise<void>;
  /** Marks items under these roots that this scan did not see as gone; returns how many. */
  markGone(scanId: string, roots: readonly string[]): Promise<number>;
  /** Marks one item and its children gone; returns how many. */
  markUriGone(scanId: string, uri: string): Promise<number>;
  /** Marks one file (and its children), or everything under a folder, gone; returns the findings that went. */
  markPathGone(scanId: string, root: string, rel: string): Promise<StoredFinding[]>;
  /**
   * After a full resync of a source's folder: marks gone the items directly in `folder` (with
   * `deep`, at any depth) last seen by a scan that started before `syncStartedAt`.
   */
  markFolderGoneBefore(scanId: string, root: string, folder: string, syncStartedAt: string, deep?: boolean): Promise<number>;
  /** Replaces items' access (ACLs read after the crawl). */
  setAccess(updates: readonly { uri: string; access: Access; accessVersion?: string }[]): Promise<void>;

  // Reading items
  /** Current (not gone) items, in uri order, a parent before its children, streamed. */
  items(query: ItemQuery): AsyncIterable<StoredItem>;
  /** Current findings of an item and its children. */
  findingsOf(uri: string): Promise<StoredFinding[]>;
  /** Findings that went with items gone in this scan (for resolved findings), streamed. */
  goneItems(scanId: string, roots: readonly string[]): AsyncIterable<StoredItem>;
  /** Counts over the current items of these roots. */
  counts(roots: readonly string[]): Promise<StoreCounts>;
  /** Every current item holding a finding with one of these hashes, and those findings: the subject search (indexed). */
  findByHashes(hashes: readonly string[]): Promise<{ item: StoredItem; finding: StoredFinding }[]>;

  // Triage
  /** Sets the triage status of every current finding that matches; returns how many findings. */
  triage(
    select: (item: { path: string; entry?: string }, finding: Finding) => boolean,
    status: TriageStatus,
    note: string | undefined,
    at: Date,
  ): Promise<number>;

  // Small values (source checkpoints, report settings)
  getValue(key: string): Promise<string | undefined>;
  setValue(key: string, value: string | undefined): Promise<void>;
  /** Every entry whose key starts with `prefix`, in key order. */
  entriesWithPrefix(prefix: string): Promise<{ key: string; value: string }[]>;
}

/** The opaque version of a file from its fingerprint: equal versions mean the bytes need not be read again. */
export function fingerprintVersion(fp: { size: number; mtimeMs: number; ino: string; dev: string }): string {
  return `${fp.size}:${fp.mtimeMs}:${fp.ino}:${fp.dev}`;
}
