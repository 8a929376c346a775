// extraHolidays / extraWorkdays on top of the holiday source, other weekly patterns, and holiday coverage.
import { describe, it, expect } from '@jest/globals';
import type { CalendarSpec } from '../../../../src/sla/sla.types.js';
import { createCalendar } from '../../../../src/sla/calendar/working-calendar.js';

const HOUR = 3_600_000;
const at = (text: string) => new Date(text);
const iso = (text: string) => at(text).toISOString();
const cnSpec: CalendarSpec = { id: 'cn-support', timeZone: 'Asia/Shanghai', kind: 'office', holidays: 'CN' };

describe('extraHolidays and extraWorkdays', () => {
  const cal = createCalendar({
    ...cnSpec,
    extraHolidays: ['2026-03-10', '2026-02-14'], // an ordinary Tuesday; the make-up Saturday before Spring Festival
    extraWorkdays: ['2026-03-14', '2026-02-16'], // an ordinary Saturday; a Spring Festival holiday
  });

  it('closes an ordinary working day', () => {
    expect(cal.isWorkingDay('2026-03-10')).toBe(false);
    expect(cal.addWorkingTime(at('2026-03-09T17:00:00+08:00'), 2 * HOUR).toISOString()).toBe(iso('2026-03-11T10:00:00+08:00'));
  });

  it('opens an ordinary weekend day', () => {
    expect(cal.isWorkingDay('2026-03-14')).toBe(true);
    expect(cal.isWorkingDay('2026-03-15')).toBe(false);
    expect(cal.addWorkingTime(at('2026-03-13T17:00:00+08:00'), 2 * HOUR).toISOString()).toBe(iso('2026-03-14T10:00:00+08:00'));
  });

  it('overrides the holiday source both ways', () => {
    expect(cal.isWorkingDay('2026-02-14')).toBe(false); // make-up day closed
    expect(cal.isWorkingDay('2026-02-16')).toBe(true); // public holiday opened
    expect(cal.isWorkingDay('2026-02-17')).toBe(false);
    // Fri Feb 13 17:00 + 2 h: 1 h on Friday, Sat 14 closed, Sun 15 holiday, 1 h on Mon 16.
    expect(cal.addWorkingTime(at('2026-02-13T17:00:00+08:00'), 2 * HOUR).toISOString()).toBe(iso('2026-02-16T10:00:00+08:00'));
  });
});

describe('weekly patterns and hours other than the default', () => {
  it('defaults to 09:00–12:00 + 13:00–18:00, Monday to Friday', () => {
    const cal = createCalendar({ id: 'plain', timeZone: 'Europe/Berlin', kind: 'office' });
    expect(cal.workingDayMs).toBe(8 * HOUR);
    expect(cal.coverage(2026)).toBe('no-holidays');
    expect(cal.isWorkingDay('2026-12-25')).toBe(true); // no holiday source: Christmas Friday is worked
    expect(cal.isWorkingDay('2026-12-26')).toBe(false);
    expect(cal.addWorkingTime(at('2026-03-27T17:30:00+01:00'), HOUR).toISOString()).toBe(iso('2026-03-30T09:30:00+02:00'));
  });

  it('a Monday-to-Saturday team in China still gets Saturdays inside a holiday off', () => {
    const cal = createCalendar({ ...cnSpec, workdays: [1, 2, 3, 4, 5, 6] });
    expect(cal.isWorkingDay('2026-03-07')).toBe(true); // ordinary Saturday
    expect(cal.isWorkingDay('2026-02-21')).toBe(false); // Saturday inside Spring Festival
    expect(cal.isWorkingDay('2026-03-08')).toBe(false); // ordinary Sunday
    expect(cal.isWorkingDay('2026-01-04')).toBe(true); // make-up Sunday
  });

  it('several intervals and a 24:00 end', () => {
    const cal = createCalendar({
      id: 'late',
      timeZone: 'Asia/Tokyo',
      kind: 'office',
      hours: [
        ['20:00', '24:00'],
        ['08:00', '10:00'],
      ],
      workdays: [1, 2, 3, 4, 5, 6, 7],
    });
    expect(cal.workingDayMs).toBe(6 * HOUR);
    expect(cal.isWorkingTime(at('2026-05-01T23:59:00+09:00'))).toBe(true);
    expect(cal.isWorkingTime(at('2026-05-02T00:00:00+09:00'))).toBe(false);
    expect(cal.addWorkingTime(at('2026-05-01T23:00:00+09:00'), 2 * HOUR).toISOString()).toBe(iso('2026-05-02T09:00:00+09:00'));
  });

  it('accepts a Saturday-only team and rejects an empty weekly pattern', () => {
    const cal = createCalendar({ ...cnSpec, workdays: [6] });
    expect(cal.isWorkingDay('2026-03-07')).toBe(true);
    expect(cal.isWorkingDay('2026-03-09')).toBe(false);
    expect(() => createCalendar({ ...cnSpec, workdays: [] })).toThrow(/at least one ISO weekday/);
  });
});

describe('holiday coverage', () => {
  const cal = createCalendar(cnSpec);

  it('reports years chinese-days covers as full', () => {
    for (const year of [2004, 2020, 2025, 2026]) expect([year, cal.coverage(year)]).toEqual([year, 'full']);
  });

  it('falls back to weekends only for a year chinese-days has no data for', () => {
    expect(cal.coverage(2099)).toBe('weekends-only');
    expect(cal.isWorkingDay('2099-01-01')).toBe(true); // a Thursday: no New Year data, so worked
    expect(cal.isWorkingDay('2099-01-03')).toBe(false); // a Saturday
    expect(cal.addWorkingTime(at('2099-01-02T17:00:00+08:00'), 2 * HOUR).toISOString()).toBe(iso('2099-01-05T10:00:00+08:00'));
  });

  it('extra dates still apply in an uncovered year', () => {
    const patched = createCalendar({ ...cnSpec, extraHolidays: ['2099-01-01'] });
    expect(patched.isWorkingDay('2099-01-01')).toBe(false);
  });

  it('date-holidays is rule-based and covers every year', () => {
    const us = createCalendar({ id: 'us', timeZone: 'America/New_York', kind: 'office', holidays: 'US' });
    expect(us.coverage(2099)).toBe('full');
    expect(us.isWorkingDay('2099-12-25')).toBe(false);
  });
});
