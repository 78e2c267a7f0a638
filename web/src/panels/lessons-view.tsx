export function LessonsView() {
  return <section class="lessons" data-testid="lessons-view" />;
}
