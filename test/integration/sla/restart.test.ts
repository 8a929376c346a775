// A restart while clocks are due: the app is stopped before most milestones,
// stays down past all of them, and is started again on the same database.
// Every missed milestone then fires exactly once — none missing, none twice —
// and the one that fired before the stop is not repeated.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import {
  FAST,
  claimedSupportCounts,
  countMilestones,
  duplicates,
  escalations,
  eventually,
  milestoneOf,
  msAfter,
  sleep,
  sleepUntil,
  startSlaHarness,
  unclaimedSupportCounts,
  withoutEscalations,
  type SlaHarness,
  type StoredNotification,
} from '../../support/sla-app.js';

let h: SlaHarness;
beforeAll(async () => {
  h = await startSlaHarness({ prefix: 'sla_restart' });
});
afterAll(async () => {
  await h?.close();
});

describe('restart while clocks are due', () => {
  it('fires every missed milestone exactly once after the restart', async () => {
    const unclaimed = await h.client.open('grace.liu', 'Screen flickers --department support');
    const claimed = await h.client.open('grace.liu', 'Refund request --department support');
    await h.client.say('zhang.wei', `/ticket claim ${claimed}`);
    const opened = new Date((await h.client.mustTicket(unclaimed)).createdAt as string).getTime();

    // The first-response reminder (2 s) fires; then the bot goes down before anything else is due (3 s).
    await eventually(async () => (await h.notifications(unclaimed)).some((n) => milestoneOf(n) === 'first_response/reminder'), 'the first reminder', 10_000);
    await h.stopApp();
    const beforeStop = await h.notifications();
    const firedBeforeStop = new Set(beforeStop.filter((n) => milestoneOf(n)).map((n) => `${n.ticketId} ${milestoneOf(n)}`));
    // The first-response reminder fired; little else can have (the next milestone is due at 3 s).
    expect(firedBeforeStop).toContain(`${unclaimed} first_response/reminder`);
    expect(firedBeforeStop.size).toBeLessThanOrEqual(3);

    // Down past every milestone of both tickets (the last is the resolution escalation at 9 s), then back up.
    await sleepUntil(opened + FAST.resolution.escalate + 1500);
    expect((await h.notifications()).length).toBe(beforeStop.length);
    await h.startAgain();
    const restartedAt = Date.now();

    await eventually(async () => {
      const rows = await h.notifications();
      const seen = new Set(rows.map((n) => `${n.ticketId} ${milestoneOf(n)}`));
      return [unclaimed, claimed].every((id) => seen.has(`${id} resolution/escalate`) && seen.has(`${id} resolution/renag-2`));
    }, 'the catch-up after the restart', 20_000);
    const caughtUpAt = Date.now();
    // Time for any duplicate (a job and the start-up sweep both firing) to show up.
    await sleep(2500);

    const rowsA = await h.notifications(unclaimed);
    const rowsB = await h.notifications(claimed);
    const countsA = countMilestones(rowsA);
    const countsB = countMilestones(rowsB);
    expect(duplicates(countsA)).toEqual([]);
    expect(duplicates(countsB)).toEqual([]);
    expect(withoutEscalations(countsA)).toEqual(unclaimedSupportCounts(unclaimed));
    expect(withoutEscalations(countsB)).toEqual(claimedSupportCounts(claimed, 'zhang.wei', 'chen.jing'));

    // Both clocks of the unclaimed ticket escalated once each: to the lead, then to the manager.
    const ticketA = await h.client.mustTicket(unclaimed);
    const a = escalations(ticketA, rowsA);
    expect(a.saved).toHaveLength(2);
    // Each saved escalation was told once (told ⊇ saved: see double-run.test.ts for the race that can add a stray one).
    expect(a.told).toEqual(expect.arrayContaining(a.saved));
    expect(a.saved.map((s) => s.split(' → ')[1]).sort()).toEqual(['chen.jing', 'li.qiang']);
    expect(ticketA.escalation).toMatchObject({ level: 'manager', toPersonId: 'li.qiang' });
    const ticketB = await h.client.mustTicket(claimed);
    const b = escalations(ticketB, rowsB);
    expect(b).toEqual({ saved: ['resolution → chen.jing'], told: ['resolution → chen.jing'] });
    expect(rowsB.filter((n) => n.message === 'ticket.escalated_notice').map((n) => n.personId)).toEqual(['zhang.wei']);

    // Everything that had not fired before the stop was sent after the restart, promptly (the start-up sweep and the jobs).
    const key = (n: StoredNotification) => `${n.ticketId} ${milestoneOf(n)}`;
    const late = [...rowsA, ...rowsB].filter((n) => milestoneOf(n) && !firedBeforeStop.has(key(n)));
    expect(late.length).toBeGreaterThan(20);
    expect(late.filter((n) => msAfter(n.createdAt, new Date(restartedAt)) < -50).map(key)).toEqual([]);
    expect(caughtUpAt - restartedAt).toBeLessThan(10_000);

    // The clocks end where the policy says: re-nags at the cap, escalated, nothing left to fire.
    for (const t of [ticketA, ticketB]) {
      const running = (t.clocks as Array<{ name: string; status: string; renags: number; escalatedAt?: string; next?: unknown }>).filter((c) => c.status === 'running');
      expect(running.map((c) => [c.name, c.renags, !!c.escalatedAt, c.next ?? null])).toEqual(
        running.map((c) => [c.name, 2, true, null]),
      );
    }
    // No clock job is left behind in Agenda's collection for these tickets.
    const jobs = await h.mongo.collection('agendaJobs').find({ name: 'clock.milestone', 'data.ticketId': { $in: [unclaimed, claimed] }, nextRunAt: { $ne: null } }).toArray();
    expect(jobs.map((j) => j.data)).toEqual([]);
    // …and the restart did not add a second sweep job.
    expect(await h.mongo.collection('agendaJobs').countDocuments({ name: 'clock.sweep' })).toBe(1);
  });
});
