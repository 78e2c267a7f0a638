import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { protectedDataPaths, type Config } from '../config.js';
import { loadConfigWithFile } from '../model/model-config-file.js';
import { ModelSetup } from '../model/model-setup.js';
import type { ModelClient } from '../model/model-client.js';
import { BackgroundJobs } from '../runtime/background-jobs.js';
import { Runtime } from '../runtime/runtime.js';
import { TaskLog } from '../runtime/task-log.js';
import { SkillLibrary } from '../skills/skill-library.js';
import { secureDataFolder } from '../store/data-folder.js';
import { Store } from '../store/store.js';
import { McpToolRegistry, toolsWithMcp } from '../mcp/mcp-registry.js';
import { builtinTools, type ToolRegistry } from '../tools/registry.js';
import type { CommandRunner } from '../tools/shell/command-runner.js';
import { SpawnCommandRunner } from '../tools/shell/spawn-command-runner.js';
import { TaskStreams } from './follow-stream.js';
import { createErrorHandler } from './http-error.js';
import { registerJsonBodyParser } from './json-body.js';
import { registerApprovalRoutes } from './routes/approval-routes.js';
import { registerChatRoutes } from './routes/chat-routes.js';
import { registerConversationRoutes } from './routes/conversation-routes.js';
import { registerFileChangeRoutes } from './routes/file-change-routes.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerMcpRoutes } from './routes/mcp-routes.js';
import { registerMemoryRoutes } from './routes/memory-routes.js';
import { registerModelRoutes } from './routes/model-routes.js';
import { registerModelPullRoutes } from './routes/model-pull-routes.js';
import { registerRuleRoutes } from './routes/rule-routes.js';
import { registerSkillRoutes } from './routes/skill-routes.js';
import { registerTaskRoutes } from './routes/task-routes.js';
import { registerWorkspaceRoutes } from './routes/workspace-routes.js';
import { resolveApiToken } from './security/api-token.js';
import { registerSecurity } from './security/register-security.js';
import type { Services } from './services.js';
import { registerWebPage } from './web-page.js';

export interface AppOptions {
  config?: Config;
  /** Injected by tests (a scripted fake) or by other front ends; default: from the config, found and chosen by ModelSetup. */
  model?: ModelClient;
  /** The environment the config came from, read again after a model is chosen in Settings; default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** For tests: the fetch model discovery and clients use. */
  fetch?: typeof fetch;
  runner?: CommandRunner;
  tools?: ToolRegistry;
  logger?: boolean;
  /** Where unexpected errors are reported; default: standard error. Never sent to clients. */
  log?: (message: string) => void;
  /** How often an idle task stream gets a keep-alive comment; default 15 s. */
  keepAliveMs?: number;
}

export interface DucklmApp {
  server: FastifyInstance;
  runtime: Runtime;
  store: Store;
  config: Config;
  /** Stops accepting requests, waits for background work, closes the database. */
  close(): Promise<void>;
}

export async function createApp(options: AppOptions = {}): Promise<DucklmApp> {
  const config = options.config ?? loadConfigWithFile();
  secureDataFolder(config.dataDir);
  const store = Store.open(config.dbPath);
  const log = options.log ?? ((message: string) => process.stderr.write(`ducklm: ${message}\n`));
  const setup = options.model ? undefined : await ModelSetup.start({ config, env: options.env ?? process.env, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const model = options.model ?? setup!.client;
  // Starts finding out whether the server embeds, so that recall need not stay lexical for the first turns.
  model.embeddings?.();
  const taskLog = new TaskLog(store);
  // MCP servers start when a task first needs the tool list, never here.
  const tools = options.tools ?? toolsWithMcp(builtinTools(), config.mcp, log);
  const mcp = tools instanceof McpToolRegistry ? tools : undefined;
  const runtime = new Runtime({
    store,
    taskLog,
    model,
    tools,
    runner: options.runner ?? new SpawnCommandRunner(),
    skills: await SkillLibrary.load({ userDir: join(config.dataDir, 'skills') }),
    limits: config.runtime,
    reflection: config.reflection,
    background: new BackgroundJobs(log),
    log,
    protectedPaths: protectedDataPaths(config),
  });

  const server = Fastify({ logger: options.logger ?? false, bodyLimit: 1024 * 1024 });
  registerJsonBodyParser(server);
  server.setErrorHandler(createErrorHandler(log));
  server.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: { code: 'not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}` } });
  });

  // Before the routes, so that its hooks guard every one of them.
  registerSecurity(server, { token: resolveApiToken(config), host: config.host, port: config.port, allowRemote: config.allowRemote });

  const streams = new TaskStreams(taskLog, store, options.keepAliveMs ?? 15_000);
  const services: Services = { runtime, store, model, streams, ...(setup ? { setup } : {}), ...(mcp ? { mcp } : {}) };
  registerHealthRoutes(server, services);
  registerChatRoutes(server, services);
  registerTaskRoutes(server, services);
  registerConversationRoutes(server, services);
  registerApprovalRoutes(server, services);
  registerMemoryRoutes(server, services);
  registerRuleRoutes(server, services);
  registerFileChangeRoutes(server, services);
  registerSkillRoutes(server, services);
  registerWorkspaceRoutes(server, services);
  registerModelRoutes(server, services);
  registerModelPullRoutes(server, config.dataDir);
  registerMcpRoutes(server, services);
  registerWebPage(server);

  return {
    server,
    runtime,
    store,
    config,
    async close() {
      // Runs in flight end as interrupted (and say so in their logs); then nobody is left streaming.
      await runtime.shutdown();
      streams.closeAll();
      await server.close();
      await runtime.idle();
      await mcp?.close();
      await (setup ? setup.close() : model.close?.());
      store.close();
    },
  };
}
