/** Certificates: which training makes a person covered on a date, and until when. */
import { addDays, addYears, compareDates, formatItalianDate, type IsoDate } from '../dates.ts';
import { COURSES, type Course } from '../domain.ts';
import type { Person } from '../inspection.ts';
import type { RuleSet } from './ruleset.ts';

type Training = NonNullable<Person['trainings']>[number];

/**
 * A course's position in COURSES. A switch rather than a lookup table: the book asks it for every
 * certificate and every question, and a table read by ever-changing keys is a megamorphic lookup.
 */
function courseIndex(course: Course): number {
  switch (course) {
    case 'first_aid':
      return 0;
    case 'fire':
      return 1;
    case 'rspp':
      return 2;
    case 'rls':
      return 3;
    case 'haccp_manager':
      return 4;
    case 'haccp_simple':
      return 5;
    case 'haccp_complex':
      return 6;
  }
}

export interface Coverage {
  /** The course counts on the visit date. */
  valid: boolean;
  /** First day it no longer counts; null when it never expires or there is no qualifying course. */
  expiresOn: IsoDate | null;
  /** Why it does not count, in Italian, when it does not. */
  reason?: string;
}

/** What `coverage` answers for a course the person has no certificate of (up to the date): shared, read-only. */
const NO_CERTIFICATE: Coverage = Object.freeze({ valid: false, expiresOn: null, reason: 'nessun attestato' });

/**
 * Coverage of one person for one course on a date. A full course counts with at least `minHours`
 * (and at most `maxHours`); a refresher counts with at least `refreshHours` once a full course came
 * before it, and restarts the validity. Courses dated after the visit are not considered.
 */
export function coverage(rs: RuleSet, person: Person, course: Course, on: IsoDate, minHoursOverride?: number): Coverage {
  const rule = rs.training.courses[course];
  const minHours = minHoursOverride ?? rule.minHours;
  // The certificates of the course up to the visit, oldest first; the usual single one needs no list.
  let first: Training | undefined;
  let taken: Training[] | undefined;
  for (const t of person.trainings ?? [])
    if (t.course === course && compareDates(t.completedOn, on) <= 0) {
      if (first === undefined) first = t;
      else (taken ??= [first]).push(t);
    }
  if (first === undefined) return { valid: false, expiresOn: null, reason: 'nessun attestato' };
  if (taken) byCompletion(taken);

  let latestQualifying: IsoDate | null = null;
  let hadFullCourse = false;
  // The last certificate that did not count, and whether it was a refresher with no full course before it.
  let missed: Training | undefined;
  let missedRefresh = false;
  const n = taken ? taken.length : 1;
  for (let k = 0; k < n; k++) {
    const t = taken ? taken[k]! : first;
    const isFull = !t.refresh && t.hours >= minHours && (rule.maxHours === null || t.hours <= rule.maxHours);
    const isRefresh = Boolean(t.refresh) && rule.refreshHours !== null && t.hours >= rule.refreshHours && hadFullCourse;
    if (isFull) hadFullCourse = true;
    if (isFull || isRefresh) latestQualifying = t.completedOn;
    else {
      missed = t;
      missedRefresh = Boolean(t.refresh) && !hadFullCourse;
    }
  }
  if (!latestQualifying) {
    const reason = !missed
      ? 'attestato non idoneo'
      : missedRefresh
        ? 'aggiornamento senza corso completo precedente'
        : `corso di ${missed.hours} ore (richieste ${missed.refresh ? rule.refreshHours : minHours}${rule.maxHours && !missed.refresh ? `-${rule.maxHours}` : ''})`;
    return { valid: false, expiresOn: null, reason };
  }
  if (rule.validityYears === null) return { valid: true, expiresOn: null };
  const expiresOn = addYears(latestQualifying, rule.validityYears);
  if (compareDates(on, expiresOn) < 0) return { valid: true, expiresOn };
  return { valid: false, expiresOn, reason: `scaduto il ${formatItalianDate(expiresOn)}` };
}

/** Sorts certificates by completion date, in place and stable (what `sort` with compareDates gives), for the few a person has. */
function byCompletion(taken: Training[]): void {
  for (let k = 1; k < taken.length; k++) {
    const t = taken[k]!;
    let j = k - 1;
    for (; j >= 0 && compareDates(taken[j]!.completedOn, t.completedOn) > 0; j--) taken[j + 1] = taken[j]!;
    taken[j + 1] = t;
  }
}

/** The coverage expires within the warning window after the visit. */
export function expiresSoon(rs: RuleSet, c: Coverage, on: IsoDate): boolean {
  return c.valid && c.expiresOn !== null && compareDates(c.expiresOn, addDays(on, rs.training.expiryWarningDays)) <= 0;
}

/**
 * The coverages one visit's rules ask for, each computed once: the fire, first-aid, RSPP, RLS and
 * HACCP rules look at the same person's same course several times (valid? why not? expiring?).
 * One per evaluation, over the file's `people` by position: it holds the visit's date and the end
 * of the warning window after it.
 */
export class CoverageBook {
  // Fields `declare`d and set in the constructor only: one per evaluation, and ES2022 class fields
  // would first define each as undefined (an initializer that showed in the profile), then assign it.
  /** people × COURSES, the course's own minimum hours: filled once, NO_CERTIFICATE where the person has none. */
  declare private readonly slots: Coverage[];
  /** The rarer question with other minimum hours (the HACCP manager of a structure with a kitchen), and those hours. */
  declare private other: Array<Coverage | undefined> | undefined;
  declare private otherHours: Array<number | undefined> | undefined;
  declare private readonly warnUntil: IsoDate;
  declare private readonly rs: RuleSet;
  declare private readonly people: readonly Person[];
  declare private readonly on: IsoDate;

  constructor(rs: RuleSet, people: readonly Person[], on: IsoDate) {
    this.rs = rs;
    this.people = people;
    this.on = on;
    this.other = undefined;
    this.otherHours = undefined;
    this.warnUntil = addDays(on, rs.training.expiryWarningDays);
    // Every rule asks about every person, and most people hold a couple of the seven courses: one
    // pass over each person's trainings finds those, and only those get a coverage() of their own.
    const slots = new Array<Coverage>(people.length * COURSES.length).fill(NO_CERTIFICATE);
    for (let i = 0; i < people.length; i++) {
      const trainings = people[i]!.trainings;
      if (!trainings) continue;
      let held = 0;
      for (const t of trainings) if (compareDates(t.completedOn, on) <= 0) held |= 1 << courseIndex(t.course);
      for (let c = 0; held !== 0; c++, held >>>= 1)
        if (held & 1 && c < COURSES.length) slots[i * COURSES.length + c] = coverage(rs, people[i]!, COURSES[c]!, on);
    }
    this.slots = slots;
  }

  /** `coverage(rs, people[i], course, on, minHours)`, the same object for the same question. */
  of(i: number, course: Course, minHours?: number): Coverage {
    const at = i * COURSES.length + courseIndex(course);
    const c = this.slots[at]!;
    // No certificate of the course is no certificate whatever the hours asked.
    if (c === NO_CERTIFICATE || minHours === undefined || minHours === this.rs.training.courses[course].minHours) return c;
    this.other ??= new Array<Coverage | undefined>(this.slots.length);
    this.otherHours ??= new Array<number | undefined>(this.slots.length);
    if (this.otherHours[at] !== minHours) {
      this.other[at] = coverage(this.rs, this.people[i]!, course, this.on, minHours);
      this.otherHours[at] = minHours;
    }
    return this.other[at]!;
  }

  /** `expiresSoon(rs, c, on)`. */
  soon(c: Coverage): boolean {
    return c.valid && c.expiresOn !== null && compareDates(c.expiresOn, this.warnUntil) <= 0;
  }
}

export function personLabel(p: Person): string {
  return p.name?.trim() ? p.name.trim() : p.id;
}
