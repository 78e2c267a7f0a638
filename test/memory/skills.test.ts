import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SkillLibrary } from '../../src/skills/skill-library.js';
import { FakeModelClient } from '../support/fake-model-client.js';
import { startTestApp, tempDir } from '../support/test-app.js';

function skillFile(dir: string, file: string, text: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), text);
}

describe('skills: listing, sources, word forms', () => {
  it('GET /v1/skills lists the built-in skills, and with a workspace its own, which override by name', async () => {
    const t = await startTestApp({ model: new FakeModelClient() });
    const builtin = (await t.get('/v1/skills')).json.skills;
    expect(builtin).toContainEqual(expect.objectContaining({ name: 'analyze_project', source: 'builtin', overrides: null }));
    expect(builtin.find((s: { name: string }) => s.name === 'analyze_project').triggers).toContain('analyze project');

    skillFile(join(t.dir, '.ducklm', 'skills'), 'a.md', '---\nname: analyze_project\ndescription: Ours\ntriggers: [survey the code]\n---\nOur own way.\n');
    skillFile(join(t.dir, '.ducklm', 'skills'), 'b.md', '---\nname: release\ndescription: Cut a release\ntriggers: [cut a release]\n---\nmake release\n');
    const listed = (await t.get(`/v1/skills?workspace=${encodeURIComponent(t.dir)}`)).json.skills;
    expect(listed).toContainEqual({ name: 'analyze_project', description: 'Ours', triggers: ['survey the code'], source: 'workspace', overrides: 'builtin' });
    expect(listed).toContainEqual(expect.objectContaining({ name: 'release', source: 'workspace', overrides: null }));
  });

  it('user skills from the data folder sit between built-in and workspace ones', async () => {
    const userDir = join(tempDir(), 'skills');
    const workspace = tempDir();
    skillFile(userDir, 'mine.md', '---\nname: standup\ndescription: Daily notes\ntriggers: [write my standup]\n---\nThree bullets.\n');
    skillFile(userDir, 'analyze.md', '---\nname: analyze_project\ntriggers: [analyze project]\n---\nThe user way.\n');
    const library = await SkillLibrary.load({ userDir });
    expect(await library.forWorkspace(null)).toContainEqual(expect.objectContaining({ name: 'standup', source: 'user' }));
    expect(await library.match('Please analyze the project', workspace)).toMatchObject({ source: 'user', overrides: 'builtin', instructions: 'The user way.' });
    skillFile(join(workspace, '.ducklm', 'skills'), 'analyze.md', '---\nname: analyze_project\ntriggers: [analyze project]\n---\nThe workspace way.\n');
    expect(await library.match('Please analyze the project', workspace)).toMatchObject({ source: 'workspace', overrides: 'user' });
    // Read on every use: a new file needs no restart.
    skillFile(userDir, 'late.md', '---\nname: late\ntriggers: [water the plants]\n---\nx\n');
    expect((await library.match('Did I water the plants?', workspace))?.name).toBe('late');
  });

  it('triggers match other word forms, as recall does', async () => {
    const library = await SkillLibrary.load();
    const ws = tempDir();
    for (const message of ['Analyzing the project structure, please', 'Can you analyze these projects?', 'Проанализируй структуру этого проекта', 'Покажи структуры проектов']) {
      expect((await library.match(message, ws))?.name, message).toBe('analyze_project');
    }
    expect(await library.match('What is the weather like?', ws)).toBeNull();
  });
});
