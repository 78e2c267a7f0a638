import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError } from '../errors.js';
import { MODEL_CONFIG_FILE, parseModelConfigFile } from './model-config-file.js';
import type { Role } from './roles.js';

/**
 * A choice made in Settings or with `ducklm models use`, written into ducklm.config.json beside
 * what the file already says (sampling settings, per-role servers stay). `null` removes a key:
 * back to "ducklm chooses".
 */
export interface SelectionPatch {
  baseUrl?: string | null;
  /** The model for every role; a role's own model (below) is then removed. */
  model?: string | null;
  roles?: Partial<Record<Role, string | null>>;
  modelPath?: string | null;
}

export function writeModelSelection(dataDir: string, patch: SelectionPatch): void {
  const path = join(dataDir, MODEL_CONFIG_FILE);
  const file = readJson(path);
  const set = (target: Record<string, unknown>, key: string, value: unknown) => {
    if (value === undefined) return;
    if (value === null) delete target[key];
    else target[key] = value;
  };
  set(file, 'baseUrl', patch.baseUrl);
  set(file, 'modelPath', patch.modelPath);
  const roles = (typeof file.roles === 'object' && file.roles !== null ? file.roles : {}) as Record<string, Record<string, unknown>>;
  if (patch.model !== undefined) {
    set(file, 'model', patch.model);
    for (const own of Object.values(roles)) delete own.model;
  }
  for (const [role, model] of Object.entries(patch.roles ?? {})) {
    const own = (roles[role] ??= {});
    set(own, 'model', model);
  }
  for (const [role, own] of Object.entries(roles)) if (!Object.keys(own).length) delete roles[role];
  if (Object.keys(roles).length) file.roles = roles;
  else delete file.roles;
  const text = `${JSON.stringify(file, null, 2)}\n`;
  // What is written must read back: a choice never leaves a file that stops the next start.
  parseModelConfigFile(text, path);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, path);
}

function readJson(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  try {
    const json = JSON.parse(text) as unknown;
    if (typeof json === 'object' && json !== null && !Array.isArray(json)) return json as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  throw new ConflictError(`${path} is not a JSON object: fix it or remove it before choosing a model here.`);
}
