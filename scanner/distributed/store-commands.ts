/**
 * `inzage report`, `find` and `triage` against a store given by URL (`--store postgres://…` or
 * INZAGE_STORE_URL): the same answers as from the SQLite state, read through ScanStore. `inzage
 * report --store` streams through report/from-state.ts like the local `inzage report`.
 */

import { hashQueries, type SubjectHit, type SubjectQuery, subjectHit } from '../commands/find.js';
import { InzageError } from '../errors.js';
import { isPostgresUrl, PostgresStore } from '../state/postgres.js';
import type { ScanStore } from '../state/store.js';

export async function openStore(url: string): Promise<PostgresStore> {
  if (!isPostgresUrl(url)) throw new InzageError('usage', '--store takes a postgres:// or postgresql:// URL (the embedded state needs no --store)');
  return PostgresStore.open(url);
}

/** The subject search on a store: the values are hashed here with the key, as `inzage find` does. */
export async function findSubjectInStore(store: ScanStore, queries: SubjectQuery[], key: Buffer): Promise<SubjectHit[]> {
  const hits = await store.findByHashes(hashQueries(queries, key));
  return hits.map(subjectHit);
}
