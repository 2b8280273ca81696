/**
 * The inspection file: one JSON document per inspection, the unit of export, import,
 * `vigilanza check`, the report and sync. Strict: unknown fields are rejected.
 */
import { z } from 'zod';
import { Course, EducatorTitle, InputDateSchema, PlanReason, Purpose, Role, ServiceType } from './domain.ts';
import { RegisterEntry } from './educator-register.ts';
import { checkUserText, isUserTextIssue, lineText, multilineText } from './text.ts';
import { VISIT_TIME, VISIT_TIME_FORMAT_MESSAGE, visitTimesProblem } from './times.ts';

const Count = z.number().int('deve essere un numero intero').min(0, 'non può essere negativo');

export const IssuedAct = z.strictObject({ issuedOn: InputDateSchema });

export const ServiceSection = z.strictObject({
  name: lineText().trim().min(1, 'il nome del servizio è obbligatorio').max(200),
  type: ServiceType,
  capacity: z.number().int('deve essere un numero intero').min(0, 'non può essere negativa'),
  kitchen: z.boolean().optional(),
  comune: lineText().max(120).optional(),
  address: lineText().max(300).optional(),
  referente: lineText().max(200).optional(),
  /** The service relies on a territorial RLS instead of an internal one (D.Lgs 81/2008 art. 48). */
  territorialRls: z.boolean().optional(),
  authorization: IssuedAct.optional(),
  accreditation: IssuedAct.optional(),
});

const VisitTime = z.string().regex(VISIT_TIME, VISIT_TIME_FORMAT_MESSAGE);

export const VisitSection = z
  .strictObject({
    date: InputDateSchema,
    purpose: Purpose,
    /** Where the visit took place, as the act states it (e.g. «Sede del servizio, via Roma 1, Bagno a Ripoli»). */
    place: lineText().min(1, 'il luogo della visita, se indicato, non può essere vuoto').max(200).optional(),
    /** When the visit started and ended, `HH:MM` (24 h, civil time of the visit's date). */
    startTime: VisitTime.optional(),
    endTime: VisitTime.optional(),
    /** Commission members present (names as they sign). */
    members: z.array(z.strictObject({ name: lineText().trim().min(1).max(200), role: lineText().max(200) })).optional(),
    /**
     * Set at sealing only: why the visit was sealed without the commission the Scheda requires
     * (members present and signing), in the inspector's words.
     */
    commissionIncompleteReason: multilineText().trim().min(1).max(2000).optional(),
  })
  .superRefine((visit, ctx) => {
    const problem = visitTimesProblem(visit.startTime, visit.endTime);
    if (problem) ctx.addIssue({ code: 'custom', path: ['endTime'], message: problem, input: visit.endTime });
  });

export const ChildrenBand = z.strictObject({
  band: lineText().min(1).max(100),
  enrolled: Count.optional(),
  present: Count.optional(),
});

export const PlannedPresent = z.strictObject({ planned: Count.optional(), present: Count.optional() });

export const StaffCounts = z.strictObject({
  educators: PlannedPresent.optional(),
  auxiliaries: PlannedPresent.optional(),
});

export const Training = z.strictObject({
  course: Course,
  hours: z.number().positive('le ore devono essere più di zero').max(1000),
  completedOn: InputDateSchema,
  /** A refresher (aggiornamento) rather than the full course. */
  refresh: z.boolean().optional(),
});

export const Person = z.strictObject({
  id: lineText().min(1).max(100),
  role: Role,
  name: lineText().max(200).optional(),
  title: EducatorTitle.optional(),
  /** When the title was obtained (needed for titles of the previous Tuscan rules). */
  titleObtainedOn: InputDateSchema.optional(),
  /** When the study path started (needed for the 2018/19 transitional titles). */
  pathStartedOn: InputDateSchema.optional(),
  trainings: z.array(Training).optional(),
});

// The text check sits on the union, not in its string member: inside a union its message would be
// lost behind zod's generic "no member matched".
export const AnswerValue = z
  .union([z.enum(['yes', 'no', 'na']), z.number().int().min(0), z.string().max(20000)])
  .superRefine((value, ctx) => {
    if (typeof value === 'string') checkUserText(value, true, ctx);
  });

export const Answer = z.strictObject({
  value: AnswerValue.optional(),
  note: multilineText().max(20000).optional(),
});

/**
 * The office's planned visit a visit was started from (the laptop's «Agenda», issue 14): the plan's id
 * in the office registry and why it was planned. `reason: 'follow_up'` is a visit that verifies the
 * prescriptions of an earlier one (what to verify is the office's follow-up proposal, found by this id).
 * Sealed into the file so the office links the visit to that plan when it arrives.
 */
export const PlanLink = z.strictObject({ id: lineText().min(1).max(100), reason: PlanReason });
export type PlanLink = z.infer<typeof PlanLink>;

export const RULE_SET_ID = /^[a-z0-9-]+@\d+$/;

/**
 * A prescription of an earlier visit checked at this one (the follow-up, issue 14): which visit and
 * which of its prescriptions (`position` in deadline order, as the office numbers them), what it
 * said, the outcome and, for «non ottemperata», the consequence the territory's data gave at sealing
 * (`shared/follow-up.ts`). Absent in files made before follow-ups: nothing was checked.
 */
export const Verification = z.strictObject({
  prescription: z.strictObject({
    /** The visit that gave it (the office's inspection id, the same on every laptop). */
    visitId: lineText().min(1).max(100),
    visitDate: InputDateSchema,
    position: Count,
    rule: lineText().min(1).max(200),
    text: multilineText().min(1).max(4000),
    deadline: InputDateSchema,
  }),
  outcome: z.enum(['complied', 'not_complied']),
  note: multilineText().trim().max(2000).optional(),
  /** Only for «non ottemperata»: the step of the territory's `notComplied` it took. */
  consequence: z.strictObject({ act: lineText().min(1).max(300), article: lineText().min(1).max(200) }).optional(),
});
export type Verification = z.infer<typeof Verification>;

export const InspectionFile = z
  .strictObject({
    schemaVersion: z.literal(1),
    /**
     * The territory whose checklist and rules the file follows (shared/territories). Absent in files
     * made before the laptop wrote it (issue 12): they are the territory of their `ruleSet` (zona-fse@1: the Zona).
     */
    territory: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'identificativo del territorio, es. zona-fse')
      .optional(),
    ruleSet: z.string().regex(RULE_SET_ID, 'formato atteso nome@versione, es. zona-fse@1'),
    /** The checklist version the answers refer to; absent: the territory's current one. */
    checklist: z.string().regex(RULE_SET_ID, 'formato atteso nome@versione, es. zona-fse@1').optional(),
    service: ServiceSection,
    visit: VisitSection,
    children: z.array(ChildrenBand).optional(),
    staffCounts: StaffCounts.optional(),
    people: z.array(Person).optional(),
    answers: z.record(lineText().min(1).max(200), Answer).optional(),
    /** The planned visit it was started from (absent: a visit done without a plan). */
    plan: PlanLink.optional(),
    /** The earlier visits' prescriptions checked at this visit (absent: none, as in files before follow-ups). */
    verifications: z.array(Verification).max(500).optional(),
    /**
     * The register entries (rule set `educatorRegister`) the inspector picked as the service's
     * educators at the register's item, as the laptop's copy of the register held them when the
     * file was made: the visit's check reads them, so the file says what it was judged on.
     */
    registerEntries: z.array(RegisterEntry).max(200).optional(),
    /** Demo data (`--demo`): present only as `true`; an office refuses such a file. */
    demo: z.literal(true, 'vale solo true (dati dimostrativi) o si omette').optional(),
  })
  .superRefine((file, ctx) => {
    const seenBands = new Set<string>();
    file.children?.forEach((c, i) => {
      if (seenBands.has(c.band)) ctx.addIssue({ code: 'custom', path: ['children', i, 'band'], message: `fascia ripetuta: ${c.band}` });
      seenBands.add(c.band);
    });
    file.verifications?.forEach((v, i) => {
      if (v.outcome === 'not_complied' && !v.consequence)
        ctx.addIssue({
          code: 'custom',
          path: ['verifications', i, 'consequence'],
          message: 'una prescrizione non ottemperata ha la sua conseguenza',
        });
      if (v.outcome === 'complied' && v.consequence)
        ctx.addIssue({
          code: 'custom',
          path: ['verifications', i, 'consequence'],
          message: 'una prescrizione ottemperata non ha conseguenze',
        });
    });
    const seenPeople = new Set<string>();
    file.people?.forEach((p, i) => {
      if (seenPeople.has(p.id)) ctx.addIssue({ code: 'custom', path: ['people', i, 'id'], message: `id ripetuto: ${p.id}` });
      seenPeople.add(p.id);
    });
  });

export type InspectionFile = z.infer<typeof InspectionFile>;
export type Person = z.infer<typeof Person>;
export type Training = z.infer<typeof Training>;
export type ChildrenBand = z.infer<typeof ChildrenBand>;
export type Answer = z.infer<typeof Answer>;
export type AnswerValue = z.infer<typeof AnswerValue>;

/** One readable line per problem, each naming the field: `service.capacity: non può essere negativa`. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '');
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      message = `campo sconosciuto: ${issue.keys.join(', ')}`;
    }
    return `${path || '(documento)'}: ${message}`;
  });
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

export function parseInspectionFile(data: unknown): ParseResult<InspectionFile> {
  const r = InspectionFile.safeParse(data);
  // zod's records skip an own "__proto__" key (JSON.parse makes one) without a word: an answer
  // to an item that does not exist would vanish instead of being reported like any unknown item.
  const answers = typeof data === 'object' && data !== null ? (data as { answers?: unknown }).answers : undefined;
  const proto =
    typeof answers === 'object' && answers !== null && Object.prototype.hasOwnProperty.call(answers, '__proto__')
      ? ['answers.__proto__: voce sconosciuta']
      : [];
  if (r.success && !proto.length) return { ok: true, value: r.data };
  return { ok: false, errors: [...(r.success ? [] : describeIssues(r.error)), ...proto] };
}

/**
 * A file as it was sealed, read back (laptop database, office registry): its hash is what was
 * signed, so text sealed before control characters were refused (shared/text.ts) is read as it
 * is; any other problem is still an error.
 */
export function parseSealedFile(data: unknown): ParseResult<InspectionFile> {
  const r = InspectionFile.safeParse(data);
  if (r.success) return { ok: true, value: r.data };
  if (r.error.issues.every(isUserTextIssue)) return { ok: true, value: data as InspectionFile };
  return { ok: false, errors: describeIssues(r.error) };
}
