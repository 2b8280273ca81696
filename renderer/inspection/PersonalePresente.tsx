import { EDUCATOR_TITLE_LABELS, ROLE_LABELS } from '../../shared/domain.ts';
import { href } from '../app/router.ts';
import { courseFlags, titleFlag } from '../services/certificates.ts';
import { Badge } from '../ui/Badge.tsx';
import { italianDate } from '../ui/format.ts';
import { Link } from 'react-router';
import { useInspection, useVisit } from './context.tsx';
import { toPerson } from './model.ts';

/** Staff present at the visit, chosen from the roster, with certificates checked on the visit date. */
export function PersonalePresente({ headingId }: { headingId: string }) {
  const { staff, setVisit, ruleSet, service, readOnly } = useInspection();
  const { visit } = useVisit();
  const shown = staff.filter((p) => p.active || visit.staffIds.includes(p.id));
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId} tabIndex={-1}>
        Personale presente alla visita
      </h2>
      <p className="hint">
        Attestati verificati alla data della visita ({italianDate(visit.date)}). Il personale si gestisce nella{' '}
        <Link to={href({ page: 'service', id: service.id })}>scheda del servizio</Link>.
      </p>
      {shown.length === 0 ? (
        <p className="empty">Nessuna persona nel personale del servizio.</p>
      ) : (
        <fieldset disabled={readOnly} className="staff-present">
          <legend className="visually-hidden">Persone presenti</legend>
          <ul className="staff-list">
            {shown.map((p) => {
              const person = toPerson(p);
              const flags = courseFlags(ruleSet, person, visit.date);
              const title = titleFlag(ruleSet, person);
              const id = `pp-${p.id}`;
              return (
                <li key={p.id} className="staff-item">
                  <input
                    id={id}
                    type="checkbox"
                    checked={visit.staffIds.includes(p.id)}
                    onChange={(e) =>
                      setVisit({ staffIds: e.target.checked ? [...visit.staffIds, p.id] : visit.staffIds.filter((s) => s !== p.id) })
                    }
                    aria-describedby={`${id}-d`}
                  />
                  <div>
                    <label htmlFor={id} className="staff-name">
                      {p.name}
                    </label>{' '}
                    <span className="sub">
                      {ROLE_LABELS[p.role]}
                      {p.title ? ` · ${EDUCATOR_TITLE_LABELS[p.title]}` : ''}
                    </span>
                    <ul id={`${id}-d`} className="flag-list inline">
                      {title && (
                        <li>
                          <Badge tone="bad">Titolo</Badge> <span className="sub">{title}</span>
                        </li>
                      )}
                      {flags.map((f) => (
                        <li key={f.course}>
                          <Badge tone={f.tone}>{f.label}</Badge> <span className="sub">{f.text}</span>
                        </li>
                      ))}
                      {!flags.length && !title && <li className="sub">Nessun attestato registrato</li>}
                    </ul>
                  </div>
                </li>
              );
            })}
          </ul>
        </fieldset>
      )}
    </section>
  );
}
