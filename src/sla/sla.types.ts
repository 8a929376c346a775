// The vocabulary of SLA clocks, shared by the policy, the calendars and the
// clock engine. Pure types: no I/O.

/** A span of time as the policy states it: wall-clock time, or working time of a calendar. */
export interface Duration {
  ms: number;
  /** `calendar`: counts every minute (e.g. "complaint contact within 1 h, calendar time"). `working`: counts only working hours. */
  basis: 'calendar' | 'working';
  /** As written in the policy, for messages ("3 working days"). */
  text: string;
  /**
   * Set when the policy says "N working days": a working day is the department
   * calendar's working-day length, not 24 h, so the clock engine uses
   * `workingDays × calendar.workingDayMs` and ignores `ms` (a nominal 8 h a day).
   */
  workingDays?: number;
}

/** Working-time arithmetic for one department calendar. */
export interface WorkingCalendar {
  readonly id: string;
  readonly timeZone: string;
  /** Length of one working day in ms (e.g. 8 h), so "3 working days" = 3 × this. */
  readonly workingDayMs: number;
  /** True at instants inside working hours on a working day. */
  isWorkingTime(at: Date): boolean;
  /** The instant reached after `ms` of working time from `from` (skips nights, weekends, holidays). */
  addWorkingTime(from: Date, ms: number): Date;
  /** Working time between two instants (0 when b ≤ a). */
  workingTimeBetween(a: Date, b: Date): number;
}

export interface CalendarSpec {
  id: string;
  /** IANA zone, e.g. `Asia/Shanghai`. */
  timeZone: string;
  /** `24x7`, or working hours per weekday. */
  kind: '24x7' | 'office';
  /** Working intervals of a working day, e.g. [['09:00','12:00'],['13:00','18:00']]. */
  hours?: Array<[string, string]>;
  /** ISO weekdays that are normally worked (1 = Monday … 7 = Sunday). */
  workdays?: number[];
  /** Public holidays source: `CN` (with 调休 make-up working days), or a date-holidays country/state code like `US`, `US-CA`, `DE`. */
  holidays?: string;
  /** Extra closed dates and extra working dates (YYYY-MM-DD), on top of the holiday source. */
  extraHolidays?: string[];
  extraWorkdays?: string[];
}
