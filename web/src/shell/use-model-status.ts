/**
 * The model's status as the header shows it, followed live: the server asks the model server
 * every few seconds while someone watches and says when it goes down, loads or comes back. A
 * server started with a model given in code (no model setup) has no such stream: then health is
 * asked once.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, watchModelStatus, type Health, type ModelStatus } from '../api.js';

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 5000;

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
    void (async () => {
      let delay = FIRST_DELAY_MS;
      while (!controller.signal.aborted) {
        try {
          await watchModelStatus((next) => {
            delay = FIRST_DELAY_MS;
            setStatus(next);
          }, controller.signal);
        } catch (error) {
          if (error instanceof ApiError && error.status === 409) {
            api.health().then((health) => setStatus(fromHealth(health)), () => setStatus(null));
            return;
          }
          if (error instanceof ApiError && error.status < 500) return;
        }
        if (controller.signal.aborted) return;
        // The ducklm server itself is gone or restarting: say nothing known, and try again.
        setStatus(null);
        await new Promise((resolve) => window.setTimeout(resolve, delay));
        delay = Math.min(delay * 2, MAX_DELAY_MS);
      }
    })();
    return () => controller.abort();
  }, [enabled]);
  return status;
}
