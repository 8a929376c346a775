// Local date/time in an IANA time zone, with nothing but Intl.DateTimeFormat.
// A local date is kept as a "day number": days since 1970-01-01 of the civil
// date (not of an instant), so stepping to the next local day is `+ 1` and
// needs no time-zone arithmetic.

const MS_PER_DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is a time zone this runtime knows (IANA names such as `Asia/Shanghai`, or `UTC`). */
export function isTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone.trim() === '') return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(timeZone: string, epochMs: number): WallClock {
  const out: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter(timeZone).formatToParts(epochMs)) {
    if (part.type in out) out[part.type as keyof WallClock] = Number(part.value);
  }
  if (out.hour === 24) out.hour = 0; // some engines print midnight as 24 with h23
  return out;
}

/** UTC offset of `timeZone` at an instant, in ms (e.g. +8 h for Asia/Shanghai). */
export function offsetMs(timeZone: string, epochMs: number): number {
  const w = wallClock(timeZone, epochMs);
  const wallAsUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const wholeSecond = epochMs - (((epochMs % 1000) + 1000) % 1000);
  return wallAsUtc - wholeSecond;
}

/** The local civil date (as a day number) of an instant in `timeZone`. */
export function localDayOf(timeZone: string, epochMs: number): number {
  const w = wallClock(timeZone, epochMs);
  return Date.UTC(w.year, w.month - 1, w.day) / MS_PER_DAY;
}

/**
 * The instant at which the local clock of `timeZone` shows `minuteOfDay` (0…1440) on local date `dayNumber`.
 * DST follows the usual "compatible" rule: a wall time skipped by a spring-forward gap is moved forward
 * by the length of the gap; a wall time repeated by a fall-back overlap takes its first (earlier) occurrence.
 */
export function zonedToEpoch(timeZone: string, dayNumber: number, minuteOfDay: number): number {
  const wall = dayNumber * MS_PER_DAY + minuteOfDay * 60_000;
  const before = offsetMs(timeZone, wall - MS_PER_DAY);
  const after = offsetMs(timeZone, wall + MS_PER_DAY);
  if (before === after) return wall - before; // no transition nearby (real zones do not change offset twice within two days)
  const withBefore = wall - before;
  const withAfter = wall - after;
  const beforeFits = offsetMs(timeZone, withBefore) === before;
  const afterFits = offsetMs(timeZone, withAfter) === after;
  if (beforeFits && afterFits) return Math.min(withBefore, withAfter); // overlap (or no transition)
  if (beforeFits) return withBefore;
  if (afterFits) return withAfter;
  return withBefore; // gap: the offset in force before the jump lands past it
}

export interface CivilDate {
  year: number;
  month: number;
  day: number;
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  isoWeekday: number;
  /** `YYYY-MM-DD`. */
  key: string;
}

export function civilDate(dayNumber: number): CivilDate {
  const d = new Date(dayNumber * MS_PER_DAY);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  const key = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return { year, month, day, isoWeekday: d.getUTCDay() === 0 ? 7 : d.getUTCDay(), key };
}

/** Day number of a `YYYY-MM-DD` date, or undefined when it is not a real calendar date. */
export function dayNumberOf(isoDate: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return undefined;
  return ms / MS_PER_DAY;
}
