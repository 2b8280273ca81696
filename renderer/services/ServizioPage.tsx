import { useState } from 'react';
import type { InspectionSummary, ServiceSummary, StaffPerson } from '../../shared/api/contract.ts';
import { EDUCATOR_TITLE_LABELS, PURPOSE_LABELS, ROLE_LABELS } from '../../shared/domain.ts';
import { useApiMutation, useApiQuery } from '../api/queries.ts';
import { useApp, useServiceTypeLabels, useTerritory } from '../app/info.tsx';
import { href } from '../app/router.ts';
import { toPerson } from '../inspection/model.ts';
import { ActBadge } from '../ui/acts.tsx';
import { Badge, DemoBadge } from '../ui/Badge.tsx';
import { ConfirmDialog, Dialog } from '../ui/Dialog.tsx';
import { InspectionDue } from '../ui/InspectionDue.tsx';
import { italianDate, italianDateTime } from '../ui/format.ts';
import { Link } from 'react-router';
import { Loaded } from '../ui/Status.tsx';
import { SyncBadge } from '../ui/SyncBadge.tsx';
import { courseFlags, titleFlag } from './certificates.ts';
import { STATUS_LABELS, STATUS_TONES } from './labels.ts';
import { PersonaForm } from './PersonaForm.tsx';

export function ServizioPage({ id }: { id: string }) {
  const [load, reload] = useApiQuery('services.get', { id });
  return (
    <Loaded load={load} what="il servizio" retry={reload}>
      {(v) => <Servizio service={v.service} inspections={v.inspections} staff={v.staff} />}
    </Loaded>
  );
}

function Servizio({ service, inspections, staff }: { service: ServiceSummary; inspections: InspectionSummary[]; staff: StaffPerson[] }) {
  const typeLabels = useServiceTypeLabels();
  const schedule = useTerritory()?.schedule;
  return (
    <article aria-labelledby="servizio-title">
      <p className="breadcrumb">
        <Link to={href({ page: 'services' })}>← Servizi</Link>
      </p>
      <div className="page-heading">
        <div>
          <h1 id="servizio-title">{service.name}</h1>
          <p className="sub">
            {typeLabels[service.type]} · {service.comune}
            {service.address ? ` · ${service.address}` : ''}
            {service.demo && <DemoBadge />}
          </p>
        </div>
        <div className="actions">
          <Link to={href({ page: 'service-edit', id: service.id })} className="button">
            Modifica dati
          </Link>
          <Link to={href({ page: 'inspection-new', serviceId: service.id })} className="button button-primary">
            Nuova ispezione
          </Link>
        </div>
      </div>
      <dl className="facts">
        <div>
          <dt>Capienza</dt>
          <dd>{service.capacity} posti</dd>
        </div>
        <div>
          <dt>Cucina interna</dt>
          <dd>{service.kitchen ? 'Sì' : 'No'}</dd>
        </div>
        <div>
          <dt>Referente</dt>
          <dd>{service.referente || '—'}</dd>
        </div>
        <div>
          <dt>Autorizzazione</dt>
          <dd>
            <ActBadge status={service.authorizationStatus} validUntil={service.authorizationValidUntil} />
            {service.authorizationIssuedOn && <span className="sub"> rilasciata il {italianDate(service.authorizationIssuedOn)}</span>}
          </dd>
        </div>
        <div>
          <dt>Accreditamento</dt>
          <dd>
            <ActBadge status={service.accreditationStatus} validUntil={service.accreditationValidUntil} feminine={false} />
            {service.accreditationIssuedOn && <span className="sub"> rilasciato il {italianDate(service.accreditationIssuedOn)}</span>}
          </dd>
        </div>
        <div>
          <dt>Ispezioni{schedule ? ` (${schedule.article})` : ''}</dt>
          <dd data-due={service.inspectionStanding?.kind ?? 'none'}>
            <InspectionDue service={service} />
          </dd>
        </div>
      </dl>
      <Storico inspections={inspections} />
      <Personale service={service} staff={staff} />
    </article>
  );
}

function Storico({ inspections }: { inspections: InspectionSummary[] }) {
  const sorted = [...inspections].sort((a, b) => (a.date === b.date ? b.revision - a.revision : a.date < b.date ? 1 : -1));
  return (
    <section aria-labelledby="storico-title" className="block">
      <h2 id="storico-title">Ispezioni</h2>
      {sorted.length === 0 ? (
        <p className="empty">Nessuna ispezione registrata.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Data</th>
                <th scope="col">Finalità</th>
                <th scope="col">Revisione</th>
                <th scope="col">Stato</th>
                <th scope="col">Ufficio</th>
                <th scope="col">Non conformità</th>
                <th scope="col">Ultima modifica</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((i) => (
                <tr key={i.id}>
                  <th scope="row">
                    <Link to={href({ page: 'inspection', id: i.id })}>{italianDate(i.date)}</Link>
                    {i.demo && <DemoBadge />}
                  </th>
                  <td>{PURPOSE_LABELS[i.purpose]}</td>
                  <td className="num">
                    {i.revision}
                    {i.previousId ? <span className="sub"> (correzione)</span> : null}
                  </td>
                  <td>
                    <Badge tone={STATUS_TONES[i.status]}>{STATUS_LABELS[i.status]}</Badge>
                  </td>
                  <td>
                    {i.syncStatus ? (
                      <SyncBadge status={i.syncStatus} />
                    ) : (
                      <span className="sub">{i.demo && i.status !== 'draft' ? 'non si invia (dimostrativa)' : '—'}</span>
                    )}
                  </td>
                  <td className="num">{i.failCount ? <Badge tone="bad">{String(i.failCount)}</Badge> : '0'}</td>
                  <td>{italianDateTime(i.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** Changes to the roster go through mutations: the service (and its staff) loads again by invalidation. */
function Personale({ service, staff }: { service: ServiceSummary; staff: StaffPerson[] }) {
  const { ruleSet, info } = useApp();
  const [editing, setEditing] = useState<StaffPerson | 'new' | null>(null);
  const [removing, setRemoving] = useState<StaffPerson | null>(null);
  const [error, setError] = useState<string | null>(null);

  const removeStaff = useApiMutation('staff.remove');
  async function remove(p: StaffPerson) {
    const r = await removeStaff.mutateAsync({ id: p.id });
    setRemoving(null);
    if (!r.ok) setError(r.error.message);
  }

  return (
    <section aria-labelledby="personale-title" className="block">
      <div className="section-heading">
        <h2 id="personale-title">Personale</h2>
        <button type="button" onClick={() => setEditing('new')}>
          Aggiungi persona
        </button>
      </div>
      <p className="hint">
        Attestati verificati alla data di oggi ({italianDate(info.today)}). Dati personali: restano su questo dispositivo.
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {staff.length === 0 ? (
        <p className="empty">Nessuna persona registrata.</p>
      ) : (
        <div className="table-wrap">
          <table className="table staff-table">
            <thead>
              <tr>
                <th scope="col">Nome</th>
                <th scope="col">Ruolo</th>
                <th scope="col">Titolo</th>
                <th scope="col">Attestati</th>
                <th scope="col">
                  <span className="visually-hidden">Azioni</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {staff.map((p) => {
                const person = toPerson(p);
                const flags = courseFlags(ruleSet, person, info.today);
                const title = titleFlag(ruleSet, person);
                return (
                  <tr key={p.id} className={p.active ? undefined : 'row-inactive'}>
                    <th scope="row">
                      {p.name}
                      {!p.active && <span className="sub"> (non più in servizio)</span>}
                    </th>
                    <td>{ROLE_LABELS[p.role]}</td>
                    <td>
                      {p.title ? EDUCATOR_TITLE_LABELS[p.title] : p.role === 'educatore' ? '—' : ''}
                      {title && (
                        <div>
                          <Badge tone="bad">Non conforme</Badge> <span className="sub">{title}</span>
                        </div>
                      )}
                    </td>
                    <td>
                      {flags.length === 0 ? (
                        <span className="sub">Nessuno</span>
                      ) : (
                        <ul className="flag-list">
                          {flags.map((f) => (
                            <li key={f.course}>
                              <Badge tone={f.tone}>{f.label}</Badge> <span className="sub">{f.text}</span>
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td className="row-actions">
                      <button type="button" onClick={() => setEditing(p)} aria-label={`Modifica ${p.name}`}>
                        Modifica
                      </button>
                      <button type="button" className="button-quiet" onClick={() => setRemoving(p)} aria-label={`Rimuovi ${p.name}`}>
                        Rimuovi
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Dialog
        title={editing === 'new' ? 'Aggiungi persona' : `Modifica ${editing?.name ?? ''}`}
        open={editing !== null}
        onClose={() => setEditing(null)}
        wide
      >
        {editing !== null && (
          <PersonaForm
            serviceId={service.id}
            person={editing === 'new' ? null : editing}
            onCancel={() => setEditing(null)}
            onSaved={() => setEditing(null)}
          />
        )}
      </Dialog>
      <ConfirmDialog
        title="Rimuovere la persona?"
        open={removing !== null}
        onCancel={() => setRemoving(null)}
        onConfirm={() => removing && void remove(removing)}
        confirmLabel="Rimuovi"
      >
        <p>{removing?.name} sarà tolto dal personale del servizio. Le ispezioni già chiuse restano invariate.</p>
      </ConfirmDialog>
    </section>
  );
}
