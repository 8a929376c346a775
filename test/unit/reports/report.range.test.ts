// Date ranges, months and weeks as the API reads them.
import { describe, it, expect } from '@jest/globals';
import { isoWeek, parseMonth, parseRange, ReportInputError, weeksOf, weekStart } from '../../../src/reports/report.range.js';

const NOW = new Date('2026-03-18T10:00:00Z');

describe('parseRange', () => {
  it('reads UTC days, `to` inclusive of its whole day', () => {
    expect(parseRange('2026-03-01', '2026-03-18', NOW)).toEqual({ from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-19T00:00:00Z') });
  });

  it('reads ISO times with an offset (a China-time day)', () => {
    expect(parseRange('2026-03-01T00:00:00+08:00', '2026-03-02T00:00:00+08:00', NOW)).toEqual({ from: new Date('2026-02-28T16:00:00Z'), to: new Date('2026-03-01T16:00:00Z') });
  });

  it('defaults to the 90 days up to now', () => {
    expect(parseRange(null, null, NOW)).toEqual({ from: new Date('2025-12-18T10:00:00Z'), to: NOW });
  });

  it.each([
    ['2026-02-30', '2026-03-18', "from '2026-02-30' is not a date"],
    ['yesterday', '2026-03-18', "from 'yesterday' is not a date"],
    ['2026-03-10', '2026-03-01', 'from (2026-03-10) must be before to (2026-03-01)'],
    ['2024-01-01', '2026-01-01', 'the range is longer than 400 days'],
  ])('refuses %s..%s', (from, to, message) => {
    expect(() => parseRange(from, to, NOW)).toThrow(ReportInputError);
    expect(() => parseRange(from, to, NOW)).toThrow(message);
  });
});

describe('months and weeks', () => {
  it('parseMonth gives the UTC month, or the current one', () => {
    expect(parseMonth('2026-02', NOW)).toEqual({ from: new Date('2026-02-01T00:00:00Z'), to: new Date('2026-03-01T00:00:00Z'), label: '2026-02' });
    expect(parseMonth(undefined, NOW).label).toBe('2026-03');
    expect(() => parseMonth('2026-13', NOW)).toThrow("month '2026-13' is not a month; write YYYY-MM");
  });

  it('weeks start on Monday; ISO week numbers follow the Thursday', () => {
    expect(weekStart(new Date('2026-03-01T23:00:00Z'))).toEqual(new Date('2026-02-23T00:00:00Z'));
    expect(weekStart(new Date('2026-03-02T00:00:00Z'))).toEqual(new Date('2026-03-02T00:00:00Z'));
    expect(isoWeek(NOW)).toBe('2026-W12');
    expect(isoWeek(new Date('2027-01-01T12:00:00Z'))).toBe('2026-W53');
    expect(isoWeek(new Date('2024-12-30T12:00:00Z'))).toBe('2025-W01');
    expect(weeksOf({ from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-19T00:00:00Z') }).map((w) => w.toISOString().slice(0, 10))).toEqual(['2026-02-23', '2026-03-02', '2026-03-09', '2026-03-16']);
  });
});
