/**
 * The scan state as an asynchronous interface, so the embedded SQLite state and the PostgreSQL
 * store of distributed mode (state/postgres.ts) answer reports, changes, triage, suppressions and
 * `find` the same way. Writes come in batches (many items per call): PostgreSQL pays a round trip
 * per statement, SQLite pays nothing extra.
 *
 * Built against ScanState's methods while the scale issue's own store interface is not there yet;
 * the names follow ScanState's so the two can be joined without renaming callers.
 */
import type { Finding } from '../../detectors/types.js';
import type { Access, ExtractedItem, SourceItem } from '../model.js';
import { type ScanRecord, ScanState, type StoredFinding, type StoredItem, type TriageStatus } from './state.js';

/** One item read (or found unreadable) and what came out of it. */
export interface ItemResult {
  item: SourceItem;
  access: Access | undefined;
  results: ExtractedItem[];
}

export interface AsyncScanStore {
  /** Where the store is, for messages (a file path, or a database URL without its password). */
  readonly description: string;
  beginScan(id: string, roots: string[], minConfidence: number, startedAt: Date): Promise<void>;
  finishScan(id: string, finishedAt: Date, changes: unknown): Promise<void>;
  lastFinishedScan(): Promise<ScanRecord | undefined>;
  /** Of these items (each with its access), the uris of those whose stored result is reused unchanged; they are marked seen by this scan. */
  reuseUnchanged(scanId: string, items: readonly { item: SourceItem; access: Access | undefined }[], settings: string): Promise<Set<string>>;
  /** Replaces each item, its children and their findings with the new result; doing it twice stores it once. */
  saveItems(scanId: string, results: readonly ItemResult[], settings: string): Promise<void>;
  markGone(scanId: string, roots: string[]): Promise<number>;
  currentItems(roots: string[]): Promise<StoredItem[]>;
  findByHashes(hashes: string[]): Promise<{ item: StoredItem; finding: StoredFinding }[]>;
  triage(
    select: (item: { path: string; entry?: string }, finding: Finding) => boolean,
    status: TriageStatus,
    note: string | undefined,
    at: Date,
  ): Promise<number>;
  getValue(key: string): Promise<string | undefined>;
  setValue(key: string, value: string | undefined): Promise<void>;
  close(): Promise<void>;
}

/** The SQLite state behind the asynchronous interface. */
export class SqliteStore implements AsyncScanStore {
  readonly description: string;

  constructor(readonly state: ScanState) {
    this.description = state.file;
  }

  static open(dir?: string): SqliteStore {
    return new SqliteStore(ScanState.open(dir));
  }

  async beginScan(id: string, roots: string[], minConfidence: number, startedAt: Date): Promise<void> {
    this.state.beginScan(id, roots, minConfidence, startedAt);
  }

  async finishScan(id: string, finishedAt: Date, changes: unknown): Promise<void> {
    this.state.finishScan(id, finishedAt, changes);
  }

  async lastFinishedScan(): Promise<ScanRecord | undefined> {
    return this.state.lastFinishedScan();
  }

  async reuseUnchanged(scanId: string, items: readonly { item: SourceItem; access: Access | undefined }[], settings: string): Promise<Set<string>> {
    const reused = new Set<string>();
    for (const { item, access } of items) if (this.state.reuseIfUnchanged(scanId, item, access, settings)) reused.add(item.uri);
    return reused;
  }

  async saveItems(scanId: string, results: readonly ItemResult[], settings: string): Promise<void> {
    for (const r of results) this.state.saveItem(scanId, r.item, r.access, r.results, settings);
  }

  async markGone(scanId: string, roots: string[]): Promise<number> {
    return this.state.markGone(scanId, roots);
  }

  async currentItems(roots: string[]): Promise<StoredItem[]> {
    return this.state.currentItems(roots);
  }

  async findByHashes(hashes: string[]): Promise<{ item: StoredItem; finding: StoredFinding }[]> {
    return this.state.findByHashes(hashes);
  }

  async triage(
    select: (item: { path: string; entry?: string }, finding: Finding) => boolean,
    status: TriageStatus,
    note: string | undefined,
    at: Date,
  ): Promise<number> {
    return this.state.triage(select, status, note, at);
  }

  async getValue(key: string): Promise<string | undefined> {
    return this.state.getValue(key);
  }

  async setValue(key: string, value: string | undefined): Promise<void> {
    this.state.setValue(key, value);
  }

  async close(): Promise<void> {
    this.state.close();
  }
}
