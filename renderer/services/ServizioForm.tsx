import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import type { Service, ServiceSummary } from '../../shared/api/contract.ts';
import { isIsoDate } from '../../shared/dates.ts';
import { SERVICE_TYPES, ServiceType } from '../../shared/domain.ts';
import { useServiceTypeLabels } from '../app/info.tsx';
import { Link, useNavigate } from 'react-router';
import { useApiMutation, useApiQuery } from '../api/queries.ts';
import { href } from '../app/router.ts';
import { FormDateField } from '../ui/DateField.tsx';
import { FieldError } from '../ui/FieldError.tsx';
import { ErrorBox, Loaded } from '../ui/Status.tsx';

const optionalDate = z.string().refine((s) => s === '' || isIsoDate(s), 'data non valida');

const ServiceForm = z.object({
  name: z.string().trim().min(1, 'il nome è obbligatorio').max(200, 'al massimo 200 caratteri'),
  type: ServiceType,
  comune: z.string().trim().min(1, 'il Comune è obbligatorio').max(120),
  address: z.string().trim().max(300),
  referente: z.string().trim().max(200),
  capacity: z
    .string()
    .trim()
    .min(1, 'la capienza è obbligatoria')
    .regex(/^\d+$/, 'un numero intero di posti')
    .transform(Number)
    .refine((n) => n >= 1, 'almeno 1 posto')
    .refine((n) => n <= 500, 'al massimo 500 posti'),
  kitchen: z.boolean(),
  territorialRls: z.boolean(),
  authorizationIssuedOn: optionalDate,
  accreditationIssuedOn: optionalDate,
});
type FormIn = z.input<typeof ServiceForm>;
type FormOut = z.output<typeof ServiceForm>;

function toForm(s: Service | undefined): FormIn {
  return {
    name: s?.name ?? '',
    type: s?.type ?? 'nido',
    comune: s?.comune ?? '',
    address: s?.address ?? '',
    referente: s?.referente ?? '',
    capacity: s ? String(s.capacity) : '',
    kitchen: s?.kitchen ?? false,
    territorialRls: s?.territorialRls ?? false,
    authorizationIssuedOn: s?.authorizationIssuedOn ?? '',
    accreditationIssuedOn: s?.accreditationIssuedOn ?? '',
  };
}

export function NuovoServizioPage() {
  return <ServizioForm />;
}

export function ModificaServizioPage({ id }: { id: string }) {
  const [load, reload] = useApiQuery('services.get', { id });
  return (
    <Loaded load={load} what="il servizio" retry={reload}>
      {(v) => <ServizioForm service={v.service} />}
    </Loaded>
  );
}

function ServizioForm({ service }: { service?: ServiceSummary }) {
  const [serverError, setServerError] = useState<string | null>(null);
  const typeLabels = useServiceTypeLabels();
  const [comuni] = useApiQuery('services.list', {});
  const navigate = useNavigate();
  const create = useApiMutation('services.create');
  const update = useApiMutation('services.update');
  const {
    register,
    control,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<FormIn, unknown, FormOut>({ resolver: zodResolver(ServiceForm), defaultValues: toForm(service), mode: 'onBlur' });

  async function save(v: FormOut) {
    setServerError(null);
    const input = {
      ...v,
      authorizationIssuedOn: v.authorizationIssuedOn || null,
      accreditationIssuedOn: v.accreditationIssuedOn || null,
    };
    const r = service ? await update.mutateAsync({ ...input, id: service.id }) : await create.mutateAsync(input);
    if (!r.ok) {
      const field = r.error.field as keyof FormIn | undefined;
      if (field && field in toForm(undefined)) setError(field, { message: r.error.message }, { shouldFocus: true });
      else setServerError(r.error.message);
      return;
    }
    await navigate(href({ page: 'service', id: r.value.id }));
  }

  const title = service ? `Modifica servizio: ${service.name}` : 'Nuovo servizio';
  const knownComuni = comuni.status === 'ready' ? [...new Set(comuni.value.map((s) => s.comune))].sort() : [];
  return (
    <section aria-labelledby="servizio-form-title" className="narrow-page">
      <p className="breadcrumb">
        <Link to={service ? href({ page: 'service', id: service.id }) : href({ page: 'services' })}>
          ← {service ? service.name : 'Servizi'}
        </Link>
      </p>
      <h1 id="servizio-form-title">{title}</h1>
      <form onSubmit={handleSubmit(save)} noValidate className="form-grid">
        <div className="field span-2">
          <label htmlFor="s-name">Denominazione</label>
          <input id="s-name" {...register('name')} aria-invalid={Boolean(errors.name)} aria-describedby="s-name-err" autoComplete="off" />
          <FieldError id="s-name-err" error={errors.name} />
        </div>
        <div className="field">
          <label htmlFor="s-type">Tipologia</label>
          <select id="s-type" {...register('type')}>
            {SERVICE_TYPES.map((t) => (
              <option key={t} value={t}>
                {typeLabels[t]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="s-capacity">Capienza (posti autorizzati)</label>
          <input
            id="s-capacity"
            inputMode="numeric"
            {...register('capacity')}
            aria-invalid={Boolean(errors.capacity)}
            aria-describedby="s-capacity-err"
          />
          <FieldError id="s-capacity-err" error={errors.capacity} />
        </div>
        <div className="field">
          <label htmlFor="s-comune">Comune</label>
          <input
            id="s-comune"
            list="s-comuni"
            {...register('comune')}
            aria-invalid={Boolean(errors.comune)}
            aria-describedby="s-comune-err"
          />
          <datalist id="s-comuni">
            {knownComuni.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
          <FieldError id="s-comune-err" error={errors.comune} />
        </div>
        <div className="field">
          <label htmlFor="s-address">Indirizzo</label>
          <input id="s-address" {...register('address')} />
        </div>
        <div className="field span-2">
          <label htmlFor="s-referente">Referente del servizio</label>
          <input id="s-referente" {...register('referente')} />
        </div>
        <div className="field">
          <label htmlFor="s-auth">Autorizzazione al funzionamento rilasciata il</label>
          <FormDateField id="s-auth" control={control} name="authorizationIssuedOn" describedBy="s-auth-hint" />
          <span id="s-auth-hint" className="hint">
            Vuoto se non ancora rilasciata.
          </span>
        </div>
        <div className="field">
          <label htmlFor="s-acc">Accreditamento rilasciato il</label>
          <FormDateField id="s-acc" control={control} name="accreditationIssuedOn" describedBy="s-acc-hint" />
          <span id="s-acc-hint" className="hint">
            Vuoto se il servizio non è accreditato.
          </span>
        </div>
        <div className="field check span-2">
          <input id="s-kitchen" type="checkbox" {...register('kitchen')} />
          <label htmlFor="s-kitchen">La struttura ha la cucina interna</label>
        </div>
        <div className="field check span-2">
          <input id="s-rls" type="checkbox" {...register('territorialRls')} />
          <label htmlFor="s-rls">Si avvale del RLS territoriale (D.Lgs 81/2008 art. 48)</label>
        </div>
        {serverError && (
          <div className="span-2">
            <ErrorBox message={serverError} />
          </div>
        )}
        <div className="actions span-2">
          <button type="submit" className="button-primary" disabled={isSubmitting}>
            {service ? 'Salva modifiche' : 'Crea servizio'}
          </button>
          <Link to={service ? href({ page: 'service', id: service.id }) : href({ page: 'services' })} className="button">
            Annulla
          </Link>
        </div>
      </form>
    </section>
  );
}
