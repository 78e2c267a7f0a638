// Controls for a panel's toolbar (`.panel-toolbar`): their labels are for screen readers only.

/** A search box whose placeholder repeats its label. */
export function SearchField({ label, value, onInput, testId }: { label: string; value: string; onInput(value: string): void; testId?: string }) {
  return (
    <label class="toolbar-search">
      <span class="visually-hidden">{label}</span>
      <input type="search" placeholder={`${label}…`} value={value} onInput={(e) => onInput(e.currentTarget.value)} data-testid={testId} />
    </label>
  );
}

/** Narrows a list to one of `options`; the empty choice (`any`) means no narrowing. */
export function FilterSelect<T extends string>({
  label,
  any,
  options,
  labels,
  value,
  onChange,
  testId,
}: {
  label: string;
  any: string;
  options: readonly T[];
  labels?: Record<string, string>;
  value: NoInfer<T> | '';
  onChange(value: NoInfer<T> | ''): void;
  testId?: string;
}) {
  return (
    <label class="toolbar-select">
      <span class="visually-hidden">{label}</span>
      <select value={value} onChange={(e) => onChange(e.currentTarget.value as T | '')} data-testid={testId}>
        <option value="">{any}</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {labels?.[option] ?? option}
          </option>
        ))}
      </select>
    </label>
  );
}
