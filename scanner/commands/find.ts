/**
 * Subject search for the rights of access and erasure (GDPR Art. 15 and 17): "where is this
 * person's data?". Each given value is normalised the way its detector does and hashed with the
 * installation key, then looked up in the state. The raw values live only in this process's memory.
 */
import { selectDetectors } from '../../detectors/registry.js';
import { InzageError } from '../errors.js';
import type { Access } from '../model.js';
import { createHasher } from '../state/secret-key.js';
import type { ScanState } from '../state/state.js';
import type { StoredFinding, StoredItem } from '../state/store.js';

export interface SubjectQuery {
  type: string;
  value: string;
}

export interface SubjectHit {
  path: string;
  entry?: string;
  uri: string;
  kind: string;
  type: string;
  masked: string;
  where: Record<string, unknown>;
  access?: Access;
  status?: string;
}

export function hashQueries(queries: SubjectQuery[], key: Buffer): string[] {
  const hash = createHasher(key);
  const detectors = new Map(selectDetectors().map((d) => [d.id, d]));
  return queries.map((q) => {
    const detector = detectors.get(q.type);
    const normalized = detector?.normalize ? detector.normalize(q.value.trim()) : q.value.trim();
    if (!normalized) throw new InzageError('usage', `the ${q.type} value given is not valid for its type (it does not normalise); check it`);
    return hash(q.type, normalized);
  });
}

export function findSubject(state: ScanState, queries: SubjectQuery[], key: Buffer): SubjectHit[] {
  const hashes = hashQueries(queries, key);
  return state.findByHashes(hashes).map(subjectHit);
}

/** One hit of a subject search, from the store's item and finding: masked value and place only. */
export function subjectHit({ item, finding }: { item: StoredItem; finding: StoredFinding }): SubjectHit {
  return {
    path: item.path,
    ...(item.entry !== undefined ? { entry: item.entry } : {}),
    uri: item.uri,
    kind: item.kind,
    type: finding.type,
    masked: finding.masked,
    where: { ...finding.where },
    ...(item.access ? { access: item.access } : {}),
    ...(finding.status ? { status: finding.status } : {}),
  };
}

export { formatHits } from '../../reporters/find.js';
