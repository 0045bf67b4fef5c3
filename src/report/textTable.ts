/**
 * Rows of cells as aligned lines of plain text: each column as wide as its widest cell, numbers
 * (columns named in `right`) aligned right. The first row is the heading.
 */
export function textTable(rows: readonly (readonly string[])[], right: ReadonlySet<number> = new Set(), indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, column) => (widths[column] = Math.max(widths[column] ?? 0, cell.length)));
  return rows.map((row) =>
    (indent + row.map((cell, column) => (right.has(column) ? cell.padStart(widths[column]!) : column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')).trimEnd(),
  );
}

/** A count with thousands separated: `10,000`. */
export function countText(count: number): string {
  return count.toLocaleString('en-US');
}

/** A count and its noun, plural unless there is one: `1 result`, `10,000 results`. */
export function countOf(count: number, noun: string, plural = `${noun}s`): string {
  return `${countText(count)} ${count === 1 ? noun : plural}`;
}

/** An ISO time to the minute, for a column: `2026-11-20 09:12Z`. */
export function minuteText(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')}Z`;
}
