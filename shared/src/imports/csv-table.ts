// Reads CSV text as the clinic's spreadsheet program writes it: UTF-8 with or without BOM, `;` or `,` separated, RFC 4180 quotes.

/** A cell as the import reads it: text from CSV; text, a number or a date from XLSX; null when empty. */
export type ImportCell = string | number | Date | null;

const BOM = '\uFEFF';

/** The separator of the header line: `;` (spreadsheets in decimal-comma locales) when it has more of them than commas, else `,`. */
export function csvSeparatorOf(text: string): ';' | ',' {
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const count = (c: string) => firstLine.split(c).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

/** Rows of cells (null for an empty cell); quoted cells may hold the separator, doubled quotes and line breaks. */
export function parseCsv(input: string): ImportCell[][] {
  const text = input.startsWith(BOM) ? input.slice(1) : input;
  const separator = csvSeparatorOf(text);
  const rows: ImportCell[][] = [];
  let row: ImportCell[] = [];
  let cell = '';
  let quoted = false;
  let wasQuoted = false;
  const endCell = () => {
    row.push(cell === '' && !wasQuoted ? null : cell);
    cell = '';
    wasQuoted = false;
  };
  const endRow = () => {
    endCell();
    rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') {
      quoted = true;
      wasQuoted = true;
    } else if (c === separator) endCell();
    else if (c === '\n') endRow();
    else if (c === '\r' && text[i + 1] === '\n') {
      endRow();
      i++;
    } else if (c === '\r') endRow();
    else cell += c;
  }
  if (cell !== '' || wasQuoted || row.length > 0) endRow();
  return rows;
}
