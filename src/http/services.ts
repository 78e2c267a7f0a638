import type { ModelClient } from '../model/model-client.js';
import type { ModelSetup } from '../model/model-setup.js';
import type { Runtime } from '../runtime/runtime.js';
import type { McpToolRegistry } from '../mcp/mcp-registry.js';
import type { Store } from '../store/store.js';
import type { TaskStreams } from './follow-stream.js';

export interface Services {
  runtime: Runtime;
  store: Store;
  model: ModelClient;
  /** Finding and choosing the model; absent when the model was given in code (tests, other front ends). */
  setup?: ModelSetup;
  streams: TaskStreams;
  /** The MCP servers, when any are configured. */
  mcp?: McpToolRegistry;
}
