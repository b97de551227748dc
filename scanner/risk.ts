/**
 * A first risk score per item, 0..100, from three parts that README documents:
 * sensitivity (the most sensitive category found), volume (distinct values, roughly distinct
 * persons, on a log scale) and exposure (broad access). Items that could not be read are not
 * scored but say so, since they may hold personal data.
 */
import type { Category, Finding } from '../detectors/types.js';
import { type Access, type ItemError, type Risk, type RiskLevel, SKIP_CODES } from './model.js';

export const SENSITIVITY: Record<Category, number> = {
  special: 45,
  'national-id': 35,
  financial: 25,
  identity: 15,
  contact: 10,
  online: 5,
};
const VOLUME_MAX = 30;
const BROAD_ACCESS = 20;

export function levelFor(score: number): RiskLevel {
  if (score <= 0) return 'none';
  if (score < 30) return 'low';
  if (score < 50) return 'medium';
  if (score < 75) return 'high';
  return 'critical';
}

export function scoreRisk(findings: readonly Finding[], access: Access | undefined, error: ItemError | null): Risk {
  const reasons: string[] = [];
  if (findings.length === 0) {
    if (error && !SKIP_CODES.has(error.code)) reasons.push(`not scanned (${error.code}); may hold personal data`);
    return { score: 0, level: 'none', reasons };
  }
  const top = findings.reduce<Category>((best, f) => (SENSITIVITY[f.category] > SENSITIVITY[best] ? f.category : best), findings[0]?.category ?? 'online');
  let score = SENSITIVITY[top];
  reasons.push(`holds ${top} data`);
  const distinct = new Set(findings.map((f) => f.hash)).size;
  score += Math.min(VOLUME_MAX, Math.round(12 * Math.log10(1 + distinct)));
  reasons.push(`${distinct} distinct value${distinct === 1 ? '' : 's'}`);
  if (access?.broad) {
    score += BROAD_ACCESS;
    reasons.push(`broad access: ${access.reasons.join(', ')}`);
  }
  score = Math.min(100, score);
  return { score, level: levelFor(score), reasons };
}
