import { CLEAR_LINE, type Style } from './terminal.js';

export interface Transfer {
  downloadedBytes: number;
  /** 0 while unknown. */
  totalBytes: number;
  bytesPerSecond: number;
}

/** `1.5 GB`, `640 KB`, `12 B`: decimal units, as download sizes are usually given. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function percent(t: Transfer): number | null {
  return t.totalBytes > 0 ? Math.min(100, Math.floor((t.downloadedBytes / t.totalBytes) * 100)) : null;
}

/** `42%  12 MB / 30 MB  4.5 MB/s` (without a total: `12 MB  4.5 MB/s`). */
export function describeTransfer(t: Transfer): string {
  const share = percent(t);
  const amount = t.totalBytes > 0 ? `${formatBytes(t.downloadedBytes)} / ${formatBytes(t.totalBytes)}` : formatBytes(t.downloadedBytes);
  const speed = t.bytesPerSecond > 0 ? `  ${formatBytes(t.bytesPerSecond)}/s` : '';
  return `${share === null ? '' : `${String(share).padStart(3)}%  `}${amount}${speed}`;
}

/**
 * Download progress on standard error. On a terminal: one line redrawn in place, a bar with
 * percent, bytes and speed, at most ten times a second. Into a pipe or a file: a plain line at
 * each further tenth, so that a log shows progress without a line per packet.
 */
export class ProgressBar {
  private lastDraw = 0;
  private lastTenth = -1;
  private drawn = false;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
    private readonly style: Style,
    private readonly now: () => number = Date.now,
  ) {}

  update(t: Transfer): void {
    if (this.out.isTTY) {
      const at = this.now();
      const finished = t.totalBytes > 0 && t.downloadedBytes >= t.totalBytes;
      if (!finished && at - this.lastDraw < 100) return;
      this.lastDraw = at;
      this.out.write(`${CLEAR_LINE}${this.bar(t)}`);
      this.drawn = true;
      return;
    }
    const share = percent(t);
    const tenth = share === null ? -1 : Math.floor(share / 10);
    if (tenth <= this.lastTenth) return;
    this.lastTenth = tenth;
    this.out.write(`downloaded ${describeTransfer(t)}\n`);
  }

  /** Ends the bar's line, so that what follows starts on its own. */
  finish(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }

  private bar(t: Transfer): string {
    const share = percent(t);
    const text = describeTransfer(t);
    const room = Math.max(10, Math.min(40, (this.out.columns ?? 80) - text.length - 4));
    if (share === null) return text;
    const full = Math.round((share / 100) * room);
    return `${this.style.green('█'.repeat(full))}${this.style.dim('░'.repeat(room - full))} ${text}`;
  }
}
