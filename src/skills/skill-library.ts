import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { matchScore } from './match-skill.js';

export interface Skill {
  name: string;
  description: string;
  triggers: string[];
  instructions: string;
  source: 'builtin' | 'workspace';
}

const frontMatterSchema = z.object({
  name: z.string().regex(/^[\w-]+$/),
  description: z.string().default(''),
  triggers: z.array(z.string().min(1)).default([]),
});

/** The skills shipped with ducklm live in the package's `skills/` folder. */
export const BUILTIN_SKILLS_DIR = fileURLToPath(new URL('../../skills/', import.meta.url));

export class SkillLibrary {
  private constructor(private readonly builtin: Skill[]) {}

  static async load(dir = BUILTIN_SKILLS_DIR): Promise<SkillLibrary> {
    return new SkillLibrary(await loadSkillsFrom(dir, 'builtin'));
  }

  /** Built-in skills plus the workspace's own `.ducklm/skills`; a workspace skill overrides by name. */
  async forWorkspace(workspace: string): Promise<Skill[]> {
    const own = await loadSkillsFrom(join(workspace, '.ducklm', 'skills'), 'workspace');
    const byName = new Map(this.builtin.map((s) => [s.name, s]));
    for (const skill of own) byName.set(skill.name, skill);
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

async function loadSkillsFrom(dir: string, source: Skill['source']): Promise<Skill[]> {
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
export function parseSkill(text: string, source: Skill['source']): Skill | null {
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
