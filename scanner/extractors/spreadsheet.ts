/**
 * Spreadsheets (xlsx, xlsm, xlsb, ods; xls comes through ole.ts) through SheetJS, from the maintained `@e965/xlsx`
 * build (the registry's `xlsx@0.18.5` has known prototype-pollution and ReDoS flaws). Every
 * sheet, hidden and very hidden ones too, every cell's shown value (as formatted in the file)
 * and cell comments; `where: { sheet, cell }`. A column's header (the first filled row) and the
 * cell to the left are context, so a column headed `BSN` marks its numbers as BSNs. Each row under
 * the header is a record (records.ts): columns typed from header and values, a name or an address
 * spread over columns found as one value at its first cell.
 */
import type * as XLSX from '@e965/xlsx';
import type { Segment } from '../../detectors/types.js';
import { columnName } from './csv.js';
import { corePropertyPeople, embeddedPictures } from './package-extras.js';
import { type Field, recordSegmentList, typeKeys } from './records.js';
import { checkSheetExpansion } from './spreadsheet-guard.js';
import type { ExtractContext, Extracted, Extractor, ItemContent } from './types.js';
import { ExtractError } from './types.js';
import { checkPackageLimits, openZip } from './zip-reader.js';

export const SPREADSHEET_TYPES = [
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.ms-excel.sheet.macroenabled.12',
  'application/vnd.ms-excel.sheet.binary.macroenabled.12',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.template',
  'application/vnd.ms-excel.template.macroenabled.12',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.spreadsheet-template',
] as const;

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

export async function* extractSpreadsheet(content: ItemContent, context: ExtractContext): AsyncGenerator<Extracted> {
  const bytes = await content.bytes();
  if (ZIP_MAGIC.every((b, i) => bytes[i] === b)) {
    // SheetJS inflates whole parts without limits of its own: check the declared sizes first.
    const zip = await openZip(bytes);
    try {
      checkPackageLimits(zip, context);
      // Shared strings, rows and cells within the archive limits, before SheetJS expands them.
      await checkSheetExpansion(zip);
    } finally {
      zip.close();
    }
  }
  yield* workbookSegments(await readWorkbook(bytes));
  if (ZIP_MAGIC.every((b, i) => bytes[i] === b)) {
    const zip = await openZip(bytes);
    try {
      yield* corePropertyPeople(zip);
      yield* embeddedPictures(zip, 'xl/media/');
    } finally {
      zip.close();
    }
  }
}

export async function readWorkbook(bytes: Uint8Array): Promise<XLSX.WorkBook> {
  // Loaded on first use: a worker that never meets a spreadsheet never pays for SheetJS.
  const { read } = await import('@e965/xlsx');
  try {
    return read(bytes, {
      type: 'buffer',
      dense: true,
      cellText: true,
      cellFormula: false,
      cellHTML: false,
      cellStyles: false,
      cellDates: false,
      bookVBA: false,
      WTF: false,
    });
  } catch (err) {
    // SheetJS says so in words only; its message is read here, never passed on.
    const message = err instanceof Error ? err.message : String(err);
    if (/password|encrypt/i.test(message)) throw new ExtractError('encrypted', 'the workbook is protected with a password; its contents cannot be scanned');
    throw err;
  }
}

export function* workbookSegments(workbook: XLSX.WorkBook): Generator<Extracted> {
  for (const sheetName of workbook.SheetNames) {
    const sheet = workbook.Sheets[sheetName];
    if (!sheet) continue;
    const rows = (sheet['!data'] ?? []) as (XLSX.CellObject | undefined)[][];
    const headerRow = findHeaderRow(rows);
    const headers = headerRow === undefined ? [] : (rows[headerRow] ?? []).map(shownValue);
    // Each row under the header is a record (records.ts): columns typed from header and values.
    const first = headerRow === undefined ? rows.length : headerRow + 1;
    const width = rows.reduce((w, row) => Math.max(w, row?.length ?? 0), 0);
    const keys = typeKeys(
      Array.from({ length: width }, (_, c) => headers[c] ?? ''),
      (c) => rows.slice(first, first + SAMPLE_ROWS).map((row) => shownValue(row?.[c])),
    );
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      if (!row) continue;
      const texts = row.map(shownValue);
      const fields: Field[] = [];
      // A row's segments go out together (types.ts `segments`): a comment where its cell is, then the record.
      const segments: Segment[] = [];
      for (let c = 0; c < row.length; c++) {
        const cell = row[c];
        if (!cell) continue;
        const ref = `${columnLetters(c)}${r + 1}`;
        const text = texts[c] ?? '';
        if (text.trim() !== '') fields.push({ key: c, text, where: { sheet: sheetName, cell: ref }, context: c > 0 ? (texts[c - 1] ?? '').slice(-60) : '' });
        for (const comment of cell.c ?? []) {
          if (comment.t?.trim()) segments.push({ text: comment.t, where: { sheet: sheetName, cell: ref, part: 'comment' } });
        }
      }
      if (r >= first) {
        segments.push(...recordSegmentList(fields, keys));
      } else {
        for (const f of fields) segments.push({ text: f.text, where: f.where, context: (f.context ?? '').trim() });
      }
      if (segments.length > 0) yield { segments };
    }
  }
}

/** Column letters by index, made once per column rather than once per cell. */
const COLUMN_LETTERS: string[] = [];
function columnLetters(index: number): string {
  let letters = COLUMN_LETTERS[index];
  if (letters === undefined) {
    letters = columnName(index);
    if (index < 16_384) COLUMN_LETTERS[index] = letters;
  }
  return letters;
}

/** Rows under the header read to type a column by its values. */
const SAMPLE_ROWS = 100;

const HEADER_SEARCH_ROWS = 20;

/**
 * The row that labels the columns: among the first rows, the first whose filled cells are all
 * text and which fills at least two cells; a lone text cell above it (a title such as
 * "Personeelslijst 2024") is passed over. A one-column sheet's header is its first text row.
 */
export function findHeaderRow(rows: readonly ((XLSX.CellObject | undefined)[] | undefined)[]): number | undefined {
  let single: number | undefined;
  for (let r = 0; r < Math.min(rows.length, HEADER_SEARCH_ROWS); r++) {
    const filled = (rows[r] ?? []).filter((cell): cell is XLSX.CellObject => cell !== undefined && shownValue(cell).trim() !== '');
    if (filled.length === 0) continue;
    const allText = filled.every((cell) => cell.t === 's');
    if (allText && filled.length >= 2) return r;
    if (allText && filled.length === 1) single ??= r;
    // A row of values before any multi-column header: the data starts here, so the header, if any, was the lone text cell.
    if (!allText) return single;
  }
  return single;
}

/** The value as Excel shows it: the formatted text when the file has one, else the raw value. */
function shownValue(cell: XLSX.CellObject | undefined): string {
  if (!cell || cell.t === 'z') return '';
  if (typeof cell.w === 'string') return cell.w;
  return cell.v === undefined || cell.v === null ? '' : String(cell.v);
}

export const spreadsheetExtractor: Extractor = {
  id: 'spreadsheet',
  mediaTypes: SPREADSHEET_TYPES,
  extensions: ['xlsx', 'xlsm', 'xlsb', 'xltx', 'xltm', 'ods', 'ots'],
  extract: extractSpreadsheet,
};
