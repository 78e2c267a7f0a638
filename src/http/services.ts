import type { ModelClient } from '../model/model-client.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Store } from '../store/store.js';
import type { TaskStreams } from './follow-stream.js';

export interface Services {
  runtime: Runtime;
  store: Store;
  model: ModelClient;
  streams: TaskStreams;
}
