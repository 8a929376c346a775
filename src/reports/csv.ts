// CSV for people who open it in Excel: UTF-8 with a byte-order mark (or Excel
// shows Chinese as mojibake), CRLF line ends, and text cells that start with
// = + - @ (or a tab or carriage return) prefixed with ' so a spreadsheet never
// runs them as formulas (CSV injection).
import { stringify } from 'csv-stringify/sync';

export const BOM = '\uFEFF';

export type Cell = string | number | boolean | Date | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralise(cell: Cell): string | number {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return cell.toISOString();
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : '';
  if (typeof cell === 'boolean') return cell ? 'yes' : 'no';
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** One CSV record, CRLF-terminated. */
export function csvLine(cells: Cell[]): string {
  // A line break inside a cell is quoted too (csv-stringify quotes only the record delimiter itself).
  return stringify([cells.map(neutralise)], { record_delimiter: '\r\n', quoted_match: /[\r\n]/ });
}

/** A whole document: BOM, header, rows. */
export function csvDocument(header: string[], rows: Cell[][]): string {
  return BOM + csvLine(header) + rows.map(csvLine).join('');
}
