// Who answers for a breached clock (POLICY.md §4, src/accountability/attribution.ts):
// the owner; an unclaimed ticket's department lead when people were on duty;
// nobody (the lead is told) when nobody was; the receiving department's lead
// while a handoff waits; and the supervisor jointly, one grade lower, on a
// severe breach or when idle after being told of it. Tickets are built with
// the real machine and clock keeper.
import { describe, it, expect } from '@jest/globals';
import { decideCharges, type ChargeDecision } from '../../../src/accountability/attribution.js';
import { DEFAULT_POLICY } from '../../../src/sla/sla.policy.js';
import type { Ticket } from '../../../src/tickets/ticket.types.js';
import { HOUR, MIN, makeWorld, smallOrg, type World } from '../../doubles/accountability-world.js';

/** The charges for one clock of the ticket at an overrun (0.1 = 10 % over). */
function charges(w: World, t: Ticket, clockName: string, overrun: number): ChargeDecision {
  return decideCharges(t, w.clockOf(t, clockName), overrun, DEFAULT_POLICY, w.org);
}

describe('attribution (POLICY.md §4)', () => {
  it('the owner answers for a claimed ticket’s breach', () => {
    const w = makeWorld();
    const t = w.act(w.open(), { kind: 'claim' }, 'zhang.wei');
    expect(charges(w, t, 'resolution', 0.1)).toEqual({
      kind: 'charges',
      charges: [{ personId: 'zhang.wei', departmentId: 'support', role: 'owner', basis: 'owner', grade: 'minor' }],
    });
  });

  it('No penalty when the ticket was unclaimed and the department had nobody on duty — then the department lead is told', () => {
    const w = makeWorld({ org: smallOrg() });
    const t = w.open({ departmentId: 'night' }, 'nick');
    expect(charges(w, t, 'first_response', 3)).toEqual({ kind: 'exempt', reason: 'nobody_on_duty', departmentId: 'night', leadId: 'nina' });
  });

  it('unclaimed with people on duty: the department lead answers for the queue', () => {
    const w = makeWorld();
    const t = w.open();
    expect(charges(w, t, 'first_response', 0.5)).toEqual({
      kind: 'charges',
      charges: [{ personId: 'chen.jing', departmentId: 'support', role: 'lead', basis: 'queue', grade: 'moderate' }],
    });
  });

  it('Cross-department attribution: while a handoff waits for acceptance, its timeout is charged to the receiving department’s lead, not to the sender', () => {
    const w = makeWorld();
    const claimed = w.act(w.open(), { kind: 'claim' }, 'zhang.wei');
    const pending = w.act(claimed, { kind: 'handoff', toDepartmentId: 'billing', note: 'refund' }, 'zhang.wei');
    expect(pending.state).toBe('pending_handoff');
    expect(charges(w, pending, 'handoff_acceptance', 0.2)).toEqual({
      kind: 'charges',
      charges: [{ personId: 'david.kim', departmentId: 'billing', role: 'lead', basis: 'cross-department', grade: 'minor' }],
    });
  });

  it('Cross-department attribution: after the handoff was accepted or declined, the timeout that happened while it waited stays with the receiving department', () => {
    const w = makeWorld();
    const claimed = w.act(w.open(), { kind: 'claim' }, 'zhang.wei');
    const pending = w.act(claimed, { kind: 'handoff', toDepartmentId: 'billing' }, 'zhang.wei');
    w.clock.advance(45 * MIN);
    const accepted = w.act(pending, { kind: 'accept' }, 'zhao.min');
    expect([accepted.departmentId, accepted.ownerId, accepted.pendingHandoff]).toEqual(['billing', 'zhao.min', undefined]);
    expect(charges(w, accepted, 'handoff_acceptance', 0.5)).toEqual({
      kind: 'charges',
      charges: [{ personId: 'david.kim', departmentId: 'billing', role: 'lead', basis: 'cross-department', grade: 'moderate' }],
    });
    const declined = w.act(pending, { kind: 'decline', reason: 'not ours' }, 'david.kim');
    expect([declined.departmentId, declined.ownerId, declined.state]).toEqual(['support', 'zhang.wei', 'claimed']);
    expect(charges(w, declined, 'handoff_acceptance', 0.5)).toEqual({
      kind: 'charges',
      charges: [{ personId: 'david.kim', departmentId: 'billing', role: 'lead', basis: 'cross-department', grade: 'moderate' }],
    });
  });

  it('Cross-department attribution: while a handoff waits, "the clock belongs to the receiving department" — a resolution timeout in that window is charged to its lead, not to the sender', () => {
    // POLICY.md §4: "while a handoff waits for acceptance, the clock belongs to the receiving department;
    // a timeout in that window is charged to that department's lead, not to the sender."
    const w = makeWorld();
    const claimed = w.act(w.open(), { kind: 'claim' }, 'zhang.wei');
    w.clock.advance(23 * HOUR);
    const pending = w.act(claimed, { kind: 'handoff', toDepartmentId: 'billing' }, 'zhang.wei');
    w.clock.advance(2 * HOUR);
    const breached = w.breach(pending, 'resolution');
    expect(breached.state).toBe('pending_handoff');
    const decision = charges(w, breached, 'resolution', 0.05);
    expect(decision.kind === 'charges' && decision.charges.map((c) => `${c.personId} ${c.basis}`)).toEqual(['david.kim cross-department']);
  });

  it('Supervisor joint liability (主管连带责任): a severe breach adds a joint penalty one grade lower for the owner’s supervisor', () => {
    const w = makeWorld();
    const t = w.act(w.open(), { kind: 'claim' }, 'sam.taylor');
    expect(charges(w, t, 'resolution', 1.01)).toEqual({
      kind: 'charges',
      charges: [
        { personId: 'sam.taylor', departmentId: 'support', role: 'owner', basis: 'owner', grade: 'severe' },
        { personId: 'chen.jing', departmentId: 'support', role: 'supervisor', basis: 'joint-severe', grade: 'moderate', jointWith: 'sam.taylor' },
      ],
    });
    // Severe by the ticket (a VIP complaint) rather than by the overrun: the same joint charge.
    const vip = w.act(w.open({ type: 'complaint', tier: 'vip' }), { kind: 'claim' }, 'sam.taylor');
    const vipDecision = charges(w, vip, 'resolution', 0);
    expect(vipDecision.kind === 'charges' && vipDecision.charges.map((c) => `${c.personId} ${c.grade} ${c.basis}`)).toEqual(['sam.taylor severe owner', 'chen.jing moderate joint-severe']);
    // The supervisor is the person's own, not the department lead: abe reports to tess, the lead is olga.
    const s = makeWorld({ org: smallOrg() });
    const ops = s.act(s.open({ departmentId: 'ops' }, 'ben'), { kind: 'claim' }, 'abe');
    const opsDecision = charges(s, ops, 'resolution', 2);
    expect(opsDecision.kind === 'charges' && opsDecision.charges.map((c) => `${c.personId} ${c.grade} ${c.basis}`)).toEqual(['abe severe owner', 'tess moderate joint-severe']);
    // A lead charged for the queue: the lead's own supervisor shares a severe breach.
    const queue = charges(w, w.open(), 'first_response', 5);
    expect(queue.kind === 'charges' && queue.charges.map((c) => `${c.personId} ${c.grade} ${c.basis}`)).toEqual(['chen.jing severe queue', 'li.qiang moderate joint-severe']);
  });

  it('Supervisor joint liability for inaction: an idle supervisor shares a moderate breach one grade lower (and a severe one as a severe joint charge)', () => {
    const w = makeWorld();
    const t = w.act(w.open(), { kind: 'claim' }, 'sam.taylor');
    const joint = (overrun: number) => {
      const d = decideCharges(t, w.clockOf(t, 'resolution'), overrun, DEFAULT_POLICY, w.org, true);
      return d.kind === 'charges' ? d.charges.slice(1).map((c) => `${c.personId} ${c.grade} ${c.basis}`) : [];
    };
    expect(joint(0.1)).toEqual([]);
    expect(joint(0.5)).toEqual(['chen.jing minor joint-inaction']);
    expect(joint(2)).toEqual(['chen.jing moderate joint-severe']);
  });

  it('no joint liability below severe while the supervisor is not idle', () => {
    const w = makeWorld();
    const t = w.act(w.open(), { kind: 'claim' }, 'sam.taylor');
    for (const overrun of [0, 0.25, 1]) {
      const d = charges(w, t, 'resolution', overrun);
      expect(d.kind === 'charges' && d.charges.map((c) => c.personId)).toEqual(['sam.taylor']);
    }
  });

  it('no joint penalty when the charged person has no supervisor', () => {
    const w = makeWorld({ org: smallOrg() });
    const t = w.act(w.open({ departmentId: 'solo' }, 'sol'), { kind: 'claim' }, 'sol');
    expect(charges(w, t, 'resolution', 3)).toEqual({
      kind: 'charges',
      charges: [{ personId: 'sol', departmentId: 'solo', role: 'owner', basis: 'owner', grade: 'severe' }],
    });
  });
});
