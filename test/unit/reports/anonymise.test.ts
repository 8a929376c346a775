// What survives anonymisation, as pure functions, and when a record is due.
import { describe, it, expect } from '@jest/globals';
import { anonymiseAppeal, anonymisePenalty, anonymiseTicket, dueAt, ANONYMISED } from '../../../src/records/anonymise.js';
import { buildTicket, deepFreeze } from '../../doubles/ticket.builder.js';
import { reportAppeals, reportPenalties, ANCHOR } from '../../fixtures/report-data.js';

describe('anonymiseTicket', () => {
  it('keeps the structure and numbers, drops words and people, and never changes its input', () => {
    const t = deepFreeze(buildTicket({ state: 'closed', customer: 'ACME 张总', description: 'call 138', pendingNotices: [{ to: { person: 'x' }, message: 'm', params: {} }] }));
    const a = anonymiseTicket(t, new Date('2030-01-01T00:00:00Z'));
    expect(a).toMatchObject({ id: 'T-7', number: 7, state: 'closed', departmentId: 'support', priority: 'P3', title: '(anonymised)', createdBy: ANONYMISED, ownerId: ANONYMISED, version: t.version + 1 });
    expect(a.customer).toBeUndefined();
    expect(a.description).toBeUndefined();
    expect(a.resolution).toBeUndefined();
    expect(a.pendingNotices).toBeUndefined();
    expect(a.closedAt).toEqual(t.closedAt);
    expect(a.timeline[0]).toEqual({ at: t.timeline[0].at, actorId: ANONYMISED, kind: 'open', to: 'open', details: {}, source: { platform: 'console', via: 'command' } });
  });
});

describe('penalties and appeals', () => {
  it('a penalty keeps its grade, numbers and department; its person, notes and key go', () => {
    const p = reportPenalties(ANCHOR)[0];
    const a = anonymisePenalty(p);
    expect(a).toMatchObject({ id: 'P-1', ticketId: 'T-101', personId: ANONYMISED, departmentId: 'support', grade: 'moderate', overrun: 0.6, status: 'active' });
    expect(a.key).toBe(`T-101:resolution:${p.clockStartedAt.toISOString()}:anonymised:P-1`);
    expect(anonymisePenalty(reportPenalties(ANCHOR)[1]).jointWith).toBe(ANONYMISED);
  });

  it('an appeal keeps its decision, not its words', () => {
    const a = anonymiseAppeal(reportAppeals(ANCHOR)[1]);
    expect(a).toMatchObject({ id: 'A-2', decision: 'uphold', status: 'decided', appellantId: ANONYMISED, reviewerId: ANONYMISED, reason: '' });
    expect(a.note).toBeUndefined();
  });
});

describe('dueAt', () => {
  it('counts calendar years (29 February moves to 1 March)', () => {
    expect(dueAt(new Date('2026-03-18T10:00:00Z'), 3)).toEqual(new Date('2029-03-18T10:00:00Z'));
    expect(dueAt(new Date('2028-02-29T10:00:00Z'), 3)).toEqual(new Date('2031-03-01T10:00:00Z'));
  });
});
