import { useEffect, useState } from 'preact/hooks';

export const VIEWS = ['chat', 'memory', 'lessons', 'audit', 'settings'] as const;
export type View = (typeof VIEWS)[number];

/** Where the page is: a view and, in the chat, the conversation shown (null: a new one). */
export interface Route {
  view: View;
  conversationId: string | null;
}

export function routeOfHash(hash: string): Route {
  const [name = '', id] = hash.replace(/^#\/?/, '').split('/');
  const view = (VIEWS as readonly string[]).includes(name) ? (name as View) : 'chat';
  return { view, conversationId: view === 'chat' && id ? decodeURIComponent(id) : null };
}

export function hashOf(route: Route): string {
  return route.view === 'chat' && route.conversationId ? `#chat/${encodeURIComponent(route.conversationId)}` : `#${route.view}`;
}

/**
 * The route, kept in the address's #fragment so that Back, reload and bookmarks work. `go`
 * adds a history entry (a person's choice); `replace` does not (a new chat getting its id).
 */
export function useRoute(): { route: Route; go(route: Route): void; replace(route: Route): void } {
  const [route, setRoute] = useState<Route>(() => routeOfHash(window.location.hash));
  useEffect(() => {
    const onHash = () => setRoute(routeOfHash(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return {
    route,
    go: (next) => {
      if (hashOf(next) === window.location.hash) setRoute(next);
      else window.location.hash = hashOf(next);
    },
    replace: (next) => {
      window.history.replaceState(null, '', hashOf(next));
      setRoute(next);
    },
  };
}
