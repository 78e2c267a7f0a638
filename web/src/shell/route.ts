import { useEffect, useState } from 'preact/hooks';

export const VIEWS = ['chat', 'memory', 'lessons', 'audit'] as const;
export type View = (typeof VIEWS)[number];

const viewOfHash = (): View => {
  const name = window.location.hash.replace(/^#\/?/, '');
  return (VIEWS as readonly string[]).includes(name) ? (name as View) : 'chat';
};

/** The current view, kept in the address's #fragment so that Back and bookmarks work. */
export function useView(): [View, (view: View) => void] {
  const [view, setView] = useState<View>(viewOfHash);
  useEffect(() => {
    const onHash = () => setView(viewOfHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return [view, (next) => (window.location.hash = `#${next}`)];
}
