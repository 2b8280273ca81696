/**
 * The Scheda's form state and how it becomes the inspection file the rules read.
 * Counts stay text in the form: an empty field is "not recorded" (undefined), never 0, and a
 * wrong figure is shown as typed with an error instead of being silently turned into a number.
 */
import { z } from 'zod';
import type { InspectionDetail, ServiceSummary, StaffPerson } from '../../shared/api/contract.ts';
import type { Checklist, ChecklistItem, ChecklistSection, CountsTable } from '../../shared/checklist/index.ts';
import { applicableItems, checklistKey } from '../../shared/checklist/index.ts';
import type { Purpose } from '../../shared/domain.ts';
import { isIsoDate } from '../../shared/dates.ts';
import type { Answer, AnswerValue, ChildrenBand, InspectionFile, Person } from '../../shared/inspection.ts';
import { registerIds } from '../../shared/checklist/answers.ts';
import type { EducatorRegister, RegisterEntry } from '../../shared/educator-register.ts';
import { personFromStaff, serviceSection } from '../../shared/inspection-parts.ts';
import { territoryOfRuleSet } from '../../shared/territories/index.ts';

/** Parses a count as typed. */
export function parseCount(text: string): { ok: true; value: number | undefined } | { ok: false; message: string } {
  const t = text.trim();
  if (t === '') return { ok: true, value: undefined };
  if (!/^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/.test(t)) return { ok: false, message: 'inserire un numero (cifre)' };
  const n = Number(t.replace(',', '.'));
  if (n < 0) return { ok: false, message: 'non può essere negativo' };
  if (!Number.isInteger(n)) return { ok: false, message: 'deve essere un numero intero' };
  if (n > 10000) return { ok: false, message: 'numero troppo grande' };
  return { ok: true, value: n };
}

/** A count field of the form: text in, number | undefined out, Italian message on the field. */
export const CountText = z.string().transform((text, ctx) => {
  const r = parseCount(text);
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: r.message });
    return z.NEVER;
  }
  return r.value;
});

/** Form keys cannot contain dots (react-hook-form paths): `F.presidi.x` → `F__presidi__x`. */
export function fieldKey(id: string): string {
  return id.replace(/[^a-zA-Z0-9_]/g, (c) => `__${c.charCodeAt(0).toString(16)}_`);
}

export interface AnswerFields {
  /** yes/no/na for yesno items; the typed text for text, count and date items; '' = not answered. */
  value: string;
  note: string;
}

export interface CountsFields {
  children: Record<string, { enrolled: string; present: string }>;
  staff: { educators: { planned: string; present: string }; auxiliaries: { planned: string; present: string } };
}

export interface SchedaValues {
  answers: Record<string, AnswerFields>;
  counts: CountsFields;
}

export const CountsSchema = z.object({
  children: z.record(z.string(), z.object({ enrolled: CountText, present: CountText })),
  staff: z.object({
    educators: z.object({ planned: CountText, present: CountText }),
    auxiliaries: z.object({ planned: CountText, present: CountText }),
  }),
});

const Note = z.string().max(20000, 'nota troppo lunga');

/** The whole Scheda form, per checklist: count items get the count check, the rest free text. */
export function schedaSchema(checklist: Checklist): z.ZodType<SchedaValues, SchedaValues> {
  const answers: Record<string, z.ZodType<AnswerFields>> = {};
  for (const item of checklist.items) {
    const value =
      item.kind === 'count'
        ? z.string().refine((t) => t.trim().toLowerCase() === 'na' || parseCount(t).ok, {
            error: (iss) => {
              const r = parseCount(String(iss.input));
              return r.ok ? 'valore non valido' : r.message;
            },
          })
        : z.string().max(20000, 'testo troppo lungo');
    answers[fieldKey(item.id)] = z.object({ value, note: Note });
  }
  // Validation only (the form keeps the text as typed): the resolver runs in raw mode.
  return z.object({ answers: z.object(answers), counts: CountsSchema }) as unknown as z.ZodType<SchedaValues, SchedaValues>;
}

export function countsTableFor(checklist: Checklist, type: ServiceSummary['type']): CountsTable | undefined {
  return checklist.countsTables.find((t) => t.serviceType === type);
}

const show = (n: number | undefined) => (n === undefined ? '' : String(n));

function answerToFields(item: ChecklistItem, a: Answer | undefined): AnswerFields {
  const v = a?.value;
  return { value: v === undefined ? '' : typeof v === 'number' ? String(v) : v, note: a?.note ?? '' };
}

export function initialValues(checklist: Checklist, detail: InspectionDetail, type: ServiceSummary['type']): SchedaValues {
  const answers: Record<string, AnswerFields> = {};
  for (const item of checklist.items) answers[fieldKey(item.id)] = answerToFields(item, detail.answers[item.id]);
  const table = countsTableFor(checklist, type);
  const children: CountsFields['children'] = {};
  for (const band of table?.bands ?? []) {
    const row = detail.children.find((c) => c.band === band);
    children[fieldKey(band)] = { enrolled: show(row?.enrolled), present: show(row?.present) };
  }
  const sc = detail.staffCounts;
  return {
    answers,
    counts: {
      children,
      staff: {
        educators: { planned: show(sc.educators?.planned), present: show(sc.educators?.present) },
        auxiliaries: { planned: show(sc.auxiliaries?.planned), present: show(sc.auxiliaries?.present) },
      },
    },
  };
}

/** The answer value to store for an item, or null when not answered; an Error when the text is not a valid value. */
export function answerValue(item: ChecklistItem, fields: AnswerFields): AnswerValue | null | Error {
  const v = fields.value;
  if (v === '') return null;
  switch (item.kind) {
    case 'yesno':
      return v === 'yes' || v === 'no' || v === 'na' ? v : new Error('risposta non valida');
    case 'count': {
      if (v.trim().toLowerCase() === 'na') return 'na';
      const r = parseCount(v);
      if (!r.ok) return new Error(r.message);
      return r.value ?? null;
    }
    case 'date':
      // DateField hands over the text while it is not a whole date yet: nothing to save then.
      return isIsoDate(v) ? v : new Error('scrivere la data come gg/mm/aaaa');
    case 'text':
      return v;
    case 'register':
      // The ids of the register entries picked, comma-separated (the item's checkboxes write them).
      return v === 'na' || registerIds(v) !== null ? v : new Error('scelta degli iscritti non valida');
  }
}

export interface ParsedCounts {
  children: ChildrenBand[];
  staffCounts: { educators: { planned?: number; present?: number }; auxiliaries?: { planned?: number; present?: number } };
}

/** The counts to save and to evaluate; null while a figure is wrong (nothing is saved then). */
export function parseCounts(table: CountsTable | undefined, counts: CountsFields): ParsedCounts | null {
  const r = CountsSchema.safeParse(counts);
  if (!r.success) return null;
  const children: ChildrenBand[] = (table?.bands ?? []).map((band) => {
    const row = r.data.children[fieldKey(band)];
    const out: ChildrenBand = { band };
    if (row?.enrolled !== undefined) out.enrolled = row.enrolled;
    if (row?.present !== undefined) out.present = row.present;
    return out;
  });
  const pp = (x: { planned: number | undefined; present: number | undefined }) => {
    const o: { planned?: number; present?: number } = {};
    if (x.planned !== undefined) o.planned = x.planned;
    if (x.present !== undefined) o.present = x.present;
    return o;
  };
  const staffCounts: ParsedCounts['staffCounts'] = { educators: pp(r.data.staff.educators) };
  if (table?.staffRows.some((row) => row.key === 'auxiliaries')) staffCounts.auxiliaries = pp(r.data.staff.auxiliaries);
  return { children, staffCounts };
}

export function toPerson(p: StaffPerson): Person {
  return personFromStaff(p);
}

export interface VisitState {
  purpose: Purpose;
  date: string;
  /** Where and when the visit took place (null: not recorded); `HH:MM`, the end after the start. */
  place: string | null;
  startTime: string | null;
  endTime: string | null;
  memberIds: string[];
  staffIds: string[];
}

/** The items the inspector sees: by service type and purpose; ACC items only when the service is (or is to be) accredited. */
export function visibleItems(
  checklist: Checklist,
  service: Pick<ServiceSummary, 'type' | 'accreditationIssuedOn'>,
  purpose: Purpose,
): ChecklistItem[] {
  return applicableItems(checklist, { type: service.type, purpose, accredited: Boolean(service.accreditationIssuedOn) });
}

/** Sections the navigator offers: those with applicable items, and B whenever it has counts tables. */
export function navSections(
  checklist: Checklist,
  service: Pick<ServiceSummary, 'type' | 'accreditationIssuedOn'>,
  purpose: Purpose,
): ChecklistSection[] {
  const items = visibleItems(checklist, service, purpose);
  return checklist.sections.filter(
    (s) => items.some((i) => i.section === s.id) || (s.id === 'B' && countsTableFor(checklist, service.type)),
  );
}

/**
 * The inspection file as the rules see it while the inspector types. Counts that do not parse are
 * left out (not recorded) rather than guessed. No staff chosen yet means staff not recorded (rules
 * `na`), not "nobody trained".
 */
export function buildInspectionFile(args: {
  ruleSet: string;
  checklist: Checklist;
  service: ServiceSummary;
  visit: VisitState;
  members: Array<{ id: string; name: string; role: string }>;
  staff: StaffPerson[];
  values: SchedaValues;
  lastValidCounts: ParsedCounts | null;
  /** The laptop's copy of the register of educators (`register.list`), where the rule set keeps one. */
  registerEntries?: RegisterEntry[];
  registerRules?: EducatorRegister | undefined;
}): InspectionFile {
  const { service, visit, checklist, values } = args;
  const answers: Record<string, Answer> = {};
  for (const item of visibleItems(checklist, service, visit.purpose)) {
    const fields = values.answers[fieldKey(item.id)];
    if (!fields) continue;
    const v = answerValue(item, fields);
    const a: Answer = {};
    if (v !== null && !(v instanceof Error)) a.value = v;
    if (fields.note.trim()) a.note = fields.note;
    if (a.value !== undefined || a.note !== undefined) answers[item.id] = a;
  }
  const table = countsTableFor(checklist, service.type);
  const counts = parseCounts(table, values.counts) ?? args.lastValidCounts;
  const territory = territoryOfRuleSet(args.ruleSet);
  const file: InspectionFile = {
    schemaVersion: 1,
    // What the laptop's file will name (host/inspection-file.ts): the live check reads the same file.
    ...(territory ? { territory: territory.id } : {}),
    ruleSet: args.ruleSet,
    checklist: checklistKey(checklist),
    service: serviceSection(service),
    visit: {
      date: visit.date,
      purpose: visit.purpose,
      members: args.members.filter((m) => visit.memberIds.includes(m.id)).map((m) => ({ name: m.name, role: m.role })),
    },
    answers,
  };
  // As the host seals it (host/inspection-file.ts): only what is recorded.
  if (visit.place !== null) file.visit.place = visit.place;
  if (visit.startTime !== null) file.visit.startTime = visit.startTime;
  if (visit.endTime !== null) file.visit.endTime = visit.endTime;
  if (counts) {
    file.children = counts.children;
    file.staffCounts = counts.staffCounts;
  }
  const present = args.staff.filter((p) => visit.staffIds.includes(p.id));
  if (present.length) file.people = present.map(toPerson);
  // As the host seals it: the entries picked at the register's item.
  const picked = args.registerRules ? answers[args.registerRules.item]?.value : undefined;
  if (args.registerRules?.serviceTypes.includes(service.type) && typeof picked === 'string') {
    const ids = registerIds(picked) ?? [];
    const entries = ids.map((id) => args.registerEntries?.find((e) => e.id === id)).filter((e) => e !== undefined);
    if (entries.length) file.registerEntries = entries;
  }
  return file;
}

/**
 * Where a finding is dealt with in the editor: a Scheda item in its section, the counts (capacity,
 * enrolment, ratios) in section B's table, training and titles in «Personale presente», the acts
 * with the visit's data. `focusId` is the element that takes focus there.
 */
export function findingPlace(checklist: Checklist, rule: string): { tab: string; focusId: string } {
  const item = checklist.items.find((i) => i.id === rule);
  if (item) return { tab: item.section, focusId: `voce-${fieldKey(item.id)}` };
  if (/^(capacity|enrollment|presence|ratio)\./.test(rule)) return { tab: 'B', focusId: 'conteggi-title' };
  if (/^(training|staff)\./.test(rule)) return { tab: 'personale', focusId: 'tab-heading-personale' };
  return { tab: 'visita', focusId: 'tab-heading-visita' };
}
