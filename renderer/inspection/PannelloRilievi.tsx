import type { Finding, Outcome } from '../../shared/rules/index.ts';
import { useInspection, useLiveCheck } from './context.tsx';
import { Rilievo } from './Rilievo.tsx';

const ORDER: Outcome[] = ['fail', 'warn', 'na', 'pass'];

export function summaryText(findings: Finding[]): string {
  const n = (o: Outcome) => findings.filter((f) => f.outcome === o).length;
  const fail = n('fail');
  const warn = n('warn');
  return [
    fail === 1 ? '1 non conformità' : `${fail} non conformità`,
    warn === 1 ? '1 attenzione' : `${warn} attenzioni`,
    `${n('pass')} conformi`,
    `${n('na')} non valutabili`,
  ].join(' · ');
}

/** The findings of the rules on what is entered so far, updated as the inspector types. */
export function PannelloRilievi() {
  const { checklist, goToItem } = useInspection();
  const { result } = useLiveCheck();
  const itemIds = new Set(checklist.items.map((i) => i.id));
  const groups = ORDER.map((o) => ({ outcome: o, findings: result.findings.filter((f) => f.outcome === o) }));
  const list = (findings: Finding[]) => (
    <ul className="rilievi">
      {findings.map((f) => (
        <Rilievo key={f.rule} finding={f} onGoTo={itemIds.has(f.rule) ? () => goToItem(f.rule) : undefined} />
      ))}
    </ul>
  );
  return (
    <aside className="pannello-rilievi" aria-labelledby="rilievi-title">
      <h2 id="rilievi-title">Rilievi</h2>
      <p className="rilievi-summary" role="status" aria-live="polite" aria-atomic="true">
        {summaryText(result.findings)}
      </p>
      {groups.map(({ outcome, findings }) =>
        findings.length === 0 ? null : outcome === 'fail' || outcome === 'warn' ? (
          <section key={outcome} aria-label={outcome === 'fail' ? 'Non conformità' : 'Attenzione'} data-group={outcome}>
            {list(findings)}
          </section>
        ) : (
          <details key={outcome} data-group={outcome}>
            <summary>
              {outcome === 'pass' ? 'Conformi' : 'Non valutabili'} ({findings.length})
            </summary>
            {list(findings)}
          </details>
        ),
      )}
    </aside>
  );
}
