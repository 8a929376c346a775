// Looking after the directory from chat: the customer card, tier changes that
// open tickets follow (their clocks re-targeted, the timeline saying why),
// likely duplicates flagged to admins and merged with every ticket relinked,
// and bad input that changes nothing. Real router, ticket service and database.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { startCustomerWorld, textOf, ticketIdOf, type CustomerWorld } from '../../support/customer-world.js';

let w: CustomerWorld;
beforeAll(async () => {
  w = await startCustomerWorld('customer_admin');
});
afterAll(async () => {
  await w?.stop();
});

const HOUR = 3600_000;
const open = async (args: string, who = 'sam.taylor') => ticketIdOf(await w.say(who, `/ticket open ${args}`))!;
const snapshot = async () => ({
  customers: await w.conn.db!.collection('customers').find().sort({ _id: 1 }).toArray(),
  tickets: await w.conn.db!.collection('tickets').find().sort({ _id: 1 }).toArray(),
});

describe('a tier change: open tickets follow, through the ticket domain', () => {
  let following: string;
  let overridden: string;
  let closed: string;

  beforeAll(async () => {
    await w.customers.create({ name: 'Globex Inc', phones: ['+86 10 8888 0000'] }, 'alex.morgan');
    following = await open('VPN slow --customer Globex');
    overridden = await open('Report request --customer Globex --tier prospect');
    closed = await open('Old question --customer Globex');
    await w.say('sam.taylor', `/ticket claim ${closed}`);
    await w.say('sam.taylor', `/ticket resolve ${closed} answered by phone`);
    w.clock.advance(HOUR);
  });

  it('a manager makes the customer VIP: the following open ticket re-tiers and its resolution clock re-targets', async () => {
    const before = await w.ticket(following);
    expect(before.clocks!.find((c) => c.name === 'resolution')!.targetMs).toBe(24 * HOUR);
    const replies = await w.say('li.qiang', '/ticket customer tier Globex vip');
    expect(textOf(replies)).toBe(
      [
        'Globex Inc（C-1）的等级已改为重要客户（原为一般客户）。',
        `1 个跟随该客户的未结工单已采用新等级（时限已重新计算）：${following}。`,
        `1 个未结工单保留人工设置的等级：${overridden}。`,
      ].join('\n'),
    );
    const after = await w.ticket(following);
    expect(after.tier).toBe('vip');
    const resolution = after.clocks!.find((c) => c.name === 'resolution')!;
    expect(resolution).toMatchObject({ targetMs: 12 * HOUR, ruleId: 'resolution#5', status: 'running' });
    // One hour used, eleven left: the next milestone is the reminder at 80 % of 12 h.
    expect(resolution.next).toMatchObject({ kind: 'reminder', at: new Date(before.createdAt.getTime() + 0.8 * 12 * HOUR) });
    expect(after.timeline.at(-1)).toMatchObject({
      kind: 'customer',
      actorId: 'li.qiang',
      details: { reason: 'customer_tier', customerId: 'C-1', customer: 'Globex Inc', tier: 'standard → vip', clocks: expect.stringContaining('resolution') },
      source: { platform: 'console', via: 'command' },
    });
    expect(after.version).toBe(before.version + 1);
  });

  it('a ticket whose tier was set by hand, and a resolved one, keep theirs', async () => {
    expect((await w.ticket(overridden)).tier).toBe('prospect');
    const old = await w.ticket(closed);
    expect(old.tier).toBe('standard');
    expect(old.timeline.at(-1)!.kind).toBe('resolve');
  });

  it("the customer's trail records who changed the tier, when, from → to", async () => {
    const customer = (await w.customerRepo.get('C-1'))!;
    expect(customer.tier).toBe('vip');
    expect(customer.audit.at(-1)).toMatchObject({ kind: 'tier', by: 'li.qiang', from: 'standard', to: 'vip', tickets: 1, at: w.clock.now() });
    const card = (await w.say('li.qiang', '/ticket customer C-1'))[0].card!;
    expect(card.fields.find((f) => f.label === '等级变更与合并')!.value).toContain('等级 standard → vip');
  });

  it('the same tier again changes nothing on the customer', async () => {
    const before = await snapshot();
    expect(textOf(await w.say('alex.morgan', '/ticket customer tier "Globex Inc" VIP'))).toBe(
      `Globex Inc (C-1) was already VIP; the customer is unchanged.\n1 open tickets keep the tier someone set by hand: ${overridden}.`,
    );
    expect(await snapshot()).toEqual(before);
  });

  it('refused: agents, unknown customers, bad tiers — nothing changes', async () => {
    const before = await snapshot();
    expect(textOf(await w.say('sam.taylor', '/ticket customer tier Globex standard'))).toBe("Only a manager, the service director or an admin can change a customer's tier.");
    expect(textOf(await w.say('li.qiang', '/ticket customer tier Nobody Corp vip'))).toBe('客户名录中没有“Nobody Corp”。请检查拼写，或使用客户编号（如 C-12）。');
    expect(textOf(await w.say('alex.morgan', '/ticket customer tier Globex gold'))).toMatch(/^'gold' is not a valid customer tier; use one of vip\|standard\|prospect\. Use: \/ticket customer/);
    expect(textOf(await w.say('alex.morgan', '/ticket customer tier Globex'))).toMatch(/^Missing customer tier\./);
    expect(textOf(await w.say('alex.morgan', '/ticket customer Nobody Corp'))).toBe("There is no customer 'Nobody Corp' in the directory. Check the spelling, or use the customer's id (C-12).");
    expect(textOf(await w.say('alex.morgan', '/ticket customer'))).toMatch(/^Missing customer name\./);
    expect(await snapshot()).toEqual(before);
  });
});

describe('duplicates: flagged to admins, merged with every ticket relinked', () => {
  let keepId: string;
  let dropId: string;
  let dropOpen: string;
  let dropClosed: string;

  beforeAll(async () => {
    keepId = (await w.customers.create({ name: 'Umbrella Corporation', phones: ['+86 138-0013-8000'], emails: ['ops@umbrella.example'] }, 'alex.morgan')).customer.id;
    const second = await w.customers.create({ name: '安布雷拉（中国）有限公司', phones: ['13800138000'], tier: 'vip' }, 'zhang.wei');
    dropId = second.customer.id;
    expect(second.duplicates.map((p) => [p.a.id, p.b.id])).toEqual([[keepId, dropId]]);
    dropOpen = await open('门禁卡失效 --customer 安布雷拉（中国）');
    dropClosed = await open('发票重开 --customer 安布雷拉中国有限公司', 'zhang.wei');
    await w.say('zhang.wei', `/ticket claim ${dropClosed}`);
    await w.say('zhang.wei', `/ticket resolve ${dropClosed} 已重开发票`);
    await w.say('zhang.wei', `/ticket close ${dropClosed}`);
  });

  it('the admins are told of a likely duplicate, and can list them', async () => {
    const told = await w.notifications.forPerson('alex.morgan', 20);
    expect(told.map((n) => n.message)).toContain('customer.duplicate_notice');
    const list = (await w.say('alex.morgan', '/ticket customer duplicates'))[0].card!;
    const pair = list.fields.find((f) => f.label.startsWith(`${keepId} · Umbrella Corporation ↔ ${dropId}`))!;
    expect(pair.value).toContain('same phone (13800138000)');
    expect(list.elements).toContainEqual(expect.objectContaining({ actionId: 'customer', values: { op: 'merge', keep: keepId, drop: dropId } }));
    expect(textOf(await w.say('sam.taylor', '/ticket customer duplicates'))).toBe('Only an admin can do that.');
  });

  it('refused merges change nothing: with itself, unknown, not an admin', async () => {
    const before = await snapshot();
    expect(textOf(await w.say('alex.morgan', `/ticket customer merge ${keepId} ${keepId}`))).toMatch(/^Umbrella Corporation \(C-\d+\) can't be merged with itself\./);
    expect(textOf(await w.say('alex.morgan', `/ticket customer merge "Umbrella Corp" "umbrella corporation ltd"`))).toMatch(/can't be merged with itself/);
    expect(textOf(await w.say('alex.morgan', `/ticket customer merge ${keepId} Nobody`))).toMatch(/^There is no customer 'Nobody'/);
    expect(textOf(await w.say('alex.morgan', `/ticket customer merge ${keepId}`))).toMatch(/^Name the customer to keep and the one to merge into it/);
    expect(textOf(await w.say('li.qiang', `/ticket customer merge ${keepId} ${dropId}`))).toBe('只有管理员可以执行此操作。');
    expect(await snapshot()).toEqual(before);
  });

  it("merging relinks every ticket (open and closed) and writes both customers' trails", async () => {
    const replies = await w.click('alex.morgan', 'customer', { op: 'merge', keep: keepId, drop: dropId });
    expect(textOf(replies)).toBe(`Merged 安布雷拉（中国）有限公司 (${dropId}) into Umbrella Corporation (${keepId}): 2 tickets relinked. Both customers’ trails and every relinked ticket’s timeline record it.`);
    for (const id of [dropOpen, dropClosed]) {
      const t = await w.ticket(id);
      expect(t).toMatchObject({ customerId: keepId, customer: 'Umbrella Corporation' });
      expect(t.timeline.at(-1)).toMatchObject({ kind: 'customer', actorId: 'alex.morgan', details: { reason: 'customer_merge', mergedFrom: dropId, customerId: keepId }, source: { via: 'button' } });
    }
    // The open ticket followed the VIP customer down to the survivor's tier; the closed one kept its own.
    expect((await w.ticket(dropOpen)).tier).toBe('standard');
    expect((await w.ticket(dropClosed)).tier).toBe('vip');
    const timeline = async (id: string) => (await w.say('alex.morgan', `/ticket show ${id}`))[0].card!.fields.find((f) => f.label === 'Timeline')!.value.split('\n').at(-1);
    expect(await timeline(dropOpen)).toMatch(new RegExp(`Alex Morgan: customer changed — customer ${dropId} merged into ${keepId} Umbrella Corporation; tier vip → standard \\(console, button\\)$`));
    expect(await timeline(dropClosed)).toMatch(new RegExp(`Alex Morgan: customer changed — customer ${dropId} merged into ${keepId} Umbrella Corporation \\(console, button\\)$`));

    const keep = (await w.customerRepo.get(keepId))!;
    const drop = (await w.customerRepo.get(dropId))!;
    expect(keep.audit.at(-1)).toMatchObject({ kind: 'merged', by: 'alex.morgan', from: dropId, to: keepId, otherName: '安布雷拉（中国）有限公司', tickets: 2 });
    expect(drop.audit.at(-1)).toMatchObject({ kind: 'merged_into', by: 'alex.morgan', from: dropId, to: keepId, otherName: 'Umbrella Corporation' });
    expect(drop).toMatchObject({ status: 'merged', mergedInto: keepId });
    expect(keep.aliases).toContain('安布雷拉（中国）有限公司');
    expect(keep.phones).toEqual(['+86 138-0013-8000']);
  });

  it('afterwards the old name opens tickets for the survivor, and its card says where it went', async () => {
    const t = await w.ticket(await open('又坏了 --customer 安布雷拉（中国）'));
    expect(t.customerId).toBe(keepId);
    const card = (await w.say('alex.morgan', `/ticket customer ${dropId}`))[0].card!;
    expect(card.title).toBe(`${keepId} · Umbrella Corporation`);
    expect(card.context).toContain(`${dropId} was merged into this customer.`);
    // Merging again: already merged, nothing left to relink.
    expect(textOf(await w.say('alex.morgan', `/ticket customer merge ${keepId} ${dropId}`))).toMatch(/was already merged into Umbrella Corporation .*0 remaining tickets relinked now\.$/);
  });
});

describe('the customer card', () => {
  it('tier, aliases, contacts, open tickets, last contacts and CSAT, in the reader’s language', async () => {
    const id = (await w.customers.create({ name: 'Initech', aliases: ['英尼泰克'], phones: ['+1 415 555 0100'], emails: ['help@initech.example'], externalIds: [{ system: 'crm', id: 'CRM-77' }] }, 'alex.morgan')).customer.id;
    const a = await open('Printer jammed --customer Initech');
    const b = await open('TPS report missing --customer 英尼泰克');
    for (const [t, score] of [[a, 4], [b, 5]] as const) {
      for (const step of [`claim ${t}`, `resolve ${t} fixed`, `followup ${t} ${score}`]) {
        w.clock.advance(60_000);
        await w.say('sam.taylor', `/ticket ${step}`);
      }
    }
    w.clock.advance(60_000);
    const stillOpen = await open('Stapler gone --customer initech');
    const card = (await w.say('zhang.wei', '/工单 客户 英尼泰克'))[0].card!;
    const field = (label: string) => card.fields.find((f) => f.label === label)?.value;
    expect(card.title).toBe(`${id} · Initech`);
    expect(field('客户等级')).toBe('一般客户');
    expect(field('别名')).toBe('英尼泰克');
    expect(field('电话')).toBe('+1 415 555 0100');
    expect(field('外部编号')).toBe('crm: CRM-77');
    expect(field('未结工单（1）')).toBe(`${stillOpen} · Stapler gone · 待认领 · 未认领`);
    expect(field('满意度（CSAT）')).toBe('4.5 / 5（2 次回访）');
    const contacts = field('最近联系')!.split('\n');
    expect(contacts[0]).toMatch(new RegExp(`UTC · 新建 ${stillOpen} · Sam Taylor$`));
    expect(contacts[1]).toMatch(new RegExp(`UTC · ${b} 回访：5/5 · Sam Taylor$`));
    expect(contacts).toHaveLength(5);
    expect(card.elements).toContainEqual(expect.objectContaining({ actionId: 'show', values: { id: stillOpen } }));
  });
});
