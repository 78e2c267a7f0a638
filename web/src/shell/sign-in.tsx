/** Shown when the server answers 401: how to get in, and a field to paste the token into. */
export function SignIn() {
  return (
    <main class="sign-in" data-testid="sign-in">
      <h1>ducklm</h1>
      <p>
        This page needs ducklm's API token. Open the link <code>ducklm serve</code> printed when it started, or run <code>ducklm token</code> and paste it here.
      </p>
      {/* A GET to / with ?token= sets the session cookie; the page then removes the token from the address. */}
      <form method="get" action="/">
        <label>
          API token
          <input name="token" type="password" autocomplete="off" required autofocus />
        </label>
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}
