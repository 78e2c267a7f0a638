import { render } from 'preact';
import { App } from './shell/app.js';
import './styles.css';

// The sign-in link carries the token once; the server has set the session cookie by now, so the
// token leaves the address bar (and the history) before anything else happens.
const url = new URL(window.location.href);
if (url.searchParams.has('token')) {
  url.searchParams.delete('token');
  window.history.replaceState(null, '', url.pathname + url.search + url.hash);
}

render(<App />, document.getElementById('app')!);
