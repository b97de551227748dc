/**
 * CSV and TSV. Each cell is its own segment, with its column header (and the cell to its left,
 * for label/value lists) as context, so a BSN column is recognised as one even when the numbers
 * carry no label of their own. `where: { line, cell }` with the cell named as in a spreadsheet.
 *
 * Cells are split per line, honouring quotes within the line. A quoted field that spans lines is
 * read as plain text instead: no text is ever dropped because a file is not well-formed CSV.
 */
import type { Segment } from '../../detectors/types.js';
import { decodeLineBatches, pieceBounds } from './decode.js';
import { type Field, recordSegmentList, type TypedKey, typeKeys } from './records.js';
import type { Extracted, Extractor, ItemContent } from './types.js';

export function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/** Picks the delimiter that the header line uses most: `;` (Dutch Excel), `,`, tab or `|`. */
export function sniffDelimiter(line: string, hint?: string): string {
  if (hint) return hint;
  let best = ',';
  let bestCount = 0;
  for (const d of [';', ',', '\t', '|']) {
    const count = line.split(d).length - 1;
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

/** Splits one line into cells; `undefined` when a quote is left open (a multi-line field). */
export function splitCells(line: string, delimiter: string): string[] | undefined {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  if (quoted) return undefined;
  cells.push(cell);
  return cells;
}

/** Data rows read before the columns are typed: enough to type a column by its values, few enough to hold. */
const SAMPLE_ROWS = 100;

interface Row {
  cells: string[];
  line: number;
}

/** The segments of each decoded chunk go out together (types.ts `segments`), in the order of the file. */
export async function* extractDelimited(content: ItemContent, hint?: string): AsyncGenerator<Extracted> {
  let delimiter: string | undefined;
  let headers: string[] | undefined;
  let keys: TypedKey[] | undefined;
  const sample: Row[] = [];
  for await (const lines of decodeLineBatches(content)) {
    const out: Segment[] = [];
    for (const line of lines) {
      if (line.text.trim() === '') continue;
      delimiter ??= sniffDelimiter(line.text, hint);
      const cells = line.ownedEnd === undefined && line.ownedStart === undefined ? splitCells(line.text, delimiter) : undefined;
      if (!cells) {
        out.push({ text: line.text, where: { line: line.number }, ...pieceBounds(line) });
        continue;
      }
      if (headers === undefined) {
        headers = cells.map((c) => c.trim());
        for (let i = 0; i < cells.length; i++) {
          const text = cells[i] as string;
          if (text.trim() !== '') out.push({ text, where: { line: line.number, cell: `${columnName(i)}${line.number}` }, context: leftOf(cells, i) });
        }
        continue;
      }
      // Columns are typed (records.ts) once a sample of rows is in; the sample then goes out in order.
      if (keys === undefined) {
        sample.push({ cells, line: line.number });
        if (sample.length < SAMPLE_ROWS) continue;
        keys = typeColumns(headers, sample);
        for (const row of sample.splice(0)) addRow(out, row, keys);
        continue;
      }
      addRow(out, { cells, line: line.number }, keys);
    }
    if (out.length > 0) yield { segments: out };
  }
  if (keys === undefined && headers !== undefined) {
    keys = typeColumns(headers, sample);
    const out: Segment[] = [];
    for (const row of sample) addRow(out, row, keys);
    if (out.length > 0) yield { segments: out };
  }
}

function typeColumns(headers: readonly string[], sample: readonly Row[]): TypedKey[] {
  const width = Math.max(headers.length, ...sample.map((r) => r.cells.length));
  const labels = Array.from({ length: width }, (_, i) => headers[i] ?? '');
  return typeKeys(labels, (col) => sample.map((r) => r.cells[col] ?? ''));
}

/** A row's segments (records.ts), added to the chunk's. */
function addRow(out: Segment[], row: Row, keys: readonly TypedKey[]): void {
  const fields: Field[] = row.cells.map((text, i) => ({
    key: i,
    text,
    where: { line: row.line, cell: `${columnName(i)}${row.line}` },
    context: leftOf(row.cells, i),
  }));
  for (const segment of recordSegmentList(fields, keys)) out.push(segment);
}

/** The cell to the left: the label in a two-column label/value list. */
const leftOf = (cells: readonly string[], i: number) => (i > 0 ? (cells[i - 1] ?? '').slice(-60).trim() : '');

export const csvExtractor: Extractor = {
  id: 'csv',
  mediaTypes: ['text/csv', 'text/tab-separated-values'],
  extensions: ['csv', 'tsv', 'tab'],
  extract: (content, context) => extractDelimited(content, context.mediaType === 'text/tab-separated-values' ? '\t' : undefined),
};
