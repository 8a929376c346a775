// Reminders, breaches, re-nags and escalation through the real app with the
// fast policy (POLICY.md §3): first response 4 s and resolution 6 s, reminders
// at 50 %, re-nags every second up to 2, escalation at 150 %. Everything is
// driven over the console API and read back from inboxes, cards, the timeline
// and the notification store.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { cardOf, fieldOf, textOf } from '../../support/console-client.js';
import { FAST, countMilestones, eventually, milestoneOf, msAfter, sleepUntil, startSlaHarness, type SlaHarness, type StoredNotification } from '../../support/sla-app.js';

let h: SlaHarness;
beforeAll(async () => {
  h = await startSlaHarness({ prefix: 'sla_reminders' });
});
afterAll(async () => {
  await h?.close();
});

/** Generous for a loaded 2-core CI machine. */
const TOLERANCE = 1500;
const QUEUE = ['chen.jing', 'zhang.wei', 'sam.taylor'];

/** When each milestone was first stored, ms after the ticket opened. */
function firstSeen(rows: StoredNotification[], openedAt: Date): Map<string, number> {
  const out = new Map<string, number>();
  for (const n of rows) {
    const m = milestoneOf(n);
    if (!m) continue;
    const key = m.replace('/breach_supervisor', '/breach');
    if (!out.has(key)) out.set(key, msAfter(n.createdAt, openedAt));
  }
  return out;
}

function expectOnTime(seen: Map<string, number>, key: string, expectedMs: number) {
  const actual = seen.get(key);
  expect([key, actual !== undefined && Math.abs(actual - expectedMs) <= TOLERANCE ? 'on time' : `at ${actual} ms`]).toEqual([key, 'on time']);
}

const expected = (entries: Array<[string, string, string[]]>, ticketId: string) => {
  const out: Record<string, number> = {};
  for (const [milestone, message, people] of entries) for (const p of people) out[`${ticketId} ${milestone} (${message}) @${p}`] = 1;
  return out;
};

describe('reminders, breach, re-nags and escalation', () => {
  it('an unclaimed and a claimed ticket: who hears what, when, and how often', async () => {
    const openReply = await h.client.say('grace.liu', '/ticket open Printer on fire --department support');
    const unclaimed = textOf(openReply).match(/T-\d+/)![0];
    // A fresh ticket counts down from the full targets.
    const fresh = fieldOf(cardOf(openReply), 'Clocks') ?? '';
    expect(fresh).toContain('first response: 4 s left of 4 s');
    expect(fresh).toContain('resolution: 6 s left of 6 s');
    const claimed = await h.client.open('grace.liu', 'Invoice missing --department support');
    await h.client.say('zhang.wei', `/ticket claim ${claimed}`);
    // A third ticket is claimed and resolved before any reminder: the clocks never speak about it.
    const quick = await h.client.open('grace.liu', 'Quick fix --department support');
    await h.client.say('sam.taylor', `/ticket claim ${quick}`);
    await h.client.say('sam.taylor', `/ticket resolve ${quick} done`);

    const a = await h.client.mustTicket(unclaimed);
    const b = await h.client.mustTicket(claimed);
    const openedA = new Date(a.createdAt as string);
    const openedB = new Date(b.createdAt as string);

    // Poll until both tickets escalated on their resolution clock (9 s), then give any extra re-nag time to show up.
    await eventually(async () => {
      const rows = await h.notifications();
      const seen = new Set(rows.map((n) => `${n.ticketId} ${milestoneOf(n)}`));
      return seen.has(`${unclaimed} resolution/escalate`) && seen.has(`${claimed} resolution/escalate`);
    }, 'both resolution clocks to escalate', 30_000);
    await sleepUntil(Math.max(openedA.getTime(), openedB.getTime()) + FAST.resolution.escalate + 2500);

    // Unclaimed: the department queue (lead and on-duty, not the off-duty 刘洋) is reminded and nagged;
    // the breach also goes to the lead as supervisor; escalation goes to the lead (supervisor level)
    // on first response, then to the manager 李强 on resolution. Exactly once each, re-nags capped at 2.
    const rowsA = await h.notifications(unclaimed);
    expect(Object.fromEntries(countMilestones(rowsA))).toEqual(
      expected(
        [
          ['first_response/reminder', 'clock.reminder', QUEUE],
          ['first_response/breach', 'clock.breach', QUEUE],
          ['first_response/breach_supervisor', 'clock.breach_supervisor', ['chen.jing']],
          ['first_response/renag-1', 'clock.renag', QUEUE],
          ['first_response/renag-2', 'clock.renag', QUEUE],
          ['first_response/escalate', 'ticket.escalated_to_you', ['chen.jing']],
          ['resolution/reminder', 'clock.reminder', QUEUE],
          ['resolution/breach', 'clock.breach', QUEUE],
          ['resolution/breach_supervisor', 'clock.breach_supervisor', ['chen.jing']],
          ['resolution/renag-1', 'clock.renag', QUEUE],
          ['resolution/renag-2', 'clock.renag', QUEUE],
          ['resolution/escalate', 'ticket.escalated_to_you', ['li.qiang']],
        ],
        unclaimed,
      ),
    );
    // Claimed by 张伟: he is reminded and nagged, his supervisor 陈静 hears of the breach and gets the escalation.
    const rowsB = await h.notifications(claimed);
    expect(Object.fromEntries(countMilestones(rowsB))).toEqual(
      expected(
        [
          ['resolution/reminder', 'clock.reminder', ['zhang.wei']],
          ['resolution/breach', 'clock.breach', ['zhang.wei']],
          ['resolution/breach_supervisor', 'clock.breach_supervisor', ['chen.jing']],
          ['resolution/renag-1', 'clock.renag', ['zhang.wei']],
          ['resolution/renag-2', 'clock.renag', ['zhang.wei']],
          ['resolution/escalate', 'ticket.escalated_to_you', ['chen.jing']],
          ['resolution/escalate', 'ticket.escalated_notice', ['zhang.wei']],
        ],
        claimed,
      ),
    );

    // On time (from the stored notifications) and in order.
    const seenA = firstSeen(rowsA, openedA);
    for (const clock of ['first_response', 'resolution'] as const) {
      const f = FAST[clock];
      expectOnTime(seenA, `${clock}/reminder`, f.reminder);
      expectOnTime(seenA, `${clock}/breach`, f.breach);
      expectOnTime(seenA, `${clock}/renag-1`, f.renags[0]);
      expectOnTime(seenA, `${clock}/renag-2`, f.renags[1]);
      expectOnTime(seenA, `${clock}/escalate`, f.escalate);
      const order = ['reminder', 'breach', 'renag-1', 'renag-2'].map((k) => seenA.get(`${clock}/${k}`)!);
      expect([...order].sort((x, y) => x - y)).toEqual(order);
    }
    // First response: escalation (6 s) and the second re-nag (6 s) coincide; escalation goes first.
    expect(seenA.get('first_response/escalate')!).toBeLessThanOrEqual(seenA.get('first_response/renag-2')!);
    const seenB = firstSeen(rowsB, openedB);
    expectOnTime(seenB, 'resolution/reminder', FAST.resolution.reminder);
    expectOnTime(seenB, 'resolution/breach', FAST.resolution.breach);
    expectOnTime(seenB, 'resolution/escalate', FAST.resolution.escalate);

    // The inboxes, as people read them.
    const about = async (user: string, id: string) => (await h.inbox(user)).filter((n) => n.ticketId === id).map((n) => n.text);
    const sam = await about('sam.taylor', unclaimed);
    expect(sam).toEqual(expect.arrayContaining([
      expect.stringMatching(new RegExp(`^${unclaimed} \\(Printer on fire\\): the first response clock has \\d s left\\. Rule: first response → 4 s \\(working time\\)\\.$`)),
      expect.stringMatching(new RegExp(`^${unclaimed} \\(Printer on fire\\) is overdue: it missed its resolution target of 6 s\\. Rule: resolution → 6 s\\.$`)),
      expect.stringMatching(/^Still overdue \(reminder 2\): .*first response is \d s over/),
    ]));
    expect(await about('liu.yang', unclaimed)).toEqual([]);
    // The director hears of no clock milestone (only, possibly, of penalties, as a manager's supervisor).
    expect(rowsA.filter((n) => n.personId === 'wang.fang' && milestoneOf(n))).toEqual([]);
    expect(await about('chen.jing', unclaimed)).toEqual(expect.arrayContaining([
      expect.stringMatching(/首次响应计时还剩/),
      expect.stringMatching(/^你团队的 T-\d+（Printer on fire）未在 4秒 内完成首次响应/),
      `督办 将 ${unclaimed}（Printer on fire）升级给你：首次响应计时已到升级点。请认领或指派。`,
    ]));
    // 李强 also hears of penalties (as 陈静's supervisor); the escalation is the one card asking him to act.
    const toManager = (await h.inbox('li.qiang')).filter((n) => n.ticketId === unclaimed && /升级给你/.test(n.text));
    expect(toManager.map((n) => n.text)).toEqual([`督办 将 ${unclaimed}（Printer on fire）升级给你：解决计时已到升级点。请认领或指派。`]);
    expect(toManager[0].card?.title).toBe(`${unclaimed} · Printer on fire`);
    expect(await about('zhang.wei', claimed)).toEqual(expect.arrayContaining([
      `${claimed}（Invoice missing）已升级到主管层级：解决计时已到升级点`,
    ]));

    // The stored ticket: escalated twice by the system, overdue, the evidence on its timeline.
    const storedA = await h.client.mustTicket(unclaimed);
    expect(storedA.escalation).toMatchObject({ level: 'manager', toPersonId: 'li.qiang', reason: 'sla:resolution' });
    expect(storedA.ownerId).toBeUndefined();
    expect(storedA.overdueSince).toBeDefined();
    expect(storedA.timeline.filter((e) => e.kind === 'escalate').map((e) => [e.actorId, e.details.reason, e.details.level, e.details.to, e.source.platform, e.source.via])).toEqual([
      ['system', 'sla:first_response', 'supervisor', 'chen.jing', 'system', 'job'],
      ['system', 'sla:resolution', 'manager', 'li.qiang', 'system', 'job'],
    ]);
    const clocks = storedA.clocks as Array<{ name: string; renags: number; status: string; next?: unknown }>;
    expect(clocks.map((c) => [c.name, c.status, c.renags, c.next ?? null])).toEqual([
      ['first_response', 'running', 2, null],
      ['resolution', 'running', 2, null],
    ]);
    const storedB = await h.client.mustTicket(claimed);
    expect(storedB.escalation).toMatchObject({ level: 'supervisor', toPersonId: 'chen.jing' });
    expect(storedB.ownerId).toBe('zhang.wei');

    // The card shows the clocks as overdue; `list overdue` lists both tickets.
    const shown = cardOf(await h.client.say('sam.taylor', `/ticket show ${unclaimed}`));
    expect(shown.tone).toBe('danger');
    expect(fieldOf(shown, 'Clocks')).toMatch(/⚠ first response: overdue by \d+ s \(target 4 s\)/);
    expect(fieldOf(shown, 'Clocks')).toMatch(/⚠ resolution: overdue by \d+ s \(target 6 s\)/);
    expect(fieldOf(shown, 'Timeline')).toMatch(/Duban/);
    const overdue = cardOf(await h.client.say('sam.taylor', '/ticket list overdue'));
    const listed = overdue.fields.map((f) => f.label.split(' · ')[0]);
    expect(listed).toEqual(expect.arrayContaining([unclaimed, claimed]));
    expect(listed).not.toContain(quick);

    expect([...countMilestones(await h.notifications(quick)).keys()]).toEqual([]);
    const quickClocks = fieldOf(cardOf(await h.client.say('sam.taylor', `/ticket show ${quick}`)), 'Clocks') ?? '';
    expect(quickClocks).toMatch(/first response: done in (\d s|0 min) \(target 4 s\)/);
    expect(quickClocks).toMatch(/return visit: .* left of 24 h/);
    expect(quickClocks).not.toContain('⚠');
  });
});
