import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, UNAUTHORIZED_EVENT, type ModelStatus } from '../api.js';
import { ChatView } from '../chat/chat-view.js';
import { AuditView } from '../panels/audit-view.js';
import { ConversationList } from '../panels/conversation-list.js';
import { LessonsView } from '../panels/lessons-view.js';
import { MemoryView } from '../panels/memory-view.js';
import { SettingsView } from '../panels/settings-view.js';
import { WorkspacePicker } from '../panels/workspace-picker.js';
import { hashOf, useRoute, VIEWS, type View } from './route.js';
import { SignIn } from './sign-in.js';
import { useModelStatus } from './use-model-status.js';

const LABELS: Record<View, string> = { chat: 'Chat', memory: 'Memory', lessons: 'Lessons', audit: 'Audit', settings: 'Settings' };
const WORKSPACE_KEY = 'ducklm.workspace';

type Auth = 'checking' | 'signed-in' | 'signed-out';

/** The page's frame: sign-in, header with workspace and views, conversations beside the chat. */
export function App() {
  const [auth, setAuth] = useState<Auth>('checking');
  const { route, go, replace } = useRoute();
  const { view, conversationId } = route;
  const [workspace, setWorkspaceState] = useState<string | null>(null);
  const [listVersion, setListVersion] = useState(0);
  const [drawerOpen, setDrawerOpen] = useState(false);
  // The conversation to come back to when the Chat tab is chosen again.
  const [lastChat, setLastChat] = useState<string | null>(conversationId);
  useEffect(() => {
    if (view === 'chat') setLastChat(conversationId);
  }, [view, conversationId]);

  useEffect(() => {
    const signOut = () => setAuth('signed-out');
    window.addEventListener(UNAUTHORIZED_EVENT, signOut);
    // Any authenticated call tells whether the cookie is good; this one also gives the default workspace.
    api
      .workspaces()
      .then((info) => {
        setAuth('signed-in');
        setWorkspaceState(localStorage.getItem(WORKSPACE_KEY) ?? info.default);
      })
      .catch(() => setAuth((current) => (current === 'checking' ? 'signed-out' : current)));
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, signOut);
  }, []);

  const modelStatus = useModelStatus(auth === 'signed-in');

  const setWorkspace = useCallback((path: string) => {
    localStorage.setItem(WORKSPACE_KEY, path);
    setWorkspaceState(path);
    go({ view: 'chat', conversationId: null });
  }, []);

  // A search across workspaces may open a conversation of another one: the page moves there with it.
  const selectConversation = useCallback((id: string | null, elsewhere?: string) => {
    setDrawerOpen(false);
    if (elsewhere) {
      localStorage.setItem(WORKSPACE_KEY, elsewhere);
      setWorkspaceState(elsewhere);
    }
    go({ view: 'chat', conversationId: id });
  }, []);

  // A turn created or advanced a conversation: show it without a new history entry, refresh the list.
  const conversationChanged = useCallback((id: string) => {
    replace({ view: 'chat', conversationId: id });
    setListVersion((v) => v + 1);
  }, []);

  if (auth === 'checking') return <main class="loading" aria-busy="true" />;
  if (auth === 'signed-out') return <SignIn />;
  if (!workspace) return <main class="loading" aria-busy="true" />;

  return (
    <div class={`shell view-${view}${drawerOpen ? ' drawer-open' : ''}`}>
      <header class="topbar">
        <button class="icon-button menu-button" aria-label="Conversations" aria-expanded={drawerOpen} onClick={() => setDrawerOpen(!drawerOpen)}>
          ☰
        </button>
        <span class="brand">ducklm</span>
        <WorkspacePicker workspace={workspace} onChange={setWorkspace} />
        <nav class="views" aria-label="Views">
          {VIEWS.map((name) => (
            <a key={name} href={name === 'chat' ? hashOf({ view: 'chat', conversationId: lastChat }) : `#${name}`} class={name === view ? 'active' : ''} aria-current={name === view ? 'page' : undefined} data-testid={`nav-${name}`}>
              {LABELS[name]}
            </a>
          ))}
        </nav>
        <ModelStatusBadge status={modelStatus} />
      </header>
      <aside class="sidebar" aria-label="Conversations">
        <ConversationList workspace={workspace} selectedId={conversationId} onSelect={selectConversation} version={listVersion} />
      </aside>
      <div class="scrim" onClick={() => setDrawerOpen(false)} />
      <main class="content">
        {view === 'chat' && <ChatView workspace={workspace} conversationId={conversationId} onConversationChanged={conversationChanged} />}
        {view === 'memory' && <MemoryView workspace={workspace} />}
        {view === 'lessons' && <LessonsView />}
        {view === 'audit' && <AuditView />}
        {view === 'settings' && <SettingsView status={modelStatus} />}
      </main>
    </div>
  );
}

const STATUS_TEXT: Record<ModelStatus['state'] | 'unknown', string> = {
  unknown: 'model: ?',
  ready: 'model ready',
  loading: 'model loading',
  down: 'model unreachable',
  unconfigured: 'no model configured',
  choose: 'choose a model',
};

/** The header's dot: follows the model live; a click opens Settings, where it is chosen or fixed. */
function ModelStatusBadge({ status }: { status: ModelStatus | null }) {
  const state = status?.state ?? 'unknown';
  const title = [status?.model, status?.where, status?.detail].filter(Boolean).join(' · ');
  return (
    <a href="#settings" class={`model-status ${state}`} title={title} data-testid="model-status" data-state={state}>
      <span class="dot" aria-hidden="true" />
      <span class="label">{STATUS_TEXT[state]}</span>
    </a>
  );
}
