import { useState } from 'react';
import type { Member } from '../../shared/api/contract.ts';
import { isIsoDate } from '../../shared/dates.ts';
import { PURPOSES, PURPOSE_LABELS, type Purpose, type ServiceType } from '../../shared/domain.ts';
import { Link, useNavigate } from 'react-router';
import { combineLoads, useApiMutation, useApiQuery } from '../api/queries.ts';
import { useApp, useServiceTypeLabels } from '../app/info.tsx';
import { href } from '../app/router.ts';
import { DateField } from '../ui/DateField.tsx';
import { FieldError } from '../ui/FieldError.tsx';
import { ErrorBox, Loaded } from '../ui/Status.tsx';
import { Commissione } from './Commissione.tsx';

export function NuovaIspezionePage({ serviceId }: { serviceId: string }) {
  const [service, reloadService] = useApiQuery('services.get', { id: serviceId });
  const [members, reloadMembers] = useApiQuery('members.list', {});
  const load = combineLoads({ service, members });
  const reload = () => {
    reloadService();
    reloadMembers();
  };
  return (
    <Loaded load={load} what="il servizio" retry={reload}>
      {(v) => <NuovaIspezione service={v.service.service} initialMembers={v.members} />}
    </Loaded>
  );
}

function NuovaIspezione({
  service,
  initialMembers,
}: {
  service: {
    id: string;
    name: string;
    type: ServiceType;
    comune: string;
    accreditationIssuedOn: string | null;
    authorizationIssuedOn: string | null;
  };
  initialMembers: Member[];
}) {
  const { info } = useApp();
  const typeLabels = useServiceTypeLabels();
  const [members, setMembers] = useState(initialMembers);
  const [purpose, setPurpose] = useState<Purpose>(service.authorizationIssuedOn ? 'verifica_periodica' : 'autorizzazione');
  const [date, setDate] = useState(info.today);
  const [chosen, setChosen] = useState<string[]>([]);
  const [dateError, setDateError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const navigate = useNavigate();
  const createInspection = useApiMutation('inspections.create');

  async function create() {
    if (!isIsoDate(date)) {
      setDateError('indicare una data valida');
      document.getElementById('ni-date')?.focus();
      return;
    }
    setDateError(null);
    setBusy(true);
    const r = await createInspection.mutateAsync({ serviceId: service.id, purpose, date, memberIds: chosen });
    setBusy(false);
    if (!r.ok) {
      setError(r.error.message);
      return;
    }
    await navigate(href({ page: 'inspection', id: r.value.id }));
  }

  return (
    <section aria-labelledby="ni-title" className="narrow-page">
      <p className="breadcrumb">
        <Link to={href({ page: 'service', id: service.id })}>← {service.name}</Link>
      </p>
      <h1 id="ni-title">Nuova ispezione</h1>
      <p className="sub">
        {service.name} · {typeLabels[service.type]} · {service.comune}
      </p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <fieldset className="purpose">
          <legend>Finalità della visita</legend>
          {PURPOSES.map((p) => (
            <div key={p} className="field check">
              <input id={`ni-p-${p}`} type="radio" name="purpose" value={p} checked={purpose === p} onChange={() => setPurpose(p)} />
              <label htmlFor={`ni-p-${p}`}>{PURPOSE_LABELS[p]}</label>
            </div>
          ))}
          {purpose === 'verifica_periodica' && !service.accreditationIssuedOn && (
            <p className="hint">Il servizio non risulta accreditato: le voci di accreditamento non saranno mostrate.</p>
          )}
        </fieldset>
        <div className="field field-date">
          <label htmlFor="ni-date">Data della visita</label>
          <DateField id="ni-date" value={date} onChange={setDate} error={dateError ?? undefined} />
        </div>
        <Commissione members={members} chosen={chosen} onChange={setChosen} onMemberAdded={(m) => setMembers((all) => [...all, m])} />
        {error && <ErrorBox message={error} />}
        <div className="actions">
          <button type="submit" className="button-primary" disabled={busy}>
            Inizia la visita
          </button>
          <Link to={href({ page: 'service', id: service.id })} className="button">
            Annulla
          </Link>
        </div>
      </form>
    </section>
  );
}
