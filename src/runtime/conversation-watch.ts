import type { ConversationEvent } from '../events/conversation-event.js';

type Watcher = (event: ConversationEvent) => void;

/** Who watches which conversation for new tasks: every client showing it, whichever started the task. */
export class ConversationWatch {
  private readonly watchers = new Map<string, Set<Watcher>>();

  watch(conversationId: string, watcher: Watcher): () => void {
    let set = this.watchers.get(conversationId);
    if (!set) this.watchers.set(conversationId, (set = new Set()));
    set.add(watcher);
    return () => {
      set.delete(watcher);
      if (!set.size && this.watchers.get(conversationId) === set) this.watchers.delete(conversationId);
    };
  }

  tell(event: ConversationEvent): void {
    for (const watcher of [...(this.watchers.get(event.conversation_id) ?? [])]) {
      try {
        watcher(event);
      } catch {
        // One watcher's broken socket is not the task's problem.
      }
    }
  }
}
