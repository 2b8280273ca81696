import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useFieldArray, useForm, useWatch, type Control } from 'react-hook-form';
import { z } from 'zod';
import type { StaffPerson } from '../../shared/api/contract.ts';
import { isIsoDate } from '../../shared/dates.ts';
import { COURSES, COURSE_LABELS, Course, EDUCATOR_TITLES, EDUCATOR_TITLE_LABELS, ROLES, ROLE_LABELS, Role } from '../../shared/domain.ts';
import type { Person } from '../../shared/inspection.ts';
import { useApiMutation } from '../api/queries.ts';
import { useApp } from '../app/info.tsx';
import { Badge } from '../ui/Badge.tsx';
import { FormDateField } from '../ui/DateField.tsx';
import { FieldError } from '../ui/FieldError.tsx';
import { ErrorBox } from '../ui/Status.tsx';
import { courseFlags, titleFlag } from './certificates.ts';
import { italianDate } from '../ui/format.ts';

const optionalDate = z.string().refine((s) => s === '' || isIsoDate(s), 'data non valida');

const TrainingForm = z.object({
  course: Course,
  hours: z
    .string()
    .trim()
    .min(1, 'indicare le ore')
    .regex(/^\d+([.,]\d+)?$/, 'un numero di ore')
    .transform((s) => Number(s.replace(',', '.')))
    .refine((n) => n > 0, 'le ore devono essere più di zero')
    .refine((n) => n <= 1000, 'al massimo 1000 ore'),
  completedOn: z.string().min(1, 'indicare la data di conseguimento').refine(isIsoDate, 'data non valida'),
  refresh: z.boolean(),
});

const PersonForm = z.object({
  name: z.string().trim().min(1, 'il nome è obbligatorio').max(200),
  role: Role,
  title: z.union([z.literal(''), z.enum(EDUCATOR_TITLES)]),
  titleObtainedOn: optionalDate,
  pathStartedOn: optionalDate,
  active: z.boolean(),
  trainings: z.array(TrainingForm),
});
type FormIn = z.input<typeof PersonForm>;
type FormOut = z.output<typeof PersonForm>;

function toForm(p: StaffPerson | null): FormIn {
  return {
    name: p?.name ?? '',
    role: p?.role ?? 'educatore',
    title: p?.title ?? '',
    titleObtainedOn: p?.titleObtainedOn ?? '',
    pathStartedOn: p?.pathStartedOn ?? '',
    active: p?.active ?? true,
    trainings: (p?.trainings ?? []).map((t) => ({
      course: t.course,
      hours: String(t.hours),
      completedOn: t.completedOn,
      refresh: Boolean(t.refresh),
    })),
  };
}

/** Add or edit one person of the roster: role, educator title with dates, training certificates. */
export function PersonaForm({
  serviceId,
  person,
  onSaved,
  onCancel,
}: {
  serviceId: string;
  person: StaffPerson | null;
  onSaved: (p: StaffPerson) => void;
  onCancel: () => void;
}) {
  const [serverError, setServerError] = useState<string | null>(null);
  const {
    register,
    control,
    handleSubmit,
    formState: { errors, isSubmitting },
  } = useForm<FormIn, unknown, FormOut>({ resolver: zodResolver(PersonForm), defaultValues: toForm(person), mode: 'onBlur' });
  const saveStaff = useApiMutation('staff.save');
  const { fields, append, remove } = useFieldArray({ control, name: 'trainings' });
  const role = useWatch({ control, name: 'role' });
  const title = useWatch({ control, name: 'title' });

  async function save(v: FormOut) {
    setServerError(null);
    const r = await saveStaff.mutateAsync({
      ...(person ? { id: person.id } : {}),
      serviceId,
      name: v.name,
      role: v.role,
      title: v.title === '' ? null : v.title,
      titleObtainedOn: v.titleObtainedOn || null,
      pathStartedOn: v.pathStartedOn || null,
      active: v.active,
      trainings: v.trainings.map((t) => ({
        course: t.course,
        hours: t.hours,
        completedOn: t.completedOn,
        ...(t.refresh ? { refresh: true } : {}),
      })),
    });
    if (!r.ok) setServerError(r.error.message);
    else onSaved(r.value);
  }

  const hasTitle = role === 'educatore' || role === 'coordinatore';
  return (
    <form onSubmit={handleSubmit(save)} noValidate className="person-form">
      <div className="form-grid">
        <div className="field">
          <label htmlFor="p-name">Nome e cognome</label>
          <input id="p-name" {...register('name')} aria-invalid={Boolean(errors.name)} aria-describedby="p-name-err" autoComplete="off" />
          <FieldError id="p-name-err" error={errors.name} />
        </div>
        <div className="field">
          <label htmlFor="p-role">Ruolo</label>
          <select id="p-role" {...register('role')}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </div>
        {hasTitle && (
          <>
            <div className="field span-2">
              <label htmlFor="p-title">Titolo di studio (art. 13)</label>
              <select id="p-title" {...register('title')}>
                <option value="">Non indicato</option>
                {EDUCATOR_TITLES.map((t) => (
                  <option key={t} value={t}>
                    {EDUCATOR_TITLE_LABELS[t]}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="p-title-on">Titolo conseguito il</label>
              <FormDateField id="p-title-on" control={control} name="titleObtainedOn" describedBy="p-title-on-hint" />
              <span id="p-title-on-hint" className="hint">
                {title === 'previgente_toscana' ? 'Necessaria: il titolo vale se conseguito entro il 31/08/2018.' : 'Facoltativa.'}
              </span>
            </div>
            <div className="field">
              <label htmlFor="p-path-on">Percorso di studi avviato il</label>
              <FormDateField id="p-path-on" control={control} name="pathStartedOn" describedBy="p-path-on-hint" />
              <span id="p-path-on-hint" className="hint">
                {title?.startsWith('transitorio')
                  ? 'Necessaria: vale se avviato nell’anno accademico 2018/2019.'
                  : 'Solo per i percorsi transitori.'}
              </span>
            </div>
          </>
        )}
        <div className="field check span-2">
          <input id="p-active" type="checkbox" {...register('active')} />
          <label htmlFor="p-active">In servizio</label>
        </div>
      </div>

      <fieldset className="trainings">
        <legend>Attestati di formazione</legend>
        {fields.length === 0 && <p className="empty">Nessun attestato registrato.</p>}
        {fields.map((f, i) => (
          <div key={f.id} className="training-row" role="group" aria-label={`Attestato ${i + 1}`}>
            <div className="field">
              <label htmlFor={`t-${i}-course`}>Corso</label>
              <select id={`t-${i}-course`} {...register(`trainings.${i}.course`)}>
                {COURSES.map((c) => (
                  <option key={c} value={c}>
                    {COURSE_LABELS[c]}
                  </option>
                ))}
              </select>
            </div>
            <div className="field field-hours">
              <label htmlFor={`t-${i}-hours`}>Ore</label>
              <input
                id={`t-${i}-hours`}
                inputMode="decimal"
                {...register(`trainings.${i}.hours`)}
                aria-invalid={Boolean(errors.trainings?.[i]?.hours)}
                aria-describedby={`t-${i}-hours-err`}
              />
              <FieldError id={`t-${i}-hours-err`} error={errors.trainings?.[i]?.hours} />
            </div>
            <div className="field">
              <label htmlFor={`t-${i}-on`}>Conseguito il</label>
              <FormDateField id={`t-${i}-on`} control={control} name={`trainings.${i}.completedOn`} />
            </div>
            <div className="field check">
              <input id={`t-${i}-refresh`} type="checkbox" {...register(`trainings.${i}.refresh`)} />
              <label htmlFor={`t-${i}-refresh`}>Aggiornamento</label>
            </div>
            <button type="button" className="button-quiet" onClick={() => remove(i)} aria-label={`Rimuovi attestato ${i + 1}`}>
              Rimuovi
            </button>
          </div>
        ))}
        <button type="button" onClick={() => append({ course: 'first_aid', hours: '', completedOn: '', refresh: false })}>
          Aggiungi attestato
        </button>
      </fieldset>
      <LiveFlags control={control} />
      {serverError && <ErrorBox message={serverError} />}
      <div className="actions">
        <button type="submit" className="button-primary" disabled={isSubmitting}>
          Salva persona
        </button>
        <button type="button" onClick={onCancel}>
          Annulla
        </button>
      </div>
    </form>
  );
}

/** Expiry flags as of today, recomputed while the certificates are typed. */
function LiveFlags({ control }: { control: Control<FormIn, unknown, FormOut> }) {
  const { ruleSet, info } = useApp();
  const values = useWatch({ control });
  const person: Person = {
    id: 'bozza',
    role: values.role ?? 'altro',
    trainings: (values.trainings ?? [])
      .filter((t) => t?.course && t.completedOn && isIsoDate(t.completedOn) && Number(String(t.hours).replace(',', '.')) > 0)
      .map((t) => ({
        course: t!.course!,
        hours: Number(String(t!.hours).replace(',', '.')),
        completedOn: t!.completedOn!,
        ...(t!.refresh ? { refresh: true } : {}),
      })),
  };
  if (values.title) person.title = values.title;
  if (values.titleObtainedOn) person.titleObtainedOn = values.titleObtainedOn;
  if (values.pathStartedOn) person.pathStartedOn = values.pathStartedOn;
  const flags = courseFlags(ruleSet, person, info.today);
  const title = titleFlag(ruleSet, person);
  if (!flags.length && !title) return null;
  return (
    <div className="live-flags" aria-live="polite">
      <h3>Verifica al {italianDate(info.today)}</h3>
      <ul className="flag-list">
        {title && (
          <li>
            <Badge tone="bad">Titolo non conforme</Badge> {title}
          </li>
        )}
        {flags.map((f) => (
          <li key={f.course}>
            <Badge tone={f.tone}>{f.label}</Badge> {f.text}
          </li>
        ))}
      </ul>
    </div>
  );
}
