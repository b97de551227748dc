/**
 * Assembles the `inzage.report/v1` report from the scan state: items with their findings marked
 * new or unchanged, suppressed or triaged, a risk scored on the findings that still count, the
 * changes since the previous scan or baseline, and the stats.
 */
import { randomUUID } from 'node:crypto';
import { changeItemKey, diffFindings, type SnapshotItem } from './changes.js';
import { isActive } from './gate.js';
import { type Report, type ReportChanges, type ReportFinding, type ReportItem, SKIP_CODES } from './model.js';
import { scoreRisk } from './risk.js';
import type { StoredItem } from './state.js';
import type { Suppressions } from './suppressions.js';
import { VERSION } from './version.js';

export interface AssembleContext {
  scanId?: string;
  roots: string[];
  startedAt: Date;
  finishedAt: Date;
  minConfidence: number;
  suppressions?: Suppressions;
  /** The findings before this scan (state or baseline); undefined when there is nothing to compare with. */
  previous?: SnapshotItem[];
  since: ReportChanges['since'];
  read?: number;
  reused?: number;
}

export function snapshotOf(
  items: readonly { path: string; entry?: string; findings: readonly { type: string; category: string; masked: string; hash: string }[] }[],
): SnapshotItem[] {
  return items.map((i) => ({
    path: i.path,
    ...(i.entry !== undefined ? { entry: i.entry } : {}),
    findings: i.findings.map((f) => ({ type: f.type, category: f.category, masked: f.masked, hash: f.hash })),
  }));
}

export function assembleReport(stored: readonly StoredItem[], ctx: AssembleContext): Report {
  const { marks, changes } = diffFindings(ctx.previous, snapshotOf(stored), ctx.since);
  const items: ReportItem[] = stored.map((s) => {
    const itemMarks = marks.get(changeItemKey(s)) ?? [];
    const findings: ReportFinding[] = s.findings.map((f, i) => {
      const reason = ctx.suppressions?.match(s, f);
      return { ...f, change: itemMarks[i] ?? 'new', ...(reason ? { suppressed: reason } : {}) };
    });
    return {
      path: s.path,
      ...(s.entry !== undefined ? { entry: s.entry } : {}),
      uri: s.uri,
      kind: s.kind,
      ...(s.mediaType ? { mediaType: s.mediaType } : {}),
      size: s.size,
      ...(s.modified ? { modified: s.modified } : {}),
      ...(s.access ? { access: s.access } : {}),
      findings,
      risk: scoreRisk(findings.filter(isActive), s.access, s.error),
      error: s.error,
    };
  });
  return {
    schema: 'inzage.report/v1',
    tool: { name: 'inzage', version: VERSION },
    scan: {
      id: ctx.scanId ?? randomUUID(),
      startedAt: ctx.startedAt.toISOString(),
      finishedAt: ctx.finishedAt.toISOString(),
      roots: ctx.roots,
      minConfidence: ctx.minConfidence,
    },
    stats: statsOf(items, ctx),
    items,
    changes,
  };
}

function statsOf(items: ReportItem[], ctx: AssembleContext): Report['stats'] {
  const byType: Record<string, number> = {};
  const byErrorCode: Record<string, number> = {};
  let findings = 0;
  let withFindings = 0;
  let bytes = 0;
  let errors = 0;
  let skipped = 0;
  let suppressed = 0;
  for (const item of items) {
    if (item.findings.length > 0) withFindings++;
    findings += item.findings.length;
    if (item.entry === undefined) bytes += item.size;
    for (const f of item.findings) {
      byType[f.type] = (byType[f.type] ?? 0) + 1;
      if (f.suppressed) suppressed++;
    }
    if (item.error) {
      byErrorCode[item.error.code] = (byErrorCode[item.error.code] ?? 0) + 1;
      if (SKIP_CODES.has(item.error.code)) skipped++;
      else errors++;
    }
  }
  return {
    items: items.length,
    itemsWithFindings: withFindings,
    findings,
    bytes,
    errors,
    skipped,
    durationMs: Math.max(0, ctx.finishedAt.getTime() - ctx.startedAt.getTime()),
    byType,
    byErrorCode,
    suppressed,
    read: ctx.read ?? 0,
    reused: ctx.reused ?? 0,
  };
}
