import { loadConfig, type Config, type ModelConfig } from '../config.js';
import { createModelClient } from './create-model-client.js';
import { LiveModelClient } from './live-model-client.js';
import { chooseModel, sameClient, type ModelChoice } from './model-choice.js';
import type { ModelClient } from './model-client.js';
import { readModelConfigFile } from './model-config-file.js';
import { writeModelSelection, type SelectionPatch } from './model-selection-file.js';
import { ROLES } from './roles.js';
import { discoverServers, type FoundServer } from './server-discovery.js';
import { NOT_CONFIGURED_MESSAGE, UnconfiguredModelClient } from './unconfigured-client.js';
import { listLocalModels, localModelPath, type LocalModel } from './local-models.js';
import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { UserError } from '../errors.js';

/** What the header shows: a state a person can act on, and the words for it. */
export interface ModelStatus {
  state: 'ready' | 'loading' | 'down' | 'unconfigured' | 'choose';
  /** The server's kind and address, or the GGUF file. */
  where: string | null;
  /** The model the answers come from (the thinker's). */
  model: string | null;
  detail: string;
}

export interface ModelSetupOptions {
  config: Config;
  /** The environment the configuration came from: it is read again, with the file, after a save. */
  env: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  /** Builds a backend for a choice; tests may count or replace them. */
  build?: (config: ModelConfig) => ModelClient;
}

/** How long one look at the servers may take; a closed port answers at once, a hung one does not. */
const PROBE_TIMEOUT_MS = 1_500;
/** How often the servers are asked while someone watches the status. */
export const WATCH_INTERVAL_MS = 3_000;

/**
 * The model side of ducklm as a person sets it up: finds servers, chooses what nobody chose,
 * keeps the live client on the current choice, saves choices to ducklm.config.json, and tells
 * watchers when the model becomes ready, loading or unreachable.
 */
export class ModelSetup {
  readonly client: LiveModelClient;
  private base: ModelConfig;
  private servers: FoundServer[] = [];
  private choice: ModelChoice;
  private readonly build: (config: ModelConfig) => ModelClient;
  private readonly watchers = new Set<(status: ModelStatus) => void>();
  private timer: NodeJS.Timeout | null = null;
  private lastStatus = '';
  private refreshing: Promise<void> | null = null;

  private constructor(private readonly options: ModelSetupOptions) {
    this.base = options.config.model;
    this.build = options.build ?? ((config) => createModelClient(config, options.fetch ? { fetch: options.fetch } : {}));
    this.choice = chooseModel(this.base, []);
    this.client = new LiveModelClient(this.build(this.choice.config));
  }

  /** Looks once before the first message, so that a server found needs no configuration. */
  static async start(options: ModelSetupOptions): Promise<ModelSetup> {
    const setup = new ModelSetup(options);
    await setup.refresh();
    return setup;
  }

  /** Asks the servers again and moves the live client to what they now say. Concurrent calls share one look. */
  refresh(): Promise<void> {
    this.refreshing ??= this.look().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  /**
   * Saves a choice to the config file and uses it from the next call on. Choosing a server's
   * model leaves a GGUF file chosen before, which would otherwise win; a GGUF file must exist.
   */
  async save(patch: SelectionPatch): Promise<void> {
    const serverChoice = patch.baseUrl !== undefined || patch.model !== undefined || patch.roles !== undefined;
    const effective = serverChoice && patch.modelPath === undefined ? { ...patch, modelPath: null } : patch;
    if (effective.modelPath) effective.modelPath = ggufFile(this.options.config.dataDir, effective.modelPath);
    writeModelSelection(this.options.config.dataDir, effective);
    this.base = loadConfig(this.options.env, readModelConfigFile(this.options.config.dataDir)).model;
    await this.refresh();
  }

  overview(): { servers: FoundServer[]; choice: ModelChoice; status: ModelStatus; local: LocalModel[] } {
    return { servers: this.servers, choice: this.choice, status: this.status(), local: listLocalModels(this.options.config.dataDir) };
  }

  status(): ModelStatus {
    const { choice } = this;
    const model = choice.config.models.thinker;
    if (choice.how === 'embedded') return { state: 'ready', where: choice.config.modelPath, model: choice.config.modelPath, detail: 'The embedded engine runs the GGUF file in-process.' };
    const server = choice.server;
    if (!server) {
      const offering = this.servers.filter((s) => s.reachable && s.models.length);
      if (choice.config.baseUrl) return { state: 'down', where: choice.config.baseUrl, model, detail: `Nothing answers at ${choice.config.baseUrl}.` };
      return offering.length
        ? { state: 'choose', where: null, model: null, detail: `Found ${offering.length} model servers: choose one in Settings.` }
        : { state: 'unconfigured', where: null, model: null, detail: 'No model server found on this machine, and none is configured.' };
    }
    const where = `${server.label} at ${server.baseUrl}`;
    if (!server.reachable) return { state: 'down', where, model, detail: `${server.baseUrl} does not answer.` };
    if (server.loading) return { state: 'loading', where, model, detail: `${server.label} is loading its model.` };
    if (choice.unchosen.length) return { state: 'choose', where, model: null, detail: `${server.label} offers ${server.models.length} models: choose one in Settings.` };
    return { state: 'ready', where, model, detail: [...choice.notes].join(' ') || `${where}.` };
  }

  /** Calls `listener` with the status now and whenever it changes; servers are asked every few seconds meanwhile. */
  watch(listener: (status: ModelStatus) => void): () => void {
    this.watchers.add(listener);
    listener(this.status());
    this.timer ??= setInterval(() => void this.refresh(), WATCH_INTERVAL_MS);
    return () => {
      this.watchers.delete(listener);
      if (!this.watchers.size && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  /** Why there is no model, and what to do: servers found but none chosen, or none found. */
  private noModelMessage(): string {
    const offering = this.servers.filter((s) => s.reachable && s.models.length);
    if (offering.length < 2) return NOT_CONFIGURED_MESSAGE;
    const found = offering.map((s) => `${s.label} at ${s.baseUrl}`).join(', ');
    return `ducklm found ${offering.length} model servers (${found}) and none is chosen: choose one in Settings, or with \`ducklm models use <model> --server <URL>\`.`;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.watchers.clear();
    await this.client.close();
  }

  private async look(): Promise<void> {
    const configured = [this.base.baseUrl, ...ROLES.map((r) => this.base.roles[r]?.baseUrl)].filter((u): u is string => Boolean(u));
    const urls = this.base.modelPath ? [] : [...configured, ...this.base.discover];
    this.servers = await discoverServers(urls, { timeoutMs: PROBE_TIMEOUT_MS, ...(this.options.fetch ? { fetch: this.options.fetch } : {}), ...(this.base.apiKey ? { apiKey: this.base.apiKey } : {}) });
    const next = chooseModel(this.base, this.servers, this.choice.how === 'found' ? this.choice.server : null);
    const unconfigured = this.client.current instanceof UnconfiguredModelClient ? this.client.current.message : null;
    const message = next.how === 'none' && !next.config.baseUrl ? this.noModelMessage() : null;
    if (message !== null) {
      if (message !== unconfigured) this.client.switchTo(new UnconfiguredModelClient(message));
    } else if (unconfigured !== null || !sameClient(next.config, this.choice.config)) this.client.switchTo(this.build(next.config));
    this.choice = next;
    const status = this.status();
    const key = JSON.stringify(status);
    if (key === this.lastStatus) return;
    this.lastStatus = key;
    for (const watcher of this.watchers) watcher(status);
  }
}

/** A GGUF file to run in-process: a pulled model's name, or an absolute path to one. */
function ggufFile(dataDir: string, given: string): string {
  const pulled = localModelPath(dataDir, given);
  if (pulled) return pulled;
  if (!isAbsolute(given)) throw new UserError(`No pulled model is named "${given}": give its name as \`ducklm models local\` lists it, or an absolute path to a .gguf file.`);
  const stats = statSync(given, { throwIfNoEntry: false });
  if (!stats?.isFile() || !given.toLowerCase().endsWith('.gguf')) throw new UserError(`${given} is not a .gguf file.`);
  return given;
}
