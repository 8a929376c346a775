import { describe, it, expect } from '@jest/globals';
import { DurationError, formatDuration, parseDuration, WORKING_DAY_UNIT } from '../../../src/sla/duration.js';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const D = 24 * H;

describe('parseDuration: accepted forms', () => {
  const cases: Array<[string, 'calendar' | 'working', number, 'calendar' | 'working']> = [
    ['90s', 'calendar', 90 * S, 'calendar'],
    ['90 seconds', 'working', 90 * S, 'working'],
    ['30min', 'calendar', 30 * MIN, 'calendar'],
    ['30 min', 'working', 30 * MIN, 'working'],
    ['30m', 'calendar', 30 * MIN, 'calendar'],
    ['1 minute', 'calendar', MIN, 'calendar'],
    ['4h', 'working', 4 * H, 'working'],
    ['24 hours', 'calendar', 24 * H, 'calendar'],
    ['1.5h', 'calendar', 90 * MIN, 'calendar'],
    ['2 hr', 'calendar', 2 * H, 'calendar'],
    ['2d', 'calendar', 2 * D, 'calendar'],
    ['4 working hours', 'calendar', 4 * H, 'working'],
    ['30 working min', 'calendar', 30 * MIN, 'working'],
    ['2 calendar hours', 'working', 2 * H, 'calendar'],
    ['1 calendar day', 'working', D, 'calendar'],
    ['  4 H  ', 'calendar', 4 * H, 'calendar'],
    ['30分钟', 'calendar', 30 * MIN, 'calendar'],
    ['30 分钟', 'working', 30 * MIN, 'working'],
    ['90秒', 'calendar', 90 * S, 'calendar'],
    ['4小时', 'calendar', 4 * H, 'calendar'],
    ['4个小时', 'working', 4 * H, 'working'],
    ['4个工作小时', 'calendar', 4 * H, 'working'],
    ['2天', 'calendar', 2 * D, 'calendar'],
    ['2自然日', 'working', 2 * D, 'calendar'],
    ['2个日历日', 'working', 2 * D, 'calendar'],
  ];
  it.each(cases)('%s (default %s) is %d ms of %s time', (text, basis, ms, wantBasis) => {
    const d = parseDuration(text, basis);
    expect(d).toEqual({ ms, basis: wantBasis, text: text.trim() });
  });

  it('keeps the text as written, for messages', () => {
    expect(parseDuration(' 3 working days ', 'calendar').text).toBe('3 working days');
  });
});

describe('parseDuration: working days are calendar working days, not 24 h', () => {
  const cases: Array<[string, 'calendar' | 'working', number]> = [
    ['3 working days', 'calendar', 3],
    ['1 working day', 'calendar', 1],
    ['1.5 working days', 'calendar', 1.5],
    ['2 business days', 'calendar', 2],
    ['3个工作日', 'calendar', 3],
    ['2工作日', 'calendar', 2],
    // Unqualified days on a working clock are working days.
    ['2d', 'working', 2],
    ['2 days', 'working', 2],
    ['2天', 'working', 2],
  ];
  it.each(cases)('%s (default %s) is %d working days', (text, basis, days) => {
    expect(parseDuration(text, basis)).toEqual({ ms: days * WORKING_DAY_UNIT, basis: 'working', workingDays: days, text });
  });

  it('a nominal working day is 8 h', () => {
    expect(WORKING_DAY_UNIT).toBe(8 * H);
  });
});

describe('parseDuration: rejections', () => {
  const hint = 'write e.g. 90s, 30min, 4h, 3 working days';
  const cases: Array<[string, string]> = [
    ['3 wrking days', `'3 wrking days' is not a duration; ${hint}`],
    ['soon', `'soon' is not a duration; ${hint}`],
    ['30', `'30' is not a duration; ${hint}`],
    ['h4', `'h4' is not a duration; ${hint}`],
    ['4 hours 30 min', `'4 hours 30 min' is not a duration; ${hint}`],
    ['3 working calendar days', `'3 working calendar days' is not a duration; ${hint}`],
    ['3个工作周', `'3个工作周' is not a duration; ${hint}`],
    ['', `the duration is empty; ${hint}`],
    ['   ', `the duration is empty; ${hint}`],
    ['0 min', "'0 min' is zero; give a positive duration, e.g. 90s, 30min, 4h, 3 working days"],
    ['0个工作日', "'0个工作日' is zero; give a positive duration, e.g. 90s, 30min, 4h, 3 working days"],
    ['-2h', "'-2h' is negative; give a positive duration, e.g. 90s, 30min, 4h, 3 working days"],
    ['0.5s', "'0.5s' is less than a second; give at least 1s"],
    ['400 days', "'400 days' is more than a year; give at most 365 days"],
  ];
  it.each(cases)('%j → %s', (text, message) => {
    expect(() => parseDuration(text, 'working')).toThrow(new DurationError(message));
  });

  it('throws a DurationError', () => {
    expect(() => parseDuration('x', 'working')).toThrow(DurationError);
  });
});

describe('formatDuration', () => {
  it('formats milliseconds compactly in English', () => {
    expect(formatDuration(90 * MIN)).toBe('1 h 30 min');
    expect(formatDuration(5 * MIN, 'en')).toBe('5 min');
    expect(formatDuration(24 * H)).toBe('24 h');
    expect(formatDuration(72 * H + 4 * H)).toBe('3 d 4 h');
    expect(formatDuration(90 * S)).toBe('1 min 30 s');
    expect(formatDuration(0)).toBe('0 min');
  });

  it('formats milliseconds in Chinese', () => {
    expect(formatDuration(90 * MIN, 'zh-CN')).toBe('1小时30分钟');
    expect(formatDuration(3 * D, 'zh-CN')).toBe('3天');
  });

  it('formats working days as working days', () => {
    expect(formatDuration(parseDuration('2 working days', 'calendar'))).toBe('2 working days');
    expect(formatDuration(parseDuration('1 working day', 'calendar'))).toBe('1 working day');
    expect(formatDuration(parseDuration('1.5 working days', 'calendar'))).toBe('1.5 working days');
    expect(formatDuration(parseDuration('3个工作日', 'calendar'), 'zh-CN')).toBe('3个工作日');
  });

  it('marks other working-time durations', () => {
    expect(formatDuration(parseDuration('30min', 'working'))).toBe('30 min (working time)');
    expect(formatDuration(parseDuration('30min', 'working'), 'zh-CN')).toBe('30分钟（工作时间）');
    expect(formatDuration(parseDuration('30min', 'calendar'))).toBe('30 min');
  });
});
