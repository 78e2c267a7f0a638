import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A GGUF file in `<data folder>/models`: what `ducklm models pull` leaves there, checked and complete. */
export interface LocalModel {
  /** The file name, e.g. `hf_owner_model.Q4_K_M.gguf`. */
  name: string;
  path: string;
  size: number;
  /** Always true for a listed model; a download still under way is in `partial`, never among the models. */
  complete: true;
  modified_at: string;
}

/** A download that has not finished (or not passed its checks yet): resumable, never usable. */
export interface PartialModel {
  name: string;
  path: string;
  /** Bytes on disk so far, including the downloader's resume record. */
  size: number;
  complete: false;
}

/** Where pulled models live: `<data folder>/models`. */
export function modelsFolder(dataDir: string): string {
  return join(dataDir, 'models');
}

/**
 * Downloads happen here and move into the models folder only once checked, so a file there is
 * always whole. The downloader (ipull) keeps its resume record in `<name>.gguf.ipull` in this folder.
 */
export function partialFolder(dataDir: string): string {
  return join(modelsFolder(dataDir), '.partial');
}

export function ensureModelFolders(dataDir: string): void {
  mkdirSync(partialFolder(dataDir), { recursive: true, mode: 0o700 });
}

/** The pulled GGUF files, by name; an absent folder is an empty list. */
export function listLocalModels(dataDir: string): LocalModel[] {
  return ggufFiles(modelsFolder(dataDir)).map(({ name, path, size, mtime }) => ({ name, path, size, complete: true as const, modified_at: mtime.toISOString() }));
}

/** Downloads not finished yet (interrupted or under way): pulling the same source again resumes them. */
export function listPartialModels(dataDir: string): PartialModel[] {
  const folder = partialFolder(dataDir);
  return entries(folder)
    .filter((name) => name.toLowerCase().endsWith('.gguf.ipull') || name.toLowerCase().endsWith('.gguf'))
    .flatMap((name) => {
      const stats = fileStats(join(folder, name));
      return stats ? [{ name: name.replace(/\.ipull$/i, ''), path: join(folder, name), size: stats.size, complete: false as const }] : [];
    });
}

/** The path of a pulled model by file name, or null: for choosing it for the embedded engine (DUCK_MODEL_PATH). */
export function localModelPath(dataDir: string, name: string): string | null {
  return listLocalModels(dataDir).find((model) => model.name === name)?.path ?? null;
}

function ggufFiles(folder: string): Array<{ name: string; path: string; size: number; mtime: Date }> {
  return entries(folder)
    .filter((name) => name.toLowerCase().endsWith('.gguf') && !name.startsWith('.'))
    .flatMap((name) => {
      const path = join(folder, name);
      const stats = fileStats(path);
      return stats ? [{ name, path, size: stats.size, mtime: stats.mtime }] : [];
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

function entries(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

function fileStats(path: string): { size: number; mtime: Date } | null {
  try {
    const stats = statSync(path);
    return stats.isFile() ? stats : null;
  } catch {
    return null;
  }
}
