/** The short pages: a refusal, an error the clerk can act on, something not found; each with the way back. */
import type { ReactElement } from 'react';

export interface MessageProps {
  /** A plain sentence (a refused request). */
  text?: string;
  /** What went wrong, announced to screen readers. */
  error?: string;
  back?: { href: string; label: string };
  /** The session is over: the link to log in again. */
  relogin?: boolean;
}

export function Message({ text, error, back, relogin }: MessageProps): ReactElement {
  return (
    <>
      {relogin ? (
        <p>
          Accedere di nuovo: <a href="/login">accesso</a>.
        </p>
      ) : null}
      {text ? <p>{text}</p> : null}
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {back ? (
        <p>
          <a href={back.href}>{back.label}</a>
        </p>
      ) : null}
    </>
  );
}

export const BACK_TO_QUEUE = { href: '/coda', label: 'Torna alla coda' };
export const backToInspection = (href: string) => ({ href, label: "Torna all'ispezione" });
