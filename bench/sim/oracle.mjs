/**
 * What the simulated model answers: an oracle standing in for "a model that always asks for the
 * right tool when it is asked". It knows a set of labelled messages (the routing set and the
 * scenarios' messages) and answers by the label of the one the prompt is about.
 *
 * Its role comes from `response_format.json_schema.name` (action_directive → action, recall_verdict
 * → recall, memory_decision → memory_policy, whatever the schema says), or, in llama.cpp's own form
 * `{type: "json_object", schema}` that ducklm sends a llama-server (the simulator passes for one),
 * from the key that only that role's schema has; a stream without a response_format is the
 * thinker, anything else the critic. The current message is the newest
 * user-role message that contains a known message (the longest one it contains). Structured
 * replies are JSON.stringify of objects built in a fixed key order, so a reader that stops at the
 * first key can decide as early as with a real server's grammar.
 */

const ROLE_BY_FORMAT = { action_directive: 'action', recall_verdict: 'recall', memory_decision: 'memory_policy' };
/** The key only that role's schema has (src/model/role-replies.ts ROLE_FORMATS). */
const ROLE_BY_SCHEMA_KEY = [
  ['"actions"', 'action'],
  ['"relevant_ids"', 'recall'],
  ['"should_store"', 'memory_policy'],
];

export function roleOf(body) {
  const name = body?.response_format?.json_schema?.name;
  if (typeof name === 'string' && ROLE_BY_FORMAT[name]) return ROLE_BY_FORMAT[name];
  const schema = body?.response_format?.schema;
  if (schema) {
    const text = JSON.stringify(schema);
    const found = ROLE_BY_SCHEMA_KEY.find(([key]) => text.includes(key));
    if (found) return found[1];
  }
  if (body?.response_format) return 'critic';
  return body?.stream === true ? 'thinker' : 'critic';
}

/** Where tool results begin in ducklm's prompts (see observationsBlock in src/runtime/prompts.ts). */
const OBSERVATIONS = /tool_observations/;

/**
 * @param {{text: string, label: 'tool'|'memory'|'neither', tool?: string, args?: object, memory?: string, answer?: string}[]} entries
 */
export function createOracle(entries) {
  const known = [...entries].sort((a, b) => b.text.length - a.text.length);

  /** The current message: {entry, index, at} or null. */
  function find(messages) {
    for (let i = messages.length - 1; i >= 0; i--) {
      if (messages[i].role !== 'user') continue;
      const text = messages[i].content;
      const entry = known.find((e) => text.includes(e.text));
      if (entry) return { entry, index: i, at: text.indexOf(entry.text) };
    }
    return null;
  }

  /** Everything the prompt holds after the current message began. */
  function after(messages, found) {
    if (!found) return messages.map((m) => m.content).join('\n');
    return [messages[found.index].content.slice(found.at), ...messages.slice(found.index + 1).map((m) => m.content)].join('\n');
  }

  function reply(role, messages) {
    const found = find(messages);
    const entry = found?.entry;
    const rest = after(messages, found);
    const observed = OBSERVATIONS.test(rest);
    switch (role) {
      case 'action':
        if (entry?.label === 'tool' && !observed) {
          return JSON.stringify({ actions: [{ tool: entry.tool, args: entry.args, reason: 'The user asked for it.' }], risk_level: 'low', final: true });
        }
        return JSON.stringify({ answer_now: true });
      case 'recall': {
        // Candidates follow the message in ducklm's recall prompt; anywhere else will do too.
        const lines = candidateLines(rest).length ? candidateLines(rest) : candidateLines(messages.map((m) => m.content).join('\n'));
        const ids = lines
          .filter((line) => entry?.memory && sameFact(line.text, entry.memory))
          .map((line) => line.id);
        if (entry?.label === 'tool') return JSON.stringify({ use_tools: true, relevant_ids: ids, sufficient_to_answer: false });
        return JSON.stringify({ answer_now: true, relevant_ids: ids, sufficient_to_answer: entry?.label === 'memory' });
      }
      case 'memory_policy':
        // Store nothing, so that every run sees the same memories.
        return JSON.stringify({ should_store: false, action: 'none', memory_type: 'note', summary: '', importance: 0, scope: 'conversation', metadata: {} });
      case 'thinker':
        return thinkerAnswer(entry, messages, rest, observed);
      default:
        return 'Check the files before answering.';
    }
  }

  return { find, reply, roleOf };
}

/** Numbered candidate lines ("3: The user's name is Vladimir.") of a recall prompt. */
function candidateLines(text) {
  return [...text.matchAll(/^\s*(\d+)[:.)] (.+)$/gm)].map((m) => ({ id: m[1], text: m[2].trim() }));
}

const norm = (s) => s.toLowerCase().replace(/[\s.。!！]+$/u, '').trim();
const sameFact = (line, memory) => norm(line).includes(norm(memory)) || norm(memory).includes(norm(line));

/** A short answer, about a dozen tokens. */
function thinkerAnswer(entry, messages, rest, observed) {
  if (!entry) return 'Here is a short answer for you, as asked.';
  if (entry.label === 'memory') {
    const prompt = messages.map((m) => m.content).join('\n');
    return entry.memory && prompt.includes(entry.memory) ? `From what I remember: ${entry.memory}` : 'I do not know that yet, sorry.';
  }
  if (entry.label === 'tool') {
    const line = observed ? firstObservedLine(rest) : null;
    return line ? `The result starts with: ${line}` : 'I could not look at that, sorry.';
  }
  return entry.answer ?? 'Sure! Here is a short and friendly answer for you.';
}

/**
 * The first line of the first tool output in the observations block. ducklm sends them as JSON
 * objects with an "output" string (a command's output starts with "exit_code: N").
 */
export function firstObservedLine(text) {
  const block = text.slice(text.search(OBSERVATIONS));
  for (const m of block.matchAll(/"output"\s*:\s*("(?:[^"\\]|\\.)*")/g)) {
    let output;
    try {
      output = JSON.parse(m[1]);
    } catch {
      continue;
    }
    const line = output.split('\n').find((l) => l.trim() && !/^exit_code:/.test(l));
    if (line) return line.trim();
  }
  return null;
}
