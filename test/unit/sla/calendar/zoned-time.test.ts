import { describe, it, expect } from '@jest/globals';
import { civilDate, dayNumberOf, isTimeZone, localDayOf, offsetMs, zonedToEpoch } from '../../../../src/sla/calendar/zoned-time.js';

const HOUR = 3_600_000;
const day = (iso: string) => dayNumberOf(iso) as number;

describe('zoned time', () => {
  it('knows IANA zones', () => {
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Asia/Shangai')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });

  it('reads offsets and local dates', () => {
    expect(offsetMs('Asia/Shanghai', Date.parse('2026-02-14T00:00:00Z'))).toBe(8 * HOUR);
    expect(offsetMs('America/New_York', Date.parse('2026-03-08T06:59:59Z'))).toBe(-5 * HOUR);
    expect(offsetMs('America/New_York', Date.parse('2026-03-08T07:00:00Z'))).toBe(-4 * HOUR);
    expect(offsetMs('Asia/Kolkata', Date.parse('2026-01-01T00:00:00Z'))).toBe(5.5 * HOUR);
    // 2026-02-13T16:30Z is already Saturday in Shanghai, still Friday in New York.
    expect(civilDate(localDayOf('Asia/Shanghai', Date.parse('2026-02-13T16:30:00Z'))).key).toBe('2026-02-14');
    expect(civilDate(localDayOf('America/New_York', Date.parse('2026-02-13T16:30:00Z'))).key).toBe('2026-02-13');
  });

  it('turns local wall time into instants, across DST', () => {
    expect(zonedToEpoch('Asia/Shanghai', day('2026-02-14'), 9 * 60)).toBe(Date.parse('2026-02-14T09:00:00+08:00'));
    expect(zonedToEpoch('America/New_York', day('2026-03-09'), 9 * 60)).toBe(Date.parse('2026-03-09T09:00:00-04:00'));
    expect(zonedToEpoch('America/New_York', day('2026-11-02'), 9 * 60)).toBe(Date.parse('2026-11-02T09:00:00-05:00'));
    // Skipped 02:30 on Mar 8 moves forward to 03:30 EDT; repeated 01:30 on Nov 1 takes the first (EDT) one.
    expect(zonedToEpoch('America/New_York', day('2026-03-08'), 150)).toBe(Date.parse('2026-03-08T03:30:00-04:00'));
    expect(zonedToEpoch('America/New_York', day('2026-11-01'), 90)).toBe(Date.parse('2026-11-01T01:30:00-04:00'));
    // 24:00 is the next midnight.
    expect(zonedToEpoch('Asia/Tokyo', day('2026-12-31'), 24 * 60)).toBe(Date.parse('2027-01-01T00:00:00+09:00'));
  });

  it('parses and prints civil dates', () => {
    expect(civilDate(day('2026-02-14'))).toEqual({ year: 2026, month: 2, day: 14, isoWeekday: 6, key: '2026-02-14' });
    expect(civilDate(day('2026-03-01')).isoWeekday).toBe(7);
    expect(day('2026-03-01') - day('2026-02-28')).toBe(1);
    expect(dayNumberOf('2026-02-29')).toBeUndefined();
    expect(dayNumberOf('2028-02-29')).toBeDefined();
    expect(dayNumberOf('26-2-1')).toBeUndefined();
  });
});
