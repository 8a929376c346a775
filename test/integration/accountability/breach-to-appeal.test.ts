// From a breach to a decided appeal, through the real app over the console API
// with the fast policy (resolution 6 s; re-nags at 7 s and 8 s; escalation at
// 9 s): Sam Taylor claims a ticket and leaves it. The penalty appears in his
// inbox as a card with an Appeal button, his supervisor (陈静, also the lead)
// is told; the grade rises with the clock — moderate, then severe with a joint
// penalty for 陈静; the ledger is private; he appeals from the card, the drawn
// reviewer decides from the appeal card, once, however often the click arrives.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { Card, CardButton } from '../../../src/core/card.js';
import { say } from '../../../conversations/render/names.js';
import { translate } from '../../../conversations/messages/index.js';
import { actionIds, buttonOf, cardOf, fieldOf, type InboxItem } from '../../support/console-client.js';
import { eventually, sleep, startSlaHarness, type SlaHarness } from '../../support/sla-app.js';

let h: SlaHarness;
let ticketId: string;
let openedAt: number;
let penaltyId: string;
let firstGrade: string;

beforeAll(async () => {
  h = await startSlaHarness({ prefix: 'acct_appeal', jobPollMs: 200 });
  ticketId = await h.client.open('grace.liu', 'Refund not received --department support');
  await h.client.say('sam.taylor', `/ticket claim ${ticketId}`);
  openedAt = new Date((await h.client.mustTicket(ticketId)).createdAt as string).getTime();
}, 30_000);
afterAll(async () => {
  await h?.close();
});

interface PenaltyDoc {
  _id: string;
  personId: string;
  grade: string;
  basis: string;
  status: string;
  jointWith?: string;
  counts: boolean;
  history: Array<{ event: string; grade: string; by: string; note?: string }>;
}

const penalties = async () => (await h.mongo.collection('penalties').find({ ticketId }).toArray()) as unknown as PenaltyDoc[];
const penaltyOf = async (personId: string) => (await penalties()).find((p) => p.personId === personId);
/** `person message grade` for every penalty notice about the ticket, oldest first. */
const penaltyNotices = async () =>
  (await h.notifications(ticketId)).filter((n) => /^(penalty|appeal)\./.test(n.message)).map((n) => `${n.personId} ${n.message}${n.params.grade ? ` ${n.params.grade}` : ''}`);
const inboxCard = async (user: string, message: RegExp): Promise<{ item: InboxItem; card: Card } | undefined> => {
  const item = (await h.inbox(user)).find((n) => n.ticketId === ticketId && message.test(n.text) && n.card);
  return item?.card ? { item, card: item.card } : undefined;
};
const org = () => h.app.org;

describe('a claimed ticket left to breach, through the console', () => {
  it('the owner gets a penalty notice with the penalty card and an Appeal button; the supervisor (also the department lead) is told', async () => {
    const found = await eventually(() => inboxCard('sam.taylor', /^Penalty P-\d+ \((minor|moderate)\)/), 'the penalty notice in Sam’s inbox', 20_000);
    penaltyId = /P-\d+/.exec(found.item.text)![0];
    // Minor when the breach (6 s) was recorded on time; moderate only if the machine was more than 1.5 s late.
    firstGrade = /\((minor|moderate)\)/.exec(found.item.text)![1];
    expect(found.item.text).toContain(`on ${ticketId} (Refund not received)`);
    expect(found.card.title).toMatch(new RegExp(`^${penaltyId} · ${ticketId} · (minor|moderate|severe)$`));
    expect(fieldOf(found.card, 'Person')).toBe('Sam Taylor');
    expect(fieldOf(found.card, 'Clock')).toBe('resolution');
    expect(fieldOf(found.card, 'Rule')).toContain('resolution');
    expect(actionIds(found.card)).toEqual(['input:reason', 'appeal']);
    expect(buttonOf(found.card, 'appeal').values).toEqual({ penalty: penaltyId });
    const notices = await penaltyNotices();
    expect(notices.filter((n) => n.endsWith(` ${firstGrade}`))).toEqual([`sam.taylor penalty.recorded ${firstGrade}`, `chen.jing penalty.notice_supervisor ${firstGrade}`]);
    // The breach was about 6 s after the ticket opened.
    expect((await h.notifications(ticketId)).find((n) => n.message === 'penalty.recorded')!.createdAt.getTime() - openedAt).toBeGreaterThanOrEqual(5_500);
  });

  it('the grade rises as the clock runs: moderate past 25 % over, told again', async () => {
    await eventually(async () => (await penaltyOf('sam.taylor'))?.grade === 'moderate' || undefined, 'the penalty to become moderate', 20_000);
    const notices = await penaltyNotices();
    const event = firstGrade === 'minor' ? 'regraded' : 'recorded';
    expect(notices.filter((n) => n.endsWith(' moderate'))).toEqual([`sam.taylor penalty.${event} moderate`, 'chen.jing penalty.notice_supervisor moderate']);
  });

  it('left untouched, it keeps rising to severe past 100 % over (12 s), with the supervisor’s joint penalty', async () => {
    // Nobody touches the ticket: the last clock milestone (escalation) was at 9 s.
    const deadline = openedAt + 12_000 + 12_000;
    let last: string | undefined;
    let joint: string | undefined;
    // The owner's and the supervisor's entries are two writes: wait for both.
    while (Date.now() < deadline) {
      last = (await penaltyOf('sam.taylor'))?.grade;
      joint = (await penaltyOf('chen.jing'))?.grade;
      if (last === 'severe' && joint === 'moderate') break;
      await sleep(200);
    }
    expect({ grade: last, joint }).toEqual({ grade: 'severe', joint: 'moderate' });
  }, 40_000);

  it('after any save the ledger is severe, with a joint penalty one grade lower for the supervisor, and everyone is told', async () => {
    expect(Date.now()).toBeGreaterThan(openedAt + 12_000);
    await h.client.say('sam.taylor', `/ticket note ${ticketId} still chasing the customer`);
    const joint = await eventually(() => penaltyOf('chen.jing'), 'the joint penalty', 10_000);
    expect(joint).toMatchObject({ grade: 'moderate', basis: 'joint-severe', jointWith: 'sam.taylor', status: 'active', counts: true });
    expect(await penaltyOf('sam.taylor')).toMatchObject({ _id: penaltyId, grade: 'severe', basis: 'owner' });
    const notices = await penaltyNotices();
    expect(notices).toEqual(expect.arrayContaining(['sam.taylor penalty.regraded severe', 'chen.jing penalty.notice_supervisor severe', 'chen.jing penalty.recorded moderate', 'li.qiang penalty.notice_supervisor moderate']));
    // 陈静 gets her own penalty card, with her own Appeal button.
    const hers = await eventually(() => inboxCard('chen.jing', /^处罚 P-\d+/), 'the joint penalty card for 陈静', 10_000);
    expect(buttonOf(hers.card, 'appeal').values).toEqual({ penalty: joint._id });
    // Nobody hears the same thing twice.
    expect(new Set(notices).size).toBe(notices.length);
  });

  it('/ticket penalties shows the ledger', async () => {
    const mine = cardOf(await h.client.say('sam.taylor', '/ticket penalties'));
    expect(mine.title).toBe('Penalties');
    expect(mine.fields.map((f) => [f.label, f.value])).toEqual([[`${penaltyId} · Sam Taylor · ${ticketId} · resolution`, 'severe · written warning, 5 points deducted, flagged to HR for review of the post · active']]);
    const hers = cardOf(await h.client.say('chen.jing', '/ticket penalties mine'));
    expect(hers.fields.map((f) => f.label)).toEqual([expect.stringContaining(`陈静 · ${ticketId}`)]);
  });

  it('an agent cannot see another agent’s ledger; the supervisor can', async () => {
    const refused = await h.client.say('zhang.wei', '/ticket penalties @sam.taylor');
    expect(refused).toEqual([{ text: say('zh-CN', org(), 'penalty.ledger_private', { person: 'sam.taylor' }), private: true }]);
    const allowed = cardOf(await h.client.say('chen.jing', '/ticket penalties @sam.taylor'));
    expect(allowed.fields.map((f) => f.label)).toEqual([expect.stringContaining(penaltyId)]);
  });

  it('the owner appeals with the card’s Appeal button; the reviewer is drawn from outside the ticket', async () => {
    const found = (await inboxCard('sam.taylor', new RegExp(`^Penalty ${penaltyId}`)))!;
    const button = buttonOf(found.card, 'appeal');
    const replies = await h.client.click('sam.taylor', button.actionId, { ...button.values, reason: 'The customer was unreachable all week' });
    // 周慧: grace.liu opened the ticket, so the other reviewer is drawn.
    expect(replies[0].text).toBe(say('en', org(), 'reply.appealed', { penaltyId, appealId: 'A-1', reviewer: 'zhou.hui' }));
    expect(actionIds(cardOf(replies))).not.toContain('appeal');
    expect(await penaltyOf('sam.taylor')).toMatchObject({ status: 'appealed' });
    expect(await h.mongo.collection('appeals').findOne({ _id: 'A-1' as never })).toMatchObject({ penaltyId, appellantId: 'sam.taylor', reviewerId: 'zhou.hui', status: 'open' });
    // The live card in the inbox no longer offers an appeal.
    expect(actionIds((await inboxCard('sam.taylor', new RegExp(`^Penalty ${penaltyId}`)))!.card)).toEqual([]);
  });

  it('the drawn reviewer sees the appeal card with the timeline and decides with a button — once, however often the click arrives', async () => {
    const t = (code: string) => translate('zh-CN', code);
    const found = await eventually(() => inboxCard('zhou.hui', /P-\d+/), 'the appeal card for 周慧', 10_000);
    expect(found.card.title).toBe(`A-1 · ${penaltyId} · ${ticketId} Refund not received`);
    expect(fieldOf(found.card, t('label.reason'))).toBe('The customer was unreachable all week');
    const timeline = fieldOf(found.card, t('label.timeline')) ?? '';
    expect(timeline).toContain(`Sam Taylor: ${t('action.claim')}`);
    expect(timeline).toContain('still chasing the customer');
    const buttons = found.card.elements.filter((e): e is CardButton => e.type === 'button');
    expect(buttons.map((b) => [b.actionId, b.values])).toEqual([
      ['review', { appeal: 'A-1', decision: 'uphold' }],
      ['review', { appeal: 'A-1', decision: 'reduce' }],
      ['review', { appeal: 'A-1', decision: 'revoke' }],
    ]);
    expect(actionIds(found.card)).toContain('input:note');

    const reduce = buttons.find((b) => b.values.decision === 'reduce')!;
    const values = { ...reduce.values, note: '客户确实难以联系' };
    const first = await h.client.click('zhou.hui', reduce.actionId, values, 'decide-A-1');
    const again = await h.client.click('zhou.hui', reduce.actionId, values, 'decide-A-1');
    expect(first[0].text).toBe(say('zh-CN', org(), 'reply.reviewed', { appealId: 'A-1', penaltyId, decision: 'reduce' }));
    expect(again).toEqual(first);
    const late = await h.client.click('zhou.hui', 'review', { appeal: 'A-1', decision: 'revoke' }, 'decide-A-1-other');
    expect(late[0].text).toBe(say('zh-CN', org(), 'appeal.already_decided', { id: 'A-1', decision: '' }));

    const penalty = (await penaltyOf('sam.taylor'))!;
    expect(penalty).toMatchObject({ status: 'reduced', grade: 'moderate', counts: true });
    expect(penalty.history.filter((e) => !['recorded', 'regraded'].includes(e.event)).map((e) => [e.event, e.grade, e.by])).toEqual([
      ['appealed', 'severe', 'sam.taylor'],
      ['reduced', 'moderate', 'zhou.hui'],
    ]);
    // The appellant is told, once.
    const decided = (await h.notifications(ticketId)).filter((n) => n.message === 'appeal.decided');
    expect(decided.map((n) => [n.personId, n.params.decision])).toEqual([['sam.taylor', 'reduce']]);
    const told = (await h.inbox('sam.taylor')).filter((n) => n.text.startsWith('Your appeal A-1'));
    expect(told).toHaveLength(1);
    // The reviewer's card now shows the decision instead of the buttons.
    const after = (await inboxCard('zhou.hui', /P-\d+/))!.card;
    expect(after.elements).toEqual([]);
  });
});
