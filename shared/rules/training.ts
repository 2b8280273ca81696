/** Certificates: which training makes a person covered on a date, and until when. */
import { addDays, addYears, compareDates, formatItalianDate, type IsoDate } from '../dates.ts';
import { COURSES, type Course } from '../domain.ts';
import type { Person } from '../inspection.ts';
import type { RuleSet } from './ruleset.ts';

type Training = NonNullable<Person['trainings']>[number];

const COURSE_INDEX = Object.fromEntries(COURSES.map((c, i) => [c, i])) as Record<Course, number>;

export interface Coverage {
  /** The course counts on the visit date. */
  valid: boolean;
  /** First day it no longer counts; null when it never expires or there is no qualifying course. */
  expiresOn: IsoDate | null;
  /** Why it does not count, in Italian, when it does not. */
  reason?: string;
}

/**
 * Coverage of one person for one course on a date. A full course counts with at least `minHours`
 * (and at most `maxHours`); a refresher counts with at least `refreshHours` once a full course came
 * before it, and restarts the validity. Courses dated after the visit are not considered.
 */
export function coverage(rs: RuleSet, person: Person, course: Course, on: IsoDate, minHoursOverride?: number): Coverage {
  const rule = rs.training.courses[course];
  const minHours = minHoursOverride ?? rule.minHours;
  const taken: Training[] = [];
  for (const t of person.trainings ?? []) if (t.course === course && compareDates(t.completedOn, on) <= 0) taken.push(t);
  if (!taken.length) return { valid: false, expiresOn: null, reason: 'nessun attestato' };
  if (taken.length > 1) taken.sort((a, b) => compareDates(a.completedOn, b.completedOn));

  let latestQualifying: IsoDate | null = null;
  let hadFullCourse = false;
  let shortfall: string | undefined;
  for (const t of taken) {
    const isFull = !t.refresh && t.hours >= minHours && (rule.maxHours === null || t.hours <= rule.maxHours);
    const isRefresh = Boolean(t.refresh) && rule.refreshHours !== null && t.hours >= rule.refreshHours && hadFullCourse;
    if (isFull) hadFullCourse = true;
    if (isFull || isRefresh) latestQualifying = t.completedOn;
    else if (t.refresh && !hadFullCourse) shortfall = 'aggiornamento senza corso completo precedente';
    else
      shortfall = `corso di ${t.hours} ore (richieste ${t.refresh ? rule.refreshHours : minHours}${rule.maxHours && !t.refresh ? `-${rule.maxHours}` : ''})`;
  }
  if (!latestQualifying) return { valid: false, expiresOn: null, reason: shortfall ?? 'attestato non idoneo' };
  if (rule.validityYears === null) return { valid: true, expiresOn: null };
  const expiresOn = addYears(latestQualifying, rule.validityYears);
  if (compareDates(on, expiresOn) < 0) return { valid: true, expiresOn };
  return { valid: false, expiresOn, reason: `scaduto il ${formatItalianDate(expiresOn)}` };
}

/** The coverage expires within the warning window after the visit. */
export function expiresSoon(rs: RuleSet, c: Coverage, on: IsoDate): boolean {
  return c.valid && c.expiresOn !== null && compareDates(c.expiresOn, addDays(on, rs.training.expiryWarningDays)) <= 0;
}

/**
 * The coverages one visit's rules ask for, each computed once: the fire, first-aid, RSPP, RLS and
 * HACCP rules look at the same person's same course several times (valid? why not? expiring?).
 * One per evaluation: it holds the visit's date and the end of the warning window after it.
 */
export class CoverageBook {
  /** Per person, the coverage of each course (COURSES order) with the course's own minimum hours. */
  private readonly memo = new Map<Person, Array<Coverage | undefined>>();
  /** The rarer questions with other minimum hours (the HACCP manager of a structure with a kitchen). */
  private readonly other = new Map<Person, Map<string, Coverage>>();
  private readonly warnUntil: IsoDate;

  constructor(
    private readonly rs: RuleSet,
    private readonly on: IsoDate,
  ) {
    this.warnUntil = addDays(on, rs.training.expiryWarningDays);
  }

  /** `coverage(rs, person, course, on, minHours)`, the same object for the same question. */
  of(person: Person, course: Course, minHours?: number): Coverage {
    if (minHours !== undefined && minHours !== this.rs.training.courses[course].minHours) {
      let byKey = this.other.get(person);
      if (!byKey) this.other.set(person, (byKey = new Map()));
      const key = `${course}:${minHours}`;
      let c = byKey.get(key);
      if (!c) byKey.set(key, (c = coverage(this.rs, person, course, this.on, minHours)));
      return c;
    }
    let slots = this.memo.get(person);
    if (!slots) this.memo.set(person, (slots = new Array<Coverage | undefined>(COURSES.length)));
    const i = COURSE_INDEX[course];
    return (slots[i] ??= coverage(this.rs, person, course, this.on));
  }

  /** `expiresSoon(rs, c, on)`. */
  soon(c: Coverage): boolean {
    return c.valid && c.expiresOn !== null && compareDates(c.expiresOn, this.warnUntil) <= 0;
  }
}

export function personLabel(p: Person): string {
  return p.name?.trim() ? p.name.trim() : p.id;
}
