import * as XLSX from '@e965/xlsx';
import { describe, expect, it } from 'vitest';
import { findHeaderRow, workbookSegments } from './spreadsheet.js';
import { type Extracted, segmentsOf } from './types.js';

function book(rows: (string | number)[][]): XLSX.WorkBook {
  const workbook = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(workbook, XLSX.utils.aoa_to_sheet(rows), 'Blad1');
  // Through bytes and back, so the cells are what a read file gives.
  return XLSX.read(XLSX.write(workbook, { type: 'buffer', bookType: 'xlsx' }), { type: 'buffer', dense: true });
}

function rowsOf(workbook: XLSX.WorkBook) {
  return (workbook.Sheets.Blad1?.['!data'] ?? []) as (XLSX.CellObject | undefined)[][];
}

function contextOf(parts: Extracted[], cell: string): string | undefined {
  for (const segment of parts.flatMap(segmentsOf)) if (segment.where.cell === cell) return segment.context;
  return undefined;
}

describe('spreadsheet headers', () => {
  it('takes the first row of text labels as the header', () => {
    expect(
      findHeaderRow(
        rowsOf(
          book([
            ['Naam', 'BSN'],
            ['Jan', 111222333],
          ]),
        ),
      ),
    ).toBe(0);
  });

  it('passes over a title row above the real header', () => {
    const rows = rowsOf(book([['Personeelslijst 2024'], [], ['Naam', 'BSN'], ['Jan', 111222333]]));
    expect(findHeaderRow(rows)).toBe(2);
    expect(contextOf([...workbookSegments(book([['Personeelslijst 2024'], [], ['Naam', 'BSN'], ['Jan', 111222333]]))], 'B4')).toBe('BSN Jan');
  });

  it('takes a lone label as the header of a one-column sheet', () => {
    expect(findHeaderRow(rowsOf(book([['BSN'], [111222333], [123456782]])))).toBe(0);
  });

  it('finds no header in a sheet of numbers', () => {
    const workbook = book([
      [1, 2],
      [3, 4],
    ]);
    expect(findHeaderRow(rowsOf(workbook))).toBeUndefined();
    expect(contextOf([...workbookSegments(workbook)], 'B2')).toBe('3');
  });
});
