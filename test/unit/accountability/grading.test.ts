// Timeout grades (POLICY.md §4, src/accountability/grading.ts): a breach is
// graded by how far past its target the clock ran — minor up to 25 % over,
// moderate up to 100 % over, severe beyond — and severe on any breach of a VIP
// complaint or a level 1–2 incident. One test per rule, named after it.
import { describe, it, expect } from '@jest/globals';
import { gradeOf, gradeRank, lowerGrade } from '../../../src/accountability/grading.js';
import { DEFAULT_POLICY, type TicketAttrs } from '../../../src/sla/sla.policy.js';

const TARGET = 4000;
/** The overrun exactly as the ledger computes it: time used over the target, minus one. */
const overrunAt = (usedMs: number) => Math.max(0, usedMs / TARGET - 1);
const grade = (usedMs: number, ticket: Partial<TicketAttrs> = {}) =>
  gradeOf(overrunAt(usedMs), { type: 'inquiry', priority: 'P3', tier: 'standard', complexity: 'simple', channel: 'chat', ...ticket }, DEFAULT_POLICY);

describe('timeout grades (POLICY.md §4)', () => {
  it('minor 轻微: up to 25 % over — a breach right at the target, 10 % over and exactly 25 % over are minor', () => {
    expect(grade(TARGET)).toBe('minor');
    expect(grade(TARGET * 1.1)).toBe('minor');
    expect(overrunAt(5000)).toBe(0.25);
    expect(grade(5000)).toBe('minor');
  });

  it('moderate 中度: 25 %–100 % over — just above 25 %, half over and exactly 100 % over are moderate', () => {
    expect(grade(5001)).toBe('moderate');
    expect(grade(TARGET * 1.5)).toBe('moderate');
    expect(overrunAt(8000)).toBe(1);
    expect(grade(8000)).toBe('moderate');
  });

  it('severe 严重: over 100 % over', () => {
    expect(grade(8001)).toBe('severe');
    expect(grade(TARGET * 10)).toBe('severe');
  });

  it('severe on any breach of a VIP complaint, however small the overrun', () => {
    expect(grade(TARGET, { type: 'complaint', tier: 'vip' })).toBe('severe');
    expect(grade(TARGET + 1, { type: 'complaint', tier: 'vip' })).toBe('severe');
    // Only the combination: a standard complaint and a VIP inquiry are graded by their overrun.
    expect(grade(TARGET, { type: 'complaint', tier: 'standard' })).toBe('minor');
    expect(grade(TARGET, { type: 'inquiry', tier: 'vip' })).toBe('minor');
  });

  it('severe on any breach of a level 1 or level 2 incident; level 3 (and 4) are graded by their overrun', () => {
    expect(grade(TARGET, { type: 'incident', incidentLevel: 1 })).toBe('severe');
    expect(grade(TARGET, { type: 'incident', incidentLevel: 2 })).toBe('severe');
    expect(grade(TARGET, { type: 'incident', incidentLevel: 3 })).toBe('minor');
    expect(grade(TARGET * 1.5, { type: 'incident', incidentLevel: 3 })).toBe('moderate');
    expect(grade(TARGET * 3, { type: 'incident', incidentLevel: 3 })).toBe('severe');
    expect(grade(TARGET, { type: 'incident', incidentLevel: 4 })).toBe('minor');
  });

  it('default consequences: minor a recorded verbal warning and 0 points; moderate a written warning and 2 points; severe a written warning, 5 points and HR review', () => {
    expect(DEFAULT_POLICY.consequences).toEqual({
      minor: { warning: 'verbal', points: 0 },
      moderate: { warning: 'written', points: 2 },
      severe: { warning: 'written', points: 5, hrReview: true },
    });
  });

  it('one grade lower (joint liability, a reduced appeal): severe → moderate → minor → nothing', () => {
    expect(lowerGrade('severe')).toBe('moderate');
    expect(lowerGrade('moderate')).toBe('minor');
    expect(lowerGrade('minor')).toBeUndefined();
    expect(lowerGrade('severe', 2)).toBe('minor');
    expect(['minor', 'moderate', 'severe'].map((g) => gradeRank(g as 'minor'))).toEqual([0, 1, 2]);
  });
});
