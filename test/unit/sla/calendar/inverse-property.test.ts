// addWorkingTime and workingTimeBetween are inverses, checked on a few thousand seeded random cases over
// 2025–2027 for CN, US-CA, US (New York) and 24x7 calendars; plus the cost of a typical call.
import { describe, it, expect } from '@jest/globals';
import { CalendarRegistry } from '../../../../src/sla/calendar/calendar-registry.js';
import type { DepartmentCalendar } from '../../../../src/sla/calendar/working-calendar.js';

const HOUR = 3_600_000;
const START = Date.parse('2025-01-01T00:00:00Z');
const END = Date.parse('2028-01-01T00:00:00Z');

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const registry = new CalendarRegistry([
  { id: 'us-ca', timeZone: 'America/Los_Angeles', kind: 'office', hours: [['08:30', '12:00'], ['13:00', '17:30']], holidays: 'US-CA' },
]);
const calendars = ['cn-standard', 'us-ca', 'us-standard', '24x7'].map((id) => registry.get(id));

function randomAmount(random: () => number, cal: DepartmentCalendar): number {
  const pick = random();
  if (pick < 0.05) return 0;
  if (pick < 0.35) return Math.floor(random() * 2 * HOUR); // up to 2 h, any ms
  if (pick < 0.7) return Math.round(random() * 40) * 15 * 60_000; // whole quarter hours, up to 10 h
  return Math.floor(random() * 5 * cal.workingDayMs) + 1; // up to 5 working days
}

describe('addWorkingTime / workingTimeBetween are inverse', () => {
  for (const cal of calendars) {
    it(`${cal.id}: workingTimeBetween(from, addWorkingTime(from, x)) === x`, () => {
      const random = prng(20260213);
      for (let i = 0; i < 2500; i++) {
        // Half the starts are arbitrary instants, half sit exactly on a quarter hour (hits interval edges).
        const raw = START + Math.floor(random() * (END - START));
        const from = new Date(i % 2 === 0 ? raw : raw - (raw % (15 * 60_000)));
        const x = randomAmount(random, cal);
        const due = cal.addWorkingTime(from, x);
        const back = cal.workingTimeBetween(from, due);
        // A positive target ends on working time: the instant just before the due instant is working time.
        const endsOnWorkingTime = x === 0 || cal.isWorkingTime(new Date(due.getTime() - 1));
        if (back !== x || due < from || !endsOnWorkingTime) {
          const seen = { from: from.toISOString(), x, due: due.toISOString(), back, endsOnWorkingTime };
          expect(seen).toEqual({ ...seen, back: x, endsOnWorkingTime: true });
          expect(due.getTime()).toBeGreaterThanOrEqual(from.getTime());
        }
      }
    });

    it(`${cal.id}: addWorkingTime(a, workingTimeBetween(a, b)) never passes b, and is monotone`, () => {
      const random = prng(20261001);
      for (let i = 0; i < 1000; i++) {
        const a = new Date(START + Math.floor(random() * (END - START)));
        const b = new Date(a.getTime() + Math.floor(random() * 20 * 24 * HOUR));
        const worked = cal.workingTimeBetween(a, b);
        const reached = cal.addWorkingTime(a, worked);
        expect(reached.getTime()).toBeLessThanOrEqual(b.getTime());
        expect(cal.workingTimeBetween(reached, b)).toBe(0);
        const more = cal.addWorkingTime(a, worked + 1);
        expect(more.getTime()).toBeGreaterThan(reached.getTime());
      }
    });
  }
});

describe('cost', () => {
  it('adding 5 working days takes well under 1 ms', () => {
    const cn = registry.get('cn-standard');
    const from = Date.parse('2026-09-21T10:17:00+08:00'); // runs into Mid-autumn and National Day
    const fiveDays = 5 * cn.workingDayMs;
    for (let i = 0; i < 1000; i++) cn.addWorkingTime(new Date(from + i * 60_000), fiveDays); // warm the day cache
    const runs = 20_000;
    const started = performance.now();
    for (let i = 0; i < runs; i++) cn.addWorkingTime(new Date(from + (i % 5000) * 60_000), fiveDays);
    const perCallMs = (performance.now() - started) / runs;
    expect(perCallMs).toBeLessThan(0.1); // measured ≈ 0.005 ms
  });
});
