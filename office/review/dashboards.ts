/**
 * The office dashboards, computed from the registry and the received inspections with the
 * shared rules: inspections due (Art. 17, `serviceInspectionsDue`), acts expiring (`actValidity`),
 * prescriptions past their deadline. They read the latest-revision summaries the store keeps
 * (migration 5), so their cost follows the services and the rows shown, not every revision stored.
 */
import type { Service } from '../../shared/api/contract.ts';
import { addDays, compareDates, daysBetween, type IsoDate } from '../../shared/dates.ts';
import { consequenceText } from '../../shared/follow-up.ts';
import {
  actValidity,
  statesActValidity,
  inspectionsDue,
  inspectionsDueWindow,
  serviceInspectionsDue,
  type InspectionsDue,
  type RuleSet,
} from '../../shared/rules/index.ts';
import { serviceKey as norm } from '../storage/keys.ts';
import type { OfficeStore, OverduePage, PrescriptionKey } from '../storage/store.ts';
import { CSV_SEPARATOR, csvCell, csvHead } from './csv.ts';

export const EXPIRY_WINDOW_DAYS = 90;
/** Rows of each list on the cruscotto; «Mostra tutte» pages through a list LIST_ROWS at a time. */
export const DASHBOARD_ROWS = 10;
export const LIST_ROWS = 100;

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export interface DueRow {
  service: Service;
  lastVisit: IsoDate | null;
  /** This year's Art. 17 periods and where each stands (which visits made it «fatta» is the service page's business). */
  periods: Array<{ from: IsoDate; to: IsoDate; status: InspectionsDue['periods'][number]['status'] }>;
  nextDueBy: IsoDate | null;
  overdue: boolean;
}

/**
 * Art. 17 applies to authorised or accredited structures (`serviceInspectionsDue`, as on the laptop).
 * A period's status depends only on whether a visit falls in it, so each service is given, from SQL,
 * its latest visit up to today and the first visit of each of this year's periods
 * (`serviceVisitMarks`: a few index seeks per service), plus the few visits sent without a registry
 * id that match it: the cost follows the registry, not the visits stored or made this year.
 */
export async function inspectionsDueReport(store: OfficeStore, rs: RuleSet, today: IsoDate): Promise<DueRow[]> {
  const { from } = inspectionsDueWindow(today);
  // This year's periods (none begun after today counts a visit: visits after today are not made yet).
  const ranges = inspectionsDue(rs, [], today)
    .periods.filter((p) => compareDates(p.from, today) <= 0)
    .map((p) => ({ from: p.from, to: compareDates(p.to, today) < 0 ? p.to : today }));
  const [marks, lastUnlinked, unlinked] = await Promise.all([
    store.serviceVisitMarks(today, ranges),
    store.lastUnlinkedVisits(today),
    store.unlinkedVisitsBetween(from, today),
  ]);
  // A visit sent without an id (made before the registry existed) is of a service when it has the
  // same folded name and, if it names one, the same Comune. Grouped once by name, not scanned per service.
  const unlinkedByName = new Map<string, Array<{ comune: string | null; date: IsoDate; last: boolean }>>();
  for (const v of unlinked) push(unlinkedByName, norm(v.serviceName), { comune: v.comune, date: v.visitDate, last: false });
  for (const v of lastUnlinked) push(unlinkedByName, norm(v.serviceName), { comune: v.comune, date: v.lastVisit, last: true });
  const datesOf = ({ service, last, first }: (typeof marks)[number]): IsoDate[] => {
    const dates = first.filter((d): d is IsoDate => d !== null);
    let latest = last;
    for (const u of unlinkedByName.get(norm(service.name)) ?? []) {
      if (u.comune && norm(u.comune) !== norm(service.comune)) continue;
      if (!u.last) dates.push(u.date);
      else if (!latest || compareDates(u.date, latest) > 0) latest = u.date;
    }
    if (latest) dates.push(latest);
    return dates;
  };
  return marks
    .map((m) => ({ service: m.service, due: serviceInspectionsDue(rs, m.service, datesOf(m), today) }))
    .filter(({ due }) => due.bound)
    .map(({ service, due }) => ({
      service,
      lastVisit: due.lastVisit,
      periods: due.periods.map((p) => ({ from: p.from, to: p.to, status: p.status })),
      nextDueBy: due.nextDueBy,
      overdue: due.overdue,
    }))
    .sort(
      (a, b) =>
        Number(b.overdue) - Number(a.overdue) ||
        compareDates(a.nextDueBy ?? '9999-12-31', b.nextDueBy ?? '9999-12-31') ||
        a.service.name.localeCompare(b.service.name, 'it'),
    );
}

export interface ExpiringRow {
  service: Service;
  act: 'autorizzazione' | 'accreditamento';
  issuedOn: IsoDate;
  validUntil: IsoDate;
  daysLeft: number;
  expired: boolean;
}

export async function expiringActsReport(
  store: OfficeStore,
  rs: RuleSet,
  today: IsoDate,
  windowDays = EXPIRY_WINDOW_DAYS,
): Promise<ExpiringRow[]> {
  const limit = addDays(today, windowDays);
  const rows: ExpiringRow[] = [];
  for (const service of await store.listServices()) {
    for (const [act, issuedOn] of [
      ['autorizzazione', service.authorizationIssuedOn],
      ['accreditamento', service.accreditationIssuedOn],
    ] as const) {
      // No validity stated by the territory's regulation: nothing expires.
      if (!issuedOn || !statesActValidity(rs)) continue;
      const { validUntil } = actValidity(rs, issuedOn);
      if (compareDates(validUntil, limit) > 0) continue;
      rows.push({
        service,
        act,
        issuedOn,
        validUntil,
        daysLeft: daysBetween(today, validUntil),
        expired: compareDates(validUntil, today) < 0,
      });
    }
  }
  return rows.sort((a, b) => compareDates(a.validUntil, b.validUntil));
}

export interface OverdueRow {
  inspectionId: string;
  /** The prescription's place in its revision: with the deadline and the id, its key in the list. */
  position: number;
  revision: number;
  serviceName: string;
  comune: string | null;
  visitDate: IsoDate;
  rule: string;
  text: string;
  deadline: IsoDate;
  daysLate: number;
  /** A later visit of the same service after the deadline (a follow-up), if one was received. */
  followUpDate: IsoDate | null;
  /** «non ottemperata» at the latest verification: the consequence the territory gives, with its article. */
  notComplied: { act: string; article: string } | null;
}

/** A row's key in a page address (`dopo=` / `prima=`): deadline, position, inspection id (last: it may hold anything). */
export const prescriptionKeyParam = (r: PrescriptionKey): string => `${r.deadline}_${r.position}_${r.inspectionId}`;

export function parsePrescriptionKey(text: unknown): PrescriptionKey | null {
  const m = typeof text === 'string' ? /^(\d{4}-\d{2}-\d{2})_(0|[1-9]\d{0,8})_(.+)$/s.exec(text) : null;
  return m ? { deadline: m[1]!, position: Number(m[2]), inspectionId: m[3]! } : null;
}

/** Overdue prescriptions by deadline: all of them (the CSV), or one page of them (the dashboard). */
export async function overduePrescriptionsReport(
  store: OfficeStore,
  today: IsoDate,
  page: OverduePage | null = null,
): Promise<OverdueRow[]> {
  return (await store.overduePrescriptions(today, page)).map((p) => ({
    inspectionId: p.inspectionId,
    position: p.position,
    revision: p.revision,
    serviceName: p.serviceName,
    comune: p.comune,
    visitDate: p.visitDate,
    rule: p.rule,
    text: p.text,
    deadline: p.deadline,
    daysLate: daysBetween(p.deadline, today),
    followUpDate: p.followUpDate,
    notComplied: p.notComplied,
  }));
}

export const countOverduePrescriptions = (store: OfficeStore, today: IsoDate): Promise<number> => store.countOverduePrescriptions(today);

/** The export's columns; last, for support only: the clerk's columns come first and name things in words. */
export const OVERDUE_CSV_HEADER = [
  'Servizio',
  'Comune',
  'Data visita',
  'Revisione',
  'Rilievo',
  'Prescrizione',
  'Scadenza',
  'Giorni di ritardo',
  'Verifica successiva',
  'Esito della verifica',
  'Protocollo',
  'Data protocollo',
  'Codice ispezione (assistenza)',
];

/** «non ottemperata — Reg. zonale art. 11 c.2: sospensione …» (empty: not verified yet; complied ones are not overdue). */
export function verificationText(outcome: string | null, act: string | null, article: string | null): string {
  if (outcome !== 'not_complied') return '';
  return act && article ? `non ottemperata — ${consequenceText({ act, article })}` : 'non ottemperata';
}

/**
 * Every overdue prescription as CSV (`toCsv`'s format, UTF-8 bytes): one query's rows straight to
 * lines, each row's values dropped as soon as its line is made and the lines turned into bytes every
 * CSV_CHUNK characters, so that neither the values nor a rope of 31,000 lines live long (garbage
 * collection of them was 40 % of the export's time). A line is one `join` of its cells (one flat
 * string, where a template of 27 pieces made as many intermediate strings). What repeats across
 * rows (a check's name, a deadline's days late) is worked out once; a NULL cell is empty.
 */
export async function overduePrescriptionsCsv(
  store: OfficeStore,
  today: IsoDate,
  label: (rule: string) => string,
  chunk = CSV_CHUNK,
): Promise<Buffer> {
  const labels = new Map<string, string>();
  const late = new Map<string, string>();
  const chunks: Buffer[] = [];
  let lines: string[] = [];
  let length = 0;
  const flush = () => {
    lines.push('');
    chunks.push(Buffer.from(lines.join('\r\n'), 'utf8'));
    lines = [];
    length = 0;
  };
  await store.eachOverduePrescriptionTuple(
    today,
    ([
      serviceName,
      comune,
      visitDate,
      revision,
      rule,
      prescription,
      deadline,
      followUp,
      outcome,
      act,
      article,
      protocolNumber,
      protocolDate,
      inspectionId,
    ]) => {
      let check = labels.get(rule);
      if (check === undefined) labels.set(rule, (check = csvCell(label(rule))));
      let days = late.get(deadline);
      if (days === undefined) late.set(deadline, (days = String(daysBetween(deadline, today))));
      const line = [
        csvCell(serviceName),
        csvCell(comune),
        csvCell(visitDate),
        String(Number(revision)),
        check,
        csvCell(prescription),
        csvCell(deadline),
        days,
        csvCell(followUp),
        outcome === null ? '' : csvCell(verificationText(outcome, act, article)),
        csvCell(protocolNumber),
        csvCell(protocolDate),
        csvCell(inspectionId),
      ].join(CSV_SEPARATOR);
      lines.push(line);
      if ((length += line.length) >= chunk) flush();
    },
  );
  flush();
  return Buffer.concat([Buffer.from(csvHead(OVERDUE_CSV_HEADER), 'utf8'), ...chunks]);
}

/** Characters of CSV text gathered before they become bytes (a flat string of this size is cheap to encode). */
const CSV_CHUNK = 64 * 1024;
