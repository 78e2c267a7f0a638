/**
 * The model's status as the header shows it, followed live: the server asks the model server
 * every few seconds while someone watches and says when it goes down, loads or comes back. A
 * server started with a model given in code (no model setup) has no such stream: then health is
 * asked once.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, watchModelStatus, type Health, type ModelStatus } from '../api.js';
import { watchWithRetry } from '../watch-with-retry.js';

export function fromHealth(health: Health | null): ModelStatus | null {
  const model = health?.model;
  if (!model) return null;
  if (model.status) return model.status;
  const state = !model.configured ? 'unconfigured' : model.reachable ? 'ready' : 'down';
  return { state, where: model.base_url, model: null, detail: model.detail ?? '' };
}

export function useModelStatus(enabled: boolean): ModelStatus | null {
  const [status, setStatus] = useState<ModelStatus | null>(null);
  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    void watchWithRetry(
      (onMessage, signal) =>
        watchModelStatus((next) => {
          onMessage();
          setStatus(next);
        }, signal),
      controller.signal,
      {
        // The ducklm server itself is gone or restarting: nothing is known until it is back.
        onDrop: () => setStatus(null),
        // No model setup (a model given in code): health, asked once.
        onClientError: (error) => {
          if (error.status === 409) api.health().then((health) => setStatus(fromHealth(health)), () => setStatus(null));
        },
      },
    );
    return () => controller.abort();
  }, [enabled]);
  return status;
}
