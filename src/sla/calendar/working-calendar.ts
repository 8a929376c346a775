// Working-time calendars: `24x7` (every instant counts) and `office` (working
// intervals on working days, in the calendar's own IANA time zone, with public
// holidays and make-up working days from holiday-sources.ts).
//
// An office calendar works day by day: for each local date it caches (in a Map
// keyed by the local date) whether the date is a working day and the absolute
// instants of its working intervals, computed once with the zone's real offsets
// (so a DST day still has its 8 working hours). Adding or measuring working time
// then walks those cached intervals a day at a time, never minute by minute.
import type { CalendarSpec, WorkingCalendar } from '../sla.types.js';
import { holidaySource, type HolidaySource } from './holiday-sources.js';
import { clockMinutes, DEFAULT_HOURS, DEFAULT_WORKDAYS, specProblems } from './spec-checks.js';
import { civilDate, dayNumberOf, localDayOf, zonedToEpoch } from './zoned-time.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A walk that meets no working time for this many consecutive days stops with an error instead of looping forever. */
const MAX_IDLE_DAYS = 3660;
/** Per-calendar cache bound; far above any realistic working set (≈ 27 years of days). */
const MAX_CACHED_DAYS = 10_000;

/**
 * Holiday data for a year: `full` — the holiday source covers it; `weekends-only` — the source has no data for
 * that year (e.g. chinese-days before the State Council publishes it), so only the weekly pattern and the extra
 * dates apply (start-up should warn); `no-holidays` — the calendar uses no holiday source at all.
 */
export type HolidayCoverage = 'full' | 'weekends-only' | 'no-holidays';

/** A WorkingCalendar plus what start-up and messages need to know about it. */
export interface DepartmentCalendar extends WorkingCalendar {
  readonly kind: CalendarSpec['kind'];
  /** The holiday source code (`CN`, `US-CA`, …), when there is one. */
  readonly holidays?: string;
  coverage(year: number): HolidayCoverage;
  /** Whether a local date (`YYYY-MM-DD`) is a working day; always true for `24x7`. */
  isWorkingDay(date: string): boolean;
}

function instant(at: Date, what: string): number {
  const t = at instanceof Date ? at.getTime() : NaN;
  if (!Number.isFinite(t)) throw new RangeError(`${what} is not a valid instant`);
  return t;
}

function amount(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`working time must be a finite number of ms ≥ 0; got ${ms}`);
  return ms;
}

class RoundTheClock implements DepartmentCalendar {
  readonly kind = '24x7' as const;
  readonly workingDayMs = DAY_MS;

  constructor(
    readonly id: string,
    readonly timeZone: string,
  ) {}

  isWorkingTime(at: Date): boolean {
    instant(at, 'at');
    return true;
  }

  addWorkingTime(from: Date, ms: number): Date {
    return new Date(instant(from, 'from') + amount(ms));
  }

  workingTimeBetween(a: Date, b: Date): number {
    return Math.max(0, instant(b, 'b') - instant(a, 'a'));
  }

  coverage(): HolidayCoverage {
    return 'no-holidays';
  }

  isWorkingDay(): boolean {
    return true;
  }
}

interface DayFacts {
  working: boolean;
  /** Working intervals of the day as absolute instants, flat: [start0, end0, start1, end1, …], ascending. */
  bounds: number[];
}

const CLOSED: DayFacts = { working: false, bounds: [] };

class OfficeCalendar implements DepartmentCalendar {
  readonly kind = 'office' as const;
  readonly id: string;
  readonly timeZone: string;
  readonly workingDayMs: number;
  readonly holidays?: string;
  private readonly minutes: Array<[number, number]>;
  private readonly workdays: Set<number>;
  private readonly extraHolidays: Set<string>;
  private readonly extraWorkdays: Set<string>;
  private readonly source?: HolidaySource;
  private readonly days = new Map<number, DayFacts>();

  constructor(spec: CalendarSpec) {
    this.id = spec.id;
    this.timeZone = spec.timeZone;
    this.minutes = (spec.hours ?? DEFAULT_HOURS)
      .map(([from, to]): [number, number] => [clockMinutes(from) as number, clockMinutes(to) as number])
      .sort((x, y) => x[0] - y[0]);
    this.workingDayMs = this.minutes.reduce((sum, [s, e]) => sum + (e - s) * 60_000, 0);
    this.workdays = new Set(spec.workdays ?? DEFAULT_WORKDAYS);
    this.extraHolidays = new Set(spec.extraHolidays ?? []);
    this.extraWorkdays = new Set(spec.extraWorkdays ?? []);
    if (spec.holidays !== undefined) {
      this.holidays = spec.holidays;
      this.source = holidaySource(spec.holidays);
    }
  }

  coverage(year: number): HolidayCoverage {
    if (!this.source) return 'no-holidays';
    return this.source.covers(year) ? 'full' : 'weekends-only';
  }

  isWorkingDay(date: string): boolean {
    const n = dayNumberOf(date);
    if (n === undefined) throw new RangeError(`'${date}' is not a date (YYYY-MM-DD)`);
    return this.day(n).working;
  }

  isWorkingTime(at: Date): boolean {
    const t = instant(at, 'at');
    const b = this.day(localDayOf(this.timeZone, t)).bounds;
    for (let i = 0; i < b.length; i += 2) if (b[i] <= t && t < b[i + 1]) return true;
    return false;
  }

  addWorkingTime(from: Date, ms: number): Date {
    const t0 = instant(from, 'from');
    let remaining = amount(ms);
    if (remaining === 0) return new Date(t0);
    let idle = 0;
    // Start one local day early: harmless (its intervals end before t0) and safe around odd midnights.
    for (let n = localDayOf(this.timeZone, t0) - 1; ; n++) {
      const b = this.day(n).bounds;
      for (let i = 0; i < b.length; i += 2) {
        const end = b[i + 1];
        if (end <= t0) continue;
        const start = b[i] > t0 ? b[i] : t0;
        const available = end - start;
        if (remaining <= available) return new Date(start + remaining);
        remaining -= available;
      }
      idle = b.length > 0 ? 0 : idle + 1;
      if (idle > MAX_IDLE_DAYS) {
        throw new Error(`calendar '${this.id}' has no working time in ${MAX_IDLE_DAYS} consecutive days after ${from.toISOString()}`);
      }
    }
  }

  workingTimeBetween(a: Date, b: Date): number {
    const ta = instant(a, 'a');
    const tb = instant(b, 'b');
    if (tb <= ta) return 0;
    let total = 0;
    const last = localDayOf(this.timeZone, tb);
    for (let n = localDayOf(this.timeZone, ta) - 1; n <= last; n++) {
      const bounds = this.day(n).bounds;
      for (let i = 0; i < bounds.length; i += 2) {
        const start = bounds[i] > ta ? bounds[i] : ta;
        const end = bounds[i + 1] < tb ? bounds[i + 1] : tb;
        if (end > start) total += end - start;
      }
    }
    return total;
  }

  private day(n: number): DayFacts {
    let facts = this.days.get(n);
    if (!facts) {
      facts = this.isWorkingDate(n) ? { working: true, bounds: this.bounds(n) } : CLOSED;
      if (this.days.size >= MAX_CACHED_DAYS) this.days.clear();
      this.days.set(n, facts);
    }
    return facts;
  }

  private isWorkingDate(n: number): boolean {
    const date = civilDate(n);
    if (this.extraHolidays.has(date.key)) return false;
    if (this.extraWorkdays.has(date.key)) return true;
    const verdict = this.source?.verdict(date);
    if (verdict !== undefined) return verdict === 'workday';
    return this.workdays.has(date.isoWeekday);
  }

  private bounds(n: number): number[] {
    const out: number[] = [];
    let floor = -Infinity;
    for (const [s, e] of this.minutes) {
      const start = Math.max(zonedToEpoch(this.timeZone, n, s), floor);
      const end = zonedToEpoch(this.timeZone, n, e);
      if (end > start) {
        out.push(start, end);
        floor = end;
      }
    }
    return out;
  }
}

/** Builds a calendar from its spec; throws one error listing every problem when the spec is unusable. */
export function createCalendar(spec: CalendarSpec): DepartmentCalendar {
  const problems = specProblems(spec);
  if (problems.length > 0) throw new Error(`calendar '${spec.id}': ${problems.join('; ')}`);
  return spec.kind === '24x7' ? new RoundTheClock(spec.id, spec.timeZone) : new OfficeCalendar(spec);
}
