/**
 * Folding the staged finding hashes (finding_hashes_new) into the hash index (finding_hashes):
 * one sorted insert of everything staged, the way state.ts has always merged, run either on the
 * state's own connection or on a thread of its own with a second connection, so that a scan's
 * report, which only reads, is written meanwhile (SQLite's WAL lets readers and one writer work
 * at once). Staged hashes answer the subject search as well as merged ones (state.ts
 * findByHashes), so a merge that does not happen (a killed process, a failed thread) loses
 * nothing: the next one takes them.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

export interface HashMerge {
  /**
   * Drop the index by item first and build it again after the insert: when at least as many rows
   * are staged as indexed (a first scan), one sort of all its rows costs less than taking the new
   * rows one by one in hash order, which is random for it (0.40 s instead of 0.72 s for 337,000).
   */
  rebuild: boolean;
  /** Rows in the index once merged, kept in `kv` so that opening the state needs no count(*). */
  indexedAfter: number;
}

/** The merge, on the connection given. */
export function mergeStagedHashes(db: Database.Database, merge: HashMerge): void {
  db.exec(`${merge.rebuild ? 'DROP INDEX finding_hashes_item;' : ''}
    INSERT OR IGNORE INTO finding_hashes (hash16, item_uri) SELECT hash16, item_uri FROM finding_hashes_new ORDER BY hash16, item_uri;
    ${merge.rebuild ? 'CREATE INDEX finding_hashes_item ON finding_hashes(item_uri);' : ''}
    DELETE FROM finding_hashes_new;`);
  db.prepare("INSERT OR REPLACE INTO kv (key, value) VALUES ('finding-hashes-rows', ?)").run(String(merge.indexedAfter));
}

const THREAD = new URL('./hash-merge-thread.js', import.meta.url);

/** Whether the merge can run on a thread: the built thread module is there (not when the sources run as TypeScript). */
export const canMergeOnThread = (): boolean => existsSync(fileURLToPath(THREAD));

/**
 * The merge in one transaction on a thread with its own connection to `file`. Resolves true once
 * it is committed, false when it failed (then nothing of it was committed, and the staged rows wait).
 */
export function mergeOnThread(file: string, merge: HashMerge): Promise<boolean> {
  return new Promise((done) => {
    let merged = false;
    const thread = new Worker(THREAD, { workerData: { file, merge } });
    thread.once('message', (message) => {
      merged = message === 'merged';
    });
    thread.once('error', () => undefined);
    thread.once('exit', () => done(merged));
  });
}
