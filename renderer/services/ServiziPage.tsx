import { keepPreviousData } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import type { ServiceSummary } from '../../shared/api/contract.ts';
import { SERVICE_TYPES, type ServiceType } from '../../shared/domain.ts';
import { usePrescriptionWords, useServiceTypeLabels, useTerritory } from '../app/info.tsx';
import { useApiQuery } from '../api/queries.ts';
import { href } from '../app/router.ts';
import { ActBadge } from '../ui/acts.tsx';
import { Badge, DemoBadge } from '../ui/Badge.tsx';
import { InspectionDue } from '../ui/InspectionDue.tsx';
import { italianDate } from '../ui/format.ts';
import { Link } from 'react-router';
import { Loaded } from '../ui/Status.tsx';

/** Waits for typing to pause before asking the host again. */
function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function ServiziPage() {
  const [query, setQuery] = useState('');
  const typeLabels = useServiceTypeLabels();
  const [type, setType] = useState<ServiceType | ''>('');
  const [comune, setComune] = useState('');
  const debouncedQuery = useDebounced(query.trim(), 250);
  const [all] = useApiQuery('services.list', {});
  // Each filter is its own cache entry: going back to a filter already used shows it at once.
  const [list, reload] = useApiQuery(
    'services.list',
    {
      ...(debouncedQuery ? { query: debouncedQuery } : {}),
      ...(type ? { type } : {}),
      ...(comune ? { comune } : {}),
    },
    { placeholderData: keepPreviousData },
  );
  const comuni = useMemo(
    () => (all.status === 'ready' ? [...new Set(all.value.map((s) => s.comune))].sort((a, b) => a.localeCompare(b, 'it')) : []),
    [all],
  );

  return (
    <section aria-labelledby="servizi-title">
      <div className="page-heading">
        <h1 id="servizi-title">Servizi educativi</h1>
        <Link to={href({ page: 'service-new' })} className="button button-primary">
          Nuovo servizio
        </Link>
      </div>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="filtro-testo">Cerca</label>
          <input
            id="filtro-testo"
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="Nome, indirizzo, referente"
          />
        </div>
        <div className="field">
          <label htmlFor="filtro-tipo">Tipologia</label>
          <select id="filtro-tipo" value={type} onChange={(e) => setType(e.target.value as ServiceType | '')}>
            <option value="">Tutte</option>
            {SERVICE_TYPES.map((t) => (
              <option key={t} value={t}>
                {typeLabels[t]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filtro-comune">Comune</label>
          <select id="filtro-comune" value={comune} onChange={(e) => setComune(e.target.value)}>
            <option value="">Tutti</option>
            {comuni.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
      </form>
      <Loaded load={list} what="l’elenco dei servizi" retry={reload}>
        {(services) => <ServiceTable services={services} filtered={Boolean(debouncedQuery || type || comune)} />}
      </Loaded>
    </section>
  );
}

function ServiceTable({ services, filtered }: { services: ServiceSummary[]; filtered: boolean }) {
  const typeLabels = useServiceTypeLabels();
  const words = usePrescriptionWords();
  const territory = useTerritory();
  if (!services.length)
    return (
      <p className="empty">
        {filtered ? 'Nessun servizio corrisponde ai filtri.' : 'Nessun servizio registrato. Inserire il primo con «Nuovo servizio».'}
      </p>
    );
  return (
    <div className="table-wrap">
      <table className="table services-table">
        <caption className="visually-hidden">Servizi: {services.length}</caption>
        <thead>
          <tr>
            <th scope="col">Servizio</th>
            <th scope="col">Autorizzazione</th>
            <th scope="col">Accreditamento</th>
            <th scope="col">Ultima ispezione</th>
            <th scope="col" title={territory ? `${territory.schedule.label} (${territory.schedule.article})` : undefined}>
              Ispezioni
            </th>
            <th scope="col">{words.Plural} aperte</th>
          </tr>
        </thead>
        <tbody>
          {services.map((s) => (
            <tr key={s.id} className={s.inspectionOverdue ? 'row-overdue' : undefined}>
              <th scope="row">
                <Link to={href({ page: 'service', id: s.id })}>{s.name}</Link>
                {s.demo && <DemoBadge />}
                <span className="sub">
                  {typeLabels[s.type]} · {s.comune}
                </span>
              </th>
              <td>
                <ActBadge status={s.authorizationStatus} validUntil={s.authorizationValidUntil} />
              </td>
              <td>
                <ActBadge status={s.accreditationStatus} validUntil={s.accreditationValidUntil} feminine={false} />
              </td>
              <td>{italianDate(s.lastInspectionDate, 'Nessuna')}</td>
              <td data-due={s.inspectionStanding?.kind ?? 'none'}>
                <InspectionDue service={s} />
              </td>
              <td className="num">{s.openPrescriptions ? <Badge tone="warn">{String(s.openPrescriptions)}</Badge> : '0'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
