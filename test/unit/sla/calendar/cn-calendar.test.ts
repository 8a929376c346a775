// cn-standard (Asia/Shanghai, 09:00–12:00 + 13:00–18:00, Mon–Fri, holidays CN) on real dates.
// 2026 schedule (State Council, via chinese-days): New Year Jan 1–3 (Sun Jan 4 worked); Spring Festival
// Feb 15–23 (Sat Feb 14 and Sat Feb 28 worked); Qingming Apr 4–6; Labour Day May 1–5 (Sat May 9 worked);
// Mid-autumn Sep 25–27; National Day Oct 1–7 (Sun Sep 20 and Sat Oct 10 worked).
import { describe, it, expect } from '@jest/globals';
import { CalendarRegistry } from '../../../../src/sla/calendar/calendar-registry.js';

const HOUR = 3_600_000;
const MIN = 60_000;
const cn = new CalendarRegistry().get('cn-standard');
const at = (text: string) => new Date(text);
const add = (from: string, ms: number) => cn.addWorkingTime(at(from), ms).toISOString();
const iso = (text: string) => at(text).toISOString();

describe('cn-standard basics', () => {
  it('has an 8-hour working day in Asia/Shanghai', () => {
    expect(cn.timeZone).toBe('Asia/Shanghai');
    expect(cn.workingDayMs).toBe(8 * HOUR);
    expect(cn.coverage(2026)).toBe('full');
  });

  it('skips a normal weekend', () => {
    expect(cn.isWorkingDay('2026-03-07')).toBe(false);
    expect(cn.isWorkingDay('2026-03-08')).toBe(false);
    expect(add('2026-03-06T17:00:00+08:00', 2 * HOUR)).toBe(iso('2026-03-09T10:00:00+08:00'));
    expect(cn.workingTimeBetween(at('2026-03-06T17:00:00+08:00'), at('2026-03-09T10:00:00+08:00'))).toBe(2 * HOUR);
  });

  it('skips the lunch break', () => {
    expect(cn.isWorkingTime(at('2026-03-09T11:59:59+08:00'))).toBe(true);
    expect(cn.isWorkingTime(at('2026-03-09T12:30:00+08:00'))).toBe(false);
    expect(cn.isWorkingTime(at('2026-03-09T13:00:00+08:00'))).toBe(true);
    expect(add('2026-03-09T11:30:00+08:00', HOUR)).toBe(iso('2026-03-09T13:30:00+08:00'));
    expect(add('2026-03-09T12:15:00+08:00', 30 * MIN)).toBe(iso('2026-03-09T13:30:00+08:00'));
    // A target that ends exactly at the start of lunch is due at 12:00, not 13:00.
    expect(add('2026-03-09T11:00:00+08:00', HOUR)).toBe(iso('2026-03-09T12:00:00+08:00'));
    expect(cn.workingTimeBetween(at('2026-03-09T08:00:00+08:00'), at('2026-03-09T20:00:00+08:00'))).toBe(8 * HOUR);
    expect(cn.workingTimeBetween(at('2026-03-09T11:00:00+08:00'), at('2026-03-09T14:00:00+08:00'))).toBe(2 * HOUR);
  });

  it('treats the edges of working hours as half-open [start, end)', () => {
    expect(cn.isWorkingTime(at('2026-03-09T08:59:59.999+08:00'))).toBe(false);
    expect(cn.isWorkingTime(at('2026-03-09T09:00:00+08:00'))).toBe(true);
    expect(cn.isWorkingTime(at('2026-03-09T17:59:59.999+08:00'))).toBe(true);
    expect(cn.isWorkingTime(at('2026-03-09T18:00:00+08:00'))).toBe(false);
  });

  it('returns `from` itself for zero working time, even outside working hours', () => {
    expect(add('2026-03-09T12:00:00+08:00', 0)).toBe(iso('2026-03-09T12:00:00+08:00'));
    expect(add('2026-03-07T03:00:00+08:00', 0)).toBe(iso('2026-03-07T03:00:00+08:00'));
  });

  it('starts counting at the next working instant when opened outside working hours', () => {
    expect(add('2026-03-09T18:30:00+08:00', MIN)).toBe(iso('2026-03-10T09:01:00+08:00'));
    expect(add('2026-03-09T06:00:00+08:00', 3 * HOUR)).toBe(iso('2026-03-09T12:00:00+08:00'));
    expect(add('2026-03-07T10:00:00+08:00', 4 * HOUR)).toBe(iso('2026-03-09T14:00:00+08:00'));
  });

  it('gives 0 working time for an empty or reversed range', () => {
    expect(cn.workingTimeBetween(at('2026-03-09T10:00:00+08:00'), at('2026-03-09T10:00:00+08:00'))).toBe(0);
    expect(cn.workingTimeBetween(at('2026-03-09T11:00:00+08:00'), at('2026-03-09T10:00:00+08:00'))).toBe(0);
  });
});

describe('Spring Festival 2026 (Feb 15–23, make-up Saturdays Feb 14 and Feb 28)', () => {
  it('knows which days are closed and which weekend days are worked', () => {
    expect(cn.isWorkingDay('2026-02-13')).toBe(true); // Friday
    expect(cn.isWorkingDay('2026-02-14')).toBe(true); // Saturday, make-up working day
    for (let d = 15; d <= 23; d++) expect([d, cn.isWorkingDay(`2026-02-${d}`)]).toEqual([d, false]);
    expect(cn.isWorkingDay('2026-02-24')).toBe(true);
    expect(cn.isWorkingDay('2026-02-28')).toBe(true); // Saturday, make-up working day
    expect(cn.isWorkingDay('2026-03-01')).toBe(false); // ordinary Sunday
    expect(cn.isWorkingTime(at('2026-02-14T10:00:00+08:00'))).toBe(true);
    expect(cn.isWorkingTime(at('2026-02-18T10:00:00+08:00'))).toBe(false);
  });

  it('a 4 working-hour ticket opened the afternoon before the break is due on the first working day after it', () => {
    // Sat Feb 14 15:00 (the last working day before the break): 3 h that day, 1 h on Tue Feb 24.
    expect(add('2026-02-14T15:00:00+08:00', 4 * HOUR)).toBe(iso('2026-02-24T10:00:00+08:00'));
  });

  it('counts the make-up Saturdays as working time', () => {
    expect(add('2026-02-13T15:00:00+08:00', 4 * HOUR)).toBe(iso('2026-02-14T10:00:00+08:00'));
    expect(add('2026-02-27T17:00:00+08:00', 2 * HOUR)).toBe(iso('2026-02-28T10:00:00+08:00'));
    expect(cn.workingTimeBetween(at('2026-02-13T09:00:00+08:00'), at('2026-02-24T09:00:00+08:00'))).toBe(16 * HOUR);
    expect(cn.workingTimeBetween(at('2026-02-14T18:00:00+08:00'), at('2026-02-24T09:00:00+08:00'))).toBe(0);
  });

  it('3 working days from Thursday Feb 12 end on Tuesday Feb 24', () => {
    // Feb 12: 7 h (from 10:00), Feb 13: 8 h, Feb 14: 8 h, then 1 h on Feb 24.
    expect(add('2026-02-12T10:00:00+08:00', 3 * cn.workingDayMs)).toBe(iso('2026-02-24T10:00:00+08:00'));
  });
});

describe('New Year 2026 (Jan 1–3, Sunday Jan 4 worked)', () => {
  it('is due on the make-up Sunday', () => {
    expect(cn.isWorkingDay('2026-01-04')).toBe(true);
    expect(add('2025-12-31T17:00:00+08:00', 2 * HOUR)).toBe(iso('2026-01-04T10:00:00+08:00'));
  });
});

describe('Qingming 2026 (Sat Apr 4 – Mon Apr 6)', () => {
  it('closes the Monday too', () => {
    expect(cn.isWorkingDay('2026-04-03')).toBe(true);
    expect(cn.isWorkingDay('2026-04-06')).toBe(false);
    expect(add('2026-04-03T17:30:00+08:00', HOUR)).toBe(iso('2026-04-07T09:30:00+08:00'));
  });
});

describe('Labour Day 2026 (May 1–5, Saturday May 9 worked)', () => {
  it('skips the five days and works the Saturday after', () => {
    expect(add('2026-04-30T17:00:00+08:00', 2 * HOUR)).toBe(iso('2026-05-06T10:00:00+08:00'));
    expect(add('2026-05-08T17:00:00+08:00', 2 * HOUR)).toBe(iso('2026-05-09T10:00:00+08:00'));
  });
});

describe('National Day 2026 (Oct 1–7, make-up Sun Sep 20 and Sat Oct 10)', () => {
  it('knows the closed days and the make-up days', () => {
    expect(cn.isWorkingDay('2026-09-20')).toBe(true);
    for (let d = 1; d <= 7; d++) expect([d, cn.isWorkingDay(`2026-10-0${d}`)]).toEqual([d, false]);
    expect(cn.isWorkingDay('2026-10-08')).toBe(true);
    expect(cn.isWorkingDay('2026-10-10')).toBe(true);
    expect(cn.isWorkingDay('2026-10-11')).toBe(false);
  });

  it('one working day from Sep 30 16:00 is due Oct 8 16:00', () => {
    expect(add('2026-09-30T16:00:00+08:00', cn.workingDayMs)).toBe(iso('2026-10-08T16:00:00+08:00'));
  });

  it('works the make-up Saturday after the break and the make-up Sunday before it', () => {
    expect(add('2026-10-09T17:00:00+08:00', 2 * HOUR)).toBe(iso('2026-10-10T10:00:00+08:00'));
    expect(add('2026-09-18T17:00:00+08:00', 2 * HOUR)).toBe(iso('2026-09-20T10:00:00+08:00'));
  });

  it('a target spanning Mid-autumn and National Day skips both', () => {
    // 5 working days from Thu Sep 24 09:00: Sep 24, 28, 29, 30, then Oct 8.
    expect(add('2026-09-24T09:00:00+08:00', 5 * cn.workingDayMs)).toBe(iso('2026-10-08T18:00:00+08:00'));
    expect(cn.workingTimeBetween(at('2026-09-24T09:00:00+08:00'), at('2026-10-08T18:00:00+08:00'))).toBe(40 * HOUR);
  });
});

describe('National Day 2025 (Oct 1–8, make-up Sun Sep 28 and Sat Oct 11)', () => {
  it('uses the 2025 schedule', () => {
    expect(cn.isWorkingDay('2025-09-28')).toBe(true);
    expect(cn.isWorkingDay('2025-10-08')).toBe(false);
    expect(cn.isWorkingDay('2025-10-11')).toBe(true);
    expect(add('2025-09-30T17:00:00+08:00', 2 * HOUR)).toBe(iso('2025-10-09T10:00:00+08:00'));
  });
});
