/** Helpers shared by the extractors: segments from paragraph lists, unique names for children. */
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

/**
 * A child's entry, unique within its container: a zip may hold the same path twice and a mail two
 * attachments of one name, while the report lists every item under its own uri.
 */
export function uniqueEntry(name: string, seen: Set<string>): string {
  let entry = name;
  for (let n = 2; seen.has(entry); n++) entry = `${name} (${n})`;
  seen.add(entry);
  return entry;
}
