import { describe, it, expect } from '@jest/globals';
import { alwaysSevere, DEFAULT_POLICY, describeRule, matches, targetFor, type TicketAttrs } from '../../../src/sla/sla.policy.js';
import { WORKING_DAY_UNIT } from '../../../src/sla/duration.js';
import type { ClockName } from '../../../src/tickets/ticket.machine.js';
import { CLOCK_NAMES } from '../../../src/tickets/ticket.machine.js';

const MIN = 60_000;
const H = 60 * MIN;

/** A standard, simple request by email: the most ordinary ticket. */
const ticket = (over: Partial<TicketAttrs> = {}): TicketAttrs => ({
  type: 'request',
  priority: 'P3',
  tier: 'standard',
  complexity: 'simple',
  channel: 'email',
  ...over,
});

function target(clock: ClockName, over: Partial<TicketAttrs> = {}) {
  const found = targetFor(DEFAULT_POLICY, clock, ticket(over));
  if (!found) throw new Error(`${clock} does not apply`);
  return found;
}

describe('first response (working time)', () => {
  it('first response: chat-channel ticket gets 1 min', () => {
    expect(target('first_response', { channel: 'chat' }).target).toMatchObject({ ms: MIN, basis: 'working' });
  });
  it('first response: chat channel wins over VIP (first match)', () => {
    expect(target('first_response', { channel: 'chat', tier: 'vip' }).ruleId).toBe('first_response#1');
  });
  it('first response: VIP customer gets 15 min', () => {
    const t = target('first_response', { tier: 'vip' });
    expect(t.target).toMatchObject({ ms: 15 * MIN, basis: 'working' });
    expect(t).toMatchObject({ ruleIndex: 1, ruleId: 'first_response#2', ruleText: 'first response: VIP → 15 min (working time)' });
  });
  it('first response: standard customer gets 30 min', () => {
    expect(target('first_response').target).toMatchObject({ ms: 30 * MIN, basis: 'working' });
  });
  it('first response: prospect gets 4 h', () => {
    expect(target('first_response', { tier: 'prospect', channel: 'phone' }).target).toMatchObject({ ms: 4 * H, basis: 'working' });
  });
});

describe('classification', () => {
  it('classification: every ticket gets 5 min of working time', () => {
    for (const type of ['inquiry', 'request', 'complaint', 'incident'] as const) {
      expect(target('classification', { type, incidentLevel: type === 'incident' ? 3 : undefined }).target).toMatchObject({ ms: 5 * MIN, basis: 'working' });
    }
    expect(target('classification').ruleText).toBe('classification → 5 min (working time)');
  });
});

describe('complaint contact', () => {
  it('complaint contact: a complaint gets 1 h of calendar time', () => {
    expect(target('complaint_contact', { type: 'complaint' }).target).toMatchObject({ ms: H, basis: 'calendar' });
  });
  it('complaint contact: does not run for other ticket types', () => {
    expect(targetFor(DEFAULT_POLICY, 'complaint_contact', ticket({ type: 'inquiry' }))).toBeNull();
  });
});

describe('resolution (VIP halves these)', () => {
  it('resolution: simple ticket gets 24 h', () => {
    expect(target('resolution').target).toMatchObject({ ms: 24 * H, basis: 'calendar' });
  });
  it('resolution: simple VIP ticket gets 12 h', () => {
    expect(target('resolution', { tier: 'vip' }).target).toMatchObject({ ms: 12 * H, basis: 'calendar' });
  });
  it('resolution: complex ticket gets 3 working days', () => {
    const t = target('resolution', { complexity: 'complex' });
    expect(t.target).toEqual({ ms: 3 * WORKING_DAY_UNIT, basis: 'working', workingDays: 3, text: '3 working days' });
    expect(t.ruleText).toBe('resolution: complex → 3 working days');
  });
  it('resolution: complex VIP ticket gets 1.5 working days', () => {
    const t = target('resolution', { complexity: 'complex', tier: 'vip' });
    expect(t.target).toMatchObject({ basis: 'working', workingDays: 1.5 });
    expect(t).toMatchObject({ ruleIndex: 2, ruleId: 'resolution#3', ruleText: 'resolution: complex, VIP → 1.5 working days' });
  });
  it('resolution: complaint gets 24 h', () => {
    expect(target('resolution', { type: 'complaint' }).target).toMatchObject({ ms: 24 * H, basis: 'calendar' });
  });
  it('resolution: VIP complaint gets 12 h', () => {
    const t = target('resolution', { type: 'complaint', tier: 'vip' });
    expect(t.target).toMatchObject({ ms: 12 * H, basis: 'calendar' });
    expect(t.ruleText).toBe('resolution: complaint, VIP → 12 h');
  });
  it('resolution: a complex complaint still gets the complaint target', () => {
    expect(target('resolution', { type: 'complaint', complexity: 'complex' }).ruleId).toBe('resolution#2');
  });
  it('resolution: every VIP rule halves its general rule', () => {
    for (const over of [{ type: 'complaint' as const }, { complexity: 'complex' as const }, {}]) {
      const general = target('resolution', over).target;
      const vip = target('resolution', { ...over, tier: 'vip' }).target;
      expect(vip.ms * 2).toBe(general.ms);
      expect(vip.basis).toBe(general.basis);
    }
  });
});

describe('handoff, department opinion, return visit', () => {
  it('handoff acceptance: 30 min of working time', () => {
    expect(target('handoff_acceptance').target).toMatchObject({ ms: 30 * MIN, basis: 'working' });
  });
  it('department opinion: 2 working days', () => {
    expect(target('department_opinion').target).toMatchObject({ basis: 'working', workingDays: 2 });
  });
  it('return visit: 24 h', () => {
    expect(target('return_visit').target).toMatchObject({ ms: 24 * H, basis: 'calendar' });
  });
});

describe('incident response by level (calendar time)', () => {
  const levels = [
    [1, 5 * MIN],
    [2, 15 * MIN],
    [3, 30 * MIN],
    [4, 2 * H],
  ] as const;
  for (const [level, ms] of levels) {
    it(`incident response: level ${level} incident gets ${ms / MIN} min`, () => {
      const t = target('incident_response', { type: 'incident', incidentLevel: level });
      expect(t.target).toMatchObject({ ms, basis: 'calendar' });
      expect(t.ruleId).toBe(`incident_response#${level}`);
    });
  }
  it('incident response: does not run for non-incidents', () => {
    expect(targetFor(DEFAULT_POLICY, 'incident_response', ticket({ incidentLevel: 1 }))).toBeNull();
  });
  it('incident response: does not run for an incident without a level', () => {
    expect(targetFor(DEFAULT_POLICY, 'incident_response', ticket({ type: 'incident' }))).toBeNull();
  });
});

describe('post-incident review', () => {
  it('post-incident review: level 1 and 2 incidents get 3 working days', () => {
    for (const level of [1, 2] as const) {
      const t = target('post_incident_review', { type: 'incident', incidentLevel: level });
      expect(t.target).toMatchObject({ basis: 'working', workingDays: 3 });
      expect(t.ruleText).toBe('post-incident review: incident, level 1/2 → 3 working days');
    }
  });
  it('post-incident review: level 3 and 4 incidents have none', () => {
    for (const level of [3, 4] as const) {
      expect(targetFor(DEFAULT_POLICY, 'post_incident_review', ticket({ type: 'incident', incidentLevel: level }))).toBeNull();
    }
  });
});

describe('the rest of the defaults (POLICY.md §3–§7)', () => {
  it('reminders, grades, consequences, appeals, retraining, scorecard, records', () => {
    const p = DEFAULT_POLICY;
    expect(p.reminders).toMatchObject({ at: 0.8, maxRenags: 8, escalateAt: 1.5, renagEvery: { ms: 30 * MIN, basis: 'working' } });
    expect(p.grades).toMatchObject({ minorUpTo: 0.25, moderateUpTo: 1 });
    expect(p.consequences).toEqual({
      minor: { warning: 'verbal', points: 0 },
      moderate: { warning: 'written', points: 2 },
      severe: { warning: 'written', points: 5, hrReview: true },
    });
    expect(p.jointLiability).toMatchObject({ supervisorGradeDrop: 1, inactionWindow: { ms: H, basis: 'working' } });
    expect(p.appeals.window).toMatchObject({ basis: 'working', workingDays: 5 });
    expect(p.appeals.reviewerReminder).toMatchObject({ basis: 'working', workingDays: 2 });
    expect(p.appeals.escalateAfter).toMatchObject({ basis: 'working', workingDays: 5 });
    expect(p.retraining).toEqual({ threshold: 3, windowDays: 30, minGrade: 'moderate' });
    expect(p.scorecard).toEqual({ quality: 0.4, efficiency: 0.3, satisfaction: 0.3 });
    expect(p.records).toEqual({ retainYears: 3, flaggedRetainYears: 5, accessLogYears: 5 });
    expect(Object.keys(p.clocks).sort()).toEqual([...CLOCK_NAMES].sort());
  });
  it('VIP complaints and level 1–2 incidents are always severe', () => {
    expect(alwaysSevere(DEFAULT_POLICY, ticket({ type: 'complaint', tier: 'vip' }))).toBe(true);
    expect(alwaysSevere(DEFAULT_POLICY, ticket({ type: 'incident', incidentLevel: 2 }))).toBe(true);
    expect(alwaysSevere(DEFAULT_POLICY, ticket({ type: 'incident', incidentLevel: 3 }))).toBe(false);
    expect(alwaysSevere(DEFAULT_POLICY, ticket({ type: 'complaint' }))).toBe(false);
  });
});

describe('matching and descriptions', () => {
  it('a list matches any value; every key must match; no condition matches all', () => {
    expect(matches({ tier: ['vip', 'standard'] }, ticket())).toBe(true);
    expect(matches({ tier: ['vip', 'standard'], type: 'complaint' }, ticket())).toBe(false);
    expect(matches(undefined, ticket())).toBe(true);
    expect(matches({}, ticket())).toBe(true);
  });
  it('a clock without rules does not run', () => {
    const off = { ...DEFAULT_POLICY, clocks: { ...DEFAULT_POLICY.clocks, return_visit: { basis: 'calendar' as const, rules: [] } } };
    expect(targetFor(off, 'return_visit', ticket())).toBeNull();
  });
  it('describes rules in Chinese', () => {
    const rule = DEFAULT_POLICY.clocks.resolution.rules[2];
    expect(describeRule('resolution', rule, 'zh-CN')).toBe('解决：复杂、重要客户 → 1.5个工作日');
  });
});
