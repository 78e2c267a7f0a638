import type { ToolResult } from './tool.js';

/**
 * Ends a tool's file-system work at cancel or after `timeoutMs`, whichever comes first. The
 * operation itself may still finish in the background (a libuv read cannot be interrupted), but
 * the task does not wait for it.
 */
export async function raceAbort(work: Promise<ToolResult>, signal: AbortSignal, timeoutMs: number, tool: string): Promise<ToolResult> {
  // A late failure of the abandoned work must not become an unhandled rejection (nor one of work
  // started under a signal that was already aborted).
  work.catch(() => {});
  signal.throwIfAborted();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<ToolResult>((resolve, reject) => {
    timer = setTimeout(() => resolve({ ok: false, output: `${tool} gave up after ${timeoutMs / 1000} s.`, truncated: false }), timeoutMs);
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, stop]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
