/**
 * Why a server says generation ended, in our terms. Every OpenAI-compatible server sends
 * `finish_reason`, but not all with OpenAI's words: llama.cpp and vLLM say `stop`/`length`,
 * Ollama passes its own `done_reason` through (`stop`, `length`, `load`, `unload`), and older or
 * smaller servers say `eos` or `max_tokens`.
 */
import type { FinishReason } from './model-client.js';

const STOP = new Set(['stop', 'eos', 'eos_token', 'end_turn', 'stop_sequence']);
const LENGTH = new Set(['length', 'max_tokens', 'model_length']);

export function finishReasonOf(wire: unknown): FinishReason {
  if (typeof wire !== 'string') return 'other';
  const reason = wire.toLowerCase();
  if (STOP.has(reason)) return 'stop';
  if (LENGTH.has(reason)) return 'length';
  return 'other';
}
