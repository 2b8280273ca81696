/**
 * Checks: a territory's own rules as data. Each reads the inspector's answers to checklist items
 * (a count, a date, a sì/no) and compares them with the numbers of the regulation, citing its
 * article. The kinds below are general (a range, equal values, a span of months, a term in
 * educational years, a yearly deadline); a territory chooses kinds and numbers, never code.
 * An input not answered (or answered "non applicabile") makes the check `na`, never `pass`.
 */
import { z } from 'zod';
import { addDays, compareDates, educationalYearStart, formatIsoDate, formatItalianDate, MONTH_NAMES, type IsoDate } from '../dates.ts';
import type { AnswerValue, InspectionFile } from '../inspection.ts';
import type { Checklist, ItemKind } from '../checklist/schema.ts';
import type { Finding, Outcome } from './findings.ts';

const PositiveInt = z.number().int().positive();
const ItemRef = z.string().regex(/^(A|B|C|D|E|F|ACC)\.[a-z0-9_.]+$/);
const Month = z.number().int().min(1).max(12);

/** How a number is read and shown: a plain count, minutes ("7 h 30 min"), months of age, a calendar month (1-12). */
export const CheckUnit = z.enum(['count', 'minutes', 'months', 'month']);
export type CheckUnit = z.infer<typeof CheckUnit>;

/** One value a check reads: a checklist item, and how the finding names its value. */
const Input = z.strictObject({ item: ItemRef, label: z.string().min(1) });

const base = {
  /** Stable rule id of the findings (`opening.weekdays`). */
  id: z.string().regex(/^[a-z0-9_.-]+$/),
  version: PositiveInt,
  article: z.string().min(1),
  /** What the finding is about, as it begins: "Orario di apertura dal lunedì al venerdì". */
  subject: z.string().min(1),
  /** Outcome when the requirement is not met: `warn` where the regulation says "di norma". */
  breach: z.enum(['fail', 'warn']),
};

export const RangeCheck = z.strictObject({
  ...base,
  kind: z.literal('range'),
  /** Every recorded value must lie within [min, max] (inclusive; null: no bound on that side). */
  inputs: z.array(Input).min(1),
  unit: CheckUnit,
  min: z.number().int().min(0).nullable(),
  max: z.number().int().min(0).nullable(),
  /** The check applies only when this sì/no item is answered sì ("sezione unica attivata"). */
  onlyIf: Input.optional(),
});

export const EqualCheck = z.strictObject({
  ...base,
  kind: z.literal('equal'),
  /** Each item must be answered exactly this: a number (a count item) or `yes` (a sì/no item). */
  expected: z
    .array(z.strictObject({ item: ItemRef, label: z.string().min(1), value: z.union([z.number().int().min(0), z.literal('yes')]) }))
    .min(1),
});

export const MonthSpanCheck = z.strictObject({
  ...base,
  kind: z.literal('month_span'),
  /** The service's first and last month of activity (count items, 1-12) must lie within fromMonth…toMonth. */
  from: Input,
  to: Input,
  fromMonth: Month,
  toMonth: Month,
});

export const TermCheck = z.strictObject({
  ...base,
  kind: z.literal('term'),
  /** A date item (an appointment): it lasts the educational year it falls in and the next ones, this many in all. */
  input: Input,
  educationalYears: PositiveInt,
});

export const DeadlineCheck = z.strictObject({
  ...base,
  kind: z.literal('deadline'),
  /** A date item (a document) due each educational year by month/day: the one of the visit's year. */
  input: Input,
  month: Month,
  day: z.number().int().min(1).max(31),
});

export const Check = z.discriminatedUnion('kind', [RangeCheck, EqualCheck, MonthSpanCheck, TermCheck, DeadlineCheck]);
export type Check = z.infer<typeof Check>;

/** The item kind each check needs for each input it reads. */
function inputsOf(check: Check): Array<{ item: string; kind: ItemKind }> {
  switch (check.kind) {
    case 'range':
      return [
        ...check.inputs.map((i) => ({ item: i.item, kind: 'count' as const })),
        ...(check.onlyIf ? [{ item: check.onlyIf.item, kind: 'yesno' as const }] : []),
      ];
    case 'equal':
      return check.expected.map((e) => ({ item: e.item, kind: e.value === 'yes' ? ('yesno' as const) : ('count' as const) }));
    case 'month_span':
      return [
        { item: check.from.item, kind: 'count' },
        { item: check.to.item, kind: 'count' },
      ];
    case 'term':
    case 'deadline':
      return [{ item: check.input.item, kind: 'date' }];
  }
}

/** Items read by some check: a `no` on them is that check's finding, not a finding of the item of its own. */
export function checkInputItems(checks: readonly Check[] | undefined): Set<string> {
  return new Set((checks ?? []).flatMap((c) => inputsOf(c).map((i) => i.item)));
}

/** Every check reads items the checklist has, of the kind it needs; ids are unique. Empty when consistent. */
export function checkInputsProblems(rs: { checks?: readonly Check[] | undefined }, checklist: Checklist): string[] {
  const problems: string[] = [];
  const items = new Map(checklist.items.map((i) => [i.id, i]));
  const ids = new Set<string>();
  for (const check of rs.checks ?? []) {
    if (ids.has(check.id)) problems.push(`controllo ripetuto: ${check.id}`);
    ids.add(check.id);
    for (const input of inputsOf(check)) {
      const item = items.get(input.item);
      if (!item) problems.push(`${check.id}: voce ${input.item} assente dalla scheda ${checklist.id}@${checklist.version}`);
      else if (item.kind !== input.kind) problems.push(`${check.id}: la voce ${input.item} è di tipo ${item.kind}, serve ${input.kind}`);
    }
    if (check.kind === 'range' && check.min === null && check.max === null) problems.push(`${check.id}: nessun limite`);
    if (check.kind === 'range' && check.min !== null && check.max !== null && check.min > check.max)
      problems.push(`${check.id}: minimo oltre il massimo`);
  }
  return problems;
}

/** Answers that no check could read: a calendar month outside 1-12. Each names the field, like validateAgainst. */
export function checkAnswerProblems(checks: readonly Check[] | undefined, file: InspectionFile): string[] {
  const problems: string[] = [];
  for (const check of checks ?? []) {
    const months =
      check.kind === 'month_span' ? [check.from, check.to] : check.kind === 'range' && check.unit === 'month' ? check.inputs : [];
    for (const input of months) {
      const v = file.answers?.[input.item]?.value;
      if (typeof v === 'number' && (v < 1 || v > 12))
        problems.push(`answers.${input.item}.value: mese non valido (${v}): serve un numero da 1 a 12`);
    }
  }
  return problems;
}

export function formatAmount(unit: CheckUnit, n: number): string {
  switch (unit) {
    case 'count':
      return String(n);
    case 'minutes': {
      const h = Math.floor(n / 60);
      const m = n % 60;
      return m ? `${h} h ${m} min` : `${h} h`;
    }
    case 'months':
      return n === 1 ? '1 mese' : `${n} mesi`;
    case 'month':
      return MONTH_NAMES[n - 1] ?? String(n);
  }
}

interface CheckContext {
  answers: NonNullable<InspectionFile['answers']>;
  date: IsoDate;
  educationalYearStartMonth: number;
}

/** A recorded value, or undefined when the item is not answered or answered "non applicabile". */
function valueOf(ctx: CheckContext, item: string): Exclude<AnswerValue, 'na'> | undefined {
  const v = ctx.answers[item]?.value;
  return v === 'na' ? undefined : v;
}

const yesNo = (v: AnswerValue | undefined) => (v === 'yes' ? 'sì' : v === 'no' ? 'no' : String(v));

function evaluateCheck(check: Check, ctx: CheckContext): { outcome: Outcome; message: string } {
  const na = (why: string) => ({ outcome: 'na' as const, message: `${check.subject}: ${why}` });
  const breach = (why: string) => ({ outcome: check.breach, message: `${check.subject}: ${why}` });
  const pass = (why: string) => ({ outcome: 'pass' as const, message: `${check.subject}: ${why}` });
  switch (check.kind) {
    case 'range': {
      if (check.onlyIf) {
        const gate = valueOf(ctx, check.onlyIf.item);
        if (gate === undefined) return na(`dato non rilevato: ${check.onlyIf.label}`);
        if (gate !== 'yes') return na(`non si applica (${check.onlyIf.label}: ${yesNo(gate)})`);
      }
      const { min, max, unit } = check;
      const bound =
        min !== null && max !== null
          ? `fra ${formatAmount(unit, min)} e ${formatAmount(unit, max)}`
          : min !== null
            ? `almeno ${formatAmount(unit, min)}`
            : `al massimo ${formatAmount(unit, max!)}`;
      const recorded = check.inputs.map((input) => ({ input, v: valueOf(ctx, input.item) }));
      const numbers = recorded.filter((r): r is { input: (typeof recorded)[number]['input']; v: number } => typeof r.v === 'number');
      const outside = numbers.filter((r) => (min !== null && r.v < min) || (max !== null && r.v > max));
      const said = (rs: typeof numbers) => rs.map((r) => `${r.input.label} ${formatAmount(unit, r.v)}`).join(', ');
      // A value out of bounds is a breach even when another input is missing; a pass needs them all.
      if (outside.length) return breach(`${said(outside)}: richiesto ${bound}`);
      if (numbers.length < recorded.length)
        return na(
          `dato non rilevato: ${recorded
            .filter((r) => typeof r.v !== 'number')
            .map((r) => r.input.label)
            .join(', ')}`,
        );
      return pass(`${said(numbers)} (richiesto ${bound})`);
    }
    case 'equal': {
      const recorded = check.expected.map((e) => ({ e, v: valueOf(ctx, e.item) }));
      const shown = (e: (typeof check.expected)[number], v: AnswerValue) => (e.value === 'yes' ? yesNo(v) : String(v));
      const wrong = recorded.filter((r) => r.v !== undefined && r.v !== r.e.value);
      if (wrong.length) return breach(wrong.map((r) => `${r.e.label} ${shown(r.e, r.v!)} (previsto ${shown(r.e, r.e.value)})`).join(', '));
      const missing = recorded.filter((r) => r.v === undefined);
      if (missing.length) return na(`dato non rilevato: ${missing.map((r) => r.e.label).join(', ')}`);
      return pass(recorded.map((r) => `${r.e.label} ${shown(r.e, r.v!)}`).join(', '));
    }
    case 'month_span': {
      const from = valueOf(ctx, check.from.item);
      const to = valueOf(ctx, check.to.item);
      if (typeof from !== 'number' || typeof to !== 'number')
        return na(
          `dato non rilevato: ${[typeof from !== 'number' ? check.from.label : null, typeof to !== 'number' ? check.to.label : null]
            .filter(Boolean)
            .join(', ')}`,
        );
      if (from < 1 || from > 12 || to < 1 || to > 12) return na('mese non valido (serve un numero da 1 a 12)');
      // Months counted from the allowed first month: the service's span must start and end inside the allowed one.
      const offset = (m: number) => (m - check.fromMonth + 12) % 12;
      const allowed = `${formatAmount('month', check.fromMonth)}–${formatAmount('month', check.toMonth)}`;
      const span = `da ${formatAmount('month', from)} a ${formatAmount('month', to)}`;
      return offset(from) <= offset(to) && offset(to) <= offset(check.toMonth)
        ? pass(`${span}, entro il periodo ${allowed}`)
        : breach(`${span}, oltre il periodo ${allowed}`);
    }
    case 'term': {
      const on = valueOf(ctx, check.input.item);
      if (typeof on !== 'string') return na('data non rilevata');
      if (compareDates(on, ctx.date) > 0) return na(`${check.input.label} ${formatItalianDate(on)}, dopo la data della visita`);
      const first = educationalYearStart(on, ctx.educationalYearStartMonth);
      const until = addDays(formatIsoDate({ year: first + check.educationalYears, month: ctx.educationalYearStartMonth, day: 1 }), -1);
      const said = `${check.input.label} ${formatItalianDate(on)}, in carica fino al ${formatItalianDate(until)}`;
      return compareDates(ctx.date, until) > 0 ? breach(`${said}: scaduto`) : pass(said);
    }
    case 'deadline': {
      const year = educationalYearStart(ctx.date, ctx.educationalYearStartMonth);
      const dueYear = check.month >= ctx.educationalYearStartMonth ? year : year + 1;
      const due = formatIsoDate({ year: dueYear, month: check.month, day: check.day });
      const previousDue = formatIsoDate({ year: dueYear - 1, month: check.month, day: check.day });
      const on = valueOf(ctx, check.input.item);
      const dueText = `termine ${formatItalianDate(due)}`;
      if (typeof on !== 'string') return na(`data non rilevata (${dueText})`);
      if (compareDates(on, ctx.date) > 0) return na(`${check.input.label} ${formatItalianDate(on)}, dopo la data della visita`);
      const said = `${check.input.label} ${formatItalianDate(on)}`;
      if (compareDates(on, previousDue) > 0 && compareDates(on, due) <= 0) return pass(`${said}, ${dueText}`);
      if (compareDates(on, due) > 0) return breach(`${said}, oltre il ${dueText}`);
      // An older document: this year's is missing, which is a breach only once this year's term has passed.
      return compareDates(ctx.date, due) > 0
        ? breach(`${said} è dell'anno precedente: manca quella dell'anno in corso (${dueText})`)
        : na(`${said} è dell'anno precedente; quella dell'anno in corso non è ancora dovuta (${dueText})`);
    }
  }
}

/**
 * The findings of a rule set's checks on a file, in the order the rule set lists them, appended to
 * `into` (the engine's list of findings: no array of their own to spread into it).
 */
export function checkFindings(
  checks: readonly Check[] | undefined,
  file: InspectionFile,
  educationalYearStartMonth: number,
  into: Finding[] = [],
): Finding[] {
  if (!checks) return into;
  const ctx: CheckContext = { answers: file.answers ?? {}, date: file.visit.date, educationalYearStartMonth };
  for (const check of checks) {
    const { outcome, message } = evaluateCheck(check, ctx);
    into.push({ rule: check.id, article: check.article, outcome, message });
  }
  return into;
}
