/** Segments from paragraph lists, shared by the document formats. */
import type { Extracted } from './types.js';

/** One segment per non-empty paragraph, numbered from 1 within its part, the paragraph before as context. */
export function* paragraphSegments(paragraphs: readonly string[], part?: string, extra: { slide?: number } = {}): Generator<Extracted> {
  for (let i = 0; i < paragraphs.length; i++) {
    const text = (paragraphs[i] as string).trim();
    if (!text) continue;
    const where = { ...extra, ...(part ? { part } : {}), paragraph: i + 1 };
    yield { segment: { text, where, context: i > 0 ? (paragraphs[i - 1] as string).slice(-80) : '' } };
  }
}
