// The inbox's recovery, step by step: a command accepted by a process that
// then died (its reservation left 'running', lease run out) is finished by the
// next process — once, with its answer sent to the conversation through the
// outbox; one whose change is already saved is not applied again; one that
// cannot be read is given up on instead of retried for ever.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { InboundCommand } from '../../src/core/inbound.js';
import { startInProcessBot, type InProcessBot } from './harness/in-process.js';
import { postConsole } from './harness/platforms.js';
import { messagePattern } from './harness/replies.js';
import { MongoTicketRepository } from '../../src/storage/ticket.repository.js';
import { buildTicket } from '../doubles/ticket.builder.js';

let bot: InProcessBot;
beforeAll(async () => {
  bot = await startInProcessBot('faults_inbox', { env: { POLICY_FILE: 'test/faults/fixtures/calm-policy.yaml' } });
}, 60_000);
afterAll(async () => {
  await bot?.stop();
});

const slackDm = (text: string): InboundCommand => ({
  kind: 'text',
  text,
  actor: { platform: 'slack', platformUserId: 'U0FSAM', displayName: 'Sam Taylor', personId: 'sam.taylor', locale: 'en' },
  conversation: { platform: 'slack', conversationId: 'DU0FSAM' },
  deliveryId: `slack:evt:Ev${randomUUID().slice(0, 8)}`,
  receivedAt: new Date(),
  via: 'message',
});

/** What a process that died mid-command leaves behind. */
async function leftRunning(command: InboundCommand | undefined, id = command?.deliveryId ?? randomUUID()): Promise<string> {
  const past = new Date(Date.now() - 60_000);
  await bot.db.collection('deliveries').replaceOne(
    { _id: id as never },
    { status: 'running', createdAt: past, leaseUntil: past, attempts: 1, ...(command ? { command: JSON.stringify(command) } : {}) },
    { upsert: true },
  );
  return id;
}

async function finished(id: string): Promise<{ status: string; replies?: Array<{ text?: string }> }> {
  // The pass that runs every few seconds, now (racing it is fine: a reservation is taken over once).
  await bot.t.app.inbox.pass();
  for (let i = 0; i < 150; i++) {
    const doc = await bot.db.collection('deliveries').findOne({ _id: id as never });
    if (doc?.status === 'done') return doc as never;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`delivery ${id} was not finished by the recovery`);
}

describe('inbox recovery', () => {
  it('finishes a command a stopped process accepted, once, and sends its answer to the conversation', async () => {
    const command = slackDm('open Recovered after a crash');
    await leftRunning(command);
    await finished(command.deliveryId);
    expect(await bot.db.collection('tickets').countDocuments({ title: 'Recovered after a crash' })).toBe(1);
    const id = String((await bot.db.collection('tickets').findOne({ title: 'Recovered after a crash' }))!._id);
    // The answer went through the outbox into the Slack conversation the command came from.
    await bot.platforms.slack.waitForCalls('chat.postMessage');
    for (let i = 0; i < 50 && !bot.platforms.slack.callsTo('chat.postMessage').some((c) => c.body.channel === 'DU0FSAM' && JSON.stringify(c.body).includes(id)); i++) await new Promise((r) => setTimeout(r, 100));
    expect(bot.platforms.slack.callsTo('chat.postMessage').filter((c) => c.body.channel === 'DU0FSAM' && JSON.stringify(c.body).includes(id))).toHaveLength(1);
    // A later pass finds nothing more to do: still one ticket.
    await bot.t.app.inbox.pass();
    expect(await bot.db.collection('tickets').countDocuments({ title: 'Recovered after a crash' })).toBe(1);
  });

  it('does not apply again a command whose change was saved before the process stopped', async () => {
    const opened = await postConsole(bot.baseUrl, { user: 'sam.taylor', text: 'open Noted before the crash' });
    const ticket = /T-\d+/.exec(JSON.stringify(opened.body))![0];
    const command = slackDm(`note ${ticket} written once`);
    // The note was saved; the process died before it recorded the answer.
    const answered = await bot.t.app.router.handle(command);
    expect(JSON.stringify(answered)).toContain(ticket);
    await leftRunning(command);
    const done = await finished(command.deliveryId);
    expect(done.replies?.[0]?.text).toMatch(messagePattern('delivery.already_applied'));
    // The first answer may never have gone out: the answer is the ticket as it is now, where the command was typed.
    expect(JSON.stringify((done.replies?.[0] as { card?: unknown }).card)).toContain(ticket);
    const answers = () => bot.platforms.slack.callsTo('chat.postMessage').filter((c) => c.body.channel === 'DU0FSAM' && JSON.stringify(c.body).includes(ticket));
    for (let i = 0; i < 100 && !answers().length; i++) await new Promise((r) => setTimeout(r, 100));
    expect(answers()).toHaveLength(1);
    const notes = (await bot.db.collection('tickets').findOne({ _id: ticket as never }))!.timeline.filter((e: { kind: string }) => e.kind === 'note');
    expect(notes).toHaveLength(1);
  });

  it('posts the card of a change a stopped process saved but did not follow up', async () => {
    const home = 'C0FBILLHOME';
    const admin: InboundCommand = { ...slackDm('admin home billing'), actor: { platform: 'slack', platformUserId: 'U0FALEX', displayName: 'Alex Morgan', personId: 'alex.morgan', locale: 'en' }, conversation: { platform: 'slack', conversationId: home } };
    expect(JSON.stringify(await bot.t.app.router.handle(admin))).toContain('now the Billing home');
    // The process saved the ticket (its timeline names the delivery) and died before queueing the card.
    const command = slackDm('open Saved just before the crash');
    const now = new Date();
    await new MongoTicketRepository(bot.t.app.database.connection).insert(
      buildTicket({
        id: 'T-9001',
        number: 9001,
        title: 'Saved just before the crash',
        departmentId: 'billing',
        createdBy: 'sam.taylor',
        createdAt: now,
        updatedAt: now,
        timeline: [{ at: now, actorId: 'sam.taylor', kind: 'open', to: 'open', details: {}, source: { platform: 'slack', via: 'message', deliveryId: command.deliveryId } }],
      }),
    );
    await leftRunning(command);
    expect((await finished(command.deliveryId)).replies?.[0]?.text).toMatch(messagePattern('delivery.already_applied'));
    const cards = () => bot.platforms.slack.callsTo('chat.postMessage').filter((c) => c.body.channel === home && JSON.stringify(c.body).includes('T-9001'));
    for (let i = 0; i < 100 && !cards().length; i++) await new Promise((r) => setTimeout(r, 100));
    expect(cards()).toHaveLength(1);
    await bot.t.app.inbox.pass();
    expect(await bot.db.collection('tickets').countDocuments({ title: 'Saved just before the crash' })).toBe(1);
    expect(cards()).toHaveLength(1);
  });

  it('gives up on a reservation it cannot run, instead of trying it for ever', async () => {
    const id = await leftRunning(undefined, `slack:evt:Ev${randomUUID().slice(0, 8)}`);
    expect((await finished(id)).replies).toEqual([]);
  });

  it('answers a repeat of a finished delivery with the first answer and changes nothing', async () => {
    const command = slackDm('open Asked twice');
    const first = await bot.t.app.router.handle(command);
    const second = await bot.t.app.router.handle({ ...command, receivedAt: new Date() });
    expect(second).toEqual(first);
    expect(await bot.db.collection('tickets').countDocuments({ title: 'Asked twice' })).toBe(1);
  });
});
