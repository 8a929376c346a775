// Durations as people write them in the policy file ("30 min", "4h",
// "3 working days", "3个工作日") and as the bot writes them in messages.
// Pure functions, no I/O.
import type { Locale } from '../core/platform.js';
import type { Duration } from './sla.types.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Nominal length of one working day (8 h), used only for `Duration.ms` of
 * "N working days" so durations compare and sort; the clock engine converts
 * `workingDays` with the department calendar's own working-day length.
 */
export const WORKING_DAY_UNIT = 8 * HOUR;

/** Longest target the policy accepts: a year, in either basis. */
const MAX_DAYS = 365;

export const DURATION_HINT = 'write e.g. 90s, 30min, 4h, 3 working days';

export class DurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DurationError';
  }
}

type Unit = 's' | 'min' | 'h' | 'd';
const UNIT_MS: Record<Unit, number> = { s: SECOND, min: MINUTE, h: HOUR, d: DAY };

const EN_UNITS: Record<string, Unit> = {
  s: 's', sec: 's', secs: 's', second: 's', seconds: 's',
  m: 'min', min: 'min', mins: 'min', minute: 'min', minutes: 'min',
  h: 'h', hr: 'h', hrs: 'h', hour: 'h', hours: 'h',
  d: 'd', day: 'd', days: 'd',
};
const ZH_UNITS: Record<string, Unit> = { 秒: 's', 秒钟: 's', 分: 'min', 分钟: 'min', 小时: 'h', 钟头: 'h', 天: 'd', 日: 'd' };
const QUALIFIERS: Record<string, Duration['basis']> = { working: 'working', business: 'working', calendar: 'calendar', 工作: 'working', 自然: 'calendar', 日历: 'calendar' };

const NUMBER = '([-+]?(?:\\d+(?:\\.\\d+)?|\\.\\d+))';
/** `30min`, `30 min`, `3 working days`, `2 calendar hours` */
const EN_PATTERN = new RegExp(`^${NUMBER}\\s*(?:(working|business|calendar)\\s+)?([a-z]+)$`);
/** `30分钟`, `4小时`, `4个小时`, `3个工作日`, `2工作日`, `2个自然日` */
const ZH_PATTERN = new RegExp(`^${NUMBER}\\s*个?\\s*(工作|自然|日历)?\\s*(秒钟?|分钟?|小时|钟头|天|日)$`);

/**
 * Reads a duration. "working"/工作 make it working time, "calendar"/自然 make it
 * calendar time; otherwise it takes `defaultBasis` (the clock's basis). Days in
 * working time are working days (`workingDays` set), in calendar time 24 h each.
 * Throws DurationError with a one-line message that says how to write it.
 */
export function parseDuration(text: string, defaultBasis: Duration['basis']): Duration {
  const written = text.trim();
  if (!written) throw new DurationError(`the duration is empty; ${DURATION_HINT}`);
  const normal = written.toLowerCase().replace(/\s+/g, ' ');
  const match = EN_PATTERN.exec(normal) ?? ZH_PATTERN.exec(normal);
  const unit = match ? (EN_UNITS[match[3]] ?? ZH_UNITS[match[3]]) : undefined;
  if (!match || !unit) throw new DurationError(`'${written}' is not a duration; ${DURATION_HINT}`);
  const amount = Number(match[1]);
  if (amount < 0) throw new DurationError(`'${written}' is negative; give a positive duration, e.g. 90s, 30min, 4h, 3 working days`);
  if (amount === 0) throw new DurationError(`'${written}' is zero; give a positive duration, e.g. 90s, 30min, 4h, 3 working days`);
  const basis = match[2] ? QUALIFIERS[match[2]] : defaultBasis;
  const ms = Math.round(amount * UNIT_MS[unit]);
  if (ms < SECOND) throw new DurationError(`'${written}' is less than a second; give at least 1s`);
  if (ms > MAX_DAYS * DAY) throw new DurationError(`'${written}' is more than a year; give at most ${MAX_DAYS} days`);
  if (unit === 'd' && basis === 'working') {
    return { ms: Math.round(amount * WORKING_DAY_UNIT), basis, text: written, workingDays: amount };
  }
  return { ms, basis, text: written };
}

const LABELS = {
  en: { d: ' d', h: ' h', min: ' min', s: ' s', sep: ' ', working: ' (working time)' },
  'zh-CN': { d: '天', h: '小时', min: '分钟', s: '秒', sep: '', working: '（工作时间）' },
} as const;

/** A number for messages: at most two decimals, no trailing zeros. */
function num(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** `1 h 30 min`, `24 h`, `3 d 4 h` / `1小时30分钟`: days only from 48 h up, so "24 h" reads as the policy says it. */
function compact(ms: number, locale: Locale): string {
  const l = LABELS[locale];
  let rest = Math.round(Math.max(0, ms) / SECOND) * SECOND;
  const parts: string[] = [];
  const take = (size: number, label: string) => {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${label}`);
    rest -= n * size;
  };
  if (rest >= 2 * DAY) take(DAY, l.d);
  take(HOUR, l.h);
  take(MINUTE, l.min);
  take(SECOND, l.s);
  return parts.length ? parts.join(l.sep) : `0${l.min}`;
}

/**
 * For messages. A number of ms: `1 h 30 min` / `1小时30分钟`. A Duration:
 * working days as `2 working days` / `2个工作日`; other working-time
 * durations get `(working time)` / `（工作时间）`.
 */
export function formatDuration(value: number | Duration, locale: Locale = 'en'): string {
  if (typeof value === 'number') return compact(value, locale);
  if (value.workingDays !== undefined) {
    const n = value.workingDays;
    return locale === 'zh-CN' ? `${num(n)}个工作日` : `${num(n)} working day${n === 1 ? '' : 's'}`;
  }
  return compact(value.ms, locale) + (value.basis === 'working' ? LABELS[locale].working : '');
}
