import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { matchScore } from './match-skill.js';

export type SkillSource = 'builtin' | 'user' | 'workspace';

export interface Skill {
  name: string;
  description: string;
  triggers: string[];
  instructions: string;
  source: SkillSource;
  /** The source of a skill of the same name that this one hides, if any. */
  overrides?: SkillSource;
}

const frontMatterSchema = z.object({
  name: z.string().regex(/^[\w-]+$/),
  description: z.string().default(''),
  triggers: z.array(z.string().min(1)).default([]),
});

/** The skills shipped with ducklm live in the package's `skills/` folder. */
export const BUILTIN_SKILLS_DIR = fileURLToPath(new URL('../../skills/', import.meta.url));

export interface SkillLibraryOptions {
  builtinDir?: string;
  /** The user's own skills, `<data folder>/skills`; read on every use, so new files need no restart. */
  userDir?: string | null;
}

export class SkillLibrary {
  private constructor(
    private readonly builtin: Skill[],
    private readonly userDir: string | null,
  ) {}

  /** `load()` for the built-ins only; a string is the built-in folder (the older signature). */
  static async load(options: SkillLibraryOptions | string = {}): Promise<SkillLibrary> {
    const { builtinDir = BUILTIN_SKILLS_DIR, userDir = null } = typeof options === 'string' ? { builtinDir: options } : options;
    return new SkillLibrary(await loadSkillsFrom(builtinDir, 'builtin'), userDir);
  }

  /**
   * Built-in skills, then the user's, then the workspace's own `.ducklm/skills`: a later source
   * overrides an earlier one by name, so a project can replace a built-in way of working.
   */
  async forWorkspace(workspace: string | null): Promise<Skill[]> {
    const layers = [this.builtin, this.userDir ? await loadSkillsFrom(this.userDir, 'user') : []];
    if (workspace) layers.push(await loadSkillsFrom(join(workspace, '.ducklm', 'skills'), 'workspace'));
    const byName = new Map<string, Skill>();
    for (const skill of layers.flat()) {
      const hidden = byName.get(skill.name);
      byName.set(skill.name, hidden ? { ...skill, overrides: hidden.source } : skill);
    }
    return [...byName.values()];
  }

  /** The skill whose triggers best fit the message, without asking a model; null when none does. */
  async match(message: string, workspace: string): Promise<Skill | null> {
    let best: { skill: Skill; score: number } | null = null;
    for (const skill of await this.forWorkspace(workspace)) {
      const score = matchScore(message, skill.triggers);
      if (score > 0 && (!best || score > best.score)) best = { skill, score };
    }
    return best?.skill ?? null;
  }
}

async function loadSkillsFrom(dir: string, source: SkillSource): Promise<Skill[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.md')).sort();
  } catch {
    return [];
  }
  const skills: Skill[] = [];
  for (const file of files) {
    const skill = parseSkill(await readFile(join(dir, file), 'utf8'), source);
    if (skill) skills.push(skill);
  }
  return skills;
}

/** A skill file is markdown with YAML front matter; a file without valid front matter is skipped. */
export function parseSkill(text: string, source: SkillSource): Skill | null {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!match) return null;
  let front: unknown;
  try {
    front = parseYaml(match[1]!);
  } catch {
    return null;
  }
  const parsed = frontMatterSchema.safeParse(front);
  if (!parsed.success) return null;
  return { ...parsed.data, instructions: match[2]!.trim(), source };
}
