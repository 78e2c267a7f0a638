import type { RuntimeLimits } from '../config.js';
import type { ModelClient } from '../model/model-client.js';
import type { SkillLibrary } from '../skills/skill-library.js';
import type { Store } from '../store/store.js';
import type { ToolRegistry } from '../tools/registry.js';
import type { CommandRunner } from '../tools/shell/command-runner.js';
import type { BackgroundJobs } from './background-jobs.js';
import type { TaskLog } from './task-log.js';

/** What the runtime is built from; the app factory wires real ones, tests pass fakes. */
export interface RuntimeDeps {
  store: Store;
  model: ModelClient;
  tools: ToolRegistry;
  runner: CommandRunner;
  skills: SkillLibrary;
  limits: RuntimeLimits;
  reflection: boolean;
  background: BackgroundJobs;
  /** The one record of every task's events, which followers read. */
  taskLog: TaskLog;
  log: (message: string) => void;
  /** ducklm's own files, which tools never touch unasked (`protectedDataPaths`). */
  protectedPaths?: readonly string[];
}
