import { fileEdit } from './file-edit.js';
import { fileRead } from './file-read.js';
import { fileWrite } from './file-write.js';
import { listDir } from './list-dir.js';
import { shellExecSafe } from './shell-exec-safe.js';
import type { AnyTool } from './tool.js';

/** Tools that could not be offered: an MCP server that failed to start or died, and why. */
export interface ToolTrouble {
  server: string;
  message: string;
}

/**
 * The tools a task may use. A plain Map of built-in tools is one; a registry with tools that start
 * lazily (MCP servers) also has `prepare`, which the task awaits before it first lists tools.
 */
export interface ToolRegistry {
  get(name: string): AnyTool | undefined;
  keys(): IterableIterator<string>;
  values(): IterableIterator<AnyTool>;
  /** Starts what starts lazily (bounded by its own timeouts); says what could not be offered. */
  prepare?(signal: AbortSignal): Promise<ToolTrouble[]>;
}

export function builtinTools(): ReadonlyMap<string, AnyTool> {
  const tools: AnyTool[] = [fileRead, listDir, fileWrite, fileEdit, shellExecSafe];
  return new Map(tools.map((t) => [t.name, t]));
}
