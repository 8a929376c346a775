// Suite 3 — the bot down for ten simulated minutes while clocks fall due. On
// a manual clock (a day ahead of real time, so the job scheduler cannot fire
// anything by itself) tickets are opened, the first reminders fire, the bot
// stops, ten minutes pass, and it starts again: every milestone missed in
// between — reminders, breaches, escalations — must be handled within 30 s of
// the restart, each exactly once. Re-nags count from the last nag (a restart
// does not send a burst of them): they follow afterwards, each once, capped.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../src/core/clock.js';
import {
  claimedSupportCounts,
  countMilestones,
  escalations,
  milestoneOf,
  sleep,
  startSlaHarness,
  unclaimedSupportCounts,
  withoutEscalations,
  type SlaHarness,
} from '../support/sla-app.js';
import { FigureBook } from './harness/figures.js';
import { PROFILE } from './harness/profile.js';

const clock = new ManualClock(Date.now() + 24 * 3600_000);
let h: SlaHarness;
const book = new FigureBook('3-downtime', 'bot down 10 simulated minutes with clocks due');

beforeAll(async () => {
  h = await startSlaHarness({ prefix: 'faults_downtime', clock });
}, 60_000);
afterAll(async () => {
  await book.write();
  await h?.close();
});

describe('suite 3: ten simulated minutes of downtime with clocks due', () => {
  it('handles every missed milestone within 30 s of the restart, each once', async () => {
    const unclaimed: string[] = [];
    const claimed: string[] = [];
    for (let i = 0; i < PROFILE.downtime.tickets; i++) {
      unclaimed.push(await h.client.open('grace.liu', `Downtime unclaimed ${i} --department support`));
      const id = await h.client.open('grace.liu', `Downtime claimed ${i} --department support`);
      await h.client.say('zhang.wei', `/ticket claim ${id}`);
      claimed.push(id);
    }
    const all = new Map<string, Record<string, number>>();
    for (const id of unclaimed) all.set(id, unclaimedSupportCounts(id));
    for (const id of claimed) all.set(id, claimedSupportCounts(id, 'zhang.wei', 'chen.jing'));
    // Milestones at fixed moments, all of which pass while the bot is down.
    const expected = new Map([...all].map(([id, want]) => [id, Object.fromEntries(Object.entries(want).filter(([k]) => !k.includes('/renag-')))]));
    const wanted = [...expected.values()].reduce((n, e) => n + Object.keys(e).length, 0);

    // The first reminders are due at 2 s; they fire before the bot goes down.
    clock.advance(2_000);
    await h.app.clocks.sweep();
    const before = (await h.notifications()).filter((n) => milestoneOf(n)).length;
    await h.stopApp();
    clock.advance(PROFILE.downtime.downMs);
    const restarted = Date.now();
    await h.startAgain();

    // Handled: every expected milestone (escalations aside) is in the notification store.
    const complete = async () => {
      const rows = await h.notifications();
      return [...expected].every(([id, want]) => {
        const got = withoutEscalations(countMilestones(rows.filter((n) => n.ticketId === id)));
        return Object.keys(want).every((k) => got[k]);
      });
    };
    let caughtUpMs = Infinity;
    while (Date.now() - restarted < 60_000) {
      if (await complete()) {
        caughtUpMs = Date.now() - restarted;
        break;
      }
      await sleep(100);
    }
    // Time for a second copy of anything to show up, then time goes on: the re-nags follow.
    await sleep(2_000);
    for (let second = 0; second < 5; second++) {
      clock.advance(1_000);
      await Promise.all([h.app.clocks.sweep(), h.app.clocks.sweep()]);
    }

    const rows = await h.notifications();
    const twice: string[] = [];
    const missing: string[] = [];
    const escalationMismatches: string[] = [];
    for (const [id, want] of all) {
      const mine = rows.filter((n) => n.ticketId === id);
      const got = countMilestones(mine);
      twice.push(...[...got].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`));
      const plain = withoutEscalations(got);
      missing.push(...Object.keys(want).filter((k) => !plain[k]));
      const e = escalations(await h.client.mustTicket(id), mine);
      if (e.saved.length !== (unclaimed.includes(id) ? 2 : 1) || JSON.stringify(e.saved) !== JSON.stringify(e.told)) escalationMismatches.push(`${id}: saved ${e.saved.join(', ')} told ${e.told.join(', ')}`);
    }
    const handled = rows.filter((n) => milestoneOf(n)).length - before;

    book.note('tickets with running clocks', all.size);
    book.note('milestones due while down (notifications after restart)', handled);
    book.check('time to handle every missed milestone after restart (s)', Number.isFinite(caughtUpMs) ? Number((caughtUpMs / 1000).toFixed(1)) : 'never', '≤ 30', caughtUpMs <= 30_000);
    book.check('milestones handled twice', twice.length, '= 0', twice.length === 0);
    book.check('milestones missed', missing.length, '= 0', missing.length === 0);
    book.check('escalations told ≠ saved', escalationMismatches.length, '= 0', escalationMismatches.length === 0);

    expect(wanted).toBeGreaterThan(0);
    expect(missing).toEqual([]);
    expect(twice).toEqual([]);
    expect(escalationMismatches).toEqual([]);
    expect(caughtUpMs).toBeLessThanOrEqual(30_000);
  }, 180_000);
});
