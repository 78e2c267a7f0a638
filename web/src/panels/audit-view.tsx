export function AuditView() {
  return <section class="audit" data-testid="audit-view" />;
}
