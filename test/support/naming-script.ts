import type { FakeScript } from './fake-openai-server.js';

/**
 * A fake server's script for tests about which model answers: every structured role gets a
 * fitting reply (no tool, nothing to remember), and the answer names the model that wrote it.
 */
export const namingScript: FakeScript = ({ model, body }) => {
  const format = (body.response_format as { json_schema?: { name?: string } } | undefined)?.json_schema?.name;
  if (format === 'action_directive') return { content: JSON.stringify({ answer_now: true }) };
  if (format === 'recall_verdict') return { content: JSON.stringify({ answer_now: true, relevant_ids: [] }) };
  if (format === 'memory_decision') return { content: JSON.stringify({ should_store: false }) };
  return { content: `Answered by ${model}.` };
};
