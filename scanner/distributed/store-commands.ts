/**
 * `inzage report`, `find` and `triage` against a store given by URL (`--store postgres://…` or
 * INZAGE_STORE_URL): the same answers as from the SQLite state, read through ScanStore.
 */

import { hashQueries, type SubjectHit, type SubjectQuery } from '../commands/find.js';
import { InzageError } from '../errors.js';
import type { Access, Report } from '../model.js';
import { assembleReport, type ReportSettings, snapshotOf } from '../report/assemble.js';
import { loadSuppressions } from '../report/suppressions.js';
import { isPostgresUrl, PostgresStore } from '../state/postgres.js';
import type { ScanStore, StoredItem } from '../state/store.js';
import { SETTINGS_KEY, type StoredChanges } from './coordinator.js';

export async function openStore(url: string): Promise<PostgresStore> {
  if (!isPostgresUrl(url)) throw new InzageError('usage', '--store takes a postgres:// or postgresql:// URL (the embedded state needs no --store)');
  return PostgresStore.open(url);
}

/** The report of the last finished scan, rendered from the store without scanning; as reportFromState for SQLite. */
export async function reportFromStore(store: ScanStore, options: { suppressionsFile?: string }): Promise<Report> {
  const last = await store.lastFinishedScan();
  if (!last) throw new InzageError('no-scan', `the store holds no finished scan; run inzage scan --queue … --store … first`);
  const stored: StoredItem[] = [];
  for await (const item of store.items({ roots: last.roots })) stored.push(item);
  const kept = (last.changes ?? { changes: { since: null, resolvedFindings: [] }, newFindings: [] }) as StoredChanges;
  // What the scan compared with: today's findings minus the new ones, plus the resolved ones.
  const previous = snapshotOf(stored);
  for (const n of kept.newFindings) {
    const item = previous.find((p) => p.path === n.path && p.entry === n.entry);
    const i = item?.findings.findIndex((f) => f.type === n.type && f.hash === n.hash) ?? -1;
    if (item && i >= 0) item.findings.splice(i, 1);
  }
  for (const r of kept.changes.resolvedFindings) previous.push({ path: r.path, ...(r.entry !== undefined ? { entry: r.entry } : {}), findings: [r] });
  return assembleReport(stored, {
    scanId: last.id,
    roots: last.roots,
    startedAt: new Date(last.startedAt),
    finishedAt: new Date(last.finishedAt ?? last.startedAt),
    minConfidence: last.minConfidence,
    suppressions: loadSuppressions(options.suppressionsFile),
    ...(kept.changes.since ? { previous } : {}),
    since: kept.changes.since,
    settings: await storedSettings(store, last.id),
  });
}

async function storedSettings(store: ScanStore, scanId: string): Promise<ReportSettings> {
  const raw = await store.getValue(SETTINGS_KEY);
  if (!raw) return {};
  const {
    scanId: savedBy,
    folderAccess,
    ...rest
  } = JSON.parse(raw) as Omit<ReportSettings, 'folderAccess'> & { scanId?: string; folderAccess?: [string, Access][] };
  if (savedBy !== scanId) return {};
  return { ...rest, folderAccess: new Map(folderAccess ?? []) };
}

/** The subject search on a store: the values are hashed here with the key, as `inzage find` does. */
export async function findSubjectInStore(store: ScanStore, queries: SubjectQuery[], key: Buffer): Promise<SubjectHit[]> {
  const hits = await store.findByHashes(hashQueries(queries, key));
  return hits.map(({ item, finding }) => ({
    path: item.path,
    ...(item.entry !== undefined ? { entry: item.entry } : {}),
    uri: item.uri,
    kind: item.kind,
    type: finding.type,
    masked: finding.masked,
    where: { ...finding.where },
    ...(item.access ? { access: item.access } : {}),
    ...(finding.status ? { status: finding.status } : {}),
  }));
}
