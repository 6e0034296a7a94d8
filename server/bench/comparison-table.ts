// The fleet benches' results, a small clinic against a large one in the same run: a fixed-width table for the person reading the
// log, and one JSON line a row for tools comparing runs.

export interface ComparisonRow {
  name: string;
  unit: string;
  small: number;
  large: number;
  /** What the figure should meet, in the goal column of a table that has one. */
  goal?: string;
}

export interface TableLayout {
  smallPumps: number;
  largePumps: number;
  /** Column widths: the name padded on the right, the other columns on the left. */
  widths: { name: number; unit: number; value: number; ratio: number };
  goalColumn: boolean;
}

/** Times (ms, s) to a tenth; counts (rows, bytes, events, elements) whole, with thousands separators. */
function formatFigure(unit: string, value: number): string {
  return unit === 'ms' || unit === 's' ? value.toFixed(1) : Math.round(value).toLocaleString('en');
}

export function printComparisonTable(rows: readonly ComparisonRow[], layout: TableLayout): void {
  const { widths } = layout;
  const goal = (text: string): string => (layout.goalColumn ? `  ${text}` : '');
  console.log(
    'benchmark'.padEnd(widths.name) +
      'unit'.padStart(widths.unit) +
      `${layout.smallPumps} pumps`.padStart(widths.value) +
      `${layout.largePumps} pumps`.padStart(widths.value) +
      'ratio'.padStart(widths.ratio) +
      goal('goal'),
  );
  for (const row of rows) {
    const ratio = row.small === 0 ? '-' : (row.large / row.small).toFixed(2);
    console.log(
      row.name.padEnd(widths.name) +
        row.unit.padStart(widths.unit) +
        formatFigure(row.unit, row.small).padStart(widths.value) +
        formatFigure(row.unit, row.large).padStart(widths.value) +
        ratio.padStart(widths.ratio) +
        goal(row.goal ?? ''),
    );
  }
}

/** One JSON line a row; `extra` adds a bench's own fields after the common ones. */
export function printResultLines<Row extends ComparisonRow>(
  rows: readonly Row[],
  pumps: { smallPumps: number; largePumps: number },
  extra: (row: Row) => Record<string, unknown> = () => ({}),
): void {
  for (const row of rows) {
    console.log(
      JSON.stringify({
        name: row.name,
        unit: row.unit,
        smallPumps: pumps.smallPumps,
        largePumps: pumps.largePumps,
        small: Number(row.small.toFixed(2)),
        large: Number(row.large.toFixed(2)),
        ratio: row.small === 0 ? null : Number((row.large / row.small).toFixed(3)),
        ...extra(row),
      }),
    );
  }
}
