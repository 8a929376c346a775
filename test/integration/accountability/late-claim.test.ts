// Who answers for a late first response, through the real app with the fast
// policy (first response 4 s): a ticket nobody claims while people are on duty
// is charged to the department lead (the queue); whoever finally claims it
// answered, so they are not charged for the wait before them (POLICY.md §4:
// one penalty per clock per ticket).
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { eventually, startSlaHarness, type SlaHarness } from '../../support/sla-app.js';

let h: SlaHarness;
let ticketId: string;
beforeAll(async () => {
  h = await startSlaHarness({ prefix: 'acct_late_claim', jobPollMs: 200 });
}, 30_000);
afterAll(async () => {
  await h?.close();
});

interface PenaltyDoc {
  _id: string;
  personId: string;
  clock: string;
  basis: string;
}

const ledger = async () =>
  ((await h.mongo.collection('penalties').find({ ticketId }).sort({ _id: 1 }).toArray()) as unknown as PenaltyDoc[]).map((p) => `${p.personId} ${p.clock} ${p.basis}`);

describe('a late first response', () => {
  it('unclaimed with people on duty: the department lead is charged for the queue, and told with a penalty card', async () => {
    ticketId = await h.client.open('grace.liu', 'Password reset --department support');
    await eventually(async () => (await ledger()).includes('chen.jing first_response queue') || undefined, 'the queue penalty for the lead', 15_000);
    const inbox = await eventually(async () => (await h.inbox('chen.jing')).find((n) => n.ticketId === ticketId && n.card?.subject?.startsWith('penalty:')), 'the lead’s penalty card', 10_000);
    expect(inbox.card!.elements.map((e) => (e.type === 'input' ? `input:${e.name}` : e.actionId))).toEqual(['input:reason', 'appeal']);
    expect(await ledger()).toEqual(['chen.jing first_response queue']);
  });

  it('One penalty per clock per ticket: whoever finally claims the ticket is not charged for the late first response as well', async () => {
    await h.client.say('zhang.wei', `/ticket claim ${ticketId}`);
    expect((await h.client.mustTicket(ticketId)).ownerId).toBe('zhang.wei');
    const toldZhang = (await h.notifications(ticketId)).filter((n) => n.personId === 'zhang.wei' && n.message.startsWith('penalty.'));
    expect({ charged: await ledger(), toldZhang: toldZhang.map((n) => `${n.message} ${n.params.clock}`) }).toEqual({ charged: ['chen.jing first_response queue'], toldZhang: [] });
  });
});
