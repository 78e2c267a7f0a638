import type { Memory } from '../api.js';

export const TYPES: Memory['memory_type'][] = ['fact', 'preference', 'note'];
export const SCOPES: Memory['scope'][] = ['global', 'workspace', 'conversation'];

/** Importance as the server keeps it (0..1), chosen on a 0..10 slider, which reads better. */
export function ImportanceField({ id, value, onChange }: { id: string; value: number; onChange(value: number): void }) {
  return (
    <div class="panel-field importance-field">
      <label for={id}>Importance</label>
      <div class="importance-row">
        <input id={id} type="range" min={0} max={10} step={1} value={Math.round(value * 10)} onInput={(e) => onChange(Number(e.currentTarget.value) / 10)} />
        <output for={id}>{value.toFixed(1)}</output>
      </div>
    </div>
  );
}

export function TypeField({ id, value, onChange }: { id: string; value: Memory['memory_type']; onChange(value: Memory['memory_type']): void }) {
  return (
    <div class="panel-field">
      <label for={id}>Type</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value as Memory['memory_type'])}>
        {TYPES.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
    </div>
  );
}
