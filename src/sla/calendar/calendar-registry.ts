// The calendars a deployment can name: three built-ins plus those of the policy
// (`calendars:` in the policy YAML, parsed by calendar.schema.ts). A policy
// calendar with a built-in's id replaces the built-in.
import type { CalendarSpec } from '../sla.types.js';
import { createCalendar, type DepartmentCalendar } from './working-calendar.js';

const MON_TO_FRI = [1, 2, 3, 4, 5];

export const BUILT_IN_CALENDARS: readonly CalendarSpec[] = Object.freeze([
  { id: '24x7', timeZone: 'UTC', kind: '24x7' },
  {
    id: 'cn-standard',
    timeZone: 'Asia/Shanghai',
    kind: 'office',
    hours: [
      ['09:00', '12:00'],
      ['13:00', '18:00'],
    ],
    workdays: MON_TO_FRI,
    holidays: 'CN',
  },
  {
    id: 'us-standard',
    timeZone: 'America/New_York',
    kind: 'office',
    hours: [['09:00', '17:00']],
    workdays: MON_TO_FRI,
    holidays: 'US',
  },
] satisfies CalendarSpec[]);

export class UnknownCalendarError extends Error {
  constructor(
    readonly id: string,
    readonly known: string[],
  ) {
    super(`Unknown calendar '${id}'; known calendars: ${known.join(', ') || '(none)'}`);
    this.name = 'UnknownCalendarError';
  }
}

export interface CalendarRegistryOptions {
  /** Include `24x7`, `cn-standard` and `us-standard` (default true). */
  builtIns?: boolean;
}

export class CalendarRegistry {
  private readonly calendars = new Map<string, DepartmentCalendar>();

  /** Builds every calendar up front, so a bad spec fails at start-up. Duplicate ids among `specs` are an error. */
  constructor(specs: Iterable<CalendarSpec> = [], options: CalendarRegistryOptions = {}) {
    const configured = new Map<string, CalendarSpec>();
    for (const spec of specs) {
      if (configured.has(spec.id)) throw new Error(`calendar '${spec.id}' is defined twice`);
      configured.set(spec.id, spec);
    }
    const all = options.builtIns === false ? [] : BUILT_IN_CALENDARS.filter((b) => !configured.has(b.id));
    for (const spec of [...all, ...configured.values()]) this.calendars.set(spec.id, createCalendar(spec));
  }

  /** The calendar with that id; throws UnknownCalendarError naming the id and the known ids. */
  get(id: string): DepartmentCalendar {
    const calendar = this.calendars.get(id);
    if (!calendar) throw new UnknownCalendarError(id, this.ids());
    return calendar;
  }

  has(id: string): boolean {
    return this.calendars.has(id);
  }

  ids(): string[] {
    return [...this.calendars.keys()].sort();
  }

  /**
   * One line per calendar and year whose holiday source has no data for that year (so only weekends and the
   * extra dates apply): for start-up to log as warnings, e.g. for the current and the next year.
   */
  coverageWarnings(years: number[]): string[] {
    const warnings: string[] = [];
    for (const id of this.ids()) {
      const calendar = this.get(id);
      for (const year of years) {
        if (calendar.coverage(year) === 'weekends-only') {
          warnings.push(
            `calendar '${id}': holiday data '${calendar.holidays}' does not cover ${year}; ` +
              `only weekends and extraHolidays/extraWorkdays apply that year (update the holiday package, or list the dates)`,
          );
        }
      }
    }
    return warnings;
  }
}
