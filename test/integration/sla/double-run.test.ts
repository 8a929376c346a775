// Every clock job is safe to run twice (src/sla/clock.service.ts): the same
// milestone fired twice at once, sweeps racing each other and the Agenda jobs,
// two bot processes on one database. The notification store must hold one
// message per milestone per person, re-nags must stop at the cap, and every
// escalation a person is told of must be one that was saved.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { ManualClock } from '../../../src/core/clock.js';
import type { TicketJson } from '../../support/console-client.js';
import {
  countMilestones,
  duplicates,
  escalations,
  eventually,
  milestoneOf,
  sleep,
  startSlaHarness,
  unclaimedSupportCounts,
  withoutEscalations,
  type AppInstance,
  type SlaHarness,
  type StoredNotification,
} from '../../support/sla-app.js';

interface StoredClock {
  name: string;
  status: string;
  renags: number;
  next?: { kind: string; at: string; seq: number };
}
const clocksOf = (t: TicketJson) => t.clocks as StoredClock[];

/**
 * Duplicates in the store by (person, message, ticket, clock) — plus the re-nag number for re-nags and the
 * grade for penalty notices, which legitimately repeat once per re-nag and once per raised grade.
 */
function storeDuplicates(rows: StoredNotification[]): string[] {
  const seen = new Map<string, number>();
  for (const n of rows) {
    if (typeof n.params.clock !== 'string') continue;
    const key = `${n.personId} ${n.message} ${n.ticketId} ${n.params.clock} ${n.message === 'clock.renag' ? n.params.n : ''} ${n.params.grade ?? ''}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, c]) => c > 1).map(([k, c]) => `${k} ×${c}`);
}

describe('on a manual clock: the same milestone fired twice at once', () => {
  let h: SlaHarness;
  const clock = new ManualClock(Date.now());
  beforeAll(async () => {
    h = await startSlaHarness({ prefix: 'sla_double_manual', clock });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('two parallel fire() calls for a due milestone: one fires, the other is stale; nothing is sent twice', async () => {
    const id = await h.client.open('grace.liu', 'Fax eats paper --department support');
    const fr = clocksOf(await h.client.mustTicket(id)).find((c) => c.name === 'first_response')!;
    expect(fr.next).toMatchObject({ kind: 'reminder', seq: 0 });
    const res = clocksOf(await h.client.mustTicket(id)).find((c) => c.name === 'resolution')!;

    clock.advance(2000);
    const results = await Promise.all([h.app.clocks.fire(id, 'first_response', fr.next!.seq), h.app.clocks.fire(id, 'first_response', fr.next!.seq)]);
    expect(results.sort()).toEqual(['fired', 'stale']);
    // Run once more, later: still stale. The resolution reminder (3 s) is not due yet.
    expect(await h.app.clocks.fire(id, 'first_response', fr.next!.seq)).toBe('stale');
    expect(await h.app.clocks.fire(id, 'resolution', res.next!.seq)).toBe('not-due');

    const rows = await h.notifications(id);
    expect(storeDuplicates(rows)).toEqual([]);
    expect(rows.filter((n) => milestoneOf(n) === 'first_response/reminder').map((n) => n.personId).sort()).toEqual(['chen.jing', 'sam.taylor', 'zhang.wei']);
  });

  it('sweeps racing each other, fire() and the Agenda jobs: every milestone once, re-nags capped at 2', async () => {
    const id = await h.client.open('grace.liu', 'Scanner offline --department support');
    // Jump past the targets; the jobs Agenda holds are then due or stale. Re-nags count from the last nag,
    // so the manual clock then moves a second at a time until nothing is left to fire.
    clock.advance(20_000);
    for (let round = 0; round < 60; round++) {
      const running = clocksOf(await h.client.mustTicket(id)).filter((c) => c.status === 'running' && c.next);
      if (!running.length) break;
      const due = running.filter((c) => new Date(c.next!.at).getTime() <= clock.now().getTime());
      if (!due.length) {
        clock.advance(1000);
        continue;
      }
      const fires = due.flatMap((c) => [h.app.clocks.fire(id, c.name, c.next!.seq), h.app.clocks.fire(id, c.name, c.next!.seq)]);
      await Promise.all([h.app.clocks.sweep(), h.app.clocks.sweep(), h.app.clocks.sweep(), ...fires]);
    }
    const ticket = await h.client.mustTicket(id);
    expect(clocksOf(ticket).map((c) => [c.name, c.status, c.renags, c.next ?? null])).toEqual([
      ['first_response', 'running', 2, null],
      ['resolution', 'running', 2, null],
    ]);
    const rows = await h.notifications(id);
    expect(storeDuplicates(rows)).toEqual([]);
    expect(withoutEscalations(countMilestones(rows))).toEqual(unclaimedSupportCounts(id));
    const e = escalations(ticket, rows);
    expect(e.saved).toHaveLength(2);
    // Every saved escalation was told (the exact equality is the next test's subject: a known race can add one).
    expect(e.told).toEqual(expect.arrayContaining(e.saved));
  });

  it('both clocks escalating at the same moment: two escalations, each told once, nobody told of one that was not saved', async () => {
    const id = await h.client.open('grace.liu', 'Two clocks at once --department support');
    clock.advance(20_000);
    // Bring both clocks up to their escalation, one milestone at a time.
    for (let i = 0; i < 20; i++) {
      const pending = clocksOf(await h.client.mustTicket(id)).filter((c) => c.next && c.next.kind !== 'escalate');
      if (!pending.length) break;
      for (const c of pending) await h.app.clocks.fire(id, c.name, c.next!.seq);
    }
    const ready = clocksOf(await h.client.mustTicket(id));
    expect(ready.map((c) => c.next?.kind)).toEqual(['escalate', 'escalate']);
    // Both escalations at once, each twice.
    const results = await Promise.all(ready.flatMap((c) => [h.app.clocks.fire(id, c.name, c.next!.seq), h.app.clocks.fire(id, c.name, c.next!.seq)]));
    expect(results.filter((r) => r === 'fired')).toHaveLength(2);
    const ticket = await h.client.mustTicket(id);
    expect(ticket.escalation).toMatchObject({ level: 'manager', toPersonId: 'li.qiang' });
    const e = escalations(ticket, await h.notifications(id));
    expect(e.saved.map((s) => s.split(' → ')[1]).sort()).toEqual(['chen.jing', 'li.qiang']);
    expect(e.told).toEqual(e.saved);
  });
});

describe('two bot processes on one database, with real time', () => {
  let h: SlaHarness;
  let other: AppInstance;
  beforeAll(async () => {
    h = await startSlaHarness({ prefix: 'sla_double_two' });
    other = await h.startAnother();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('both Agendas, both sweeps and extra fire() calls all run every milestone: still once each', async () => {
    const one = await h.client.open('grace.liu', 'Opened on the first process --department support');
    const two = await other.client.open('grace.liu', 'Opened on the second process --department support');
    const apps = [h.app, other.app];
    const done = async () => {
      const rows = await h.notifications();
      const seen = new Set(rows.map((n) => `${n.ticketId} ${milestoneOf(n)}`));
      return [one, two].every((id) => seen.has(`${id} resolution/escalate`));
    };
    // While the clocks run: every 150 ms, both processes sweep and fire whatever is due, on top of their jobs.
    const deadline = Date.now() + 25_000;
    while (!(await done()) && Date.now() < deadline) {
      const work: Array<Promise<unknown>> = apps.map((a) => a.clocks.sweep());
      for (const id of [one, two]) {
        const t = await h.client.mustTicket(id);
        for (const c of clocksOf(t)) {
          if (c.status !== 'running' || !c.next || new Date(c.next.at).getTime() > Date.now()) continue;
          for (const a of apps) work.push(a.clocks.fire(id, c.name, c.next.seq));
        }
      }
      await Promise.all([...work, sleep(150)]);
    }
    await eventually(done, 'both tickets to escalate on resolution', 5000);
    await sleep(2000);

    const rows = await h.notifications();
    expect(storeDuplicates(rows)).toEqual([]);
    for (const id of [one, two]) {
      const mine = rows.filter((n) => n.ticketId === id);
      expect(duplicates(countMilestones(mine))).toEqual([]);
      expect(withoutEscalations(countMilestones(mine))).toEqual(unclaimedSupportCounts(id));
      const ticket = await h.client.mustTicket(id);
      expect(clocksOf(ticket).map((c) => [c.name, c.renags])).toEqual([['first_response', 2], ['resolution', 2]]);
      const e = escalations(ticket, mine);
      expect(e).toEqual({ saved: ['first_response → chen.jing', 'resolution → li.qiang'], told: ['first_response → chen.jing', 'resolution → li.qiang'] });
      // One penalty record per clock and person, however many processes reconciled the ledger.
      const penalties = await h.mongo.collection('penalties').find({ ticketId: id }).toArray();
      const perClockAndPerson = penalties.map((p) => `${p.clock} ${p.personId}`);
      expect(perClockAndPerson.length).toBeGreaterThan(0);
      expect(new Set(perClockAndPerson).size).toBe(perClockAndPerson.length);
    }
  });
});
