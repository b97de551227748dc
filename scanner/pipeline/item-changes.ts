/**
 * New and resolved findings of one item read again, worked out against what the store held for it
 * before: findings are matched per entry as a multiset of type and hash. Only items read in this
 * scan come here; unchanged items are unchanged without comparing their findings. The local
 * session and the distributed worker both use it, so both mark the same findings new.
 */
import type { ExtractedItem, ResolvedFinding, SourceItem } from '../model.js';
import type { PriorItem, ScanStore, StoredItem } from '../state/store.js';

export interface FindingChanges {
  /** Per result (the order of `results`): indexes of its findings that are new. */
  newFindings: number[][];
  /** Stored findings this read did not find again. */
  resolved: ResolvedFinding[];
}

export async function findingChanges(
  store: ScanStore,
  item: SourceItem,
  prior: PriorItem | undefined,
  results: readonly ExtractedItem[],
): Promise<FindingChanges> {
  const before = new Map<string, StoredItem>();
  if (prior && !prior.gone && prior.findingCount > 0) {
    for await (const s of store.items({ roots: [prior.root], uris: [item.uri], children: true })) before.set(s.entry ?? '', s);
  }
  const pools = new Map<string, Map<string, number[]>>();
  for (const [entry, s] of before) {
    const pool = new Map<string, number[]>();
    s.findings.forEach((f, i) => {
      const k = `${f.type}\0${f.hash}`;
      const list = pool.get(k);
      if (list) list.push(i);
      else pool.set(k, [i]);
    });
    pools.set(entry, pool);
  }
  const newFindings = results.map((r) => {
    const pool = pools.get(r.entry ?? '');
    const fresh: number[] = [];
    r.findings.forEach((f, i) => {
      const left = pool?.get(`${f.type}\0${f.hash}`);
      if (left && left.length > 0) left.pop();
      else fresh.push(i);
    });
    return fresh;
  });
  const resolved: ResolvedFinding[] = [];
  for (const [entry, pool] of pools) {
    const s = before.get(entry) as StoredItem;
    for (const indexes of pool.values()) {
      for (const i of indexes) {
        const f = s.findings[i];
        if (!f) continue;
        resolved.push({
          path: s.path,
          ...(s.entry !== undefined ? { entry: s.entry } : {}),
          type: f.type,
          category: f.category,
          masked: f.masked,
          hash: f.hash,
        });
      }
    }
  }
  return { newFindings, resolved };
}
