// Who may do what (ticket.authz and the command access levels), end to end:
// every refusal answers in the person's language and changes nothing.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { InboundCommand } from '../../../src/core/inbound.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { cardOf, textOf, type ConsoleClient } from '../../support/console-client.js';

let t: TestApp;
let c: ConsoleClient;
beforeAll(async () => {
  t = await startTestApp({ prefix: 'roles' });
  c = t.client;
});
afterAll(async () => {
  await t?.stop();
});

/** A Slack user nobody has linked yet, speaking to the router directly (the console only knows linked people). */
const STRANGER = 'U0STRANGER1';
function fromSlack(text: string, userId = STRANGER): InboundCommand {
  return {
    kind: 'text',
    text,
    actor: { platform: 'slack', platformUserId: userId, displayName: 'Pat Stranger', locale: 'en' },
    conversation: { platform: 'slack', conversationId: 'C0TESTROOM' },
    deliveryId: `slack:${randomUUID()}`,
    receivedAt: new Date(),
    via: 'command',
  };
}

async function ticketOwnedByZhang(title: string, state: 'claimed' | 'resolved' | 'waiting_on_customer' = 'claimed'): Promise<string> {
  const id = await c.open('grace.liu', title);
  await c.say('zhang.wei', `/工单 认领 ${id}`);
  if (state === 'resolved') await c.say('zhang.wei', `/工单 解决 ${id}`);
  if (state === 'waiting_on_customer') await c.say('zhang.wei', `/工单 等待 ${id}`);
  expect(await c.mustTicket(id)).toMatchObject({ state, ownerId: 'zhang.wei' });
  return id;
}

/** Says `text` as `user`, expects `reply`, and checks the ticket did not change. */
async function refused(user: string, id: string, text: string, reply: string | RegExp): Promise<void> {
  const before = await c.mustTicket(id);
  const answer = await c.sayText(user, text.replace('{id}', id));
  expect({ user, text, answer }).toEqual({ user, text, answer: typeof reply === 'string' ? reply.replace('{id}', id) : expect.stringMatching(reply) });
  const after = await c.mustTicket(id);
  expect(after.version).toBe(before.version);
  expect(after.timeline).toHaveLength(before.timeline.length);
}

const NOT_OWNER = 'Only the owner of {id} (张伟) or a supervisor of its department can do that.';

describe("an agent and someone else's ticket", () => {
  it('cannot resolve, wait, hand off or close it', async () => {
    const claimed = await ticketOwnedByZhang('Not Sam’s');
    await refused('sam.taylor', claimed, '/ticket resolve {id} done', NOT_OWNER);
    await refused('sam.taylor', claimed, '/ticket wait {id}', NOT_OWNER);
    await refused('sam.taylor', claimed, '/ticket handoff {id} billing', NOT_OWNER);
    const resolved = await ticketOwnedByZhang('Resolved, not Sam’s', 'resolved');
    await refused('sam.taylor', resolved, '/ticket close {id}', NOT_OWNER);
    const waiting = await ticketOwnedByZhang('Waiting, not Sam’s', 'waiting_on_customer');
    await refused('sam.taylor', waiting, '/ticket resume {id}', NOT_OWNER);
  });

  it('cannot assign, even to themself', async () => {
    const id = await ticketOwnedByZhang('Assign me');
    const msg = 'Only a supervisor, manager or the person it was escalated to can assign {id}.';
    await refused('sam.taylor', id, '/ticket assign {id} sam.taylor', msg);
    await refused('liu.yang', id, '/ticket assign {id} 刘洋', '只有主管、经理或被升级到的负责人可以指派 {id}。');
  });

  it("cannot claim another department's ticket", async () => {
    const id = await c.open('grace.liu', 'Support queue only');
    await refused('zhao.min', id, '/工单 认领 {id}', '{id} 在客户服务部的队列中，只有该部门人员可以认领。');
    await refused('raj.patel', id, '/ticket claim {id}', '{id} is in the Customer Service queue; only its staff can claim it.');
  });

  it('a supervisor of another department cannot resolve or assign it', async () => {
    const id = await ticketOwnedByZhang('Wrong supervisor');
    await refused('david.kim', id, '/ticket resolve {id}', NOT_OWNER);
    await refused('david.kim', id, '/ticket assign {id} sam.taylor', 'Only a supervisor, manager or the person it was escalated to can assign {id}.');
  });

  it('the department supervisor and manager may act on it (the rules are not just "no")', async () => {
    const id = await ticketOwnedByZhang('Leaders may');
    expect(await c.sayText('chen.jing', `/ticket assign ${id} sam.taylor`)).toBe(`${id} 已指派给 Sam Taylor。`);
    expect(await c.sayText('li.qiang', `/ticket resolve ${id} closed by manager`)).toBe(`已解决 ${id}。`);
    expect(await c.sayText('chen.jing', `/ticket close ${id}`)).toBe(`已关闭 ${id}。`);
    // An off-duty member of the department may still claim from its queue.
    const other = await c.open('grace.liu', 'Off duty claim');
    expect(await c.sayText('liu.yang', `/工单 认领 ${other}`)).toBe(`你已认领 ${other}。`);
  });

  it('assigning to a reviewer (not staff) is refused, even by a supervisor', async () => {
    const id = await ticketOwnedByZhang('Reviewer assign');
    await refused('chen.jing', id, '/ticket assign {id} grace.liu', 'Grace Liu 不是客服人员，不能把 {id} 指派给他。');
  });
});

describe('a reviewer (not support staff)', () => {
  it('cannot claim, escalate, or note a ticket they did not open', async () => {
    const id = await c.open('sam.taylor', 'Reviewer hands off');
    await refused('grace.liu', id, '/ticket claim {id}', 'Only support staff can do that on {id}.');
    await refused('zhou.hui', id, '/工单 认领 {id}', '只有客服人员可以对 {id} 执行此操作。');
    await refused('grace.liu', id, '/ticket escalate {id} too slow', 'Only support staff can do that on {id}.');
    await refused('grace.liu', id, '/ticket note {id} hello', 'Only support staff can do that on {id}.');
  });

  it('the refusal for an unclaimed ticket reads well (no empty owner "()")', async () => {
    const id = await c.open('sam.taylor', 'Nobody owns this');
    await refused('grace.liu', id, '/ticket wait {id}', /^T-\d+ is unclaimed: only a supervisor of its department can do that \(or claim it first\)\.$/);
  });

  it('may add a note to a ticket they opened', async () => {
    const id = await c.open('grace.liu', 'My own ticket');
    expect(await c.sayText('grace.liu', `/ticket note ${id} more details from me`)).toBe(`Note added to ${id}.`);
  });
});

describe('an unlinked chat user (Slack, driven through the router)', () => {
  it('can open a ticket and ask for help', async () => {
    const opened = await t.app.router.handle(fromSlack('/ticket open Cannot log in to the portal'));
    expect(textOf(opened)).toMatch(/^Opened T-\d+: Cannot log in to the portal$/);
    const id = /T-\d+/.exec(textOf(opened))![0];
    const stored = await c.mustTicket(id);
    expect(stored).toMatchObject({ createdBy: `slack:${STRANGER}`, departmentId: 'support', state: 'open' });
    expect(stored.timeline[0].source).toMatchObject({ platform: 'slack', via: 'command' });

    const help = await t.app.router.handle(fromSlack('/ticket help'));
    const card = cardOf(help);
    expect(card.title).toBe('Duban commands');
    expect(card.context).toBe('You can open tickets now; ask an admin to link your account to do more.');
  });

  it.each([
    '/ticket claim {id}',
    '/ticket show {id}',
    '/ticket list',
    '/ticket note {id} hi',
    '/ticket resolve {id}',
    '/ticket escalate {id} slow',
    '/ticket handoff {id} billing',
    '/ticket assign {id} sam.taylor',
    '/ticket admin link slack:U0STRANGER1 liu.yang',
  ])('gets "link your account" for %s, and nothing changes', async (command) => {
    const id = await c.open('grace.liu', 'Stranger pokes');
    const before = await c.mustTicket(id);
    const replies = await t.app.router.handle(fromSlack(command.replace('{id}', id)));
    expect(textOf(replies)).toMatch(/an admin must link your account/);
    expect(replies[0].private).toBe(true);
    expect((await c.mustTicket(id)).version).toBe(before.version);
  });
});

describe('admin link', () => {
  it('only an admin may link', async () => {
    expect(await c.sayText('chen.jing', '/ticket admin link slack:U0NEWBIE01 liu.yang')).toBe('只有管理员可以执行此操作。');
    expect(await c.sayText('wang.fang', '/ticket admin link slack:U0NEWBIE01 liu.yang')).toBe('只有管理员可以执行此操作。');
    const people = (await c.api('/api/v1/people')).body.people as Array<{ id: string; identities: Array<{ platform: string; userId: string }> }>;
    expect(people.find((p) => p.id === 'liu.yang')?.identities).not.toContainEqual({ platform: 'slack', userId: 'U0NEWBIE01' });
  });

  it('after an admin links the Slack user, they act as that person (language, rights, timeline)', async () => {
    const id = await c.open('grace.liu', 'Waiting for the newbie');
    const unlinked = await t.app.router.handle(fromSlack(`/ticket claim ${id}`, 'U0NEWBIE02'));
    expect(textOf(unlinked)).toMatch(/an admin must link your account/);

    expect(await c.sayText('alex.morgan', '/ticket admin link slack:U0NEWBIE02 liu.yang')).toBe('Linked slack user U0NEWBIE02 to 刘洋.');
    const people = (await c.api('/api/v1/people')).body.people as Array<{ id: string; identities: Array<{ platform: string; userId: string }> }>;
    expect(people.find((p) => p.id === 'liu.yang')?.identities).toContainEqual({ platform: 'slack', userId: 'U0NEWBIE02' });

    const claimed = await t.app.router.handle(fromSlack(`/ticket claim ${id}`, 'U0NEWBIE02'));
    expect(textOf(claimed)).toBe(`你已认领 ${id}。`);
    const stored = await c.mustTicket(id);
    expect(stored.ownerId).toBe('liu.yang');
    expect(stored.timeline.at(-1)).toMatchObject({ actorId: 'liu.yang', kind: 'claim', source: { platform: 'slack', via: 'command' } });
  });

  it('an unknown person is refused', async () => {
    expect(await c.sayText('alex.morgan', '/ticket admin link slack:U0NEWBIE03 nobody.here')).toBe("I don't know 'nobody.here'. Use their id, name or @mention.");
  });

  it("a Slack account already linked to someone else is refused, naming who holds it", async () => {
    // U0DEMOST01 is Sam Taylor's Slack account in the demo organisation.
    const text = await c.sayText('alex.morgan', '/ticket admin link slack:U0DEMOST01 liu.yang');
    expect(text).toBe('That slack account is already linked to Sam Taylor.');
    const replies = await t.app.router.handle(fromSlack('/ticket list', 'U0DEMOST01'));
    expect(textOf(replies)).not.toMatch(/link your account/);
  });
});
