export interface ConversationListProps {
  workspace: string;
  selectedId: string | null;
  /** null: a new conversation. */
  onSelect(id: string | null): void;
  /** Bumped when a turn changed the list; reload then. */
  version: number;
}

export function ConversationList(_props: ConversationListProps) {
  return <div class="conversations" data-testid="conversations" />;
}
