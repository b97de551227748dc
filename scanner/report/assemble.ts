/**
 * Assembles the `inzage.report/v1` report from the scan state: items with their findings marked
 * new or unchanged, suppressed or triaged, a risk scored on the findings that still count, the
 * changes since the previous scan or baseline, and the stats.
 */
import { randomUUID } from 'node:crypto';
import { type Access, type OcrCost, type Report, type ReportChanges, type ReportFinding, type ReportItem, SKIP_CODES } from '../model.js';
import type { StoredItem } from '../state/state.js';
import { VERSION } from '../version.js';
import { changeItemKey, diffFindings, type SnapshotItem } from './changes.js';
import { isActive } from './gate.js';
import { type RetentionRule, scoreRisk } from './risk.js';
import { type RollupItem, rollUp } from './rollup.js';
import type { Suppressions } from './suppressions.js';

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
  /** OCR done in this scan; left out of reports rendered from the state, which do not know it. */
  ocr?: OcrCost;
  settings?: ReportSettings;
}

/** What access roll-up and risk depend on besides the items; kept with each scan in the state. */
export interface ReportSettings {
  /** Access of each folder, by uri. */
  folderAccess?: ReadonlyMap<string, Access>;
  /** Retention rules; default DEFAULT_RETENTION_RULES. */
  retention?: RetentionRule[];
  /** Length of the hot-spot list. */
  hotspots?: number;
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
  const settings = ctx.settings ?? {};
  // Ages are measured at the end of the scan, so a report rendered later from the state is the same.
  const riskOptions = { now: ctx.finishedAt, ...(settings.retention ? { retention: settings.retention } : {}) };
  // Entries inside a container are as readable as the container; the state keeps access on the container only.
  const accessByUri = new Map<string, Access>();
  for (const s of stored) if (s.access && !s.parentUri) accessByUri.set(s.uri, s.access);
  const rollupItems: RollupItem[] = [];
  const items: ReportItem[] = stored.map((s) => {
    const itemMarks = marks.get(changeItemKey(s)) ?? [];
    const findings: ReportFinding[] = s.findings.map((f, i) => {
      const reason = ctx.suppressions?.match(s, f);
      return { ...f, change: itemMarks[i] ?? 'new', ...(reason ? { suppressed: reason } : {}) };
    });
    const access = s.access ?? (s.parentUri ? accessByUri.get(s.parentUri) : undefined);
    const item: ReportItem = {
      path: s.path,
      ...(s.entry !== undefined ? { entry: s.entry } : {}),
      uri: s.uri,
      kind: s.kind,
      ...(s.mediaType ? { mediaType: s.mediaType } : {}),
      size: s.size,
      ...(s.modified ? { modified: s.modified } : {}),
      ...(access ? { access } : {}),
      findings,
      risk: scoreRisk(findings.filter(isActive), access, s.error, { path: s.path, ...(s.modified ? { modified: s.modified } : {}) }, riskOptions),
      error: s.error,
    };
    rollupItems.push({ item, root: s.root, parentUri: s.parentUri });
    return item;
  });
  const { folders, hotspots } = rollUp(rollupItems, {
    ...(settings.folderAccess ? { folderAccess: settings.folderAccess } : {}),
    risk: riskOptions,
    ...(settings.hotspots !== undefined ? { hotspots: settings.hotspots } : {}),
    counts: isActive,
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
    folders,
    hotspots,
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
    ...(ctx.ocr ? { ocr: ctx.ocr } : {}),
  };
}
