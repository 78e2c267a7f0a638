export interface ChatViewProps {
  workspace: string;
  /** The conversation shown; null starts a new one with the next message. */
  conversationId: string | null;
  /** A turn created or advanced a conversation: the shell selects it and refreshes the list. */
  onConversationChanged(id: string): void;
}

export function ChatView(_props: ChatViewProps) {
  return <section class="chat" data-testid="chat" />;
}
