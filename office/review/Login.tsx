/**
 * The clerk's login form. No `required`: an empty field gets the server's Italian answer (the same
 * «Nome o password non corretti», after the same scrypt, as a wrong name), not the browser's.
 */
import type { ReactElement } from 'react';

export function Login({ token, after, message }: { token: string; after: string; message?: string }): ReactElement {
  return (
    <>
      {message ? (
        <p className="error" role="alert">
          {message}
        </p>
      ) : null}
      <form method="post" action="/login">
        <input type="hidden" name="_csrf" value={token} />
        <input type="hidden" name="dopo" value={after} />
        <label>
          Nome <input name="nome" autoComplete="username" />
        </label>
        <label>
          Password <input name="password" type="password" autoComplete="current-password" />
        </label>
        <button>Accedi</button>
      </form>
    </>
  );
}
