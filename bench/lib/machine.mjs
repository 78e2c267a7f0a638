/** The machine a run was measured on, for the report's header. */
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, freemem, totalmem } from 'node:os';
import { round } from './stats.mjs';

export function machine() {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpuModel;
  } catch {}
  return { nproc: availableParallelism(), cpuModel, node: process.version, platform: `${process.platform} ${process.arch}`, memoryGB: round(totalmem() / 2 ** 30, 1), freeMemoryGB: round(freemem() / 2 ** 30, 1) };
}
