// Date ranges as people type them (`2026-03-01`, or a full ISO time with an
// offset), months (`2026-03`) and ISO weeks. Day dates are UTC days; `to` is
// inclusive of its whole day. A bad value is a ReportInputError with one clear line.
const DAY = 24 * 3600_000;
export const MAX_RANGE_DAYS = 400;

export class ReportInputError extends Error {}

export interface DateRange {
  from: Date;
  /** Exclusive. */
  to: Date;
}

function parseInstant(raw: string, name: string, endOfDay: boolean): Date {
  const text = raw.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const day = new Date(`${text}T00:00:00Z`);
    if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== text) throw new ReportInputError(`${name} '${raw}' is not a date; write YYYY-MM-DD, e.g. 2026-03-01`);
    return endOfDay ? new Date(day.getTime() + DAY) : day;
  }
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/.test(text)) {
    const at = new Date(text);
    if (!Number.isNaN(at.getTime())) return at;
  }
  throw new ReportInputError(`${name} '${raw.slice(0, 40)}' is not a date; write YYYY-MM-DD (a UTC day) or an ISO time such as 2026-03-01T00:00:00+08:00`);
}

/** `from`/`to` from a request; missing ones default to the `defaultDays` ending now. */
export function parseRange(from: string | null | undefined, to: string | null | undefined, now: Date, defaultDays = 90): DateRange {
  const end = to ? parseInstant(to, 'to', true) : now;
  const start = from ? parseInstant(from, 'from', false) : new Date(end.getTime() - defaultDays * DAY);
  if (start >= end) throw new ReportInputError(`from (${start.toISOString().slice(0, 10)}) must be before to (${new Date(end.getTime() - 1).toISOString().slice(0, 10)})`);
  if (end.getTime() - start.getTime() > MAX_RANGE_DAYS * DAY) throw new ReportInputError(`the range is longer than ${MAX_RANGE_DAYS} days; ask for a shorter one (or several)`);
  return { from: start, to: end };
}

/** `2026-03` → that UTC month; missing → the month `now` is in. */
export function parseMonth(raw: string | null | undefined, now: Date): DateRange & { label: string } {
  let year = now.getUTCFullYear();
  let month = now.getUTCMonth();
  if (raw) {
    const m = /^(\d{4})-(\d{2})$/.exec(raw.trim());
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new ReportInputError(`month '${raw.slice(0, 20)}' is not a month; write YYYY-MM, e.g. 2026-03`);
    year = Number(m[1]);
    month = Number(m[2]) - 1;
  }
  const from = new Date(Date.UTC(year, month, 1));
  const to = new Date(Date.UTC(year, month + 1, 1));
  return { from, to, label: from.toISOString().slice(0, 7) };
}

/** Monday 00:00 UTC of the week `at` falls in. */
export function weekStart(at: Date): Date {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const shift = (day.getUTCDay() + 6) % 7;
  return new Date(day.getTime() - shift * DAY);
}

/** ISO week label (`2026-W09`) of `at`. */
export function isoWeek(at: Date): string {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const thursday = new Date(d.getTime() + (3 - ((d.getUTCDay() + 6) % 7)) * DAY);
  const yearStart = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 1));
  const week = Math.floor((thursday.getTime() - yearStart.getTime()) / DAY / 7) + 1;
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** The Monday-based weeks that overlap the range, oldest first (the charts' x axis). */
export function weeksOf(range: DateRange): Date[] {
  const weeks: Date[] = [];
  for (let w = weekStart(range.from); w < range.to; w = new Date(w.getTime() + 7 * DAY)) weeks.push(w);
  return weeks;
}

export function within(at: Date | string | undefined, range: DateRange): boolean {
  if (!at) return false;
  const t = new Date(at).getTime();
  return t >= range.from.getTime() && t < range.to.getTime();
}

export { DAY };
