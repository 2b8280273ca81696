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

/**
 * «DEMO» on a demo service or visit (seeded by `--demo`): made-up data, never sent to an office.
 * Its own look (dark on purple, dashed) so that it is not read as a status of a real record.
 */
export function DemoBadge() {
  return (
    <span className="badge badge-demo" data-demo="" title="Dati dimostrativi: non validi come atto, non si inviano all’ufficio">
      <span aria-hidden="true" className="badge-symbol">
        ◇
      </span>
      DEMO
    </span>
  );
}
