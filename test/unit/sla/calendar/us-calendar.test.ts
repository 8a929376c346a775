// us-standard (America/New_York, 09:00–17:00, Mon–Fri, holidays US), a US-CA calendar and 24x7, on real
// 2026 dates: DST starts Sun Mar 8 (02:00 → 03:00) and ends Sun Nov 1 (02:00 → 01:00); July 4 is a Saturday,
// observed on Friday July 3.
import { describe, it, expect } from '@jest/globals';
import { CalendarRegistry } from '../../../../src/sla/calendar/calendar-registry.js';
import { createCalendar } from '../../../../src/sla/calendar/working-calendar.js';

const HOUR = 3_600_000;
const registry = new CalendarRegistry();
const us = registry.get('us-standard');
const always = registry.get('24x7');
const ca = createCalendar({
  id: 'us-ca',
  timeZone: 'America/Los_Angeles',
  kind: 'office',
  hours: [['09:00', '17:00']],
  holidays: 'US-CA',
});
const at = (text: string) => new Date(text);
const iso = (text: string) => at(text).toISOString();

describe('us-standard across daylight saving time', () => {
  it('has an 8-hour working day', () => {
    expect(us.workingDayMs).toBe(8 * HOUR);
    expect(us.coverage(2026)).toBe('full');
  });

  it('spring forward (Mar 8 2026): Monday is still 8 working hours, on EDT', () => {
    expect(us.workingTimeBetween(at('2026-03-09T00:00:00-04:00'), at('2026-03-10T00:00:00-04:00'))).toBe(8 * HOUR);
    expect(us.isWorkingTime(at('2026-03-09T13:00:00Z'))).toBe(true); // 09:00 EDT
    expect(us.isWorkingTime(at('2026-03-09T12:30:00Z'))).toBe(false); // 08:30 EDT
    // Friday 16:00 EST + 2 h → Monday 10:00 EDT.
    expect(us.addWorkingTime(at('2026-03-06T16:00:00-05:00'), 2 * HOUR).toISOString()).toBe(iso('2026-03-09T10:00:00-04:00'));
    expect(us.workingTimeBetween(at('2026-03-06T09:00:00-05:00'), at('2026-03-09T17:00:00-04:00'))).toBe(16 * HOUR);
  });

  it('fall back (Nov 1 2026): Monday is still 8 working hours, on EST', () => {
    expect(us.workingTimeBetween(at('2026-11-02T00:00:00-05:00'), at('2026-11-03T00:00:00-05:00'))).toBe(8 * HOUR);
    expect(us.isWorkingTime(at('2026-11-02T14:00:00Z'))).toBe(true); // 09:00 EST
    expect(us.isWorkingTime(at('2026-11-02T13:30:00Z'))).toBe(false); // 08:30 EST
    expect(us.addWorkingTime(at('2026-10-30T16:00:00-04:00'), 2 * HOUR).toISOString()).toBe(iso('2026-11-02T10:00:00-05:00'));
  });

  it('counts real elapsed time when working hours straddle the DST switch itself', () => {
    const night = createCalendar({ id: 'sun-night', timeZone: 'America/New_York', kind: 'office', hours: [['01:00', '04:00']], workdays: [7] });
    // Mar 8: 01:00 EST → 04:00 EDT is 2 real hours; 02:00–03:00 never happens.
    expect(night.workingTimeBetween(at('2026-03-08T00:00:00-05:00'), at('2026-03-08T12:00:00-04:00'))).toBe(2 * HOUR);
    expect(night.addWorkingTime(at('2026-03-08T01:30:00-05:00'), HOUR).toISOString()).toBe(iso('2026-03-08T03:30:00-04:00'));
    // Nov 1: 01:00 EDT → 04:00 EST is 4 real hours; 01:00–02:00 happens twice.
    expect(night.workingTimeBetween(at('2026-11-01T00:00:00-04:00'), at('2026-11-01T12:00:00-05:00'))).toBe(4 * HOUR);
    expect(night.addWorkingTime(at('2026-11-01T01:30:00-04:00'), HOUR).toISOString()).toBe(iso('2026-11-01T01:30:00-05:00'));
  });
});

describe('24x7 across daylight saving time counts real elapsed ms', () => {
  it('the spring-forward day has 23 hours, the fall-back day 25', () => {
    expect(always.workingTimeBetween(at('2026-03-08T00:00:00-05:00'), at('2026-03-09T00:00:00-04:00'))).toBe(23 * HOUR);
    expect(always.workingTimeBetween(at('2026-11-01T00:00:00-04:00'), at('2026-11-02T00:00:00-05:00'))).toBe(25 * HOUR);
    expect(always.addWorkingTime(at('2026-03-08T00:00:00-05:00'), 24 * HOUR).toISOString()).toBe(iso('2026-03-09T01:00:00-04:00'));
  });
});

describe('US public holidays (date-holidays)', () => {
  it('July 4 2026 falls on a Saturday and is observed on Friday July 3', () => {
    for (const cal of [us, ca]) {
      expect(cal.isWorkingDay('2026-07-03')).toBe(false);
      expect(cal.isWorkingDay('2026-07-04')).toBe(false);
      expect(cal.isWorkingDay('2026-07-06')).toBe(true);
    }
    expect(ca.addWorkingTime(at('2026-07-02T16:00:00-07:00'), 2 * HOUR).toISOString()).toBe(iso('2026-07-06T10:00:00-07:00'));
    expect(us.addWorkingTime(at('2026-07-02T16:00:00-04:00'), 2 * HOUR).toISOString()).toBe(iso('2026-07-06T10:00:00-04:00'));
  });

  it('a California state holiday (César Chávez Day, Tue Mar 31 2026) closes US-CA only', () => {
    expect(ca.isWorkingDay('2026-03-31')).toBe(false);
    expect(us.isWorkingDay('2026-03-31')).toBe(true);
    expect(ca.addWorkingTime(at('2026-03-30T16:00:00-07:00'), 2 * HOUR).toISOString()).toBe(iso('2026-04-01T10:00:00-07:00'));
  });

  it('counts only public holidays, not observances', () => {
    expect(us.isWorkingDay('2026-11-26')).toBe(false); // Thanksgiving
    expect(ca.isWorkingDay('2026-11-27')).toBe(false); // Day after Thanksgiving: public in California
    expect(us.isWorkingDay('2026-11-27')).toBe(true);
    expect(ca.isWorkingDay('2026-02-16')).toBe(false); // Presidents' Day
    expect(ca.isWorkingDay('2026-04-15')).toBe(true); // Tax Day: an observance
    expect(ca.isWorkingDay('2026-12-24')).toBe(true); // Christmas Eve: optional
    expect(ca.isWorkingDay('2026-12-25')).toBe(false);
  });

  it('a substitute day across New Year (Jan 1 2022 was a Saturday, observed Fri Dec 31 2021)', () => {
    expect(us.isWorkingDay('2021-12-31')).toBe(false);
    expect(us.isWorkingDay('2021-12-24')).toBe(false); // Christmas 2021 (Saturday), observed Friday
    expect(us.addWorkingTime(at('2021-12-30T16:00:00-05:00'), 2 * HOUR).toISOString()).toBe(iso('2022-01-03T10:00:00-05:00'));
  });

  it('a target spanning Thanksgiving and a weekend', () => {
    // Wed Nov 25 2026 16:00 EST + 2 working days: 1 h Wed, Thu closed, Fri 8 h, Mon 7 h → Mon Nov 30 16:00.
    expect(us.addWorkingTime(at('2026-11-25T16:00:00-05:00'), 2 * us.workingDayMs).toISOString()).toBe(
      iso('2026-11-30T16:00:00-05:00'),
    );
  });
});

describe('24x7 arithmetic', () => {
  const from = at('2026-02-16T03:17:42.123+08:00');

  it('counts every instant', () => {
    expect(always.workingDayMs).toBe(24 * HOUR);
    expect(always.isWorkingTime(from)).toBe(true);
    expect(always.coverage(2026)).toBe('no-holidays');
    expect(always.isWorkingDay('2026-02-16')).toBe(true);
    expect(always.addWorkingTime(from, 0).getTime()).toBe(from.getTime());
    expect(always.addWorkingTime(from, 90 * 60_000).toISOString()).toBe('2026-02-15T20:47:42.123Z');
    expect(always.addWorkingTime(from, 3 * always.workingDayMs).toISOString()).toBe('2026-02-18T19:17:42.123Z');
    expect(always.workingTimeBetween(from, at('2026-02-16T04:17:42.124+08:00'))).toBe(HOUR + 1);
    expect(always.workingTimeBetween(at('2026-02-16T04:00:00+08:00'), from)).toBe(0);
  });

  it('rejects negative or non-finite amounts and invalid dates', () => {
    expect(() => always.addWorkingTime(from, -1)).toThrow(RangeError);
    expect(() => always.addWorkingTime(from, Number.NaN)).toThrow(RangeError);
    expect(() => always.addWorkingTime(new Date('nope'), 1)).toThrow(RangeError);
    expect(() => us.addWorkingTime(from, -1)).toThrow(RangeError);
    expect(() => us.workingTimeBetween(new Date('nope'), from)).toThrow(RangeError);
  });
});
