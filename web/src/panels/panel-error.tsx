/** A failure in words, announced as it appears; nothing while there is none. */
export function ErrorLine({ error, id, testId }: { error: string | null; id?: string; testId?: string }) {
  if (!error) return null;
  return (
    <p id={id} class="panel-error" role="alert" data-testid={testId}>
      {error}
    </p>
  );
}

/** "Could not load the rules: …" with a way to ask again. */
export function LoadError({ what, error, onRetry }: { what: string; error: string | null; onRetry(): void }) {
  if (!error) return null;
  return (
    <p class="panel-error" role="alert">
      Could not load {what}: {error}{' '}
      <button type="button" class="panel-link-button" onClick={onRetry}>
        Retry
      </button>
    </p>
  );
}
