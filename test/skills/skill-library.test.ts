import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSkill, SkillLibrary } from '../../src/skills/skill-library.js';
import { tempDir } from '../support/temp-dir.js';

describe('skills', () => {
  it('the built-in analyze_project matches without a model call, in English and Russian', async () => {
    const library = await SkillLibrary.load();
    const ws = tempDir();
    expect((await library.match('analyze repository structure', ws))?.name).toBe('analyze_project');
    expect((await library.match('Please analyze this project', ws))?.name).toBe('analyze_project');
    expect((await library.match('Покажи структуру проекта', ws))?.name).toBe('analyze_project');
    expect(await library.match('hello there', ws)).toBeNull();
  });

  it('a workspace skill is loaded and overrides a built-in of the same name', async () => {
    const ws = tempDir();
    mkdirSync(join(ws, '.ducklm', 'skills'), { recursive: true });
    writeFileSync(join(ws, '.ducklm', 'skills', 'deploy.md'), '---\nname: deploy_site\ndescription: Deploy\ntriggers: [deploy the site]\n---\nRun make deploy.\n');
    writeFileSync(join(ws, '.ducklm', 'skills', 'mine.md'), '---\nname: analyze_project\ntriggers: [analyze project]\n---\nOur own way.\n');
    const library = await SkillLibrary.load();
    expect(await library.match('please deploy the site', ws)).toMatchObject({ name: 'deploy_site', instructions: 'Run make deploy.', source: 'workspace' });
    expect(await library.match('analyze project', ws)).toMatchObject({ instructions: 'Our own way.', source: 'workspace' });
  });

  it('a file without valid front matter is skipped, not fatal', () => {
    expect(parseSkill('# just markdown', 'workspace')).toBeNull();
    expect(parseSkill('---\nname: [unclosed\n---\nx', 'workspace')).toBeNull();
    expect(parseSkill('---\nname: has spaces\n---\nx', 'workspace')).toBeNull();
  });
});
