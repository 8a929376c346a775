// Results must not depend on the time zone of the machine the bot runs on. (chinese-days' own functions do:
// on a host west of UTC they shift every date back one day — see holiday-sources.ts.) Jest cannot change the
// host zone of its own process, so each host zone gets a child process running the calendars under tsx.
import { describe, it, expect } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const moduleUrl = new URL('../../../../src/sla/calendar/working-calendar.ts', import.meta.url).href;
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

const probe = `
import { createCalendar } from '${moduleUrl}';
const cn = createCalendar({ id: 'cn', timeZone: 'Asia/Shanghai', kind: 'office', holidays: 'CN' });
const ca = createCalendar({ id: 'ca', timeZone: 'America/Los_Angeles', kind: 'office', hours: [['09:00', '17:00']], holidays: 'US-CA' });
const days = (cal, list) => Object.fromEntries(list.map((d) => [d, cal.isWorkingDay(d)]));
console.log(JSON.stringify({
  hostOffsetMinutes: new Date(2026, 0, 1).getTimezoneOffset(),
  cn: days(cn, ['2026-02-13', '2026-02-14', '2026-02-15', '2026-02-23', '2026-02-24', '2026-02-28', '2026-03-07', '2026-09-20', '2026-10-07', '2026-10-10']),
  ca: days(ca, ['2026-03-31', '2026-07-02', '2026-07-03', '2026-07-04', '2026-07-06']),
  cnDue: cn.addWorkingTime(new Date('2026-02-14T15:00:00+08:00'), 4 * 3600000).toISOString(),
  caDue: ca.addWorkingTime(new Date('2026-07-02T16:00:00-07:00'), 2 * 3600000).toISOString(),
}));
`;

function runWithHostZone(tz: string): Record<string, unknown> {
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
    cwd: repoRoot,
    env: { ...process.env, TZ: tz },
    encoding: 'utf8',
  });
  return JSON.parse(out) as Record<string, unknown>;
}

const expected = {
  cn: {
    '2026-02-13': true,
    '2026-02-14': true, // make-up Saturday
    '2026-02-15': false,
    '2026-02-23': false,
    '2026-02-24': true,
    '2026-02-28': true, // make-up Saturday
    '2026-03-07': false, // ordinary Saturday
    '2026-09-20': true, // make-up Sunday
    '2026-10-07': false,
    '2026-10-10': true, // make-up Saturday
  },
  ca: { '2026-03-31': false, '2026-07-02': true, '2026-07-03': false, '2026-07-04': false, '2026-07-06': true },
  cnDue: '2026-02-24T02:00:00.000Z',
  caDue: '2026-07-06T17:00:00.000Z',
};

describe('calendars give the same answers whatever the host time zone', () => {
  it.each([
    ['America/Los_Angeles', 480],
    ['Pacific/Kiritimati', -840],
    ['UTC', 0],
  ])('host in %s', (tz, hostOffsetMinutes) => {
    expect(runWithHostZone(tz)).toEqual({ hostOffsetMinutes, ...expected });
  });
});
