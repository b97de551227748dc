/**
 * What the worker does with OCR's output besides detection: findings in OCR'd text get basis
 * `ocr` and a confidence tempered by how sure Tesseract was of the words (a misread digit fails
 * a checksum, but a misread name or date does not); findings an extractor knows directly
 * (metadata, identity-document copies) are hashed here, where the key is.
 */
import type { Finding, Hasher } from '../../detectors/types.js';
import type { DirectFinding } from './types.js';

/**
 * Line confidence 0..100 → factor: 95 keeps 0.98 of the score, 60 keeps 0.84. A finding that
 * drops below the threshold is left out, as the engine would have done.
 */
export function temperOcrFindings(findings: readonly Finding[], ocrConfidence: number, minConfidence: number): Finding[] {
  const factor = 0.6 + (0.4 * Math.max(0, Math.min(100, ocrConfidence))) / 100;
  const out: Finding[] = [];
  for (const f of findings) {
    const confidence = Math.round(f.confidence * factor * 1000) / 1000;
    if (confidence < minConfidence) continue;
    out.push({ ...f, confidence, basis: [...(f.basis ?? []), 'ocr'] });
  }
  return out;
}

export function directFinding(direct: DirectFinding, hasher: Hasher): Finding {
  return {
    type: direct.type,
    category: direct.category,
    confidence: direct.confidence,
    masked: direct.masked,
    hash: hasher(direct.type, direct.value),
    where: direct.where,
    basis: direct.basis,
  };
}
