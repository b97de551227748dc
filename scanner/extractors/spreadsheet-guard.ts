/**
 * A check of an xlsx/xlsm package before SheetJS reads it: the shared-strings table and each
 * sheet's rows and cells, and what the cells expand to through shared strings, against the archive
 * limits (limits.ts). A shared-strings bomb stores one long string once and points every cell at
 * it: a small file, a few megabytes of sheet XML, but gigabytes of text for the detectors, which
 * would hold a worker until its time limit. Here it ends within a second or so as
 * `archive-limit`, after reading only the XML, and only as far as the first limit it breaks.
 */
import { archiveLimits } from './limits.js';
import { ExtractError } from './types.js';
import type { OpenZip } from './zip-reader.js';

const SHARED_STRINGS = /^xl\/sharedStrings\.xml$/i;
const WORKSHEET = /^xl\/worksheets\/[^/]+\.xml$/i;

export async function checkSheetExpansion(zip: OpenZip): Promise<void> {
  const limits = archiveLimits();
  const sstEntry = zip.entries.find((e) => SHARED_STRINGS.test(e.name));
  const lengths: number[] = [];
  let longest = 0;
  if (sstEntry) {
    const xml = (await zip.read(sstEntry)).toString('utf8');
    for (const m of xml.matchAll(/<si\b[^>]*>([\s\S]*?)<\/si>/g)) {
      if (lengths.length >= limits.maxSharedStrings) {
        throw new ExtractError('archive-limit', `the workbook holds more than ${limits.maxSharedStrings} shared strings, over the limit; not read`);
      }
      const length = textLength(m[1] ?? '');
      lengths.push(length);
      if (length > longest) longest = length;
    }
  }
  const sheets = zip.entries.filter((e) => WORKSHEET.test(e.name));
  // No cell shows more than the longest shared string: when even every cell showing it stays
  // within the limit, the cells need not be read one by one (an ordinary workbook's case).
  let bound = 0;
  for (const entry of sheets) {
    // Counted in the bytes, not in a decoded string: a sheet's XML is most of a workbook.
    const xml = await zip.read(entry);
    if (countTags(xml, ROW, limits.maxSheetRows) > limits.maxSheetRows) {
      throw new ExtractError('archive-limit', `a sheet has more than ${limits.maxSheetRows} rows, over the limit; not read`);
    }
    const cells = countTags(xml, CELL, limits.maxSheetCells);
    if (cells > limits.maxSheetCells) {
      throw new ExtractError('archive-limit', `a sheet has more than ${limits.maxSheetCells} cells, over the limit; not read`);
    }
    bound += cells * longest;
  }
  if (bound <= limits.maxSheetText) return;
  let text = 0;
  for (const entry of sheets) {
    for (const m of (await zip.read(entry)).toString('utf8').matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      if (!/\bt\s*=\s*["']s["']/.test(m[1] ?? '')) continue;
      const index = /<v>\s*(\d+)\s*<\/v>/.exec(m[2] ?? '')?.[1];
      text += index === undefined ? 0 : (lengths[Number(index)] ?? 0);
      if (text > limits.maxSheetText) {
        throw new ExtractError(
          'archive-limit',
          `the cells expand through shared strings to more than ${limits.maxSheetText} characters of text, as a shared-strings bomb does; not read`,
        );
      }
    }
  }
}

const ROW = Buffer.from('<row');
const CELL = Buffer.from('<c');

/**
 * How often `tag` opens an element in the XML, as `/<row\b/g` counts it in the decoded text (the
 * byte after the name is no ASCII letter, digit or `_`); the count stops once past `limit`.
 * Every cell element opens with `<c`, so this is never fewer than the cells a full parse finds.
 */
function countTags(xml: Buffer, tag: Buffer, limit: number): number {
  let count = 0;
  for (let at = xml.indexOf(tag); at !== -1 && count <= limit; at = xml.indexOf(tag, at + tag.length)) {
    const next = xml[at + tag.length];
    if (next === undefined || !isWordByte(next)) count++;
  }
  return count;
}

function isWordByte(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x5f;
}

/** The characters a shared-string entry shows: the text of its runs, without the markup. */
function textLength(si: string): number {
  let n = 0;
  for (const m of si.matchAll(/<t\b[^>]*>([^<]*)<\/t>/g)) n += (m[1] ?? '').length;
  return n;
}
