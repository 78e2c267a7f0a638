import { inert } from './inert.js';
import type { Style } from './terminal.js';

/**
 * A plain-text table: padded columns, a dim header, and on a terminal the last column cut to
 * the screen's width (in a pipe every row stays whole, for grep).
 */
export function formatTable(headers: string[], rows: string[][], style: Style, width?: number): string {
  // Cells hold what the server stored (commands, memories): inert, so a row cannot redraw the table.
  const clean = rows.map((row) => row.map((cell) => inert(cell.replace(/[ \t\n]+/g, ' ').trim())));
  const widths = headers.map((header, i) => Math.max(header.length, ...clean.map((row) => (i < row.length - 1 ? (row[i] ?? '').length : 0))));
  const last = headers.length - 1;
  const prefixWidth = widths.slice(0, last).reduce((sum, w) => sum + w + 2, 0);
  const room = width ? Math.max(10, width - prefixWidth - 1) : Infinity;
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === last ? cut(cell, room) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [style.dim(line(headers)), ...clean.map(line)].join('\n');
}

function cut(text: string, room: number): string {
  const chars = Array.from(text);
  return chars.length > room ? `${chars.slice(0, room - 1).join('')}…` : text;
}

/** A timestamp as local time, to the second: 2026-11-24 14:03:52. */
export function localTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
