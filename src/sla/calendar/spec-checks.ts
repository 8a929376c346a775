// Checks shared by the policy schema (calendar.schema.ts) and createCalendar, so
// a bad calendar gets the same message whether it comes from YAML or from code.
import type { CalendarSpec } from '../sla.types.js';
import { holidayCodeProblem } from './holiday-sources.js';
import { dayNumberOf, isTimeZone } from './zoned-time.js';

export const DEFAULT_HOURS: Array<[string, string]> = [
  ['09:00', '12:00'],
  ['13:00', '18:00'],
];
export const DEFAULT_WORKDAYS = [1, 2, 3, 4, 5];

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

/** Minutes after local midnight of `HH:MM` (00:00 … 24:00), or undefined when malformed. */
export function clockMinutes(text: string): number | undefined {
  if (!CLOCK.test(text)) return undefined;
  return Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));
}

export function timeZoneProblem(timeZone: string): string | undefined {
  return isTimeZone(timeZone) ? undefined : `'${timeZone}' is not an IANA time zone`;
}

/** Parses `'09:00-12:00'` into `['09:00', '12:00']`, or returns the problem. */
export function parseInterval(text: string): [string, string] | { problem: string } {
  const m = /^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$/.exec(text);
  if (!m || clockMinutes(m[1]) === undefined || clockMinutes(m[2]) === undefined) {
    return { problem: `'${text}' is not a working-hours interval: write 'HH:MM-HH:MM' (00:00 to 24:00), e.g. '09:00-12:00'` };
  }
  return [m[1], m[2]];
}

/** Problems with a day's working intervals: malformed times, an end not after its start, overlaps. */
export function hoursProblems(hours: Array<[string, string]>): string[] {
  if (hours.length === 0) return ['an office calendar needs at least one working-hours interval'];
  const problems: string[] = [];
  const parsed: Array<{ text: string; start: number; end: number }> = [];
  for (const [from, to] of hours) {
    const text = `${from}-${to}`;
    const start = clockMinutes(from);
    const end = clockMinutes(to);
    if (start === undefined || end === undefined) {
      problems.push(`'${text}' is not a working-hours interval: write 'HH:MM-HH:MM' (00:00 to 24:00), e.g. '09:00-12:00'`);
    } else if (end <= start) {
      problems.push(`'${text}': the end must be after the start (an interval cannot cross midnight)`);
    } else {
      parsed.push({ text, start, end });
    }
  }
  parsed.sort((a, b) => a.start - b.start);
  for (let i = 1; i < parsed.length; i++) {
    if (parsed[i].start < parsed[i - 1].end) problems.push(`'${parsed[i - 1].text}' and '${parsed[i].text}' overlap`);
  }
  return problems;
}

export function workdaysProblem(workdays: number[]): string | undefined {
  if (workdays.length === 0) return 'workdays must name at least one ISO weekday (1 = Monday … 7 = Sunday)';
  const bad = workdays.filter((d) => !Number.isInteger(d) || d < 1 || d > 7);
  if (bad.length > 0) return `workdays must be ISO weekdays 1 (Monday) to 7 (Sunday); got ${bad.join(', ')}`;
  return undefined;
}

export function dateProblem(text: string): string | undefined {
  return dayNumberOf(text) === undefined ? `'${text}' is not a date (YYYY-MM-DD)` : undefined;
}

export function extraDatesProblems(extraHolidays: string[], extraWorkdays: string[]): string[] {
  const problems = [...extraHolidays, ...extraWorkdays].map(dateProblem).filter((p): p is string => p !== undefined);
  const closed = new Set(extraHolidays);
  for (const d of new Set(extraWorkdays)) {
    if (closed.has(d)) problems.push(`'${d}' is in both extraHolidays and extraWorkdays`);
  }
  return problems;
}

/** Every problem with a spec (empty when it is usable). */
export function specProblems(spec: CalendarSpec): string[] {
  const problems: string[] = [];
  if (!spec.id || typeof spec.id !== 'string') problems.push('a calendar needs an id');
  const tz = timeZoneProblem(spec.timeZone);
  if (tz) problems.push(tz);
  if (spec.kind !== '24x7' && spec.kind !== 'office') problems.push(`kind must be '24x7' or 'office'; got '${String(spec.kind)}'`);
  if (spec.kind === 'office') {
    problems.push(...hoursProblems(spec.hours ?? DEFAULT_HOURS));
    const wd = workdaysProblem(spec.workdays ?? DEFAULT_WORKDAYS);
    if (wd) problems.push(wd);
    if (spec.holidays !== undefined) {
      const h = holidayCodeProblem(spec.holidays);
      if (h) problems.push(h);
    }
    problems.push(...extraDatesProblems(spec.extraHolidays ?? [], spec.extraWorkdays ?? []));
  }
  return problems;
}
