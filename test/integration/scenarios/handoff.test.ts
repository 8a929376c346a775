// Cross-department handoff (POLICY.md §1, §4): the owning department changes
// only when the receiving department accepts; a decline needs a reason and
// sends the ticket back as it was; only the receiving department decides.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { startTestApp, type TestApp } from '../../support/app.js';
import { actionIds, buttonOf, cardOf, fieldOf, textOf, type ConsoleClient } from '../../support/console-client.js';

let t: TestApp;
let c: ConsoleClient;
beforeAll(async () => {
  t = await startTestApp({ prefix: 'handoff' });
  c = t.client;
});
afterAll(async () => {
  await t?.stop();
});

/** A support ticket claimed by Sam Taylor. */
async function claimedBySam(title: string): Promise<string> {
  const id = await c.open('grace.liu', title);
  expect(await c.sayText('sam.taylor', `/ticket claim ${id}`)).toBe(`You claimed ${id}.`);
  return id;
}

const inboxFor = async (user: string, id: string) => (await c.inbox(user)).filter((n) => n.ticketId === id);
/** The handoff requests in a person's inbox (English or Chinese text). */
const handoffRequests = async (user: string, id: string) => (await inboxFor(user, id)).filter((n) => / asks .*to take |请求.*接收/.test(n.text));

describe('handoff accepted', () => {
  it('the department changes only on accept, the acceptor becomes owner, and the requester is told', async () => {
    const id = await claimedBySam('Invoice shows wrong VAT');
    const asked = await c.say('sam.taylor', `/ticket handoff ${id} billing customer disputes the VAT line`);
    expect(textOf(asked)).toBe(`Asked Billing to take ${id}. It stays with you until they accept.`);

    const pending = await c.mustTicket(id);
    expect(pending).toMatchObject({ state: 'pending_handoff', departmentId: 'support', ownerId: 'sam.taylor' });
    expect(pending.pendingHandoff).toMatchObject({ fromDepartmentId: 'support', toDepartmentId: 'billing', requestedBy: 'sam.taylor', note: 'customer disputes the VAT line', returnState: 'claimed' });

    const accepted = await c.say('zhao.min', `/ticket accept ${id}`);
    expect(textOf(accepted)).toBe(`你已接收 ${id}，现归账务部并由你负责。`);
    expect(fieldOf(cardOf(accepted), '部门')).toBe('账务部');
    expect(fieldOf(cardOf(accepted), '负责人')).toBe('赵敏');

    const done = await c.mustTicket(id);
    expect(done).toMatchObject({ state: 'claimed', departmentId: 'billing', ownerId: 'zhao.min' });
    expect(done.pendingHandoff).toBeUndefined();
    expect(done.timeline.slice(-2).map((e) => [e.actorId, e.kind, e.from, e.to])).toEqual([
      ['sam.taylor', 'handoff', 'claimed', 'pending_handoff'],
      ['zhao.min', 'accept', 'pending_handoff', 'claimed'],
    ]);
    expect(done.timeline.at(-1)?.details).toEqual({ from: 'support', to: 'billing' });

    const told = await inboxFor('sam.taylor', id);
    expect(told.map((n) => n.text)).toContain(`赵敏 accepted ${id} (Invoice shows wrong VAT) for Billing.`);
  });

  it("the receiving department's lead and on-duty people get the handoff card with accept and decline buttons", async () => {
    const id = await claimedBySam('Double charge on card');
    await c.say('sam.taylor', `/ticket handoff ${id} 账务部 please check the ledger`);
    // Billing: lead david.kim; on duty david.kim and zhao.min.
    for (const person of ['david.kim', 'zhao.min']) {
      const items = await handoffRequests(person, id);
      expect({ person, count: items.length }).toEqual({ person, count: 1 });
      const card = items[0].card!;
      expect(card).toBeDefined();
      expect(actionIds(card)).toEqual(['accept', 'input:reason', 'decline']);
      expect(buttonOf(card, 'accept').values).toEqual({ id });
    }
    expect((await handoffRequests('david.kim', id))[0].text).toMatch(new RegExp(`Sam Taylor asks .*to take ${id}: Double charge on card\\. please check the ledger`));
    // Nobody outside billing's queue is asked.
    for (const person of ['raj.patel', 'chen.jing', 'zhang.wei', 'emma.clark']) expect(await handoffRequests(person, id)).toEqual([]);
  });

  it('the handoff notice names the department being asked (handoff.request)', async () => {
    const id = await claimedBySam('Refund request');
    await c.say('sam.taylor', `/ticket handoff ${id} billing`);
    const [item] = await handoffRequests('david.kim', id);
    expect(item.text).toBe(`Sam Taylor asks Billing to take ${id}: Refund request.`);
    const [zh] = await handoffRequests('zhao.min', id);
    expect(zh.text).toContain('请求账务部接收');
  });

  it('accepting from the inbox card works like the command', async () => {
    const id = await claimedBySam('Card terminal offline');
    await c.say('sam.taylor', `/ticket handoff ${id} tech`);
    const [item] = await handoffRequests('raj.patel', id);
    const accept = buttonOf(item.card!, 'accept');
    const replies = await c.click('raj.patel', accept.actionId, accept.values);
    expect(textOf(replies)).toBe(`You accepted ${id}; it is now in Technical Support and yours.`);
    const stored = await c.mustTicket(id);
    expect(stored).toMatchObject({ state: 'claimed', departmentId: 'tech', ownerId: 'raj.patel' });
    expect(stored.timeline.at(-1)?.source).toMatchObject({ platform: 'console', via: 'button' });
  });
});

describe('handoff declined', () => {
  it('needs a reason; a decline without one changes nothing', async () => {
    const id = await claimedBySam('Wrong tariff');
    await c.say('sam.taylor', `/ticket handoff ${id} billing`);
    const before = await c.mustTicket(id);
    expect(await c.sayText('david.kim', `/ticket decline ${id}`)).toBe('Missing reason. Use: /ticket decline <id> <reason>');
    const [item] = await handoffRequests('david.kim', id);
    const decline = buttonOf(item.card!, 'decline');
    expect(textOf(await c.click('david.kim', decline.actionId, { ...decline.values, reason: '   ' }))).toMatch(/Missing reason/);
    const after = await c.mustTicket(id);
    expect(after.version).toBe(before.version);
    expect(after.state).toBe('pending_handoff');
  });

  it("goes back to the sender's state and owner, and the requester is told the reason", async () => {
    const id = await claimedBySam('Tariff question');
    await c.say('sam.taylor', `/ticket handoff ${id} billing`);
    const [item] = await handoffRequests('david.kim', id);
    const decline = buttonOf(item.card!, 'decline');
    const replies = await c.click('david.kim', decline.actionId, { ...decline.values, reason: 'tariffs are a support matter' });
    expect(textOf(replies)).toBe(`Declined the handoff of ${id}; it went back to Customer Service.`);
    const stored = await c.mustTicket(id);
    expect(stored).toMatchObject({ state: 'claimed', departmentId: 'support', ownerId: 'sam.taylor' });
    expect(stored.pendingHandoff).toBeUndefined();
    expect(stored.timeline.at(-1)).toMatchObject({ actorId: 'david.kim', kind: 'decline', from: 'pending_handoff', to: 'claimed', details: { department: 'billing', reason: 'tariffs are a support matter' } });
    expect((await inboxFor('sam.taylor', id)).map((n) => n.text)).toContain(`David Kim declined ${id} (Tariff question) for Billing: tariffs are a support matter`);
  });

  it('an unclaimed ticket handed off and declined is unclaimed again', async () => {
    const id = await c.open('grace.liu', 'Nobody has it yet');
    await c.say('chen.jing', `/ticket handoff ${id} tech`);
    await c.say('raj.patel', `/ticket decline ${id} not a tech issue`);
    const stored = await c.mustTicket(id);
    expect(stored).toMatchObject({ state: 'open', departmentId: 'support' });
    expect(stored.ownerId).toBeUndefined();
  });
});

describe('handoff refusals', () => {
  it('accept or decline by someone outside the receiving department is refused and changes nothing', async () => {
    const id = await claimedBySam('Not yours to take');
    await c.say('sam.taylor', `/ticket handoff ${id} billing`);
    const before = await c.mustTicket(id);
    expect(await c.sayText('raj.patel', `/ticket accept ${id}`)).toBe(`Only staff of Billing can accept or decline the handoff of ${id}.`);
    expect(await c.sayText('sam.taylor', `/ticket accept ${id}`)).toBe(`Only staff of Billing can accept or decline the handoff of ${id}.`);
    expect(await c.sayText('li.qiang', `/工单 接收 ${id}`)).toBe(`只有账务部的人员可以接收或拒绝 ${id} 的转交。`);
    expect(await c.sayText('grace.liu', `/ticket decline ${id} no`)).toBe(`Only staff of Billing can accept or decline the handoff of ${id}.`);
    expect((await c.mustTicket(id)).version).toBe(before.version);
  });

  it("billing's manager (outside the on-duty rota) may accept for billing", async () => {
    const id = await claimedBySam('Manager accepts');
    await c.say('sam.taylor', `/ticket handoff ${id} billing`);
    expect(await c.sayText('emma.clark', `/ticket accept ${id}`)).toBe(`You accepted ${id}; it is now in Billing and yours.`);
  });

  it('a handoff to an unknown department is refused with the list of departments', async () => {
    const id = await claimedBySam('Where to?');
    const text = await c.sayText('sam.taylor', `/ticket handoff ${id} legal`);
    expect(text).toBe("There is no department 'legal'. Departments: support (Customer Service), billing (Billing), tech (Technical Support).");
    expect(await c.sayText('zhang.wei', `/工单 转交 ${id} 法务部`)).toBe('没有部门“法务部”。现有部门：support (客户服务部), billing (账务部), tech (技术支持部)。');
    expect((await c.mustTicket(id)).state).toBe('claimed');
  });

  it('a handoff to the department it is already in is refused (and the select never offers it)', async () => {
    const id = await claimedBySam('Same place');
    const before = await c.mustTicket(id);
    const text = await c.sayText('sam.taylor', `/ticket handoff ${id} support`);
    expect(text).toMatch(new RegExp(`${id} is already in (that department|Customer Service)`));
    const card = cardOf(await c.say('sam.taylor', `/ticket show ${id}`));
    const select = card.elements.find((e) => e.type === 'select' && e.actionId === 'handoff');
    expect(select && select.type === 'select' ? select.options.map((o) => o.value) : []).toEqual(['billing', 'tech']);
    expect((await c.mustTicket(id)).version).toBe(before.version);
  });

  it('the same-department refusal also lists the departments it can go to', async () => {
    const id = await claimedBySam('Same place, show me where');
    const text = await c.sayText('sam.taylor', `/ticket handoff ${id} support`);
    expect(text).toMatch(/Billing/);
    expect(text).toMatch(/Technical Support/);
  });

  it('a second handoff while one is pending is refused', async () => {
    const id = await claimedBySam('Twice');
    await c.say('sam.taylor', `/ticket handoff ${id} billing`);
    expect(await c.sayText('sam.taylor', `/ticket handoff ${id} tech`)).toBe(`${id} is waiting for handoff acceptance, so it can't be handed off.`);
    expect((await c.mustTicket(id)).pendingHandoff?.toDepartmentId).toBe('billing');
  });
});
