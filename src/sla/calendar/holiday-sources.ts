// Public holidays from maintained libraries, never from a hand-typed table:
//   `CN`         → chinese-days (State Council schedule: holidays AND 调休 make-up working days);
//   anything else → date-holidays (`US`, `US-CA`, `DE-BY`, …), counting only `type: 'public'` days.
import { createRequire } from 'node:module';
import Holidays from 'date-holidays';
import type { CivilDate } from './zoned-time.js';

/** How the holiday source sees one local date: closed, a make-up working day, or neither (the weekly pattern decides). */
export type DayVerdict = 'holiday' | 'workday' | undefined;

export interface HolidaySource {
  readonly code: string;
  verdict(date: CivilDate): DayVerdict;
  /** False when the source has no data for that year (the calendar then falls back to its weekly pattern). */
  covers(year: number): boolean;
}

/** chinese-days' published data file: `YYYY-MM-DD` → "English,中文,days" for closed days and make-up working days. */
interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

/**
 * chinese-days' functions (isWorkday, getDayDetail, …) build their tables at load time by parsing dates as UTC
 * midnight and reading them back with the host's local getters, so on a host west of UTC every date shifts back
 * one day (checked with v1.5.7 and TZ=America/Los_Angeles: isWorkday(Sat 2026-02-14, a make-up day) → false,
 * isWorkday('2026-03-07', a plain Saturday) → true). The same package ships the schedule as a JSON file
 * (documented in its README), generated at build time and independent of the host; that is what we read.
 */
function loadChineseDays(): ChineseDaysData {
  return createRequire(import.meta.url)('chinese-days/dist/chinese-days.json') as ChineseDaysData;
}

class ChinaHolidays implements HolidaySource {
  readonly code = 'CN';
  private readonly holidays: Set<string>;
  private readonly workdays: Set<string>;
  private readonly years = new Set<number>();

  constructor(data: ChineseDaysData = loadChineseDays()) {
    this.holidays = new Set(Object.keys(data.holidays));
    this.workdays = new Set(Object.keys(data.workdays));
    for (const date of this.holidays) this.years.add(Number(date.slice(0, 4)));
  }

  verdict(date: CivilDate): DayVerdict {
    if (this.holidays.has(date.key)) return 'holiday';
    if (this.workdays.has(date.key)) return 'workday';
    return undefined;
  }

  /** A year is covered when the schedule lists at least one holiday in it (every published year has New Year). */
  covers(year: number): boolean {
    return this.years.has(year);
  }
}

/** `US` → { country: 'US' }, `US-CA` → { country: 'US', state: 'CA' }, `FR-GES-67` → with a region. */
function splitCode(code: string): { country: string; state?: string; region?: string } {
  const [country, state, region] = code.split('-');
  return { country, state, region };
}

class LibraryHolidays implements HolidaySource {
  /** Closed local dates (`YYYY-MM-DD`) of every year loaded so far. */
  private readonly days = new Set<string>();
  private readonly loaded = new Set<number>();
  private readonly lib: Holidays;

  constructor(readonly code: string) {
    const { country, state, region } = splitCode(code);
    this.lib = new Holidays({ country, state, region }, { types: ['public'] });
  }

  verdict(date: CivilDate): DayVerdict {
    // Neighbouring years too: a substitute day or a multi-day holiday can cross New Year.
    for (const year of [date.year - 1, date.year, date.year + 1]) this.load(year);
    return this.days.has(date.key) ? 'holiday' : undefined;
  }

  covers(): boolean {
    return true; // rule-based: every year is computed
  }

  private load(year: number): void {
    if (this.loaded.has(year)) return;
    this.loaded.add(year);
    for (const h of this.lib.getHolidays(year)) {
      if (h.type !== 'public') continue;
      // `date` is the local date in the country's zone; a multi-day holiday closes every day it spans.
      const first = Date.UTC(Number(h.date.slice(0, 4)), Number(h.date.slice(5, 7)) - 1, Number(h.date.slice(8, 10)));
      const spanDays = Math.max(1, Math.round((h.end.getTime() - h.start.getTime()) / 86_400_000));
      for (let i = 0; i < spanDays; i++) this.days.add(new Date(first + i * 86_400_000).toISOString().slice(0, 10));
    }
  }
}

/** Why `code` cannot be used as a holiday source, or undefined when it can. */
export function holidayCodeProblem(code: string): string | undefined {
  const hint = `use 'CN' or a date-holidays country/state code such as 'US' or 'US-CA'`;
  if (code === 'CN') return undefined;
  if (!/^[A-Z]{2}(-[A-Z0-9]{1,3}){0,2}$/.test(code)) return `'${code}' is not a holiday calendar: ${hint}`;
  const { country, state, region } = splitCode(code);
  const lookup = new Holidays();
  if (!lookup.getCountries()[country]) return `'${code}' is not a holiday calendar: unknown country '${country}'; ${hint}`;
  if (state && !(lookup.getStates(country) ?? {})[state]) {
    return `'${code}' is not a holiday calendar: '${country}' has no state '${state}'`;
  }
  if (state && region && !(lookup.getRegions(country, state) ?? {})[region]) {
    return `'${code}' is not a holiday calendar: '${country}-${state}' has no region '${region}'`;
  }
  return undefined;
}

const sources = new Map<string, HolidaySource>();

/** The (shared, cached) holiday source for a code; throws on an unknown code. */
export function holidaySource(code: string): HolidaySource {
  let source = sources.get(code);
  if (!source) {
    const problem = holidayCodeProblem(code);
    if (problem) throw new Error(problem);
    source = code === 'CN' ? new ChinaHolidays() : new LibraryHolidays(code);
    sources.set(code, source);
  }
  return source;
}
