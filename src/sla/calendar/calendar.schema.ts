// The `calendars:` section of the policy YAML:
//
//   calendars:
//     cn-support:
//       timeZone: Asia/Shanghai
//       hours: ['09:00-12:00', '13:00-18:00']
//       workdays: [1, 2, 3, 4, 5]
//       holidays: CN
//       extraHolidays: ['2026-12-31']
//       extraWorkdays: []
//     night-desk: { kind: 24x7, timeZone: UTC }
//
// Every message names the offending value, e.g. "'Asia/Shangai' is not an IANA time zone".
import { z } from 'zod';
import type { CalendarSpec } from '../sla.types.js';
import { holidayCodeProblem } from './holiday-sources.js';
import {
  dateProblem,
  extraDatesProblems,
  hoursProblems,
  parseInterval,
  timeZoneProblem,
  workdaysProblem,
} from './spec-checks.js';

/** `'09:00-12:00'` → `['09:00', '12:00']`. */
const interval = z.string().transform((text, ctx): [string, string] => {
  const parsed = parseInterval(text);
  if ('problem' in parsed) {
    ctx.addIssue({ code: 'custom', message: parsed.problem, input: text });
    return z.NEVER;
  }
  return parsed;
});

const isoDate = z.string().superRefine((text, ctx) => {
  const problem = dateProblem(text);
  if (problem) ctx.addIssue({ code: 'custom', message: problem, input: text });
});

export const calendarEntrySchema = z
  .strictObject({
    kind: z.enum(['24x7', 'office']).default('office'),
    timeZone: z.string(),
    hours: z.array(interval).optional(),
    workdays: z.array(z.number()).optional(),
    holidays: z.string().optional(),
    extraHolidays: z.array(isoDate).optional(),
    extraWorkdays: z.array(isoDate).optional(),
  })
  .superRefine((entry, ctx) => {
    const issue = (message: string, path: string) => ctx.addIssue({ code: 'custom', message, path: [path] });
    const tz = timeZoneProblem(entry.timeZone);
    if (tz) issue(tz, 'timeZone');
    if (entry.kind === '24x7') {
      const officeOnly = (['hours', 'workdays', 'holidays', 'extraHolidays', 'extraWorkdays'] as const).filter(
        (key) => entry[key] !== undefined,
      );
      if (officeOnly.length > 0) issue(`a 24x7 calendar counts every instant; remove ${officeOnly.join(', ')}`, officeOnly[0]);
      return;
    }
    if (entry.hours) for (const problem of hoursProblems(entry.hours)) issue(problem, 'hours');
    if (entry.workdays) {
      const problem = workdaysProblem(entry.workdays);
      if (problem) issue(problem, 'workdays');
    }
    if (entry.holidays !== undefined) {
      const problem = holidayCodeProblem(entry.holidays);
      if (problem) issue(problem, 'holidays');
    }
    // Malformed dates were reported per item above; here only a date listed as both closed and open.
    const both = extraDatesProblems(entry.extraHolidays ?? [], entry.extraWorkdays ?? []).filter((p) => p.includes('both'));
    for (const problem of both) issue(problem, 'extraWorkdays');
  });

export type CalendarEntry = z.infer<typeof calendarEntrySchema>;

const calendarId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a calendar id is letters, digits, dot, dash or underscore, e.g. cn-support');

/** `calendars: { <id>: entry }` → CalendarSpec[] (ids from the keys), ready for `new CalendarRegistry(specs)`. */
export const calendarsSchema = z
  .record(calendarId, calendarEntrySchema)
  .transform((entries): CalendarSpec[] => Object.entries(entries).map(([id, entry]) => toSpec(id, entry)));

function toSpec(id: string, entry: CalendarEntry): CalendarSpec {
  const spec: CalendarSpec = { id, timeZone: entry.timeZone, kind: entry.kind };
  if (entry.hours) spec.hours = entry.hours;
  if (entry.workdays) spec.workdays = entry.workdays;
  if (entry.holidays !== undefined) spec.holidays = entry.holidays;
  if (entry.extraHolidays) spec.extraHolidays = entry.extraHolidays;
  if (entry.extraWorkdays) spec.extraWorkdays = entry.extraWorkdays;
  return spec;
}
