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
  if (sstEntry) {
    const xml = (await zip.read(sstEntry)).toString('utf8');
    for (const m of xml.matchAll(/<si\b[^>]*>([\s\S]*?)<\/si>/g)) {
      if (lengths.length >= limits.maxSharedStrings) {
        throw new ExtractError('archive-limit', `the workbook holds more than ${limits.maxSharedStrings} shared strings, over the limit; not read`);
      }
      lengths.push(textLength(m[1] ?? ''));
    }
  }
  let text = 0;
  for (const entry of zip.entries) {
    if (!WORKSHEET.test(entry.name)) continue;
    const xml = (await zip.read(entry)).toString('utf8');
    let rows = 0;
    for (const _ of xml.matchAll(/<row\b/g)) {
      if (++rows > limits.maxSheetRows) throw new ExtractError('archive-limit', `a sheet has more than ${limits.maxSheetRows} rows, over the limit; not read`);
    }
    let cells = 0;
    for (const m of xml.matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      if (++cells > limits.maxSheetCells)
        throw new ExtractError('archive-limit', `a sheet has more than ${limits.maxSheetCells} cells, over the limit; not read`);
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

/** The characters a shared-string entry shows: the text of its runs, without the markup. */
function textLength(si: string): number {
  let n = 0;
  for (const m of si.matchAll(/<t\b[^>]*>([^<]*)<\/t>/g)) n += (m[1] ?? '').length;
  return n;
}
