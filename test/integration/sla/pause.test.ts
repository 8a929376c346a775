// Paused clocks through the real app (POLICY.md §2): waiting on the customer
// and a declared outage stop the clocks; nothing fires while paused, however
// long; afterwards the clocks carry on with the time they had left. Only an
// admin declares an outage.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { cardOf, fieldOf, textOf, type TicketJson } from '../../support/console-client.js';
import { countMilestones, eventually, milestoneOf, msAfter, sleep, sleepUntil, startSlaHarness, type SlaHarness } from '../../support/sla-app.js';

let h: SlaHarness;
beforeAll(async () => {
  h = await startSlaHarness({ prefix: 'sla_pause' });
});
afterAll(async () => {
  await h?.close();
});

const TOLERANCE = 1500;

interface StoredClock {
  name: string;
  status: string;
  usedMs: number;
  targetMs: number;
  runningSince?: string;
  pausedReasons: string[];
}
const clocksOf = (t: TicketJson) => t.clocks as StoredClock[];
const clock = async (id: string, name: string) => {
  const c = clocksOf(await h.client.mustTicket(id)).find((x) => x.name === name);
  if (!c) throw new Error(`${id} has no ${name} clock`);
  return c;
};
const milestones = async (id: string) => [...countMilestones(await h.notifications(id)).keys()].map((k) => k.split(' ')[1]);
/** When a milestone was first stored, ms after `from`. */
async function seenAfter(id: string, milestone: string, from: Date | string): Promise<number> {
  const row = await eventually(async () => (await h.notifications(id)).find((n) => milestoneOf(n) === milestone), `${id} ${milestone}`, 20_000);
  return msAfter(row.createdAt, from);
}

/**
 * After a pause, a clock that had used `usedMs` reaches each milestone still ahead (threshold > used)
 * `threshold − used` after `since` — not `threshold` (a restart from zero) nor at once (the pause counted).
 * Milestones already behind it must have fired before the pause.
 */
async function expectRemaining(id: string, clock: string, usedMs: number, since: string, thresholds: Record<string, number>, firedBefore: string[]) {
  for (const [kind, threshold] of Object.entries(thresholds)) {
    const key = `${clock}/${kind}`;
    if (threshold <= usedMs) {
      expect(firedBefore).toContain(key);
      continue;
    }
    const actual = await seenAfter(id, key, since);
    const expected = threshold - usedMs;
    expect([key, Math.abs(actual - expected) <= TOLERANCE ? 'on time' : `after ${actual} ms, expected ≈${expected} ms`]).toEqual([key, 'on time']);
  }
}

describe('waiting on the customer', () => {
  it('pauses every clock: nothing fires during a long wait; resume carries on with the time left', async () => {
    const id = await h.client.open('grace.liu', 'Router keeps rebooting --department support');
    const opened = (await h.client.mustTicket(id)).createdAt as string;
    // The first-response reminder (2 s) fires before the wait.
    await seenAfter(id, 'first_response/reminder', opened);
    await sleepUntil(new Date(opened).getTime() + 2300);
    expect(textOf(await h.client.say('chen.jing', `/ticket wait ${id}`))).toContain(id);
    const paused = await h.client.mustTicket(id);
    expect(clocksOf(paused).map((c) => [c.name, c.status, c.pausedReasons])).toEqual([
      ['first_response', 'paused', ['customer']],
      ['resolution', 'paused', ['customer']],
    ]);
    // Whatever fired before the wait (at least the first-response reminder) is all there is.
    const before = await milestones(id);
    expect(before).toContain('first_response/reminder');

    // 5 s on hold: past both targets (4 s and 6 s) counted from the opening, had the clocks kept running.
    await sleep(5000);
    expect(await milestones(id)).toEqual(before);
    const card = cardOf(await h.client.say('sam.taylor', `/ticket show ${id}`));
    expect(fieldOf(card, 'Clocks')).toMatch(/first response: paused, \d s left/);
    expect(fieldOf(card, 'Clocks')).toMatch(/resolution: paused, \d s left/);

    await h.client.say('chen.jing', `/ticket resume ${id}`);
    const fr = await clock(id, 'first_response');
    const res = await clock(id, 'resolution');
    expect([fr.status, res.status]).toEqual(['running', 'running']);
    // About 2.3 s were used before the wait; the time on hold added nothing.
    expect(res.usedMs).toBeGreaterThanOrEqual(2200);
    expect(res.usedMs).toBeLessThan(4000);
    expect(fr.usedMs).toBe(res.usedMs);

    // The remaining time runs from the resume.
    await expectRemaining(id, 'first_response', fr.usedMs, fr.runningSince!, { reminder: 2000, breach: 4000 }, before);
    await expectRemaining(id, 'resolution', res.usedMs, res.runningSince!, { reminder: 3000, breach: 6000 }, before);
    // The reminder sent before the wait was not sent again.
    const counts = countMilestones(await h.notifications(id));
    expect([...counts].filter(([k]) => k.includes('first_response/reminder')).map(([, n]) => n)).toEqual([1, 1, 1]);
  });
});

describe('a declared outage', () => {
  it('only an admin declares or ends an outage', async () => {
    expect(await h.client.sayText('sam.taylor', '/ticket outage start database down')).toBe('Only an admin can do that.');
    expect(await h.client.sayText('chen.jing', '/ticket outage start')).toBe('只有管理员可以执行此操作。');
    // Not even the service director.
    expect(await h.client.sayText('wang.fang', '/ticket outage end')).toBe('只有管理员可以执行此操作。');
    expect(await h.client.sayText('alex.morgan', '/ticket outage end')).toBe('No outage is declared. Start one with `/ticket outage start [note]`.');
  });

  it('pauses every clock, starts new tickets paused, and exempts its whole length', async () => {
    const t1 = await h.client.open('grace.liu', 'Payment page blank --department support');
    await h.client.say('zhang.wei', `/ticket claim ${t1}`);
    const opened = (await h.client.mustTicket(t1)).createdAt as string;
    await sleepUntil(new Date(opened).getTime() + 2000);
    expect(await h.client.sayText('alex.morgan', '/ticket outage start payment provider down')).toMatch(/^Outage declared: every clock is paused until `\/ticket outage end` \(\d+ tickets\)\.$/);
    expect(await h.client.sayText('alex.morgan', '/ticket outage start again')).toMatch(/^An outage is already declared \(since .+\)\. End it with `\/ticket outage end`\.$/);
    expect(await h.client.sayText('sam.taylor', '/ticket outage end')).toBe('Only an admin can do that.');
    const during = await clock(t1, 'resolution');
    expect([during.status, during.pausedReasons]).toEqual(['paused', ['outage']]);
    const before1 = await milestones(t1);

    // Opened during the outage: its clocks start paused, with nothing used.
    const t2 = await h.client.open('grace.liu', 'Cannot log in --department support');
    const t2Clocks = clocksOf(await h.client.mustTicket(t2));
    expect(t2Clocks.map((c) => [c.name, c.status, c.pausedReasons, c.usedMs])).toEqual([
      ['first_response', 'paused', ['outage'], 0],
      ['resolution', 'paused', ['outage'], 0],
    ]);

    // 5 s of outage: T1's resolution target (6 s) passes, had its clock kept running.
    await sleep(5000);
    expect(await milestones(t1)).toEqual(before1);
    expect(await milestones(t2)).toEqual([]);

    expect(await h.client.sayText('alex.morgan', '/ticket outage end')).toMatch(/^Outage over: clocks run again \(\d+ tickets\)\.$/);
    const after1 = await clock(t1, 'resolution');
    const after2 = await clock(t2, 'first_response');
    expect([after1.status, after2.status]).toEqual(['running', 'running']);
    expect(after1.usedMs).toBeGreaterThanOrEqual(1900);
    expect(after1.usedMs).toBeLessThan(4000);
    expect(after2.usedMs).toBe(0);

    await Promise.all([
      expectRemaining(t1, 'resolution', after1.usedMs, after1.runningSince!, { reminder: 3000, breach: 6000 }, before1),
      expectRemaining(t2, 'first_response', 0, after2.runningSince!, { reminder: 2000, breach: 4000 }, []),
    ]);
  });

  async function duringOutage(body: () => Promise<void>): Promise<void> {
    expect(await h.client.sayText('alex.morgan', '/ticket outage start')).toMatch(/^Outage declared/);
    try {
      await body();
    } finally {
      expect(await h.client.sayText('alex.morgan', '/ticket outage end')).toMatch(/^Outage over/);
    }
  }

  it('also pauses the return visit of a resolved ticket ("every clock")', async () => {
    const id = await h.client.open('grace.liu', 'Resolved before the outage --department support');
    await h.client.say('sam.taylor', `/ticket claim ${id}`);
    await h.client.say('sam.taylor', `/ticket resolve ${id} fixed`);
    expect((await clock(id, 'return_visit')).status).toBe('running');
    let during: StoredClock | undefined;
    await duringOutage(async () => {
      during = await clock(id, 'return_visit');
    });
    expect([during?.status, during?.pausedReasons]).toEqual(['paused', ['outage']]);
  });

  it('a ticket resolved during the outage has its return visit running once the outage ends', async () => {
    let id = '';
    await duringOutage(async () => {
      id = await h.client.open('grace.liu', 'Resolved during the outage --department support');
      await h.client.say('sam.taylor', `/ticket claim ${id}`);
      await h.client.say('sam.taylor', `/ticket resolve ${id} fixed`);
      expect((await clock(id, 'return_visit')).status).toBe('paused');
    });
    const after = await clock(id, 'return_visit');
    expect([after.status, after.pausedReasons]).toEqual(['running', []]);
  });
});
