// The `calendars:` section of the policy YAML, and createCalendar's own checks (same messages).
import { describe, it, expect } from '@jest/globals';
import { parse } from 'yaml';
import { calendarsSchema } from '../../../../src/sla/calendar/calendar.schema.js';
import { createCalendar } from '../../../../src/sla/calendar/working-calendar.js';
import { CalendarRegistry } from '../../../../src/sla/calendar/calendar-registry.js';

/** The messages zod reports for one calendar entry, as `path: message`. */
function problems(entry: unknown): string[] {
  const result = calendarsSchema.safeParse({ support: entry });
  if (result.success) return [];
  return result.error.issues.map((i) => `${i.path.slice(1).join('.')}: ${i.message}`);
}

const office = { timeZone: 'Asia/Shanghai', hours: ['09:00-12:00', '13:00-18:00'] };

describe('calendarsSchema accepts', () => {
  it('a policy YAML calendars section and turns it into CalendarSpecs', () => {
    const yaml = `
calendars:
  cn-support:
    timeZone: Asia/Shanghai
    hours: ['09:00-12:00', '13:00-18:00']
    workdays: [1, 2, 3, 4, 5]
    holidays: CN
    extraHolidays: ['2026-12-31']
    extraWorkdays: ['2026-12-26']
  ca-field:
    timeZone: America/Los_Angeles
    hours: ['08:00-16:30']
    holidays: US-CA
  night-desk:
    kind: 24x7
    timeZone: UTC
`;
    const specs = calendarsSchema.parse(parse(yaml).calendars);
    expect(specs).toEqual([
      {
        id: 'cn-support',
        kind: 'office',
        timeZone: 'Asia/Shanghai',
        hours: [
          ['09:00', '12:00'],
          ['13:00', '18:00'],
        ],
        workdays: [1, 2, 3, 4, 5],
        holidays: 'CN',
        extraHolidays: ['2026-12-31'],
        extraWorkdays: ['2026-12-26'],
      },
      { id: 'ca-field', kind: 'office', timeZone: 'America/Los_Angeles', hours: [['08:00', '16:30']], holidays: 'US-CA' },
      { id: 'night-desk', kind: '24x7', timeZone: 'UTC' },
    ]);
    const registry = new CalendarRegistry(specs);
    expect(registry.get('cn-support').isWorkingDay('2026-12-26')).toBe(true); // a Saturday, opened
    expect(registry.get('ca-field').workingDayMs).toBe(8.5 * 3_600_000);
  });

  it('an entry with only a time zone (defaults apply)', () => {
    expect(calendarsSchema.parse({ plain: { timeZone: 'Europe/Berlin' } })).toEqual([
      { id: 'plain', kind: 'office', timeZone: 'Europe/Berlin' },
    ]);
  });

  it('an interval ending at 24:00 and loose spacing', () => {
    expect(problems({ timeZone: 'UTC', hours: ['20:00 - 24:00', '0:00-02:00'] })).toEqual([
      "hours.1: '0:00-02:00' is not a working-hours interval: write 'HH:MM-HH:MM' (00:00 to 24:00), e.g. '09:00-12:00'",
    ]);
    expect(problems({ timeZone: 'UTC', hours: ['20:00 - 24:00', '00:00-02:00'] })).toEqual([]);
  });
});

describe('calendarsSchema rejects, naming the value', () => {
  it('a misspelt time zone', () => {
    expect(problems({ ...office, timeZone: 'Asia/Shangai' })).toEqual(["timeZone: 'Asia/Shangai' is not an IANA time zone"]);
    expect(problems({ ...office, timeZone: '+08:00' })).toEqual(["timeZone: '+08:00' is not an IANA time zone"]);
  });

  it('badly written hours', () => {
    expect(problems({ ...office, hours: ['9-12'] })).toEqual([
      "hours.0: '9-12' is not a working-hours interval: write 'HH:MM-HH:MM' (00:00 to 24:00), e.g. '09:00-12:00'",
    ]);
    expect(problems({ ...office, hours: ['09:00-25:00'] })[0]).toMatch(/^hours\.0: '09:00-25:00' is not a working-hours interval/);
    expect(problems({ ...office, hours: ['09:60-12:00'] })[0]).toMatch(/is not a working-hours interval/);
  });

  it('an interval whose end is not after its start', () => {
    expect(problems({ ...office, hours: ['18:00-09:00'] })).toEqual([
      "hours: '18:00-09:00': the end must be after the start (an interval cannot cross midnight)",
    ]);
    expect(problems({ ...office, hours: ['09:00-09:00'] })[0]).toMatch(/the end must be after the start/);
  });

  it('overlapping intervals', () => {
    expect(problems({ ...office, hours: ['13:00-18:00', '09:00-13:30'] })).toEqual([
      "hours: '09:00-13:30' and '13:00-18:00' overlap",
    ]);
  });

  it('no hours at all', () => {
    expect(problems({ ...office, hours: [] })).toEqual(['hours: an office calendar needs at least one working-hours interval']);
  });

  it('weekdays outside 1–7, or none', () => {
    expect(problems({ ...office, workdays: [0, 1, 8] })).toEqual([
      'workdays: workdays must be ISO weekdays 1 (Monday) to 7 (Sunday); got 0, 8',
    ]);
    expect(problems({ ...office, workdays: [] })[0]).toMatch(/at least one ISO weekday/);
  });

  it('an unknown holiday source', () => {
    expect(problems({ ...office, holidays: 'XX' })[0]).toMatch(/^holidays: 'XX' is not a holiday calendar: unknown country 'XX'/);
    expect(problems({ ...office, holidays: 'US-ZZ' })).toEqual(["holidays: 'US-ZZ' is not a holiday calendar: 'US' has no state 'ZZ'"]);
    expect(problems({ ...office, holidays: 'china' })[0]).toMatch(/^holidays: 'china' is not a holiday calendar: use 'CN'/);
  });

  it('impossible extra dates, and a date both closed and opened', () => {
    expect(problems({ ...office, extraHolidays: ['2026-02-30'] })).toEqual(["extraHolidays.0: '2026-02-30' is not a date (YYYY-MM-DD)"]);
    expect(problems({ ...office, extraWorkdays: ['2026/02/14'] })).toEqual(["extraWorkdays.0: '2026/02/14' is not a date (YYYY-MM-DD)"]);
    expect(problems({ ...office, extraHolidays: ['2026-02-14'], extraWorkdays: ['2026-02-14'] })).toEqual([
      "extraWorkdays: '2026-02-14' is in both extraHolidays and extraWorkdays",
    ]);
  });

  it('office settings on a 24x7 calendar, unknown keys and bad ids', () => {
    expect(problems({ kind: '24x7', timeZone: 'UTC', hours: ['09:00-18:00'] })).toEqual([
      'hours: a 24x7 calendar counts every instant; remove hours',
    ]);
    expect(problems({ ...office, hollidays: 'CN' })[0]).toMatch(/hollidays/);
    expect(calendarsSchema.safeParse({ 'bad id': { timeZone: 'UTC' } }).success).toBe(false);
  });
});

describe('createCalendar rejects the same specs with the same messages', () => {
  it('lists every problem, prefixed by the calendar id', () => {
    expect(() => createCalendar({ id: 'x', kind: 'office', timeZone: 'Asia/Shangai' })).toThrow(
      "calendar 'x': 'Asia/Shangai' is not an IANA time zone",
    );
    expect(() =>
      createCalendar({
        id: 'y',
        kind: 'office',
        timeZone: 'UTC',
        hours: [
          ['09:00', '12:00'],
          ['11:00', '10:00'],
          ['11:30', '13:00'],
        ],
        holidays: 'ZZ',
      }),
    ).toThrow(
      "calendar 'y': '11:00-10:00': the end must be after the start (an interval cannot cross midnight); " +
        "'09:00-12:00' and '11:30-13:00' overlap; " +
        "'ZZ' is not a holiday calendar: unknown country 'ZZ'; use 'CN' or a date-holidays country/state code such as 'US' or 'US-CA'",
    );
    expect(() => createCalendar({ id: 'z', kind: 'office', timeZone: 'UTC', hours: [['9:00', '12:00']] })).toThrow(
      /'9:00-12:00' is not a working-hours interval/,
    );
  });
});
