/** "Now" and "today" for the host, injectable so that tests and the demo can pin the date. */
import { civilDate, ITALIAN_TIME_ZONE } from '../shared/dates.ts';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Always the same instant: for tests and reproducible benchmarks. */
export function fixedClock(instant: string | Date): Clock {
  const at = new Date(instant);
  if (Number.isNaN(at.getTime())) throw new RangeError(`istante non valido: ${String(instant)}`);
  return { now: () => new Date(at) };
}

/** The civil date in Italy (the inspections happen there, whatever zone the laptop is set to). */
export const TIME_ZONE = ITALIAN_TIME_ZONE;

export function isoToday(clock: Clock, timeZone = TIME_ZONE): string {
  return civilDate(clock.now(), timeZone);
}
