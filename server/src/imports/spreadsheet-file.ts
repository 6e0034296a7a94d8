// Turns an uploaded CSV or XLSX file into rows of cells. XLSX through exceljs; CSV through shared's reader, because exceljs's CSV
// path converts cells on its own (an MRN 000123 becomes the number 123, day-first dates are guessed) and keeps the BOM in the header.
import ExcelJS from 'exceljs';
import { DomainError, ImportCell, parseCsv } from '@pumpwatch/shared';

export interface UploadedFile {
  originalname: string;
  buffer: Buffer;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** The first worksheet's cells (XLSX) or the CSV's, by the file's content: an XLSX is a zip archive. */
export async function readSpreadsheet(file: UploadedFile): Promise<ImportCell[][]> {
  if (file.buffer.subarray(0, 4).equals(ZIP_MAGIC)) return readXlsx(file.buffer);
  if (/\.xlsx?$/i.test(file.originalname))
    throw DomainError.invalid('file', 'is not a readable XLSX workbook (save it again as .xlsx or as CSV UTF-8)');
  const text = new TextDecoder('utf-8', { fatal: true });
  try {
    return parseCsv(text.decode(file.buffer));
  } catch {
    throw DomainError.invalid('file', 'is not UTF-8 text: save it as "CSV UTF-8" (or as .xlsx)');
  }
}

async function readXlsx(buffer: Buffer): Promise<ImportCell[][]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch {
    throw DomainError.invalid('file', 'is not a readable XLSX workbook (save it again as .xlsx or as CSV UTF-8)');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw DomainError.invalid('file', 'has no worksheet');
  const rows: ImportCell[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const cells: ImportCell[] = [];
    for (let column = 1; column <= row.cellCount; column++) cells.push(cellOf(row.getCell(column).value));
    rows[rowNumber - 1] = cells;
  });
  for (let i = 0; i < rows.length; i++) rows[i] ??= [];
  return rows;
}

/** A cell's value as text, a number or a date (formulas by their result, rich text and links by their text). */
function cellOf(value: ExcelJS.CellValue): ImportCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string' || value instanceof Date) return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('result' in value) return cellOf(value.result as ExcelJS.CellValue);
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('error' in value) return null;
  }
  return null;
}
