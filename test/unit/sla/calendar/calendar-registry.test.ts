import { describe, it, expect } from '@jest/globals';
import { BUILT_IN_CALENDARS, CalendarRegistry, UnknownCalendarError } from '../../../../src/sla/calendar/calendar-registry.js';

const HOUR = 3_600_000;

describe('CalendarRegistry', () => {
  it('has the built-in calendars', () => {
    const registry = new CalendarRegistry();
    expect(registry.ids()).toEqual(['24x7', 'cn-standard', 'us-standard']);
    expect(BUILT_IN_CALENDARS.map((c) => c.id)).toEqual(['24x7', 'cn-standard', 'us-standard']);
    const cn = registry.get('cn-standard');
    expect([cn.kind, cn.timeZone, cn.workingDayMs, cn.holidays]).toEqual(['office', 'Asia/Shanghai', 8 * HOUR, 'CN']);
    const us = registry.get('us-standard');
    expect([us.kind, us.timeZone, us.workingDayMs, us.holidays]).toEqual(['office', 'America/New_York', 8 * HOUR, 'US']);
    expect(us.isWorkingTime(new Date('2026-03-10T16:59:00-04:00'))).toBe(true);
    expect(us.isWorkingTime(new Date('2026-03-10T17:00:00-04:00'))).toBe(false);
    const always = registry.get('24x7');
    expect([always.kind, always.workingDayMs]).toEqual(['24x7', 24 * HOUR]);
  });

  it('names the unknown id and the known ids', () => {
    const registry = new CalendarRegistry([{ id: 'cn-support', timeZone: 'Asia/Shanghai', kind: 'office', holidays: 'CN' }]);
    expect(() => registry.get('cn-suport')).toThrow(UnknownCalendarError);
    expect(() => registry.get('cn-suport')).toThrow(
      "Unknown calendar 'cn-suport'; known calendars: 24x7, cn-standard, cn-support, us-standard",
    );
    expect(registry.has('cn-support')).toBe(true);
    expect(registry.has('cn-suport')).toBe(false);
  });

  it('lets the policy replace a built-in, or leave the built-ins out', () => {
    const replaced = new CalendarRegistry([{ id: 'us-standard', timeZone: 'America/Chicago', kind: 'office', hours: [['08:00', '16:00']] }]);
    expect(replaced.get('us-standard').timeZone).toBe('America/Chicago');
    const only = new CalendarRegistry([{ id: 'mine', timeZone: 'UTC', kind: '24x7' }], { builtIns: false });
    expect(only.ids()).toEqual(['mine']);
    expect(() => only.get('24x7')).toThrow("Unknown calendar '24x7'; known calendars: mine");
  });

  it('fails at construction on a bad or duplicated spec', () => {
    expect(() => new CalendarRegistry([{ id: 'bad', timeZone: 'Mars/Olympus', kind: 'office' }])).toThrow(
      "calendar 'bad': 'Mars/Olympus' is not an IANA time zone",
    );
    const twice = { id: 'a', timeZone: 'UTC', kind: '24x7' as const };
    expect(() => new CalendarRegistry([twice, twice])).toThrow("calendar 'a' is defined twice");
  });

  it('warns about years the holiday data does not cover', () => {
    const registry = new CalendarRegistry();
    expect(registry.coverageWarnings([2025, 2026])).toEqual([]);
    expect(registry.coverageWarnings([2026, 2099])).toEqual([
      "calendar 'cn-standard': holiday data 'CN' does not cover 2099; only weekends and extraHolidays/extraWorkdays apply that year " +
        '(update the holiday package, or list the dates)',
    ]);
  });
});
