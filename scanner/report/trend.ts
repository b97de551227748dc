/**
 * The figures of one scan kept for the trend over scans (`inzage serve`, the proof of measures
 * the AVG asks for): items with personal data, findings by category, high-risk and broadly
 * readable items with personal data, and new versus resolved findings. Counts only, no paths.
 */
import type { RiskLevel } from '../model.js';

export interface TrendFigures {
  items: number;
  itemsWithFindings: number;
  findings: number;
  byCategory: Record<string, number>;
  highRisk: number;
  broad: number;
  new: number;
  resolved: number;
}

const HIGH: ReadonlySet<RiskLevel> = new Set(['high', 'critical']);

/** Adds one item to the figures; items come one at a time, so a streamed report can feed it too. */
export function addToTrend(figures: TrendFigures, item: { findings: readonly { category: string }[]; level: RiskLevel; broad: boolean }): void {
  figures.items++;
  if (item.findings.length === 0) return;
  figures.itemsWithFindings++;
  figures.findings += item.findings.length;
  for (const f of item.findings) figures.byCategory[f.category] = (figures.byCategory[f.category] ?? 0) + 1;
  if (HIGH.has(item.level)) figures.highRisk++;
  if (item.broad) figures.broad++;
}

export function emptyTrend(changes?: { new: number; resolved: number } | null): TrendFigures {
  return { items: 0, itemsWithFindings: 0, findings: 0, byCategory: {}, highRisk: 0, broad: 0, new: changes?.new ?? 0, resolved: changes?.resolved ?? 0 };
}
