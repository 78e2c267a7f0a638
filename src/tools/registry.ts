import { fileRead } from './file-read.js';
import { listDir } from './list-dir.js';
import { shellExecSafe } from './shell-exec-safe.js';
import type { AnyTool } from './tool.js';

export type ToolRegistry = ReadonlyMap<string, AnyTool>;

export function builtinTools(): ToolRegistry {
  const tools: AnyTool[] = [fileRead, listDir, shellExecSafe];
  return new Map(tools.map((t) => [t.name, t]));
}
