import { Fragment } from 'preact';
import type { GenerationStats } from '../../../src/events/task-event.js';

const seconds = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
const rate = (n: number) => `${n.toFixed(1)} tok/s`;

/** The one-line summary: "42 tokens · 18.3 tok/s · prompt 80 ms · first token 120 ms · 1.4 s". */
export function statsSummary(stats: GenerationStats): string {
  const parts = [`${stats.completion_tokens} tokens`];
  if (stats.avg_tokens_per_second > 0) parts.push(rate(stats.avg_tokens_per_second));
  if (stats.prompt_ms !== undefined) parts.push(`prompt ${seconds(stats.prompt_ms)}`);
  if (stats.time_to_first_token_ms !== null) parts.push(`first token ${seconds(stats.time_to_first_token_ms)}`);
  parts.push(seconds(stats.total_ms));
  return parts.join(' · ');
}

/** How the answer was generated, under it; the details open on click. */
export function GenerationStatsView({ stats }: { stats: GenerationStats }) {
  const rows: [string, string][] = [
    ['Model calls', String(stats.model_calls)],
    ['Prompt tokens', String(stats.prompt_tokens)],
    ['Completion tokens', String(stats.completion_tokens)],
    ['Speed (min / avg / max)', `${rate(stats.min_tokens_per_second)} / ${rate(stats.avg_tokens_per_second)} / ${rate(stats.max_tokens_per_second)}`],
    // The server's own measure of reading the prompt; absent when it gives none.
    ...(stats.prompt_ms !== undefined
      ? ([['Prompt reading', `${seconds(stats.prompt_ms)}${stats.prompt_tokens_per_second ? ` (${rate(stats.prompt_tokens_per_second)})` : ''}`]] as [string, string][])
      : []),
    ['First token', stats.time_to_first_token_ms === null ? '—' : seconds(stats.time_to_first_token_ms)],
    ['Total time (this run)', seconds(stats.total_ms)],
  ];
  return (
    <details class="generation-stats" data-testid="generation-stats">
      <summary title={rows.map(([k, v]) => `${k}: ${v}`).join('\n')}>{statsSummary(stats)}</summary>
      <dl>
        {rows.map(([label, value]) => (
          <Fragment key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </Fragment>
        ))}
      </dl>
    </details>
  );
}
