export function MemoryView(_props: { workspace: string }) {
  return <section class="memory" data-testid="memory-view" />;
}
