// Opening a ticket for a customer (`--customer`, or the open form's customer
// box): an exact or alias match links the ticket and gives it the customer's
// tier; close names are offered as buttons that open the parked request; an
// unknown name adds a customer and says so; `--tier` overrides the customer's
// tier and the timeline records it. Real router, ticket service and database.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { CardButton } from '../../../src/core/card.js';
import { startCustomerWorld, textOf, ticketIdOf, type CustomerWorld } from '../../support/customer-world.js';

let w: CustomerWorld;
const ids: Record<string, string> = {};
beforeAll(async () => {
  w = await startCustomerWorld('customer_open');
  const make = async (key: string, input: Parameters<CustomerWorld['customers']['create']>[0]) => {
    ids[key] = (await w.customers.create(input, 'alex.morgan')).customer.id;
  };
  await make('acme', { name: 'ACME Ltd', aliases: ['Acme Trading'], tier: 'vip' });
  await make('huawei', { name: '华为技术有限公司', aliases: ['华为'], tier: 'vip' });
  await make('globex', { name: 'Globex Inc' });
  await make('globexEu', { name: 'Globex Europe GmbH', tier: 'prospect' });
  await make('secret', { name: 'Black Mesa', confidential: true });
});
afterAll(async () => {
  await w?.stop();
});

const buttons = (replies: Awaited<ReturnType<CustomerWorld['say']>>) =>
  replies.flatMap((r) => r.card?.elements ?? []).filter((e): e is CardButton => e.type === 'button' && e.actionId === 'open');

describe('a name the directory knows links the ticket', () => {
  it.each([
    ['the exact name', 'ACME Ltd', 'acme'],
    ['another company suffix and case', 'acme limited', 'acme'],
    ['full-width characters', 'ＡＣＭＥ　Ｌｔｄ．', 'acme'],
    ['an alias', 'Acme Trading', 'acme'],
    ['a Chinese alias', '华为', 'huawei'],
    ['the Chinese name without 有限公司', '华为技术', 'huawei'],
    ['the customer id', 'c-3', 'globex'],
  ])('%s (%s)', async (_what, typed, key) => {
    const replies = await w.say('sam.taylor', `/ticket open Cannot log in --customer "${typed}"`);
    const id = ticketIdOf(replies)!;
    expect(textOf(replies)).toBe(`Opened ${id}: Cannot log in`);
    const ticket = await w.ticket(id);
    const customer = (await w.customerRepo.get(ids[key]))!;
    expect(ticket).toMatchObject({ customerId: customer.id, customer: customer.name, tier: customer.tier });
    expect(ticket.timeline[0].details).toMatchObject({ customerId: customer.id, customer: customer.name, tier: customer.tier });
    expect(ticket.timeline[0].details.tierOverride).toBeUndefined();
    // No new customer appeared.
    expect(replies.some((r) => r.card?.title.startsWith('New customer'))).toBe(false);
  });

  it("takes the customer's tier, and its clocks run on that tier's targets", async () => {
    const id = ticketIdOf(await w.say('sam.taylor', '/ticket open Invoice wrong --customer ACME'))!;
    const ticket = await w.ticket(id);
    expect(ticket.tier).toBe('vip');
    expect(ticket.clocks!.find((c) => c.name === 'resolution')).toMatchObject({ targetMs: 12 * 3600_000, ruleId: 'resolution#5' });
  });

  it('--tier overrides it and the timeline records the override', async () => {
    const id = ticketIdOf(await w.say('sam.taylor', '/ticket open Small question --customer ACME --tier standard'))!;
    const ticket = await w.ticket(id);
    expect(ticket.tier).toBe('standard');
    expect(ticket.timeline[0].details).toMatchObject({ tier: 'standard', customerId: ids.acme, tierOverride: 'vip → standard' });
    expect(ticket.clocks!.find((c) => c.name === 'resolution')!.targetMs).toBe(24 * 3600_000);
  });

  it("a confidential customer's tickets are confidential", async () => {
    const id = ticketIdOf(await w.say('sam.taylor', '/ticket open Lab incident --customer "Black Mesa"'))!;
    expect((await w.ticket(id)).confidential).toBe(true);
    // Someone outside the department cannot see it; inside, they can.
    expect(textOf(await w.say('david.kim', `/ticket show ${id}`))).toBe(`There is no ticket ${id} (or you can't see it).`);
    expect((await w.say('zhang.wei', `/ticket show ${id}`))[0].card?.title).toContain(id);
  });
});

describe('close names are offered as buttons', () => {
  it('opens nothing yet, and each button opens the request with that customer and the other arguments', async () => {
    const before = (await w.tickets.list({ limit: 500 })).length;
    const replies = await w.say('sam.taylor', '/ticket open "VPN drops every hour" --customer Globe --priority P2 --type incident --level 3 --description "since Monday"');
    expect(ticketIdOf(replies)).toBeUndefined();
    expect((await w.tickets.list({ limit: 500 })).length).toBe(before);
    expect(replies[0]).toMatchObject({ private: true, card: { title: "Which customer is 'Globe'?" } });
    const offered = buttons(replies);
    expect(offered.map((b) => b.label)).toEqual(['C-3 · Globex Inc', 'C-4 · Globex Europe GmbH', "New customer 'Globe'"]);

    const opened = await w.click('sam.taylor', 'open', offered[1].values);
    const id = ticketIdOf(opened)!;
    expect(textOf(opened)).toBe(`Opened ${id}: VPN drops every hour`);
    expect(await w.ticket(id)).toMatchObject({
      customerId: ids.globexEu,
      customer: 'Globex Europe GmbH',
      tier: 'prospect',
      priority: 'P2',
      type: 'incident',
      incidentLevel: 3,
      description: 'since Monday',
      createdBy: 'sam.taylor',
    });

    // The request opens once: a second click (any button) says which ticket it became.
    expect(textOf(await w.click('sam.taylor', 'open', offered[0].values))).toBe(`That choice was already made: it opened ${id}.`);
    expect((await w.tickets.list({ limit: 500 })).length).toBe(before + 1);
  });

  it('"new customer" adds the typed name; only the opener may choose', async () => {
    const replies = await w.say('zhang.wei', '/ticket open 发票抬头错误 --customer Globe');
    const offered = buttons(replies);
    expect(textOf(await w.click('sam.taylor', 'open', offered[2].values))).toBe('Only the person who started this ticket can choose its customer.');
    const opened = await w.click('zhang.wei', 'open', offered[2].values);
    const ticket = await w.ticket(ticketIdOf(opened)!);
    const created = (await w.customerRepo.get(ticket.customerId!))!;
    expect(created).toMatchObject({ name: 'Globe', tier: 'standard', createdBy: 'zhang.wei' });
    expect(opened.find((r) => r.card?.title === '新客户：Globe')).toBeDefined();
  });

  it('an expired or unknown choice says so and opens nothing', async () => {
    expect(textOf(await w.click('sam.taylor', 'open', { draft: 'D-nope', customerId: ids.acme, title: 'x' }))).toBe('That choice has expired. Open the ticket again.');
  });
});

describe('an unknown name adds a customer', () => {
  it('standard unless a tier is given, and the opener is told', async () => {
    const replies = await w.say('sam.taylor', '/ticket open Printer jammed --customer "Initech LLC"');
    const id = ticketIdOf(replies)!;
    expect(textOf(replies)).toBe(`Opened ${id}: Printer jammed`);
    const notice = replies.find((r) => r.card?.title === 'New customer: Initech LLC');
    expect(notice).toMatchObject({ private: true });
    const ticket = await w.ticket(id);
    expect(ticket).toMatchObject({ customer: 'Initech LLC', tier: 'standard' });
    expect(notice!.card!.body).toContain(ticket.customerId!);
    expect(await w.customerRepo.get(ticket.customerId!)).toMatchObject({ name: 'Initech LLC', tier: 'standard', status: 'active', audit: [expect.objectContaining({ kind: 'created', by: 'sam.taylor' })] });

    const vip = ticketIdOf(await w.say('sam.taylor', '/ticket open Outage --customer "Umbrella Corp" --tier vip'))!;
    const t2 = await w.ticket(vip);
    expect(t2.tier).toBe('vip');
    expect(t2.timeline[0].details.tierOverride).toBeUndefined();
    expect((await w.customerRepo.get(t2.customerId!))!.tier).toBe('vip');

    // The next ticket for the same company (typed differently) links to it.
    const again = await w.ticket(ticketIdOf(await w.say('sam.taylor', '/ticket open Paper out --customer "initech"'))!);
    expect(again.customerId).toBe(ticket.customerId);
  });

  it('bad input changes nothing: no customer is added for a ticket that is refused', async () => {
    const count = async () => ((await w.conn.db!.collection('customers').countDocuments()) as number) + ((await w.conn.db!.collection('tickets').countDocuments()) as number) * 1000;
    const before = await count();
    expect(textOf(await w.say('sam.taylor', '/ticket open Printer --customer "Wayne Enterprises" --level 2'))).toMatch(/^Only incidents have a level\./);
    expect(textOf(await w.say('sam.taylor', '/ticket open Printer --customer "Wayne Enterprises" --tier gold'))).toMatch(/^'gold' is not a valid customer tier/);
    expect(textOf(await w.say('sam.taylor', '/ticket open Printer --customer "Wayne Enterprises" --department legal'))).toMatch(/^There is no department 'legal'/);
    expect(textOf(await w.say('sam.taylor', '/ticket open Printer --customer "!!! ???"'))).toBe("'!!! ???' is not a customer name: it needs letters or digits.");
    expect(await count()).toBe(before);
  });
});
