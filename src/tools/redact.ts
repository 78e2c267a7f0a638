import { lintSource } from '@secretlint/core';
import { creator as recommendedRules } from '@secretlint/secretlint-rule-preset-recommend';

const MASK = '[REDACTED]';

/**
 * Shapes secretlint's recommended rules do not catch in a command line (they want the key id
 * and secret together, or skip bare tokens); each keeps its label and masks the value.
 */
const PATTERNS: Array<[RegExp, string]> = [
  [/\bsk-[A-Za-z0-9_-]{16,}/g, MASK],
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/g, MASK],
  [/\bAKIA[0-9A-Z]{16}\b/g, MASK],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, MASK],
  [/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${MASK}`],
  [/\b((?:pass(?:word)?|passwd|pwd|secret|token|api[_-]?key|access[_-]?key)\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&]+)/gi, `$1${MASK}`],
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/:@]+:[^\s/@]+@/gi, `$1${MASK}@`],
];

/** Masks secrets in text kept for later (the command audit): secretlint's findings, our patterns, and exact values. */
export async function redactSecrets(text: string, exactSecrets: readonly string[] = []): Promise<string> {
  let out = text;
  for (const secret of exactSecrets) if (secret) out = out.split(secret).join(MASK);
  const result = await lintSource({
    source: { content: out, filePath: 'command.txt', ext: '.txt', contentType: 'text' },
    options: { config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommendedRules }] }, maskSecrets: false },
  });
  // Replace from the end so earlier ranges stay valid.
  for (const { range } of [...result.messages].sort((a, b) => b.range[0] - a.range[0])) {
    out = out.slice(0, range[0]) + MASK + out.slice(range[1]);
  }
  return PATTERNS.reduce((acc, [pattern, replacement]) => acc.replace(pattern, replacement), out);
}
