/**
 * The two sheets of a census (SERVIZI and INTERVENTI), the average attendance, the checks and the
 * sheet's validation cycle: pure, so the office's pages, its CLI and the tests apply the same rules.
 * Sections (§) are those of the campaign's source (the Piemonte 2025 notes for `piemonte-2025`).
 */
import { z } from 'zod';
import { daysInMonth, formatItalianDate, MONTH_NAMES, toDayNumber } from '../dates.ts';
import { Fraction } from '../fraction.ts';
import { lineText, multilineText } from '../text.ts';
import { Ownership, type Campaign, type CampaignAction } from './campaign.ts';

export const SHEET_KINDS = ['servizi', 'interventi'] as const;
export const SheetKind = z.enum(SHEET_KINDS);
export type SheetKind = z.infer<typeof SheetKind>;
export const SHEET_LABELS: Record<SheetKind, string> = { servizi: 'SERVIZI', interventi: 'INTERVENTI' };

// ---------- the SERVIZI sheet ----------
/** A registry service on the sheet: active, ceased (§8) or unreachable (§9: declared ceased, with a motivation). */
export const ServiceStatus = z.enum(['attivo', 'cessato', 'non_raggiungibile']);
export type ServiceStatus = z.infer<typeof ServiceStatus>;
export const SERVICE_STATUS_LABELS: Record<ServiceStatus, string> = {
  attivo: 'Attivo',
  cessato: 'Cessato',
  non_raggiungibile: 'Non raggiungibile (dichiarato cessato)',
};

export const RegistryEntry = z.strictObject({
  serviceId: z.string().min(1),
  status: ServiceStatus.default('attivo'),
  motivation: multilineText().trim().max(2000).default(''),
  ownership: Ownership.nullable().default(null),
  titolare: lineText().trim().max(200).default(''),
  gestore: lineText().trim().max(200).default(''),
  sezionePrimavera: z.boolean().default(false),
});
export type RegistryEntry = z.infer<typeof RegistryEntry>;

/** A service missing from the region's list (§7), with the fields the region asks. */
export const AddedService = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/),
  denominazione: lineText().trim().min(1, 'la denominazione è obbligatoria').max(200),
  indirizzo: lineText().trim().min(1, "l'indirizzo è obbligatorio").max(300),
  titoloAutorizzativo: lineText().trim().min(1, 'il titolo autorizzativo è obbligatorio').max(300),
  titolare: lineText().trim().min(1, 'il titolare è obbligatorio').max(200),
  gestore: lineText().trim().min(1, 'il gestore è obbligatorio').max(200),
  capacita: z.number().int('numero intero').min(1, 'almeno 1').max(500),
  /** Average attendance over the period, in hundredths (the region's figure, two decimals). */
  frequentantiCents: z.number().int().min(0).max(50_000),
  ownership: Ownership,
  sezionePrimavera: z.boolean().default(false),
});
export type AddedService = z.infer<typeof AddedService>;

export const ServiziData = z.strictObject({
  entries: z.array(RegistryEntry).default([]),
  added: z.array(AddedService).default([]),
});
export type ServiziData = z.infer<typeof ServiziData>;

// ---------- the INTERVENTI sheet ----------
export const ProgrammedAction = z.strictObject({
  /** The service (registry id or added service's id); null for a Comune-wide action (C1). */
  serviceRef: z.string().min(1).nullable(),
  code: z.string().min(1),
  /** The Comune's own amount in euro cents; null: left empty (refused, §11: € 0,00 when none). */
  amountCents: z.number().int().min(0).max(10_000_000_000).nullable(),
  description: lineText().trim().default(''),
});
export type ProgrammedAction = z.infer<typeof ProgrammedAction>;

export const InterventiData = z.strictObject({ actions: z.array(ProgrammedAction).default([]) });
export type InterventiData = z.infer<typeof InterventiData>;

// ---------- average attendance ----------
/** A month's attendance: `aaaa-mm` → children attending (the service's monthly figure). */
export type MonthlyAttendance = ReadonlyMap<string, number>;

export interface AttendanceSpan {
  from: string;
  to: string;
  /** Which rule gave the span (§6 the period, §7 authorised during it or after it). */
  rule: 'period' | 'authorised_in_period' | 'authorised_after_period';
}

/**
 * The days over which a service's attendance is averaged (§6, §7): the period; from the
 * authorisation date when it falls after the period's start; from the authorisation date to the
 * opening date when it falls after the period's end. Null: not authorised by the opening date
 * (not in this census).
 */
export function attendanceSpan(campaign: Campaign, authorisedOn: string | null): AttendanceSpan | null {
  if (!authorisedOn || authorisedOn > campaign.openingDate) return null;
  if (authorisedOn <= campaign.periodStart) return { from: campaign.periodStart, to: campaign.periodEnd, rule: 'period' };
  if (authorisedOn <= campaign.periodEnd) return { from: authorisedOn, to: campaign.periodEnd, rule: 'authorised_in_period' };
  return { from: authorisedOn, to: campaign.openingDate, rule: 'authorised_after_period' };
}

/** The months a span touches, each with the days of it inside the span (its weight). */
export function spanMonths(span: { from: string; to: string }): Array<{ month: string; days: number }> {
  const out: Array<{ month: string; days: number }> = [];
  let y = Number(span.from.slice(0, 4));
  let m = Number(span.from.slice(5, 7));
  const end = span.to.slice(0, 7);
  for (;;) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    const first = `${month}-01`;
    const last = `${month}-${String(daysInMonth(y, m)).padStart(2, '0')}`;
    const from = first < span.from ? span.from : first;
    const to = last > span.to ? span.to : last;
    out.push({ month, days: toDayNumber(to) - toDayNumber(from) + 1 });
    if (month === end) return out;
    if (++m === 13) [y, m] = [y + 1, 1];
  }
}

export const monthLabel = (month: string) => `${MONTH_NAMES[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;

export type AverageResult =
  | { kind: 'average'; span: AttendanceSpan; average: Fraction; days: number }
  | { kind: 'missing'; span: AttendanceSpan; missing: string[] }
  | { kind: 'not_in_census' };

/**
 * The average number of children attending over the span, exact: each month's figure weighted by
 * the days of that month inside the span (2 January 2024 counts 30 of January's 31 days; a service
 * authorised on 15 March counts 17 days of March), divided by the span's days. A month of the span
 * with no figure makes the average missing (the Art. 11 c.2 b risk the dashboard lists).
 */
export function averageAttendance(campaign: Campaign, authorisedOn: string | null, attendance: MonthlyAttendance): AverageResult {
  const span = attendanceSpan(campaign, authorisedOn);
  if (!span) return { kind: 'not_in_census' };
  const months = spanMonths(span);
  const missing = months.filter((m) => !attendance.has(m.month)).map((m) => m.month);
  if (missing.length) return { kind: 'missing', span, missing };
  let sum = Fraction.ZERO;
  let days = 0;
  for (const m of months) {
    sum = sum.add(Fraction.of(attendance.get(m.month)! * m.days));
    days += m.days;
  }
  return { kind: 'average', span, average: sum.div(Fraction.of(days)), days };
}

/** The average as the region receives it: hundredths, rounded half up (the notes set no rounding; two decimals are shown). */
export function averageCents(average: Fraction): number {
  return Number((average.num * 200n + average.den) / (2n * average.den));
}

// ---------- money and text ----------
/** «€ 1.234,50». */
export function formatEuro(cents: number): string {
  const whole = Math.floor(cents / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `€ ${whole},${String(cents % 100).padStart(2, '0')}`;
}

/** Hundredths as «12,35» (the average's Italian text). */
export const formatCents = (cents: number) => `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')}`;

/**
 * An amount as typed: «1.234,50», «1234,5», «0», «€ 0,00». Null: empty. Throws a RangeError
 * with an Italian message for anything else (a negative sign, three decimals, letters).
 */
export function parseEuro(text: string): number | null {
  const t = text.replace(/^\s*€\s*/, '').trim();
  if (!t) return null;
  const m = /^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?$/.exec(t);
  if (!m) throw new RangeError(`importo non valido: «${text.trim()}» (scrivere per esempio 1.234,50 oppure 0,00)`);
  return Number(m[1]!.replace(/\./g, '')) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
}

// ---------- the services a census lists ----------
/** One service of a Comune's census as the checks and the export read it. */
export interface CensusService {
  /** Registry id, or the added service's id. */
  ref: string;
  added: boolean;
  denominazione: string;
  indirizzo: string;
  titoloAutorizzativo: string;
  titolare: string;
  gestore: string;
  capacita: number;
  ownership: Ownership | null;
  sezionePrimavera: boolean;
  status: ServiceStatus;
  motivation: string;
  /** Registry services: the computed average; added ones: the figure the Comune gave. */
  attendance: AverageResult | { kind: 'given'; cents: number };
}

/** A registry service as the census reads it (the office registry's fields). */
export interface RegistryService {
  id: string;
  name: string;
  address: string;
  capacity: number;
  authorizationIssuedOn: string | null;
}

/**
 * The services of a Comune's census: every registry service authorised by the opening date (§6:
 * «autorizzati e attivi»), with what the sheet says of it, then the services the Comune added (§7).
 */
export function censusServices(
  campaign: Campaign,
  registry: readonly RegistryService[],
  data: ServiziData,
  attendanceOf: (serviceId: string) => MonthlyAttendance,
): CensusService[] {
  const entries = new Map(data.entries.map((e) => [e.serviceId, e]));
  const listed = registry
    .filter((s) => attendanceSpan(campaign, s.authorizationIssuedOn) !== null)
    .map((s): CensusService => {
      const e = entries.get(s.id) ?? RegistryEntry.parse({ serviceId: s.id });
      return {
        ref: s.id,
        added: false,
        denominazione: s.name,
        indirizzo: s.address,
        titoloAutorizzativo: `Autorizzazione al funzionamento del ${formatItalianDate(s.authorizationIssuedOn!)}`,
        titolare: e.titolare,
        gestore: e.gestore,
        capacita: s.capacity,
        ownership: e.ownership,
        sezionePrimavera: e.sezionePrimavera,
        status: e.status,
        motivation: e.motivation,
        attendance: averageAttendance(campaign, s.authorizationIssuedOn, attendanceOf(s.id)),
      };
    });
  const added = data.added.map((a): CensusService => ({
    ref: a.id,
    added: true,
    denominazione: a.denominazione,
    indirizzo: a.indirizzo,
    titoloAutorizzativo: a.titoloAutorizzativo,
    titolare: a.titolare,
    gestore: a.gestore,
    capacita: a.capacita,
    ownership: a.ownership,
    sezionePrimavera: a.sezionePrimavera,
    status: 'attivo',
    motivation: '',
    attendance: { kind: 'given', cents: a.frequentantiCents },
  }));
  return [...listed, ...added];
}

/** The average's hundredths, or null when it cannot be computed (months missing). */
export function attendanceCents(s: CensusService): number | null {
  if (s.attendance.kind === 'given') return s.attendance.cents;
  if (s.attendance.kind === 'average') return averageCents(s.attendance.average);
  return null;
}

// ---------- checks ----------
export interface Problem {
  /** The service the problem is about (null: the whole sheet / Comune). */
  ref: string | null;
  code?: string;
  message: string;
}

const isActive = (s: CensusService) => s.status === 'attivo';

/** What stops the SERVIZI sheet from being sent. */
export function serviziProblems(campaign: Campaign, services: readonly CensusService[]): Problem[] {
  const out: Problem[] = [];
  for (const s of services) {
    const name = `«${s.denominazione}»`;
    if (s.status === 'non_raggiungibile' && !s.motivation.trim())
      out.push({
        ref: s.ref,
        message: `${name}: servizio non raggiungibile senza motivazione (obbligatoria, ${campaign.sources.unreachable})`,
      });
    if (!isActive(s)) continue;
    if (!s.ownership) out.push({ ref: s.ref, message: `${name}: indicare se il servizio è pubblico o privato` });
    if (!s.titolare.trim()) out.push({ ref: s.ref, message: `${name}: manca il titolare` });
    if (!s.gestore.trim()) out.push({ ref: s.ref, message: `${name}: manca il gestore` });
    if (s.attendance.kind === 'missing')
      out.push({
        ref: s.ref,
        message: `${name}: mancano i frequentanti di ${s.attendance.missing.map(monthLabel).join(', ')} (media dal ${formatItalianDate(s.attendance.span.from)} al ${formatItalianDate(s.attendance.span.to)}, ${campaign.sources.period})`,
      });
  }
  return out;
}

function applies(a: CampaignAction, s: CensusService): boolean {
  if (a.ownership && s.ownership !== a.ownership) return false;
  return a.when === 'always' || (a.when === 'sezione_primavera' && s.sezionePrimavera);
}

/**
 * What stops the INTERVENTI sheet from being sent (§10–12): every action that applies to an active
 * service is programmed for it (B1–B4 by ownership, B8 with a Sezione Primavera), none that does not;
 * a Comune action (C1) once and only for a Comune in a CPT; each with an amount (€ 0,00 when none)
 * and a description of at most `descriptionMax` characters.
 */
export function interventiProblems(
  campaign: Campaign,
  services: readonly CensusService[],
  data: InterventiData,
  inCpt: boolean,
): Problem[] {
  const out: Problem[] = [];
  const byCode = new Map(campaign.actions.map((a) => [a.code, a]));
  const byRef = new Map(services.map((s) => [s.ref, s]));
  const seen = new Set<string>();
  for (const p of data.actions) {
    const action = byCode.get(p.code);
    const s = p.serviceRef ? byRef.get(p.serviceRef) : undefined;
    const where = s ? `«${s.denominazione}», ${p.code}` : p.code;
    if (!action) {
      out.push({ ref: p.serviceRef, code: p.code, message: `${where}: azione non prevista dalla rilevazione` });
      continue;
    }
    const key = `${p.serviceRef ?? ''}/${p.code}`;
    if (seen.has(key)) out.push({ ref: p.serviceRef, code: p.code, message: `${where}: azione indicata più di una volta` });
    seen.add(key);
    if (action.scope === 'comune') {
      if (p.serviceRef)
        out.push({ ref: p.serviceRef, code: p.code, message: `${where}: l'azione vale per il Comune, non per un servizio` });
      if (!inCpt)
        out.push({ ref: null, code: p.code, message: `${p.code}: il Comune non aderisce a un CPT e non può indicarla (${action.source})` });
    } else if (!s) {
      out.push({ ref: p.serviceRef, code: p.code, message: `${p.code}: servizio non presente nella scheda SERVIZI` });
      continue;
    } else if (!isActive(s)) {
      out.push({ ref: s.ref, code: p.code, message: `${where}: il servizio è dichiarato cessato, nessuna azione` });
    } else if (!applies(action, s)) {
      const why =
        action.when === 'sezione_primavera'
          ? 'il servizio non ha una Sezione Primavera'
          : `vale per i servizi ${action.ownership === 'pubblico' ? 'pubblici' : 'privati'}`;
      out.push({ ref: s.ref, code: p.code, message: `${where}: ${why}` });
    }
    if (p.amountCents === null)
      out.push({
        ref: p.serviceRef,
        code: p.code,
        message: `${where}: manca la quota comunale (indicare € 0,00 se nessuna, ${campaign.sources.amount})`,
      });
    if (!p.description.trim()) out.push({ ref: p.serviceRef, code: p.code, message: `${where}: manca la descrizione` });
    else if ([...p.description].length > campaign.descriptionMax)
      out.push({
        ref: p.serviceRef,
        code: p.code,
        message: `${where}: descrizione di ${[...p.description].length} caratteri, al massimo ${campaign.descriptionMax} (${campaign.sources.description})`,
      });
  }
  for (const s of services.filter(isActive)) {
    if (!s.ownership) continue; // the SERVIZI sheet says so; which of B1/B2 is due is not known yet
    for (const a of campaign.actions)
      if (a.scope === 'service' && applies(a, s) && !seen.has(`${s.ref}/${a.code}`))
        out.push({ ref: s.ref, code: a.code, message: `«${s.denominazione}»: manca l'azione ${a.code} (${a.label}; ${a.source})` });
  }
  for (const a of campaign.actions)
    if (a.scope === 'comune' && inCpt && !seen.has(`/${a.code}`))
      out.push({ ref: null, code: a.code, message: `manca l'azione ${a.code}, obbligatoria per i Comuni in CPT (${a.source})` });
  return out;
}

/** The actions the sheet should hold, for a form pre-filled with one row per due action. */
export function dueActions(
  campaign: Campaign,
  services: readonly CensusService[],
  inCpt: boolean,
): Array<{ serviceRef: string | null; action: CampaignAction }> {
  const out: Array<{ serviceRef: string | null; action: CampaignAction }> = [];
  for (const s of services.filter(isActive))
    for (const a of campaign.actions) if (a.scope === 'service' && s.ownership && applies(a, s)) out.push({ serviceRef: s.ref, action: a });
  for (const a of campaign.actions) if (a.scope === 'comune' && inCpt) out.push({ serviceRef: null, action: a });
  return out;
}

// ---------- the validation cycle (§13) ----------
export const SHEET_STATES = ['bozza', 'in_validazione', 'validata'] as const;
export const SheetState = z.enum(SHEET_STATES);
export type SheetState = z.infer<typeof SheetState>;
export const SHEET_STATE_LABELS: Record<SheetState, string> = {
  bozza: 'In bozza',
  in_validazione: 'Inviata in validazione',
  validata: 'Validata',
};

export const SheetAction = z.enum(['invia', 'valida', 'respingi']);
export type SheetAction = z.infer<typeof SheetAction>;
export const SHEET_ACTION_LABELS: Record<SheetAction, string> = {
  invia: 'Invio in validazione',
  valida: 'Validazione',
  respingi: 'Respinta',
};

/** Who acts on a census: the office's clerks (all), a zonal/regional reviewer, a Comune's user. */
export type CensusRole = 'office' | 'reviewer' | 'comune';

/**
 * The next state, or why not. Sending needs the sheet's checks passed (`problems` empty) and, for
 * INTERVENTI, the SERVIZI sheet sent first (§13: «in seguito»); rejecting needs notes, and takes the
 * sheet back to draft. Only a Comune's user (or the office) sends; only a reviewer (or the office) decides.
 */
export function nextState(
  state: SheetState,
  action: SheetAction,
  role: CensusRole,
  opts: { problems: number; notes: string; serviziState?: SheetState; kind: SheetKind },
): { ok: true; to: SheetState } | { ok: false; message: string } {
  if (action === 'invia') {
    if (role === 'reviewer') return { ok: false, message: 'solo il Comune invia le proprie schede in validazione' };
    if (state !== 'bozza') return { ok: false, message: `la scheda è «${SHEET_STATE_LABELS[state]}»: si invia solo una scheda in bozza` };
    if (opts.kind === 'interventi' && opts.serviziState === 'bozza')
      return { ok: false, message: 'inviare prima la scheda SERVIZI in validazione' };
    if (opts.problems)
      return {
        ok: false,
        message: `la scheda ha ${opts.problems === 1 ? 'un controllo non superato' : `${opts.problems} controlli non superati`}`,
      };
    return { ok: true, to: 'in_validazione' };
  }
  if (role === 'comune') return { ok: false, message: 'solo un revisore zonale o regionale valida o respinge le schede' };
  if (state !== 'in_validazione')
    return { ok: false, message: `la scheda è «${SHEET_STATE_LABELS[state]}»: si decide solo su una scheda inviata in validazione` };
  if (action === 'respingi') {
    if (!opts.notes.trim()) return { ok: false, message: 'note: indicare le correzioni richieste al Comune' };
    return { ok: true, to: 'bozza' };
  }
  return { ok: true, to: 'validata' };
}

/** Days from `today` to the deadline (negative once it has passed). */
export const daysToDeadline = (campaign: Campaign, today: string) => toDayNumber(campaign.deadline) - toDayNumber(today);
