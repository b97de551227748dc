/**
 * What changed since the previous scan or a baseline report: per item, the findings that are new,
 * resolved or unchanged. A finding is known by its item (path and entry), type and keyed hash,
 * counted as a multiset, so a value that moves to another line is unchanged, and a second
 * occurrence of it is new.
 */
import type { ReportChanges, ResolvedFinding } from '../model.js';

export interface SnapshotFinding {
  type: string;
  category: string;
  masked: string;
  hash: string;
}

export interface SnapshotItem {
  path: string;
  entry?: string;
  findings: SnapshotFinding[];
}

const itemKey = (i: { path: string; entry?: string }) => `${i.path}\0${i.entry ?? ''}`;
const findingKey = (f: { type: string; hash: string }) => `${f.type}\0${f.hash}`;

export interface ChangeMarks {
  /** Per item key, per finding index: new or unchanged. */
  marks: Map<string, ('new' | 'unchanged')[]>;
  changes: ReportChanges;
}

export function diffFindings(previous: SnapshotItem[] | undefined, current: SnapshotItem[], since: ReportChanges['since']): ChangeMarks {
  const before = new Map<string, Map<string, SnapshotFinding[]>>();
  for (const item of previous ?? []) {
    const counts = before.get(itemKey(item)) ?? new Map<string, SnapshotFinding[]>();
    for (const f of item.findings) counts.set(findingKey(f), [...(counts.get(findingKey(f)) ?? []), f]);
    before.set(itemKey(item), counts);
  }
  const marks = new Map<string, ('new' | 'unchanged')[]>();
  let added = 0;
  let unchanged = 0;
  for (const item of current) {
    const pool = before.get(itemKey(item));
    const itemMarks = item.findings.map((f) => {
      const left = pool?.get(findingKey(f));
      if (left && left.length > 0) {
        left.pop();
        unchanged++;
        return 'unchanged' as const;
      }
      added++;
      return 'new' as const;
    });
    marks.set(itemKey(item), itemMarks);
  }
  const resolvedFindings: ResolvedFinding[] = [];
  for (const item of previous ?? []) {
    for (const left of before.get(itemKey(item))?.values() ?? []) {
      for (const f of left.splice(0)) {
        resolvedFindings.push({
          path: item.path,
          ...(item.entry !== undefined ? { entry: item.entry } : {}),
          type: f.type,
          category: f.category,
          masked: f.masked,
          hash: f.hash,
        });
      }
    }
  }
  return { marks, changes: { since, new: added, resolved: resolvedFindings.length, unchanged, resolvedFindings } };
}

export { itemKey as changeItemKey };
