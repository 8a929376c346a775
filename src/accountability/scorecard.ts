// Monthly scorecards (POLICY.md §6): quality 40 %, efficiency 30 %, customer
// satisfaction 30 % by default. Pure arithmetic on a month's tickets and
// penalties, so the same data always gives the same card.
//   efficiency   = clocks met / clocks finished on the person's tickets
//   satisfaction = average return-visit score / 5
//   quality      = 1 − 0.1 × penalty points (counting ones) − reopen rate, floored at 0
// A part with no data (no finished clock, no score) is left out and the weights
// of the others are scaled up, so nobody is marked down for lack of data.
import type { SlaPolicy } from '../sla/sla.policy.js';
import type { Ticket } from '../tickets/ticket.types.js';
import type { Penalty } from './penalty.types.js';

export interface Scorecard {
  personId: string;
  tickets: number;
  quality?: number;
  efficiency?: number;
  satisfaction?: number;
  /** 0–100. */
  score: number;
  points: number;
  reopenRate: number;
  clocksMet: number;
  clocksFinished: number;
}

export const STAR_MIN_SCORE = 90;
export const STAR_MIN_TICKETS = 3;

export function scorecardFor(personId: string, tickets: Ticket[], penalties: Penalty[], policy: SlaPolicy): Scorecard {
  const owned = tickets.filter((t) => t.ownerId === personId);
  const clocks = owned.flatMap((t) => (t.clocks ?? []).filter((c) => c.status === 'stopped'));
  const met = clocks.filter((c) => !c.breachedAt).length;
  const scores = owned.map((t) => t.satisfaction).filter((s): s is number => typeof s === 'number');
  const resolved = owned.filter((t) => t.timeline.some((e) => e.kind === 'resolve')).length;
  const reopened = owned.filter((t) => t.timeline.some((e) => e.kind === 'reopen')).length;
  const points = penalties.filter((p) => p.personId === personId && p.counts).reduce((sum, p) => sum + p.consequence.points, 0);
  const reopenRate = resolved ? reopened / resolved : 0;
  const parts: Array<[number, number | undefined]> = [
    [policy.scorecard.quality, owned.length || points ? Math.max(0, 1 - 0.1 * points - reopenRate) : undefined],
    [policy.scorecard.efficiency, clocks.length ? met / clocks.length : undefined],
    [policy.scorecard.satisfaction, scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length / 5 : undefined],
  ];
  const weighted = parts.filter(([, v]) => v !== undefined) as Array<[number, number]>;
  const weight = weighted.reduce((sum, [w]) => sum + w, 0);
  const score = weight ? (100 * weighted.reduce((sum, [w, v]) => sum + w * v, 0)) / weight : 0;
  return {
    personId,
    tickets: owned.length,
    quality: parts[0][1],
    efficiency: parts[1][1],
    satisfaction: parts[2][1],
    score: Math.round(score * 10) / 10,
    points,
    reopenRate,
    clocksMet: met,
    clocksFinished: clocks.length,
  };
}

/** Service stars (服务之星): everyone at or above the bar with enough tickets to count, best first. */
export function serviceStars(cards: Scorecard[]): Scorecard[] {
  return cards.filter((c) => c.score >= STAR_MIN_SCORE && c.tickets >= STAR_MIN_TICKETS).sort((a, b) => b.score - a.score);
}
