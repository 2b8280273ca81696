import type { ChecklistItem, ChecklistSection } from '../../shared/checklist/index.ts';
import { countsTableFor } from './model.ts';
import { useInspection } from './context.tsx';
import { TabellaConteggi } from './TabellaConteggi.tsx';
import { Voce } from './Voce.tsx';

/** Consecutive items under the same printed sub-heading. */
function byGroup(items: ChecklistItem[]): Array<{ group: string | undefined; items: ChecklistItem[] }> {
  const out: Array<{ group: string | undefined; items: ChecklistItem[] }> = [];
  for (const item of items) {
    const last = out[out.length - 1];
    if (last && last.group === item.group) last.items.push(item);
    else out.push({ group: item.group, items: [item] });
  }
  return out;
}

/** A section of the Scheda, rendered from the checklist data: intro, counts tables (B), items by group. */
export function Sezione({ section, items, headingId }: { section: ChecklistSection; items: ChecklistItem[]; headingId: string }) {
  const { checklist, service } = useInspection();
  const table = section.id === 'B' ? countsTableFor(checklist, service.type) : undefined;
  return (
    <section className="sezione" aria-labelledby={headingId} data-section={section.id}>
      <h2 id={headingId} tabIndex={-1}>
        {section.id === 'ACC' ? '' : `${section.id}. `}
        {section.title}
      </h2>
      <p className="requirement-heading">{section.requirementHeading}</p>
      {section.intro &&
        section.intro.split('\n\n').map((para, i) => (
          <p key={i} className="intro">
            {para}
          </p>
        ))}
      {table && <TabellaConteggi table={table} />}
      {items.length === 0 ? (
        <p className="empty">Nessuna voce di questa sezione si applica a questo servizio e a questa finalità.</p>
      ) : (
        byGroup(items).map((g, i) =>
          g.group ? (
            <div key={i} className="gruppo" role="group" aria-label={g.group}>
              <h3>{g.group}</h3>
              {g.items.map((item) => (
                <Voce key={item.id} item={item} />
              ))}
            </div>
          ) : (
            <div key={i} className="gruppo">
              {g.items.map((item) => (
                <Voce key={item.id} item={item} />
              ))}
            </div>
          ),
        )
      )}
    </section>
  );
}
