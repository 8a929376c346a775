// Appeals and review (POLICY.md §5, src/accountability/appeal.service.ts):
// the penalised person appeals within 5 working days of the department's
// calendar; an independent reviewer is drawn (never the appellant, their
// supervisor or anyone who was on the ticket; the least loaded first); the
// reviewer upholds, reduces or revokes, once, and the record keeps its history.
import { describe, it, expect } from '@jest/globals';
import { excludedReviewers } from '../../../src/accountability/appeal.service.js';
import { isCodedError } from '../../../src/core/errors.js';
import type { Ticket } from '../../../src/tickets/ticket.types.js';
import { makeWorld, penaltyRecord, smallOrg, type World } from '../../doubles/accountability-world.js';

/** The error code a call fails with ('ok' when it succeeds). */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return isCodedError(err) ? err.code : String(err);
  }
}

/** A ticket opened by nick (night desk), claimed by `owner`, breached and left to run 50 % over: a moderate penalty. */
async function penalise(w: World, owner: string, extra: (t: Ticket) => Ticket = (t) => t, fraction = 1.5): Promise<{ ticket: Ticket; penaltyId: string }> {
  let t = w.act(w.open({ departmentId: 'ops' }, 'nick'), { kind: 'claim' }, owner);
  t = w.breach(extra(t), 'resolution');
  w.clock.set(w.at(t, 'resolution', fraction));
  await w.accountability.reconcile(t);
  const p = w.penalties.all().find((x) => x.ticketId === t.id && x.personId === owner);
  if (!p) throw new Error(`no penalty for ${owner} on ${t.id}`);
  return { ticket: t, penaltyId: p.id };
}

const person = (w: World, id: string) => w.org.person(id)!;

describe('filing an appeal', () => {
  it('The penalised person may appeal within 5 working days (the department calendar: a weekend in between does not count)', async () => {
    // finance works 09:00–12:00 and 13:00–18:00 in Shanghai, Monday to Friday (cn-standard).
    const w = makeWorld({ org: smallOrg(), start: new Date('2025-03-06T02:00:00Z') }); // Thursday 10:00
    const t = w.act(w.open({ departmentId: 'finance' }, 'nick'), { kind: 'claim' }, 'fred');
    const createdAt = w.clock.now();
    for (const id of ['P-1', 'P-2']) w.penalties.seed(penaltyRecord({ id, key: `${t.id}:${id}`, ticketId: t.id, personId: 'fred', departmentId: 'finance', createdAt }));
    // Wednesday 17:00 next week: six calendar days later, but 38 of the 40 working hours.
    w.clock.set('2025-03-12T09:00:00Z');
    expect(await outcome(w.appeals.file(person(w, 'fred'), 'P-1', 'the customer never answered'))).toBe('ok');
    // Thursday 11:00: 41 working hours — the window has closed.
    w.clock.set('2025-03-13T03:00:00Z');
    expect(await outcome(w.appeals.file(person(w, 'fred'), 'P-2', 'too late'))).toBe('appeal.window_closed');
    expect((await w.penalties.get('P-2'))!.status).toBe('active');
  });

  it('The penalised person may appeal within 5 working days — counted from the grade they were told of: a penalty raised to severe after a long customer wait can still be appealed', async () => {
    const w = makeWorld();
    let t = w.breach(w.act(w.open(), { kind: 'claim' }, 'sam.taylor'), 'resolution');
    w.clock.set(w.at(t, 'resolution', 1.1));
    await w.accountability.reconcile(t);
    // A minor warning Sam does not contest. The ticket then waits 10 days on the customer, and runs on.
    t = w.act(t, { kind: 'wait' }, 'sam.taylor');
    w.clock.advance(10 * 24 * 3_600_000);
    t = w.act(t, { kind: 'resume' }, 'sam.taylor');
    w.clock.set(w.at(t, 'resolution', 2.2));
    t = w.act(t, { kind: 'note', text: 'customer is back' }, 'sam.taylor');
    await w.accountability.reconcile(t);
    expect(w.notices.to('sam.taylor', 'penalty.regraded').map((n) => n.params.grade)).toEqual(['severe']);
    // Told just now of 5 points and an HR review: he appeals at once.
    expect(await outcome(w.appeals.file(person(w, 'sam.taylor'), 'P-1', 'the customer was away for 10 days'))).toBe('ok');
  });

  it('only the penalised person may appeal, and only once', async () => {
    const w = makeWorld({ org: smallOrg() });
    const { penaltyId } = await penalise(w, 'abe');
    expect(await outcome(w.appeals.file(person(w, 'ben'), penaltyId, 'on his behalf'))).toBe('penalty.not_found');
    expect(await outcome(w.appeals.file(person(w, 'abe'), penaltyId, 'first'))).toBe('ok');
    expect(await outcome(w.appeals.file(person(w, 'abe'), penaltyId, 'second'))).toBe('appeal.not_open');
    expect(w.penalties.allAppeals()).toHaveLength(1);
  });
});

describe('drawing the reviewer', () => {
  it('A reviewer is drawn from the independent review group: never the appellant, the appellant’s supervisor, or anyone on the ticket’s timeline', async () => {
    const w = makeWorld({ org: smallOrg(['abe', 'olga', 'tess', 'rita']) });
    const { penaltyId, ticket } = await penalise(w, 'abe', (t) => w.act(t, { kind: 'note', text: 'customer called' }, 'olga'));
    const { appeal } = await w.appeals.file(person(w, 'abe'), penaltyId, 'the customer was away');
    expect(appeal).toMatchObject({ id: 'A-1', penaltyId, ticketId: ticket.id, appellantId: 'abe', reviewerId: 'rita', status: 'open', reason: 'the customer was away' });
    expect(w.notices.to('rita', 'appeal.assigned').map((n) => n.params)).toEqual([expect.objectContaining({ appealId: 'A-1', penaltyId, person: 'abe', reason: 'the customer was away' })]);
    expect((await w.penalties.get(penaltyId))!.status).toBe('appealed');
  });

  it('A reviewer is never anyone who was on the ticket: a previous owner who never acted and a past escalation target are excluded too', async () => {
    const w = makeWorld({ org: smallOrg(['ben', 'mona', 'rita']) });
    const { penaltyId, ticket } = await penalise(w, 'abe', (t) => {
      // Before abe: olga assigned it to ben, the clocks escalated it to mona, then olga gave it to abe.
      let x = w.act(t, { kind: 'assign', personId: 'ben' }, 'olga');
      x = w.act(x, { kind: 'escalate', reason: 'sla:first_response', level: 'manager', toPersonId: 'mona' }, 'system');
      return w.act(x, { kind: 'assign', personId: 'abe' }, 'olga');
    });
    expect([...excludedReviewers(person(w, 'abe'), ticket)]).toEqual(expect.arrayContaining(['abe', 'tess', 'nick', 'olga', 'ben', 'mona']));
    const { appeal } = await w.appeals.file(person(w, 'abe'), penaltyId, 'I only got it late');
    expect(appeal.reviewerId).toBe('rita');
  });

  it('no eligible reviewer → a clear error, and the penalty stays open to appeal', async () => {
    const w = makeWorld({ org: smallOrg(['olga', 'tess']) });
    const { penaltyId } = await penalise(w, 'abe', (t) => w.act(t, { kind: 'note', text: 'looked at it' }, 'olga'));
    expect(await outcome(w.appeals.file(person(w, 'abe'), penaltyId, 'please'))).toBe('appeal.no_reviewer');
    expect((await w.penalties.get(penaltyId))!.status).toBe('active');
    expect(w.penalties.allAppeals()).toEqual([]);
  });

  it('the load is spread: the reviewer with fewer open appeals is drawn (decided appeals no longer count)', async () => {
    const w = makeWorld({ org: smallOrg() });
    const ids = [];
    for (const owner of ['abe', 'ben', 'abe']) ids.push((await penalise(w, owner)).penaltyId);
    const first = await w.appeals.file(person(w, 'abe'), ids[0], 'one');
    const second = await w.appeals.file(person(w, 'ben'), ids[1], 'two');
    expect([first.appeal.reviewerId, second.appeal.reviewerId]).toEqual(['rita', 'rob']);
    await w.appeals.decide(person(w, 'rita'), first.appeal.id, 'uphold', undefined);
    const third = await w.appeals.file(person(w, 'abe'), ids[2], 'three');
    expect(third.appeal.reviewerId).toBe('rita');
  });
});

/** abe's moderate penalty, appealed: A-1 for rita. */
async function appealed(fraction = 1.5) {
  const w = makeWorld({ org: smallOrg() });
  const { penaltyId, ticket } = await penalise(w, 'abe', undefined, fraction);
  await w.appeals.file(person(w, 'abe'), penaltyId, 'the customer was away');
  return { w, penaltyId, ticket };
}

describe('deciding', () => {
  it('Decision uphold 维持: the penalty stands and the record keeps its whole history; the appellant is told', async () => {
    const { w, penaltyId } = await appealed();
    const { appeal, penalty } = await w.appeals.decide(person(w, 'rita'), 'A-1', 'uphold', 'timeline shows no contact');
    expect(appeal).toMatchObject({ status: 'decided', decision: 'uphold', note: 'timeline shows no contact', decidedAt: w.clock.now() });
    expect(penalty).toMatchObject({ id: penaltyId, status: 'upheld', grade: 'moderate', counts: true });
    expect(penalty.history.map((h) => [h.event, h.grade, h.by, h.note])).toEqual([
      ['recorded', 'moderate', 'system', undefined],
      ['appealed', 'moderate', 'abe', 'the customer was away'],
      ['upheld', 'moderate', 'rita', 'timeline shows no contact'],
    ]);
    expect(w.notices.to('abe', 'appeal.decided').map((n) => [n.params.decision, n.params.by])).toEqual([['uphold', 'rita']]);
  });

  it('Decision reduce 减轻: one grade lower, with that grade’s consequence', async () => {
    const { w } = await appealed();
    const { penalty } = await w.appeals.decide(person(w, 'rita'), 'A-1', 'reduce', 'partly the customer');
    expect(penalty).toMatchObject({ status: 'reduced', grade: 'minor', consequence: { warning: 'verbal', points: 0 }, counts: true });
    expect(penalty.history.at(-1)).toMatchObject({ event: 'reduced', grade: 'minor', by: 'rita', note: 'partly the customer' });
  });

  it('reduce of a minor penalty is refused; the appeal stays open for uphold or revoke', async () => {
    const { w, penaltyId } = await appealed(1.1);
    expect((await w.penalties.get(penaltyId))!.grade).toBe('minor');
    expect(await outcome(w.appeals.decide(person(w, 'rita'), 'A-1', 'reduce', undefined))).toBe('appeal.cannot_reduce_minor');
    expect([(await w.penalties.getAppeal('A-1'))!.status, (await w.penalties.get(penaltyId))!.status]).toEqual(['open', 'appealed']);
    expect(await outcome(w.appeals.decide(person(w, 'rita'), 'A-1', 'revoke', 'fair'))).toBe('ok');
  });

  it('Decision revoke 撤销: a revoked penalty stops counting, and a clock still running does not bring it back', async () => {
    const { w, penaltyId, ticket } = await appealed();
    const { penalty } = await w.appeals.decide(person(w, 'rita'), 'A-1', 'revoke', 'system fault');
    expect(penalty).toMatchObject({ status: 'revoked', counts: false, grade: 'moderate' });
    w.notices.clear();
    w.clock.set(w.at(ticket, 'resolution', 3));
    await w.accountability.reconcile(ticket);
    expect(await w.penalties.get(penaltyId)).toMatchObject({ status: 'revoked', counts: false, grade: 'moderate' });
    expect(w.notices.to('abe')).toEqual([]);
  });

  it('Supervisor joint liability follows the appeal: revoking a severe penalty revokes the supervisor\'s joint penalty, and a running clock does not recreate it', async () => {
    const w = makeWorld({ org: smallOrg() });
    const { ticket, penaltyId } = await penalise(w, 'abe', (t) => t, 2.5);
    const severe = (await w.penalties.get(penaltyId))!;
    expect(severe.grade).toBe('severe');
    const joint = w.penalties.all().find((p) => p.jointWith === 'abe' && p.ticketId === ticket.id);
    expect(joint).toMatchObject({ grade: 'moderate', status: 'active' });
    const { appeal } = await w.appeals.file(person(w, 'abe'), penaltyId, 'the system was down');
    await w.appeals.decide(person(w, appeal.reviewerId), appeal.id, 'revoke', 'outage not declared in time');
    expect(await w.penalties.get(joint!.id)).toMatchObject({ status: 'revoked', counts: false });
    w.clock.set(w.at(ticket, 'resolution', 4));
    await w.accountability.reconcile(ticket);
    expect(w.penalties.all().filter((p) => p.jointWith === 'abe' && p.ticketId === ticket.id && p.counts)).toEqual([]);
  });

  it('Nobody reviews their own appeal; only the drawn reviewer decides (not the appellant, their supervisor or another reviewer)', async () => {
    const { w } = await appealed();
    for (const who of ['abe', 'tess', 'rob', 'olga']) expect([who, await outcome(w.appeals.decide(person(w, who), 'A-1', 'revoke', 'mine'))]).toEqual([who, 'appeal.not_your_review']);
    expect((await w.penalties.getAppeal('A-1'))!.status).toBe('open');
  });

  it('a director may decide an overdue appeal in the reviewer’s place', async () => {
    const { w } = await appealed();
    w.clock.advance(8 * 24 * 3_600_000);
    const { penalty } = await w.appeals.decide(person(w, 'dora'), 'A-1', 'reduce', 'overdue, decided by the director');
    expect(penalty.history.at(-1)).toMatchObject({ event: 'reduced', by: 'dora' });
  });

  it('A reviewer is never the appellant’s supervisor: a director who is the appellant’s supervisor may not decide the appeal in the reviewer’s place', async () => {
    const w = makeWorld({ org: smallOrg() });
    // An unclaimed ops ticket left far over: the queue lead olga is charged severe, her supervisor mona jointly.
    const t = w.breach(w.open({ departmentId: 'ops' }, 'nick'), 'first_response');
    w.clock.set(w.at(t, 'first_response', 4));
    await w.accountability.reconcile(t);
    const joint = w.penalties.all().find((p) => p.personId === 'mona')!;
    const { appeal } = await w.appeals.file(person(w, 'mona'), joint.id, 'I was on leave');
    expect(appeal.reviewerId).toBe('rita');
    w.clock.advance(8 * 24 * 3_600_000);
    // dora is mona's supervisor.
    expect(await outcome(w.appeals.decide(person(w, 'dora'), appeal.id, 'revoke', 'fine'))).toBe('appeal.not_your_review');
  });

  it('A decision cannot be made twice: one of two racing decisions wins, the other is refused, the appellant is told once', async () => {
    const { w, penaltyId } = await appealed();
    const both = await Promise.all([
      outcome(w.appeals.decide(person(w, 'rita'), 'A-1', 'uphold', 'first')),
      outcome(w.appeals.decide(person(w, 'rita'), 'A-1', 'revoke', 'second')),
    ]);
    expect(both.sort()).toEqual(['appeal.already_decided', 'ok']);
    expect(await outcome(w.appeals.decide(person(w, 'rita'), 'A-1', 'reduce', 'third'))).toBe('appeal.already_decided');
    const penalty = (await w.penalties.get(penaltyId))!;
    expect(penalty.history.filter((h) => ['upheld', 'reduced', 'revoked'].includes(h.event))).toHaveLength(1);
    expect(w.notices.to('abe', 'appeal.decided')).toHaveLength(1);
  });

});

describe('follow-up of open appeals', () => {
  /** fred's penalty (finance, cn-standard calendar), appealed on Thursday 2025-03-06 at 10:00 in Shanghai: A-1 for rita. */
  async function financeAppeal() {
    const w = makeWorld({ org: smallOrg(), start: new Date('2025-03-06T02:00:00Z') });
    const t = w.act(w.open({ departmentId: 'finance' }, 'nick'), { kind: 'claim' }, 'fred');
    w.penalties.seed(penaltyRecord({ id: 'P-1', ticketId: t.id, personId: 'fred', departmentId: 'finance', createdAt: w.clock.now() }));
    const { appeal } = await w.appeals.file(person(w, 'fred'), 'P-1', 'the system was down');
    expect(appeal.reviewerId).toBe('rita');
    return w;
  }

  it('The reviewer is reminded after 2 working days; appeals not decided in 5 working days escalate to the service director', async () => {
    const w = await financeAppeal();
    // In working time of the department: Monday 10:00 (the weekend skipped) and Thursday 10:00 a week later.
    expect(w.followUps.map((f) => [f.appealId, f.kind, f.at.toISOString()])).toEqual([
      ['A-1', 'remind', '2025-03-10T02:00:00.000Z'],
      ['A-1', 'escalate', '2025-03-13T02:00:00.000Z'],
    ]);
    w.clock.set('2025-03-10T02:00:00Z');
    expect(await w.appeals.followUp('A-1', 'remind')).toBe('sent');
    expect(await w.appeals.followUp('A-1', 'remind')).toBe('sent');
    expect(w.notices.to('rita', 'appeal.reminder').map((n) => [n.params.appealId, n.params.person])).toEqual([['A-1', 'fred']]);
    w.clock.set('2025-03-13T02:00:00Z');
    expect(await w.appeals.followUp('A-1', 'escalate')).toBe('sent');
    expect(w.notices.sent.filter((n) => n.message === 'appeal.escalated').map((n) => [n.personId, n.params.reviewer])).toEqual([['dora', 'rita']]);
    // The director decides in the reviewer's place.
    expect(await outcome(w.appeals.decide(person(w, 'dora'), 'A-1', 'uphold', 'reviewed late'))).toBe('ok');
  });

  it('a decided appeal is neither reminded nor escalated', async () => {
    const w = await financeAppeal();
    await w.appeals.decide(person(w, 'rita'), 'A-1', 'revoke', 'outage confirmed');
    w.notices.clear();
    expect([await w.appeals.followUp('A-1', 'remind'), await w.appeals.followUp('A-1', 'escalate')]).toEqual(['decided', 'decided']);
    expect(w.notices.sent).toEqual([]);
  });
});
