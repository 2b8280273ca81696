import type { ReactNode } from 'react';

export type Tone = 'ok' | 'warn' | 'bad' | 'neutral' | 'info';

/** A short status word with a colour and, for colour-blind readers, a symbol. */
export function Badge({ tone, children, title }: { tone: Tone; children: ReactNode; title?: string }) {
  const symbol = { ok: '✓', warn: '!', bad: '✕', neutral: '–', info: 'i' }[tone];
  return (
    <span className={`badge badge-${tone}`} title={title}>
      <span aria-hidden="true" className="badge-symbol">
        {symbol}
      </span>
      {children}
    </span>
  );
}
