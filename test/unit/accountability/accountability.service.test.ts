// The penalty ledger kept in step with the clocks (POLICY.md §4,
// src/accountability/accountability.service.ts): reconcile(ticket) after every
// save records a penalty the first time a clock is breached and raises it as
// the clock keeps running; paused time never counts; one record per clock and
// person however often, late or out of order it runs; nobody is penalised
// silently; an idle supervisor shares the breach; three moderate-or-worse
// penalties in 30 days mean retraining. Real machine, keeper and policy;
// manual clock; in-memory ledger.
import { describe, it, expect } from '@jest/globals';
import { AccountabilityService } from '../../../src/accountability/accountability.service.js';
import type { Penalty } from '../../../src/accountability/penalty.types.js';
import type { Ticket } from '../../../src/tickets/ticket.types.js';
import { FakePenaltyRepository } from '../../doubles/fake-penalty-repository.js';
import { FakeNoticeSink } from '../../doubles/fake-notice-sink.js';
import { HOUR, MIN, T0, makeWorld, smallOrg, type World } from '../../doubles/accountability-world.js';

const DAY = 24 * HOUR;

/** A record without what depends on the order of runs (ids, timestamps). */
function comparable(p: Penalty) {
  const { id: _id, createdAt: _c, updatedAt: _u, history, ...rest } = p;
  return { ...rest, history: history.map(({ at: _at, ...h }) => h) };
}

describe('re-grading while the clock runs', () => {
  it('A grade can rise while the clock keeps running: minor → moderate → severe updates the one record (with its history) and announces each rise once', async () => {
    const w = makeWorld();
    let t = w.act(w.open(), { kind: 'claim' }, 'sam.taylor');
    t = w.breach(t, 'resolution');
    // 陈静 acts on the breach within the hour: no joint liability for inaction, only for severity.
    w.clock.set(w.at(t, 'resolution', 1).getTime() + 10 * MIN);
    t = w.act(t, { kind: 'note', text: 'Sam, call the customer now' }, 'chen.jing');
    const reconcileAt = async (fraction: number) => {
      w.clock.set(w.at(t, 'resolution', fraction));
      await w.accountability.reconcile(t);
      await w.accountability.reconcile(t);
    };
    await reconcileAt(1.1);
    expect(w.ledger().map((p) => `${p.id} ${p.personId} ${p.grade}`)).toEqual(['P-1 sam.taylor minor']);
    await reconcileAt(1.5);
    await reconcileAt(2.2);
    // Going back in time (a stale save reconciled late) never lowers a grade.
    await reconcileAt(1.2);

    const owner = w.penaltyOf('sam.taylor')!;
    expect(owner).toMatchObject({ id: 'P-1', clock: 'resolution', role: 'owner', basis: 'owner', grade: 'severe', status: 'active', counts: true });
    expect(owner.consequence).toEqual({ warning: 'written', points: 5, hrReview: true });
    expect(Math.round(owner.actualMs)).toBe(Math.round(2.2 * DAY));
    expect(owner.overrun).toBeCloseTo(1.2, 9);
    expect(owner.history.map((h) => `${h.event} ${h.grade} ${h.by}`)).toEqual(['recorded minor system', 'regraded moderate system', 'regraded severe system']);
    const joint = w.penaltyOf('chen.jing')!;
    expect(joint).toMatchObject({ role: 'supervisor', basis: 'joint-severe', grade: 'moderate', jointWith: 'sam.taylor' });
    expect(w.ledger()).toHaveLength(2);

    // Each rise told once to the person and to the supervisor (陈静 is also the lead: one message, not two);
    // the joint penalty is told to 陈静 and to her own supervisor 李强.
    expect(w.notices.summary()).toEqual([
      'sam.taylor penalty.recorded minor',
      'chen.jing penalty.notice_supervisor minor',
      'sam.taylor penalty.regraded moderate',
      'chen.jing penalty.notice_supervisor moderate',
      'sam.taylor penalty.regraded severe',
      'chen.jing penalty.notice_supervisor severe',
      'chen.jing penalty.recorded moderate',
      'li.qiang penalty.notice_supervisor moderate',
    ]);
    expect(w.notices.attempts).toHaveLength(w.notices.sent.length);
  });

  it('Penalties are never applied silently: the person, the supervisor and the department lead each get a message with the ticket, the clock, the rule and the grade', async () => {
    const w = makeWorld({ org: smallOrg() });
    let t = w.act(w.open({ departmentId: 'ops' }, 'ben'), { kind: 'claim' }, 'abe');
    t = w.breach(t, 'resolution');
    w.clock.set(w.at(t, 'resolution', 1.5));
    await w.accountability.reconcile(t);
    // (tess did nothing after the breach, so she also has a joint penalty for inaction: not this rule's concern.)
    const told = w.notices.sent.filter((n) => n.params.penaltyId === 'P-1').map((n) => [n.personId, n.message, n.params.ticketId, n.params.clock, n.params.rule, n.params.grade]);
    expect(told).toEqual([
      ['abe', 'penalty.recorded', t.id, 'resolution', 'resolution: simple → 24 h', 'moderate'],
      ['tess', 'penalty.notice_supervisor', t.id, 'resolution', 'resolution: simple → 24 h', 'moderate'],
      ['olga', 'penalty.notice_lead', t.id, 'resolution', 'resolution: simple → 24 h', 'moderate'],
    ]);
    expect(w.notices.sent[0].params).toMatchObject({ penaltyId: 'P-1', warning: 'written', points: 2, target: DAY, over: 0.5 * DAY });
  });
});

describe('paused time (customer, outage)', () => {
  it('No penalty when the clock was paused: a clock paused before its target (waiting on the customer, an outage) never breaches', async () => {
    const w = makeWorld();
    const waited = w.act(w.open(), { kind: 'claim' }, 'sam.taylor');
    const outage = w.act(w.open(), { kind: 'claim' }, 'zhang.wei');
    w.clock.set(w.at(waited, 'resolution', 0.9));
    const paused = [w.act(waited, { kind: 'wait' }, 'sam.taylor'), w.save(w.keeper.applyOutage(outage, 'start', w.clock.now()))];
    w.clock.advance(10 * DAY);
    for (const t of paused) {
      expect([w.clockOf(t, 'resolution').status, w.clockOf(t, 'resolution').breachedAt]).toEqual(['paused', undefined]);
      await w.accountability.reconcile(t);
    }
    // Back from the pause, the clock has 10 % of its target left: still nothing to charge.
    const resumed = [w.act(paused[0], { kind: 'resume' }, 'sam.taylor'), w.save(w.keeper.applyOutage(paused[1], 'end', w.clock.now()))];
    for (const t of resumed) await w.accountability.reconcile(t);
    expect(w.ledger()).toEqual([]);
    expect(w.notices.sent).toEqual([]);
  });

  it('No penalty for paused time after a breach: time spent waiting or in an outage does not raise the grade', async () => {
    const w = makeWorld();
    let t = w.breach(w.act(w.open(), { kind: 'claim' }, 'sam.taylor'), 'resolution');
    w.clock.set(w.at(t, 'resolution', 1.1));
    t = w.save(w.keeper.applyOutage(t, 'start', w.clock.now()));
    await w.accountability.reconcile(t);
    w.clock.advance(30 * DAY);
    await w.accountability.reconcile(t);
    t = w.save(w.keeper.applyOutage(t, 'end', w.clock.now()));
    await w.accountability.reconcile(t);
    expect(w.ledger().map((p) => [p.personId, p.grade, Math.round(p.actualMs)])).toEqual([['sam.taylor', 'minor', Math.round(1.1 * DAY)]]);
  });
});

describe('who is charged, through the ledger', () => {
  it('No penalty when unclaimed and nobody was on duty: the department lead is told, once', async () => {
    const w = makeWorld({ org: smallOrg() });
    const t = w.breach(w.open({ departmentId: 'night' }, 'nick'), 'first_response');
    w.clock.set(w.at(t, 'first_response', 4));
    await w.accountability.reconcile(t);
    await w.accountability.reconcile(t);
    expect(w.ledger()).toEqual([]);
    expect(w.notices.sent.map((n) => [n.personId, n.message, n.params.clock, n.params.department])).toEqual([['nina', 'penalty.exempt_nobody_on_duty', 'first_response', 'night']]);
  });

  it('One penalty per clock per ticket: claiming a ticket whose first response already breached does not charge the claimer as well', async () => {
    const w = makeWorld();
    let t = w.breach(w.open(), 'first_response');
    w.clock.set(w.at(t, 'first_response', 2));
    await w.accountability.reconcile(t);
    expect(w.ledger().map((p) => `${p.personId} ${p.clock} ${p.basis}`)).toEqual(['chen.jing first_response queue']);
    // 张伟 finally answers: the late first response was the queue's, not his.
    t = w.act(t, { kind: 'claim' }, 'zhang.wei');
    await w.accountability.reconcile(t);
    expect(w.ledger().map((p) => `${p.personId} ${p.clock} ${p.basis}`)).toEqual(['chen.jing first_response queue']);
  });

  it('Cross-department attribution: a second handoff’s department is not charged for the time the first department kept the ticket waiting', async () => {
    const w = makeWorld();
    let t = w.act(w.open(), { kind: 'claim' }, 'zhang.wei');
    t = w.act(t, { kind: 'handoff', toDepartmentId: 'billing' }, 'zhang.wei');
    t = w.breach(t, 'handoff_acceptance');
    w.clock.advance(40 * MIN);
    t = w.act(t, { kind: 'decline', reason: 'not ours' }, 'david.kim');
    await w.accountability.reconcile(t);
    expect(w.ledger().map((p) => `${p.personId} ${p.grade} ${p.basis}`)).toEqual(['david.kim moderate cross-department']);
    // A minute later 张伟 asks Technical Support instead: their 30 minutes start now.
    w.clock.advance(MIN);
    t = w.act(t, { kind: 'handoff', toDepartmentId: 'tech' }, 'zhang.wei');
    await w.accountability.reconcile(t);
    const clock = w.clockOf(t, 'handoff_acceptance');
    expect({ ledger: w.ledger().map((p) => p.personId), usedMs: clock.usedMs, breached: !!clock.breachedAt }).toEqual({ ledger: ['david.kim'], usedMs: 0, breached: false });
  });

  it('One penalty per clock per ticket: a reopened ticket’s resolution clock carries on in the same record', async () => {
    const w = makeWorld();
    let t = w.breach(w.act(w.open(), { kind: 'claim' }, 'sam.taylor'), 'resolution');
    w.clock.set(w.at(t, 'resolution', 1.1));
    t = w.act(t, { kind: 'resolve', summary: 'done' }, 'sam.taylor');
    await w.accountability.reconcile(t);
    w.clock.advance(2 * DAY);
    t = w.act(t, { kind: 'reopen', reason: 'not fixed' }, 'grace.liu');
    w.clock.advance(0.4 * DAY);
    t = w.act(t, { kind: 'note', text: 'looking again' }, 'sam.taylor');
    await w.accountability.reconcile(t);
    const sams = w.ledger().filter((p) => p.personId === 'sam.taylor');
    expect(sams.map((p) => [p.clock, p.grade, p.history.map((h) => h.event)])).toEqual([['resolution', 'moderate', ['recorded', 'regraded']]]);
  });
});

/** Deterministic PRNG (mulberry32) for the shuffles. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  const rnd = prng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Tickets with breached clocks at many overruns and every kind of attribution, all seen at NOW. */
function breachedTickets(w: World, now: Date): Ticket[] {
  const out: Ticket[] = [];
  const openAt = (msBeforeNow: number) => w.clock.set(now.getTime() - msBeforeNow);
  // Claimed tickets whose resolution (24 h) clock is still running, from right at the target to 200 % over.
  for (const [i, overrun] of [0, 0.1, 0.25, 0.26, 0.6, 1, 1.01, 2].entries()) {
    openAt((1 + overrun) * DAY);
    out.push(w.breach(w.act(w.open({ departmentId: 'ops' }, 'mona'), { kind: 'claim' }, i % 2 ? 'abe' : 'ben'), 'resolution'));
  }
  // Resolution stopped by a resolve at 40 % over, seen much later: graded where it stopped.
  openAt(5 * DAY);
  let resolved = w.breach(w.act(w.open({ departmentId: 'ops' }, 'mona'), { kind: 'claim' }, 'abe'), 'resolution');
  w.clock.set(w.at(resolved, 'resolution', 1.4));
  resolved = w.act(resolved, { kind: 'resolve', summary: 'done' }, 'abe');
  out.push(resolved);
  // Unclaimed: the queue's lead (ops) or nobody on duty (night); a VIP complaint; a lead with no supervisor.
  for (const [dept, overrun] of [['ops', 0.5], ['ops', 3], ['night', 2]] as const) {
    openAt((1 + overrun) * MIN);
    out.push(w.breach(w.open({ departmentId: dept }, 'mona'), 'first_response'));
  }
  openAt(DAY + 5 * MIN);
  out.push(w.breach(w.act(w.open({ departmentId: 'ops', type: 'complaint', tier: 'vip' }, 'mona'), { kind: 'claim' }, 'ben'), 'resolution'));
  openAt(3 * DAY);
  out.push(w.breach(w.act(w.open({ departmentId: 'solo' }, 'mona'), { kind: 'claim' }, 'sol'), 'resolution'));
  // A handoff to the night desk left waiting, and one accepted late.
  for (const late of [true, false]) {
    openAt(2 * HOUR);
    let t = w.act(w.open({ departmentId: 'ops' }, 'mona'), { kind: 'claim' }, 'ben');
    t = w.breach(w.act(t, { kind: 'handoff', toDepartmentId: 'night' }, 'ben'), 'handoff_acceptance');
    if (late) {
      w.clock.set(now.getTime() - 40 * MIN);
      t = w.act(t, { kind: 'accept' }, 'nick');
    }
    out.push(t);
  }
  w.clock.set(now);
  return out;
}

describe('One penalty per clock per ticket: retries, restarts and duplicate deliveries never create a second one', () => {
  it('reconciling every ticket twice, in 5 seeded shuffled orders and all at once, leaves the same ledger and tells everyone once', async () => {
    const now = new Date(T0.getTime() + 20 * DAY);
    const w = makeWorld({ org: smallOrg() });
    const tickets = breachedTickets(w, now);
    // Every breach happened before NOW.
    for (const t of tickets) for (const c of t.clocks ?? []) if (c.breachedAt) expect([t.id, c.name, c.breachedAt <= now]).toEqual([t.id, c.name, true]);

    const run = async (order: Ticket[], concurrent = false) => {
      const penalties = new FakePenaltyRepository();
      const notices = new FakeNoticeSink(w.org);
      const service = new AccountabilityService({ penalties, keeper: w.keeper, org: w.org, clock: w.clock, notices });
      if (concurrent) await Promise.all(order.map((t) => service.reconcile(t)));
      else for (const t of order) await service.reconcile(t);
      const ledger = penalties.all().map(comparable).sort((a, b) => a.key.localeCompare(b.key));
      const told = notices.sent.filter((n) => n.message.startsWith('penalty.')).map(({ params: { penaltyId: _p, ...params }, ...n }) => JSON.stringify({ ...n, params })).sort();
      // Retraining (§6) follows the ledger: who is assigned does not depend on the order either.
      const retrained = notices.sent.filter((n) => n.message.startsWith('retraining.')).map((n) => `${n.personId} ${n.message} ${n.params.person}`).sort();
      return { ledger, told, retrained, ids: penalties.all().map((p) => p.id) };
    };

    const reference = await run(tickets.flatMap((t) => [t, t]));
    // The reference covers every grade and every kind of charge, and the exempt lead was told.
    expect(new Set(reference.ledger.map((p) => p.grade))).toEqual(new Set(['minor', 'moderate', 'severe']));
    expect(new Set(reference.ledger.map((p) => p.basis))).toEqual(new Set(['owner', 'queue', 'cross-department', 'joint-severe', 'joint-inaction']));
    expect(reference.told.filter((n) => n.includes('penalty.exempt_nobody_on_duty'))).toHaveLength(1);
    expect(new Set(reference.ledger.map((p) => p.key)).size).toBe(reference.ledger.length);
    // Told once: no person hears the same penalty at the same grade twice.
    const heard = reference.told.map((n) => {
      const { personId, message, params } = JSON.parse(n);
      return `${personId} ${message} ${params.ticketId} ${params.clock} ${params.person ?? ''} ${params.grade ?? ''}`;
    });
    expect(new Set(heard).size).toBe(heard.length);

    for (const seed of [1, 2, 3, 4, 5]) {
      const order = shuffled([...tickets, ...tickets], seed);
      const again = await run(order);
      expect({ seed, ledger: again.ledger }).toEqual({ seed, ledger: reference.ledger });
      expect({ seed, told: again.told, retrained: again.retrained }).toEqual({ seed, told: reference.told, retrained: reference.retrained });
      // A re-run does not use up penalty numbers: P-1 … P-n.
      expect(again.ids.sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)))).toEqual(reference.ledger.map((_, i) => `P-${i + 1}`));
    }
    // Duplicate deliveries at the same moment (two saves reconciled concurrently).
    const concurrent = await run([...tickets, ...tickets, ...tickets], true);
    expect(concurrent.ledger).toEqual(reference.ledger);
    expect(concurrent.told).toEqual(reference.told);
    expect(concurrent.retrained).toEqual(reference.retrained);
  });
});

describe('Supervisor joint liability (主管连带责任) for inaction', () => {
  it('the supervisor told of a breach who did not reassign, escalate or comment within 1 working hour gets a joint penalty one grade lower; one who acted in time does not', async () => {
    // finance works 09:00–12:00 and 13:00–18:00 in Shanghai. Two complex tickets (3 working days) opened
    // Tuesday 17:30 breach on Friday at 17:30; the hour after it ends on Monday at 09:30.
    const w = makeWorld({ org: smallOrg(), start: new Date('2025-03-04T09:30:00Z') });
    const opened = [0, 1].map(() => w.breach(w.act(w.open({ departmentId: 'finance', complexity: 'complex' }, 'nick'), { kind: 'claim' }, 'fred'), 'resolution'));
    expect(opened.map((t) => w.clockOf(t, 'resolution').breachedAt!.toISOString())).toEqual(['2025-03-07T09:30:00.000Z', '2025-03-07T09:30:00.000Z']);
    // fay acts on the first at Monday 09:15 (45 working minutes after the breach, though 64 hours by the wall
    // clock), on the second only at 10:00.
    w.clock.set('2025-03-10T01:15:00Z');
    const inTime = w.act(opened[0], { kind: 'note', text: 'fred, call them first thing' }, 'fay');
    w.clock.set('2025-03-10T02:00:00Z');
    const late = w.act(opened[1], { kind: 'note', text: 'what is happening here?' }, 'fay');
    // Tuesday 10:00: both are 40 % over (moderate).
    w.clock.set('2025-03-11T02:00:00Z');
    for (const t of [inTime, late]) await w.accountability.reconcile(t);
    const charged = (t: Ticket) => w.ledger().filter((p) => p.ticketId === t.id).map((p) => `${p.personId} ${p.grade} ${p.basis}${p.jointWith ? ` with ${p.jointWith}` : ''}`).sort();
    expect(charged(inTime)).toEqual(['fred moderate owner']);
    expect(charged(late)).toEqual(['fay minor joint-inaction with fred', 'fred moderate owner']);
  });

  it('a minor breach has no joint share, whatever the supervisor did (one grade below minor is nothing)', async () => {
    const w = makeWorld();
    const t = w.breach(w.act(w.open(), { kind: 'claim' }, 'sam.taylor'), 'resolution');
    w.clock.set(w.at(t, 'resolution', 1.2));
    await w.accountability.reconcile(t);
    expect(w.ledger().map((p) => `${p.personId} ${p.grade}`)).toEqual(['sam.taylor minor']);
  });
});

describe('Retraining (再培训, §6)', () => {
  /** A ticket abe claims and leaves 50 % over its resolution target: a moderate penalty; its id. */
  async function moderate(w: World): Promise<string> {
    const t = w.breach(w.act(w.open({ departmentId: 'ops' }, 'nick'), { kind: 'claim' }, 'abe'), 'resolution');
    w.clock.set(w.at(t, 'resolution', 1.5));
    await w.accountability.reconcile(t);
    return w.penalties.all().find((p) => p.personId === 'abe' && p.ticketId === t.id)!.id;
  }
  const retrainingNotices = (w: World) => w.notices.sent.filter((n) => n.message.startsWith('retraining.')).map((n) => `${n.personId} ${n.message} ${n.params.count}`);

  it('3 moderate-or-worse penalties in 30 days → a retraining assignment for the person, with a notice to the supervisor', async () => {
    const w = makeWorld({ org: smallOrg() });
    await moderate(w);
    await moderate(w);
    expect(retrainingNotices(w)).toEqual([]);
    await moderate(w);
    expect(retrainingNotices(w)).toEqual(['abe retraining.assigned 3', 'tess retraining.assigned_supervisor 3']);
    // A fourth adds no second assignment while the first is open.
    await moderate(w);
    expect(retrainingNotices(w)).toHaveLength(2);
  });

  it('penalties older than 30 days, and revoked ones, do not count towards retraining', async () => {
    const w = makeWorld({ org: smallOrg() });
    await moderate(w);
    w.clock.advance(31 * DAY);
    const revoked = await moderate(w);
    await w.appeals.file(w.org.person('abe')!, revoked, 'system outage');
    await w.appeals.decide(w.org.person('rita')!, 'A-1', 'revoke', 'outage confirmed');
    await moderate(w);
    await moderate(w);
    expect(retrainingNotices(w)).toEqual([]);
    await moderate(w);
    expect(retrainingNotices(w)).toEqual(['abe retraining.assigned 3', 'tess retraining.assigned_supervisor 3']);
  });
});
