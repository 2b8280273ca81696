/**
 * A territory's register of educators (Lucca: the *Albo Comunale degli educatori domiciliari*,
 * Reg. Lucca artt. 6–8) as data and its one rule: whether an entry is in good standing on a date.
 *
 * The register's existence, the kinds of entry (persons, organisations), the requirements of each
 * kind, how long a registration lasts and the yearly confirmation's minimum training hours are a
 * field of the rule set (`RuleSet.educatorRegister`); a territory without one (the Zona) has none,
 * and nothing here or elsewhere asks which territory it is.
 *
 * The rule (`entryStanding`), as the register's `interpretations` word it:
 *  - a registration lasts `durationMonths` from its date (Art. 6 c.2: «durata annuale»): the first
 *    period ends the day before the anniversary;
 *  - a confirmation recorded within a period, with at least the minimum training hours, renews the
 *    registration for the next period (Art. 7 c.2–3, Art. 8 c.2–3); one with fewer hours renews
 *    nothing; a second confirmation in the same period renews nothing more;
 *  - a period ended without a confirmation lapses the entry (a later confirmation cannot revive it:
 *    a new registration is needed); a requirement of the initial registration not met, or a
 *    cancellation, puts it off the register (Art. 6 c.5);
 *  - within `lapsingDays` of the period's end an entry in good standing is «in scadenza».
 */
import { z } from 'zod';
import { addDays, addMonths, daysBetween, formatItalianDate, type IsoDate } from './dates.ts';
import { IsoDateSchema, ServiceType } from './domain.ts';
import { lineText } from './text.ts';

export const REGISTER_KINDS = ['person', 'organisation'] as const;
export const RegisterKind = z.enum(REGISTER_KINDS);
export type RegisterKind = z.infer<typeof RegisterKind>;

const Slug = z.string().regex(/^[a-z0-9_]+$/);

export const RegisterRequirement = z.strictObject({
  /** Stable id, the key of an entry's `requirements` (never renamed once an entry used it). */
  id: Slug,
  /** The regulation's own words (checked against the seed by a test). */
  text: z.string().min(1),
  article: z.string().min(1),
});
export type RegisterRequirement = z.infer<typeof RegisterRequirement>;

export const RegisterKindRules = z.strictObject({
  /** How the office's page names an entry of this kind. */
  label: z.string().min(1),
  /** The requirements of the initial registration, one per lettered point. */
  requirements: z.array(RegisterRequirement).min(1),
  confirmation: z.strictObject({
    article: z.string().min(1),
    /**
     * The yearly training hours a confirmation needs; null where the regulation gives no number
     * (Lucca art. 8 c.3: «l'ammontare minimo previsto dai contratti di lavoro vigenti»): the
     * minimum is then recorded with each confirmation, as the contract states it.
     */
    minHours: z.number().positive().nullable(),
  }),
});

export const EducatorRegister = z.strictObject({
  /** As the regulation names it: «Albo Comunale degli educatori domiciliari». */
  title: z.string().min(1),
  /** The office's menu entry and page title for it: «Albo educatori domiciliari». */
  menuLabel: z.string().min(1),
  article: z.string().min(1),
  /** The checklist item where a visit checks the service's educators against the register. */
  item: z.string().min(1),
  /** The service types whose educators must be on the register. */
  serviceTypes: z.array(ServiceType).min(1),
  durationMonths: z.number().int().positive(),
  durationArticle: z.string().min(1),
  cancellationArticle: z.string().min(1),
  /** An entry whose period ends within this many days is «in scadenza» (the office's notice). */
  lapsingDays: z.number().int().positive(),
  kinds: z.strictObject({ person: RegisterKindRules, organisation: RegisterKindRules }),
});
export type EducatorRegister = z.infer<typeof EducatorRegister>;

export const RegisterConfirmation = z.strictObject({
  confirmedOn: IsoDateSchema,
  /** Training hours documented for the year (Art. 7 c.2–3, Art. 8 c.2–3). */
  hours: z.number().min(0, 'le ore non possono essere negative').max(2000),
  /** The minimum the contract sets, where the register's kind gives no number (Art. 8 c.3). */
  contractMinHours: z.number().positive().max(2000).optional(),
});
export type RegisterConfirmation = z.infer<typeof RegisterConfirmation>;

/** One entry of the register, as the office keeps it and sends it to the laptops. */
export const RegisterEntry = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/),
  kind: RegisterKind,
  /** The person's full name, or the organisation's name. */
  name: lineText().trim().min(1, 'il nome è obbligatorio').max(200),
  /** Codice fiscale or partita IVA, as the office records it (optional). */
  taxCode: lineText().trim().max(20).optional(),
  registeredOn: IsoDateSchema,
  /** Each requirement of the kind, by id: documented (true) or not. */
  requirements: z.record(Slug, z.boolean()),
  confirmations: z.array(RegisterConfirmation).max(200),
  /** Struck off the register from this day (Art. 6 c.5), or null. */
  cancelledOn: IsoDateSchema.nullable(),
  updatedAt: z.string(),
});
export type RegisterEntry = z.infer<typeof RegisterEntry>;

export type Standing = 'in_regola' | 'in_scadenza' | 'scaduta' | 'cancellata' | 'requisiti_mancanti' | 'non_ancora_iscritta';

export const STANDING_LABELS: Record<Standing, string> = {
  in_regola: 'in regola',
  in_scadenza: 'in scadenza',
  scaduta: 'decaduta (conferma annuale mancante)',
  cancellata: "cancellata dall'albo",
  requisiti_mancanti: 'requisiti per l’iscrizione non documentati',
  non_ancora_iscritta: 'non ancora iscritta alla data',
};

export interface StandingResult {
  standing: Standing;
  /** Registered and in good standing on the date (in regola or in scadenza). */
  inGoodStanding: boolean;
  /** The last day of the period that covers the date (or the last period, once lapsed); null before registration. */
  validUntil: IsoDate | null;
  /** Italian, with dates as gg/mm/aaaa and the article. */
  message: string;
  article: string;
}

/** The minimum hours a confirmation of this entry needs, or null when none is known (then it renews nothing). */
export function confirmationMinimum(register: EducatorRegister, kind: RegisterKind, c: RegisterConfirmation): number | null {
  return register.kinds[kind].confirmation.minHours ?? c.contractMinHours ?? null;
}

/** Whether one confirmation has the hours it needs (Art. 7 c.3 / Art. 8 c.3). */
export function confirmationSuffices(register: EducatorRegister, kind: RegisterKind, c: RegisterConfirmation): boolean {
  const min = confirmationMinimum(register, kind, c);
  return min !== null && c.hours >= min;
}

/** The requirements of the entry's kind it has not documented. */
export function missingRequirements(
  register: EducatorRegister,
  entry: Pick<RegisterEntry, 'kind' | 'requirements'>,
): RegisterRequirement[] {
  return register.kinds[entry.kind].requirements.filter((r) => entry.requirements[r.id] !== true);
}

/** The entry's standing on `date` (ISO): see the file's comment for the rule. */
export function entryStanding(
  register: EducatorRegister,
  entry: Pick<RegisterEntry, 'kind' | 'registeredOn' | 'requirements' | 'confirmations' | 'cancelledOn'>,
  date: IsoDate,
): StandingResult {
  const it = formatItalianDate;
  const confirmationArticle = register.kinds[entry.kind].confirmation.article;
  if (date < entry.registeredOn)
    return {
      standing: 'non_ancora_iscritta',
      inGoodStanding: false,
      validUntil: null,
      message: `iscrizione del ${it(entry.registeredOn)}, successiva al ${it(date)}`,
      article: register.article,
    };
  if (entry.cancelledOn !== null && entry.cancelledOn <= date)
    return {
      standing: 'cancellata',
      inGoodStanding: false,
      validUntil: addDays(entry.cancelledOn, -1),
      message: `cancellata dall'albo dal ${it(entry.cancelledOn)}`,
      article: register.cancellationArticle,
    };
  const missing = missingRequirements(register, entry);
  if (missing.length)
    return {
      standing: 'requisiti_mancanti',
      inGoodStanding: false,
      validUntil: null,
      message: `requisiti per l'iscrizione non documentati: ${missing.map((r) => r.article).join('; ')}`,
      article: register.cancellationArticle,
    };
  const months = register.durationMonths;
  const end = (start: IsoDate) => addDays(addMonths(start, months), -1);
  let start = entry.registeredOn;
  let renewedThisPeriod = false;
  const confirmations = [...entry.confirmations]
    .filter((c) => c.confirmedOn <= date)
    .sort((a, b) => (a.confirmedOn < b.confirmedOn ? -1 : 1));
  for (const c of confirmations) {
    // Periods that ended before this confirmation: each must have been renewed, else the entry lapsed there.
    while (c.confirmedOn > end(start)) {
      if (!renewedThisPeriod) return lapsed(end(start));
      start = addMonths(start, months);
      renewedThisPeriod = false;
    }
    if (!renewedThisPeriod && confirmationSuffices(register, entry.kind, c)) renewedThisPeriod = true;
  }
  while (date > end(start)) {
    if (!renewedThisPeriod) return lapsed(end(start));
    start = addMonths(start, months);
    renewedThisPeriod = false;
  }
  // Inside a period: its end is the registration's end unless this period is already renewed.
  const validUntil = renewedThisPeriod ? end(addMonths(start, months)) : end(start);
  const left = daysBetween(date, validUntil);
  if (left < register.lapsingDays)
    return {
      standing: 'in_scadenza',
      inGoodStanding: true,
      validUntil,
      message: `iscritta, valida fino al ${it(validUntil)}: conferma annuale da registrare entro ${left} giorn${left === 1 ? 'o' : 'i'}`,
      article: confirmationArticle,
    };
  return {
    standing: 'in_regola',
    inGoodStanding: true,
    validUntil,
    message: `iscritta, valida fino al ${it(validUntil)}`,
    article: register.durationArticle,
  };

  function lapsed(lastDay: IsoDate): StandingResult {
    return {
      standing: 'scaduta',
      inGoodStanding: false,
      validUntil: lastDay,
      message: `iscrizione decaduta il ${it(addDays(lastDay, 1))}: conferma annuale con le ore di formazione non registrata entro il ${it(lastDay)}`,
      article: `${register.durationArticle}; ${confirmationArticle}`,
    };
  }
}

/** The rule id of the visit's register check (the finding of the register's checklist item). */
export const REGISTER_RULE = 'educator_register';

export interface RegisterFinding {
  rule: typeof REGISTER_RULE;
  outcome: 'pass' | 'fail' | 'na';
  article: string;
  message: string;
}

/**
 * The visit's check (Reg. Lucca artt. 6–8): each educator the inspector picked at the register's item
 * is on the register and in good standing on the visit's date. Nothing to say (null) where the rule
 * set keeps no register or the service's type needs none; `na` while nobody is picked or the item is
 * answered «non applicabile». An id picked whose entry the file does not carry is not on the register.
 */
export function registerFinding(
  register: EducatorRegister | undefined,
  file: {
    service: { type: ServiceType };
    visit: { date: IsoDate };
    answers?: Record<string, { value?: unknown }> | undefined;
    registerEntries?: RegisterEntry[] | undefined;
  },
  pickedIds: (value: string) => string[] | null,
): RegisterFinding | null {
  if (!register || !register.serviceTypes.includes(file.service.type)) return null;
  const value = file.answers?.[register.item]?.value;
  const base = { rule: REGISTER_RULE, article: `${register.article}; ${register.durationArticle}` } as const;
  if (value === 'na') return { ...base, outcome: 'na', message: `${register.title}: voce non applicabile` };
  const ids = typeof value === 'string' ? pickedIds(value) : null;
  if (!ids || !ids.length) return { ...base, outcome: 'na', message: `${register.title}: educatori del servizio non indicati` };
  const parts: string[] = [];
  let bad = 0;
  for (const id of ids) {
    const entry = file.registerEntries?.find((e) => e.id === id);
    if (!entry) {
      bad++;
      parts.push(`${id}: non presente nell'albo`);
      continue;
    }
    const s = entryStanding(register, entry, file.visit.date);
    if (!s.inGoodStanding) bad++;
    parts.push(`${entry.name}: ${s.message} (${s.article})`);
  }
  const on = formatItalianDate(file.visit.date);
  return bad
    ? { ...base, outcome: 'fail', message: `${register.title}, al ${on}: ${bad} su ${ids.length} non in regola — ${parts.join('; ')}` }
    : {
        ...base,
        outcome: 'pass',
        message: `${register.title}, al ${on}: ${ids.length === 1 ? 'iscritto in regola' : `tutti i ${ids.length} iscritti in regola`} — ${parts.join('; ')}`,
      };
}

/** What the office's page writes for an entry (new or edited); confirmations are recorded one by one. */
export const RegisterEntryInput = RegisterEntry.pick({
  kind: true,
  name: true,
  taxCode: true,
  registeredOn: true,
  requirements: true,
  cancelledOn: true,
});
export type RegisterEntryInput = z.infer<typeof RegisterEntryInput>;

/** Where an entry stands today, for the office's list: lapsed and lapsing ones first. */
export function registerAlerts(
  register: EducatorRegister,
  entries: readonly RegisterEntry[],
  today: IsoDate,
): Array<{ entry: RegisterEntry; standing: StandingResult }> {
  const order: Standing[] = ['scaduta', 'requisiti_mancanti', 'in_scadenza', 'non_ancora_iscritta', 'in_regola', 'cancellata'];
  return entries
    .map((entry) => ({ entry, standing: entryStanding(register, entry, today) }))
    .sort(
      (a, b) => order.indexOf(a.standing.standing) - order.indexOf(b.standing.standing) || a.entry.name.localeCompare(b.entry.name, 'it'),
    );
}

/**
 * The rule set's own findings by name (its `checks`' subjects, and the register's check by the
 * register's title), for the pages and the report that name a finding.
 */
export function namedChecks(rs: {
  checks?: ReadonlyArray<{ id: string; subject: string }> | undefined;
  educatorRegister?: EducatorRegister | undefined;
}): Array<{ id: string; subject: string }> {
  return [...(rs.checks ?? []), ...(rs.educatorRegister ? [{ id: REGISTER_RULE, subject: rs.educatorRegister.title }] : [])];
}
