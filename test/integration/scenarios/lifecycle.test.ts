// A ticket's whole life through the console API over real HTTP, against the
// real app and database: open → claim → note → wait → resume → resolve →
// close → reopen, in English and in Chinese, by typed commands and by the
// buttons of the cards the bot returns.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { startTestApp, type TestApp } from '../../support/app.js';
import { buttonOf, cardOf, fieldOf, selectOf, textOf, type ConsoleClient, type ReplyJson, type TicketJson } from '../../support/console-client.js';

let t: TestApp;
let c: ConsoleClient;
beforeAll(async () => {
  t = await startTestApp({ prefix: 'lifecycle' });
  c = t.client;
});
afterAll(async () => {
  await t?.stop();
});

interface Step {
  who: string;
  say: string;
  reply: RegExp;
  /** The card's state field after the step (label is localised). */
  cardState: string;
  state: string;
  kind: string;
  from: string;
  owner?: string;
}

async function runSteps(id: string, steps: Step[], stateLabel: string): Promise<TicketJson> {
  let stored = await c.mustTicket(id);
  for (const step of steps) {
    const replies = await c.say(step.who, step.say.replace('{id}', id));
    expect({ step: step.say, text: textOf(replies) }).toEqual({ step: step.say, text: expect.stringMatching(step.reply) });
    expect({ step: step.say, state: fieldOf(cardOf(replies), stateLabel) }).toEqual({ step: step.say, state: step.cardState });
    const before = stored;
    stored = await c.mustTicket(id);
    expect({ step: step.say, state: stored.state, owner: stored.ownerId }).toEqual({ step: step.say, state: step.state, owner: step.owner });
    expect(stored.version).toBe(before.version + 1);
    expect(stored.timeline).toHaveLength(before.timeline.length + 1);
    expect(stored.timeline.at(-1)).toMatchObject({
      actorId: step.who,
      kind: step.kind,
      from: step.from,
      to: step.state,
      source: { platform: 'console', via: 'command' },
    });
  }
  return stored;
}

describe('lifecycle by typed commands', () => {
  it('open → claim → note → wait → resume → resolve → close → reopen (English)', async () => {
    const opened = await c.say('grace.liu', '/ticket open Printer on fire --priority P2 --customer "ACME Ltd"');
    expect(textOf(opened)).toMatch(/^Opened T-\d+: Printer on fire$/);
    const id = /T-\d+/.exec(textOf(opened))![0];
    const openCard = cardOf(opened);
    expect(openCard.title).toBe(`${id} · Printer on fire`);
    expect(fieldOf(openCard, 'Status')).toBe('open');
    expect(fieldOf(openCard, 'Owner')).toBe('unclaimed');
    expect(fieldOf(openCard, 'Department')).toBe('Customer Service');
    expect(fieldOf(openCard, 'Priority')).toBe('P2');
    expect(fieldOf(openCard, 'Customer')).toBe('ACME Ltd');

    const created = await c.mustTicket(id);
    expect(created).toMatchObject({ state: 'open', title: 'Printer on fire', priority: 'P2', departmentId: 'support', createdBy: 'grace.liu', customer: 'ACME Ltd', version: 1 });
    expect(created.ownerId).toBeUndefined();
    expect(created.timeline).toEqual([
      expect.objectContaining({ actorId: 'grace.liu', kind: 'open', to: 'open', source: expect.objectContaining({ platform: 'console', via: 'command' }) }),
    ]);

    const last = await runSteps(
      id,
      [
        { who: 'sam.taylor', say: '/ticket claim {id}', reply: /^You claimed T-\d+\.$/, cardState: 'claimed', state: 'claimed', kind: 'claim', from: 'open', owner: 'sam.taylor' },
        { who: 'sam.taylor', say: '/ticket note {id} called the customer back', reply: /^Note added to T-\d+\.$/, cardState: 'claimed', state: 'claimed', kind: 'note', from: 'claimed', owner: 'sam.taylor' },
        { who: 'sam.taylor', say: '/ticket wait {id}', reply: /waiting on the customer; its clocks are paused/, cardState: 'waiting on customer', state: 'waiting_on_customer', kind: 'wait', from: 'claimed', owner: 'sam.taylor' },
        { who: 'sam.taylor', say: '/ticket resume {id}', reply: /active again; its clocks run/, cardState: 'claimed', state: 'claimed', kind: 'resume', from: 'waiting_on_customer', owner: 'sam.taylor' },
        { who: 'sam.taylor', say: '/ticket resolve {id} replaced the toner', reply: /^Resolved T-\d+\.$/, cardState: 'resolved', state: 'resolved', kind: 'resolve', from: 'claimed', owner: 'sam.taylor' },
        { who: 'sam.taylor', say: '/ticket close {id}', reply: /^Closed T-\d+\.$/, cardState: 'closed', state: 'closed', kind: 'close', from: 'resolved', owner: 'sam.taylor' },
        { who: 'grace.liu', say: '/ticket reopen {id} toner leaks again', reply: /^Reopened T-\d+\.$/, cardState: 'claimed', state: 'claimed', kind: 'reopen', from: 'closed', owner: 'sam.taylor' },
      ],
      'Status',
    );

    expect(last.timeline.map((e) => [e.actorId, e.kind, e.from ?? null, e.to])).toEqual([
      ['grace.liu', 'open', null, 'open'],
      ['sam.taylor', 'claim', 'open', 'claimed'],
      ['sam.taylor', 'note', 'claimed', 'claimed'],
      ['sam.taylor', 'wait', 'claimed', 'waiting_on_customer'],
      ['sam.taylor', 'resume', 'waiting_on_customer', 'claimed'],
      ['sam.taylor', 'resolve', 'claimed', 'resolved'],
      ['sam.taylor', 'close', 'resolved', 'closed'],
      ['grace.liu', 'reopen', 'closed', 'claimed'],
    ]);
    expect(last.timeline.every((e) => e.source.platform === 'console' && e.source.via === 'command')).toBe(true);
    expect(new Set(last.timeline.map((e) => e.source.deliveryId)).size).toBe(8);
    expect(last.timeline[2].details).toEqual({ text: 'called the customer back' });
    expect(last.timeline[5].details).toEqual({ summary: 'replaced the toner' });
    expect(last.timeline[7].details).toEqual({ reason: 'toner leaks again' });
    expect(last.resolution).toBe('replaced the toner');
    const times = last.timeline.map((e) => new Date(e.at).getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    // The opener was told when it was resolved; the owner when the opener reopened it.
    expect((await c.inbox('grace.liu')).map((n) => n.text)).toContain(`Sam Taylor resolved ${id}: Printer on fire`);
    expect((await c.inbox('sam.taylor')).map((n) => n.text)).toContain(`Grace Liu reopened ${id}: Printer on fire`);
  });

  it('the same life in Chinese: /工单 verbs by a zh-CN person get Chinese replies and cards', async () => {
    const opened = await c.say('zhang.wei', '/工单 新建 打印机坏了 --type 投诉 --tier 重要客户');
    expect(textOf(opened)).toMatch(/^已新建 T-\d+：打印机坏了$/);
    const id = /T-\d+/.exec(textOf(opened))![0];
    expect(fieldOf(cardOf(opened), '状态')).toBe('待认领');
    expect(fieldOf(cardOf(opened), '部门')).toBe('客户服务部');
    expect(await c.mustTicket(id)).toMatchObject({ type: 'complaint', tier: 'vip', createdBy: 'zhang.wei' });

    const last = await runSteps(
      id,
      [
        { who: 'zhang.wei', say: '/工单 认领 {id}', reply: /^你已认领 T-\d+。$/, cardState: '处理中', state: 'claimed', kind: 'claim', from: 'open', owner: 'zhang.wei' },
        { who: 'zhang.wei', say: '/工单 备注 {id} 已电话联系客户', reply: /^已为 T-\d+ 添加备注。$/, cardState: '处理中', state: 'claimed', kind: 'note', from: 'claimed', owner: 'zhang.wei' },
        { who: 'zhang.wei', say: '/工单 等待 {id}', reply: /等待客户回复，计时已暂停/, cardState: '等待客户', state: 'waiting_on_customer', kind: 'wait', from: 'claimed', owner: 'zhang.wei' },
        { who: 'zhang.wei', say: '/工单 恢复 {id}', reply: /已恢复处理，计时继续/, cardState: '处理中', state: 'claimed', kind: 'resume', from: 'waiting_on_customer', owner: 'zhang.wei' },
        { who: 'zhang.wei', say: '/工单 解决 {id} 更换了硒鼓', reply: /^已解决 T-\d+。$/, cardState: '已解决', state: 'resolved', kind: 'resolve', from: 'claimed', owner: 'zhang.wei' },
        { who: 'zhang.wei', say: '/工单 关闭 {id}', reply: /^已关闭 T-\d+。$/, cardState: '已关闭', state: 'closed', kind: 'close', from: 'resolved', owner: 'zhang.wei' },
        { who: 'zhang.wei', say: '/工单 重新打开 {id} 客户说还是不行', reply: /^已重新打开 T-\d+。$/, cardState: '处理中', state: 'claimed', kind: 'reopen', from: 'closed', owner: 'zhang.wei' },
      ],
      '状态',
    );
    expect(last.timeline.map((e) => e.kind)).toEqual(['open', 'claim', 'note', 'wait', 'resume', 'resolve', 'close', 'reopen']);
    expect(last.timeline[2].details).toEqual({ text: '已电话联系客户' });
  });

  it('an English person typing the Chinese verbs gets English replies (the language is the person’s)', async () => {
    const id = await c.open('grace.liu', 'Language check');
    expect(await c.sayText('sam.taylor', `/工单 认领 ${id}`)).toBe(`You claimed ${id}.`);
  });
});

describe('lifecycle by card buttons', () => {
  async function click(user: string, replies: ReplyJson[], actionId: string, extra: Record<string, string> = {}): Promise<ReplyJson[]> {
    const button = buttonOf(cardOf(replies), actionId);
    return c.click(user, button.actionId, { ...button.values, ...extra });
  }

  it('the claim and resolve buttons of the returned cards do what the commands do', async () => {
    // By command, for comparison.
    const byCommand = await c.open('grace.liu', 'Wifi down on floor 3');
    const claimedByCommand = await c.say('sam.taylor', `/ticket claim ${byCommand}`);
    await c.say('sam.taylor', `/ticket resolve ${byCommand}`);

    // By buttons: the opener's card offers Claim; the claimer's card offers Resolve.
    const opened = await c.say('grace.liu', '/ticket open Wifi down on floor 4');
    const id = /T-\d+/.exec(textOf(opened))![0];
    expect(buttonOf(cardOf(opened), 'claim').values).toEqual({ id });
    const claimed = await click('sam.taylor', opened, 'claim');
    expect(textOf(claimed)).toBe(`You claimed ${id}.`);
    expect(textOf(claimed).replace(id, '#')).toBe(textOf(claimedByCommand).replace(byCommand, '#'));
    expect(fieldOf(cardOf(claimed), 'Status')).toBe('claimed');
    expect(fieldOf(cardOf(claimed), 'Owner')).toBe('Sam Taylor');
    const resolved = await click('sam.taylor', claimed, 'resolve');
    expect(textOf(resolved)).toBe(`Resolved ${id}.`);
    expect(fieldOf(cardOf(resolved), 'Status')).toBe('resolved');
    const offered = cardOf(resolved).elements.map((e) => (e.type === 'input' ? e.name : e.actionId));
    expect(offered).toEqual(expect.arrayContaining(['close', 'reopen']));
    expect(offered).not.toContain('resolve');
    expect(offered).not.toContain('claim');

    const a = await c.mustTicket(byCommand);
    const b = await c.mustTicket(id);
    const shape = (x: TicketJson) => ({ state: x.state, owner: x.ownerId, version: x.version, events: x.timeline.map((e) => [e.actorId, e.kind, e.from ?? null, e.to]) });
    expect(shape(b)).toEqual(shape(a));
    expect(b.timeline.map((e) => e.source.via)).toEqual(['command', 'button', 'button']);
    expect(b.timeline.every((e) => e.source.platform === 'console')).toBe(true);
  });

  it('wait, resume, close and reopen buttons move the ticket the same way', async () => {
    const opened = await c.say('sam.taylor', '/ticket open Label printer jams');
    const claimed = await click('sam.taylor', opened, 'claim');
    const waiting = await click('sam.taylor', claimed, 'wait');
    expect(fieldOf(cardOf(waiting), 'Status')).toBe('waiting on customer');
    const resumed = await click('sam.taylor', waiting, 'resume');
    const resolved = await click('sam.taylor', resumed, 'resolve');
    const closed = await click('sam.taylor', resolved, 'close');
    expect(fieldOf(cardOf(closed), 'Status')).toBe('closed');
    const reopened = await click('sam.taylor', closed, 'reopen');
    expect(textOf(reopened)).toMatch(/^Reopened T-\d+\.$/);
    const stored = await c.mustTicket(/T-\d+/.exec(textOf(opened))![0]);
    expect(stored.timeline.map((e) => `${e.kind}:${e.source.via}`)).toEqual([
      'open:command', 'claim:button', 'wait:button', 'resume:button', 'resolve:button', 'close:button', 'reopen:button',
    ]);
  });

  it('the handoff select sends { id, department } and asks that department to take the ticket', async () => {
    const opened = await c.say('sam.taylor', '/ticket open Refund twice charged');
    const id = /T-\d+/.exec(textOf(opened))![0];
    const claimed = await click('sam.taylor', opened, 'claim');
    const select = selectOf(cardOf(claimed), 'handoff');
    expect(select.values).toEqual({ id });
    expect(select.options).toEqual([
      { label: 'Billing', value: 'billing' },
      { label: 'Technical Support', value: 'tech' },
    ]);
    const replies = await c.click('sam.taylor', 'handoff', { ...select.values, department: 'billing' });
    expect(textOf(replies)).toBe(`Asked Billing to take ${id}. It stays with you until they accept.`);
    expect(fieldOf(cardOf(replies), 'Status')).toBe('waiting for handoff acceptance');
    const stored = await c.mustTicket(id);
    expect(stored).toMatchObject({ state: 'pending_handoff', departmentId: 'support', ownerId: 'sam.taylor', pendingHandoff: { toDepartmentId: 'billing', requestedBy: 'sam.taylor' } });
    expect(stored.timeline.at(-1)).toMatchObject({ actorId: 'sam.taylor', kind: 'handoff', from: 'claimed', to: 'pending_handoff', details: { to: 'billing' }, source: { platform: 'console', via: 'button' } });
  });

  it('a button for a step the ticket has moved past is refused and changes nothing', async () => {
    const opened = await c.say('sam.taylor', '/ticket open Old card');
    const id = /T-\d+/.exec(textOf(opened))![0];
    await click('sam.taylor', opened, 'claim');
    const before = await c.mustTicket(id);
    const again = await click('zhang.wei', opened, 'claim');
    expect(textOf(again)).toBe(`${id} 已被 Sam Taylor 认领。`);
    expect((await c.mustTicket(id)).version).toBe(before.version);
  });
});
