/** The thread `mergeOnThread` starts (hash-merge.ts): one merge on a connection of its own, then it ends. */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { type HashMerge, mergeStagedHashes } from './hash-merge.js';

const { file, merge } = workerData as { file: string; merge: HashMerge };
// The same wait for the lock as the state's own connection (state.ts).
const db = new Database(file, { timeout: 15_000 });
try {
  db.transaction(() => mergeStagedHashes(db, merge))();
  parentPort?.postMessage('merged');
} finally {
  db.close();
}
