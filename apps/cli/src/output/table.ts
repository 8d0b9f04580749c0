import { visibleWidth } from './ansi';

export type Align = 'left' | 'right';

export interface Column {
  header: string;
  align?: Align;
}

/** A plain text table: a header row, a rule, then the rows, columns padded to their widest cell. */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((column, index) =>
    Math.max(visibleWidth(column.header), ...rows.map((row) => visibleWidth(row[index] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    columns
      .map((column, index) => {
        const cell = cells[index] ?? '';
        const pad = ' '.repeat((widths[index] ?? 0) - visibleWidth(cell));
        return column.align === 'right' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((c) => c.header)),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((row) => line(row)),
  ].join('\n');
}
