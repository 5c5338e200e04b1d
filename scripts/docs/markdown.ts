/**
 * The bits of Markdown the generated docs need, written the way Prettier would format them, so that
 * `npm run format:check` and the staleness tests agree on one text: tables padded to their widest cell.
 */

export type Alignment = 'left' | 'right';

export interface Column {
  title: string;
  align?: Alignment;
}

/** Prettier pads by display width; every character our docs use is one column wide. */
function width(text: string): number {
  return [...text].length;
}

/** A cell's text on one line, with the pipe escaped so it cannot end the cell. */
export function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

function pad(text: string, size: number, align: Alignment): string {
  const fill = ' '.repeat(size - width(text));
  return align === 'right' ? fill + text : text + fill;
}

export function table(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const cells = rows.map(row => row.map(cell));
  const sizes = columns.map((column, index) =>
    Math.max(3, width(column.title), ...cells.map(row => width(row[index] ?? ''))),
  );
  const line = (values: readonly string[]) =>
    `| ${values.map((value, index) => pad(value, sizes[index]!, columns[index]!.align ?? 'left')).join(' | ')} |`;
  const rule = `| ${sizes
    .map((size, index) => (columns[index]!.align === 'right' ? `${'-'.repeat(size - 1)}:` : '-'.repeat(size)))
    .join(' | ')} |`;
  return [
    line(columns.map(column => column.title)),
    rule,
    ...cells.map(row => line(columns.map((_, i) => row[i] ?? ''))),
  ].join('\n');
}

export function code(text: string): string {
  return `\`${text}\``;
}

/** Blocks separated by one blank line, ending with a newline, as Prettier leaves a file. */
export function document(blocks: readonly string[]): string {
  return `${blocks.filter(block => block.length > 0).join('\n\n')}\n`;
}
