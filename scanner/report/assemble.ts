/**
 * Assembles the `inzage.report/v1` report from the scan state: items with their findings marked
 * new or unchanged, suppressed or triaged, a risk scored on the findings that still count, the
 * changes since the previous scan or baseline, and the stats.
 */
import type { OcrCost, Report, ReportChanges, ReportItem } from '../model.js';
import type { StoredItem } from '../state/store.js';
import type { SnapshotItem } from './changes.js';
import { ReportAssembler, type ReportSettings, snapshotMarker } from './stream.js';
import type { Suppressions } from './suppressions.js';

export type { ReportSettings };

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

export function snapshotOf(
  items: readonly { path: string; entry?: string; findings: readonly { type: string; category: string; masked: string; hash: string }[] }[],
): SnapshotItem[] {
  return items.map((i) => ({
    path: i.path,
    ...(i.entry !== undefined ? { entry: i.entry } : {}),
    findings: i.findings.map((f) => ({ type: f.type, category: f.category, masked: f.masked, hash: f.hash })),
  }));
}

/** The whole report in memory from stored items, compared with a snapshot (a baseline, or the state before). */
export function assembleReport(stored: readonly StoredItem[], ctx: AssembleContext): Report {
  const assembler = new ReportAssembler({ ...ctx, marker: snapshotMarker(ctx.previous, ctx.since) });
  const items: ReportItem[] = stored.map((s) => assembler.add(s));
  const { schema, tool, scan, stats, ...rest } = assembler.finish();
  return { schema, tool, scan, stats, items, ...rest };
}
