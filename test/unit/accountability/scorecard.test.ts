// POLICY.md §6 scorecard arithmetic on a fixed data set: quality 40 %,
// efficiency 30 %, satisfaction 30 %; service stars named.
import { describe, it, expect } from '@jest/globals';
import { DEFAULT_POLICY } from '../../../src/sla/sla.policy.js';
import { scorecardFor, serviceStars } from '../../../src/accountability/scorecard.js';
import type { Penalty } from '../../../src/accountability/penalty.types.js';
import type { ClockState } from '../../../src/sla/clock.js';
import { buildTicket } from '../../doubles/ticket.builder.js';

const AT = new Date('2026-10-10T08:00:00Z');
const clock = (breached: boolean): ClockState =>
  ({ name: 'resolution', status: 'stopped', basis: 'calendar', targetMs: 1000, targetText: '', ruleId: 'r', calendarId: '24x7', startedAt: AT, usedMs: 1, pausedReasons: [], renags: 0, seq: 1, ...(breached ? { breachedAt: AT } : {}) }) as ClockState;
const event = (kind: 'resolve' | 'reopen') => ({ at: AT, actorId: 'sam.taylor', kind, details: {}, source: { platform: 'console' as const, via: 'command' as const } });
const penalty = (points: number, counts = true) => ({ personId: 'sam.taylor', counts, consequence: { warning: 'written', points } }) as unknown as Penalty;

describe('monthly scorecard', () => {
  const tickets = [
    buildTicket({ id: 'T-1', ownerId: 'sam.taylor', state: 'closed', satisfaction: 5, clocks: [clock(false), clock(false)], timeline: [event('resolve')] }),
    buildTicket({ id: 'T-2', ownerId: 'sam.taylor', state: 'closed', satisfaction: 3, clocks: [clock(true), clock(false)], timeline: [event('resolve'), event('reopen'), event('resolve')] }),
    buildTicket({ id: 'T-3', ownerId: 'zhang.wei', state: 'closed', satisfaction: 1, clocks: [clock(true)], timeline: [event('resolve')] }),
  ];

  it('weights quality 40 %, efficiency 30 %, satisfaction 30 %', () => {
    const card = scorecardFor('sam.taylor', tickets, [penalty(2), penalty(5, false)], DEFAULT_POLICY);
    // efficiency 3 of 4 clocks met; satisfaction (5+3)/2/5 = 0.8; quality 1 − 0.1×2 (revoked one not counted) − reopen 1/2 = 0.3
    expect(card).toMatchObject({ tickets: 2, clocksMet: 3, clocksFinished: 4, points: 2, reopenRate: 0.5 });
    expect(card.efficiency).toBeCloseTo(0.75);
    expect(card.satisfaction).toBeCloseTo(0.8);
    expect(card.quality).toBeCloseTo(0.3);
    expect(card.score).toBeCloseTo(100 * (0.4 * 0.3 + 0.3 * 0.75 + 0.3 * 0.8), 1);
  });

  it('leaves out a part with no data and scales the others', () => {
    const noScores = [buildTicket({ id: 'T-9', ownerId: 'liu.yang', clocks: [clock(false)], timeline: [] })];
    const card = scorecardFor('liu.yang', noScores, [], DEFAULT_POLICY);
    expect(card.satisfaction).toBeUndefined();
    expect(card.score).toBe(100);
  });

  it('names service stars: high scores with enough tickets, best first', () => {
    const cards = [
      { personId: 'a', tickets: 5, score: 95 },
      { personId: 'b', tickets: 2, score: 99 },
      { personId: 'c', tickets: 4, score: 91 },
      { personId: 'd', tickets: 9, score: 70 },
    ] as Parameters<typeof serviceStars>[0];
    expect(serviceStars(cards).map((c) => c.personId)).toEqual(['a', 'c']);
  });
});
