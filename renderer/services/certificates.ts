/** Certificate flags for the roster, from the rule set's `coverage` (never recomputed here). */
import { COURSES, COURSE_LABELS, type Course } from '../../shared/domain.ts';
import type { Person } from '../../shared/inspection.ts';
import { coverage, expiresSoon, titleProblem, type RuleSet } from '../../shared/rules/index.ts';
import type { Tone } from '../ui/Badge.tsx';
import { italianDate } from '../ui/format.ts';

export interface CourseFlag {
  course: Course;
  label: string;
  tone: Tone;
  text: string;
}

/** One flag per course the person holds a certificate for, as of `on`. */
export function courseFlags(rs: RuleSet, person: Person, on: string): CourseFlag[] {
  const held = new Set((person.trainings ?? []).map((t) => t.course));
  return COURSES.filter((c) => held.has(c)).map((course) => {
    const c = coverage(rs, person, course, on);
    const label = COURSE_LABELS[course];
    if (!c.valid) {
      const future = (person.trainings ?? []).every((t) => t.course !== course || t.completedOn > on);
      return { course, label, tone: 'bad', text: future ? 'non ancora conseguito' : (c.reason ?? 'non valido') };
    }
    if (expiresSoon(rs, c, on)) return { course, label, tone: 'warn', text: `in scadenza il ${italianDate(c.expiresOn)}` };
    return { course, label, tone: 'ok', text: c.expiresOn ? `valido fino al ${italianDate(c.expiresOn)}` : 'valido' };
  });
}

/** Why an educator's title does not meet art. 13, or null. */
export function titleFlag(rs: RuleSet, person: Person): string | null {
  if (person.role !== 'educatore') return null;
  return titleProblem(rs, person);
}
