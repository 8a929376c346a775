// Manual escalation (POLICY.md §3): one level up the chain agent → supervisor
// → department manager → service director, always with a reason; the person
// escalated to is told and must claim or delegate — nothing is reassigned
// silently; at the top there is no level above.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { startTestApp, type TestApp } from '../../support/app.js';
import { buttonOf, cardOf, fieldOf, textOf, type ConsoleClient } from '../../support/console-client.js';

let t: TestApp;
let c: ConsoleClient;
beforeAll(async () => {
  t = await startTestApp({ prefix: 'escalation' });
  c = t.client;
});
afterAll(async () => {
  await t?.stop();
});

async function openAndClaim(opener: string, claimer: string, title: string): Promise<string> {
  const id = await c.open(opener, title);
  await c.say(claimer, `/ticket claim ${id}`);
  expect((await c.mustTicket(id)).ownerId).toBe(claimer);
  return id;
}

const escalationsTo = async (user: string, id: string) =>
  (await c.inbox(user)).filter((n) => n.ticketId === id && /escalated to you|升级给你/.test(n.text));

describe('the escalation chain of the demo organisation', () => {
  it('support: Sam Taylor → supervisor 陈静 → manager 李强 → director 王芳 → no level above', async () => {
    const id = await openAndClaim('grace.liu', 'sam.taylor', 'VIP cannot log in');

    const first = await c.say('sam.taylor', `/ticket escalate ${id} customer threatens to leave`);
    expect(textOf(first)).toBe(`Escalated ${id} to supervisor level: 陈静 is now responsible.`);
    expect(fieldOf(cardOf(first), 'Escalated')).toBe('supervisor → 陈静 (customer threatens to leave)');
    let stored = await c.mustTicket(id);
    expect(stored.escalation).toMatchObject({ level: 'supervisor', toPersonId: 'chen.jing', reason: 'customer threatens to leave' });
    expect(stored.ownerId).toBe('sam.taylor');

    const toChen = await escalationsTo('chen.jing', id);
    expect(toChen.map((n) => n.text)).toEqual([`Sam Taylor 将 ${id}（VIP cannot log in）升级给你：customer threatens to leave。请认领或指派。`]);
    expect(buttonOf(toChen[0].card!, 'claim').values).toEqual({ id });

    expect(await c.sayText('chen.jing', `/工单 升级 ${id} 需要经理决定补偿`)).toBe(`已将 ${id} 升级到部门经理层级：现由 李强 负责。`);
    expect((await escalationsTo('li.qiang', id)).length).toBe(1);
    expect(await c.sayText('li.qiang', `/工单 升级 ${id} 涉及合同条款`)).toBe(`已将 ${id} 升级到服务总监层级：现由 王芳 负责。`);
    expect((await escalationsTo('wang.fang', id)).length).toBe(1);

    stored = await c.mustTicket(id);
    expect(stored.escalation).toMatchObject({ level: 'director', toPersonId: 'wang.fang' });
    expect(stored.ownerId).toBe('sam.taylor');
    // The owner heard about each escalation made by someone else.
    const notices = (await c.inbox('sam.taylor')).filter((n) => n.ticketId === id).map((n) => n.text);
    expect(notices).toEqual(expect.arrayContaining([
      `${id} (VIP cannot log in) was escalated to manager level: 需要经理决定补偿`,
      `${id} (VIP cannot log in) was escalated to director level: 涉及合同条款`,
    ]));

    const before = await c.mustTicket(id);
    expect(await c.sayText('wang.fang', `/工单 升级 ${id} 再升级`)).toBe(`${id} 已升级到服务总监，没有更高的层级。`);
    expect(await c.sayText('sam.taylor', `/ticket escalate ${id} once more`)).toBe(`${id} is already escalated to the service director; there is no level above.`);
    const after = await c.mustTicket(id);
    expect(after.version).toBe(before.version);

    expect(after.timeline.filter((e) => e.kind === 'escalate').map((e) => [e.actorId, e.details.level, e.details.to, e.from, e.to])).toEqual([
      ['sam.taylor', 'supervisor', 'chen.jing', 'claimed', 'claimed'],
      ['chen.jing', 'manager', 'li.qiang', 'claimed', 'claimed'],
      ['li.qiang', 'director', 'wang.fang', 'claimed', 'claimed'],
    ]);
  });

  it('billing: 赵敏 → supervisor David Kim → manager Emma Clark → director 王芳', async () => {
    const id = await c.open('zhao.min', 'Invoice never arrived');
    await c.say('zhao.min', `/ticket claim ${id}`);
    const steps: Array<[string, string, string]> = [
      ['zhao.min', 'supervisor', 'david.kim'],
      ['david.kim', 'manager', 'emma.clark'],
      ['emma.clark', 'director', 'wang.fang'],
    ];
    for (const [who, level, to] of steps) {
      await c.say(who, `/ticket escalate ${id} step by ${who}`);
      expect((await c.mustTicket(id)).escalation).toMatchObject({ level, toPersonId: to });
      expect((await escalationsTo(to, id)).length).toBe(1);
    }
  });

  it('an unclaimed ticket escalates to its department lead first (tech: Raj Patel → Emma Clark → 王芳)', async () => {
    const id = await c.open('grace.liu', 'Server room too hot --department tech');
    expect((await c.mustTicket(id)).departmentId).toBe('tech');
    expect(await c.sayText('grace.liu', `/ticket escalate ${id} nobody picked it up`)).toBe(`Only support staff can do that on ${id}.`);
    expect(await c.sayText('sam.taylor', `/ticket escalate ${id} nobody picked it up`)).toBe(`Escalated ${id} to supervisor level: Raj Patel is now responsible.`);
    expect(await c.sayText('sam.taylor', `/ticket escalate ${id} still nobody`)).toBe(`Escalated ${id} to manager level: Emma Clark is now responsible.`);
    expect(await c.sayText('sam.taylor', `/ticket escalate ${id} still nobody!`)).toBe(`Escalated ${id} to director level: 王芳 is now responsible.`);
    expect((await c.mustTicket(id)).state).toBe('open');
  });
});

describe('the person escalated to claims or delegates', () => {
  it('takes over from the inbox card: becomes owner, the escalation is done, the previous owner is told', async () => {
    const id = await openAndClaim('grace.liu', 'sam.taylor', 'Router keeps rebooting');
    await c.say('sam.taylor', `/ticket escalate ${id} beyond my skills`);
    // Anyone else is still refused: the ticket is Sam's.
    expect(await c.sayText('zhang.wei', `/工单 认领 ${id}`)).toBe(`${id} 已被 Sam Taylor 认领。`);

    const [item] = await escalationsTo('chen.jing', id);
    const claim = buttonOf(item.card!, 'claim');
    const replies = await c.click('chen.jing', claim.actionId, claim.values);
    expect(textOf(replies)).toBe(`你已认领 ${id}。`);
    const stored = await c.mustTicket(id);
    expect(stored).toMatchObject({ state: 'claimed', ownerId: 'chen.jing' });
    expect(stored.escalation).toBeUndefined();
    expect(stored.timeline.at(-1)).toMatchObject({ actorId: 'chen.jing', kind: 'claim', from: 'claimed', to: 'claimed', details: { previousOwner: 'sam.taylor' }, source: { via: 'button' } });
    expect((await c.inbox('sam.taylor')).map((n) => n.text)).toContain(`陈静 took over ${id} (Router keeps rebooting) from you after an escalation.`);
  });

  it('the director, outside every department, can take over a ticket escalated to her', async () => {
    const id = await openAndClaim('grace.liu', 'sam.taylor', 'Press is calling');
    for (const who of ['sam.taylor', 'chen.jing', 'li.qiang']) await c.say(who, `/ticket escalate ${id} up`);
    expect(await c.sayText('wang.fang', `/工单 认领 ${id}`)).toBe(`你已认领 ${id}。`);
    expect((await c.mustTicket(id)).ownerId).toBe('wang.fang');
  });

  it('the manager it was escalated to delegates it with assign; the assignee is told', async () => {
    const id = await c.open('david.kim', 'Ledger mismatch');
    await c.say('david.kim', `/ticket claim ${id}`);
    await c.say('david.kim', `/ticket escalate ${id} needs a decision`);
    expect((await c.mustTicket(id)).escalation?.toPersonId).toBe('emma.clark');
    expect(await c.sayText('emma.clark', `/ticket assign ${id} zhao.min`)).toBe(`${id} is now assigned to 赵敏.`);
    const stored = await c.mustTicket(id);
    expect(stored.ownerId).toBe('zhao.min');
    expect(stored.escalation).toBeUndefined();
    expect((await c.inbox('zhao.min')).map((n) => n.text)).toContain(`Emma Clark 把 ${id} 指派给你：Ledger mismatch`);
  });
});

describe('escalation needs a reason', () => {
  it('by command, by button without the reason box, and with only spaces: refused, nothing changes', async () => {
    const id = await openAndClaim('grace.liu', 'sam.taylor', 'No reason given');
    const before = await c.mustTicket(id);
    expect(await c.sayText('sam.taylor', `/ticket escalate ${id}`)).toBe('Missing reason. Use: /ticket escalate <id> <reason>');
    expect(await c.sayText('zhang.wei', `/工单 升级 ${id}`)).toBe('缺少原因。用法：/ticket escalate <id> <reason>');
    const card = cardOf(await c.say('sam.taylor', `/ticket show ${id}`));
    const button = buttonOf(card, 'escalate');
    expect(card.elements).toContainEqual(expect.objectContaining({ type: 'input', name: 'reason' }));
    expect(textOf(await c.click('sam.taylor', button.actionId, button.values))).toBe('Missing reason. Use: /ticket escalate <id> <reason>');
    expect(textOf(await c.click('sam.taylor', button.actionId, { ...button.values, reason: '   ' }))).toBe('Missing reason. Use: /ticket escalate <id> <reason>');
    const after = await c.mustTicket(id);
    expect(after.version).toBe(before.version);
    expect(after.escalation).toBeUndefined();

    const ok = await c.click('sam.taylor', button.actionId, { ...button.values, reason: 'customer waited 2 days' });
    expect(textOf(ok)).toBe(`Escalated ${id} to supervisor level: 陈静 is now responsible.`);
    expect((await c.mustTicket(id)).timeline.at(-1)).toMatchObject({ kind: 'escalate', details: { reason: 'customer waited 2 days' }, source: { via: 'button' } });
  });

  it('a resolved ticket cannot be escalated', async () => {
    const id = await openAndClaim('grace.liu', 'sam.taylor', 'Already fixed');
    await c.say('sam.taylor', `/ticket resolve ${id}`);
    expect(await c.sayText('sam.taylor', `/ticket escalate ${id} why not`)).toBe(`${id} is resolved, so it can't be escalated.`);
  });
});
