import type { FastifyInstance } from 'fastify';
import { resolveWorkspace } from '../../tools/workspace-path.js';
import { parseInput, skillsQuery } from '../request-schemas.js';
import type { Services } from '../services.js';

/**
 * The skills a chat could activate: built-in, the user's (`<data folder>/skills`) and, with
 * `?workspace=`, that workspace's `.ducklm/skills`, after overriding by name.
 */
export function registerSkillRoutes(app: FastifyInstance, { runtime }: Services): void {
  app.get('/v1/skills', async (request) => {
    const query = parseInput(skillsQuery, request.query);
    const workspace = query.workspace ? await resolveWorkspace(query.workspace) : null;
    const skills = await runtime.deps.skills.forWorkspace(workspace);
    return {
      skills: skills.map(({ name, description, triggers, source, overrides }) => ({ name, description, triggers, source, overrides: overrides ?? null })),
    };
  });
}
