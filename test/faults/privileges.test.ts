// Suite 6 — people trying what they may not do: review their own appeal,
// close or resolve someone else's ticket, declare an outage as an agent, read
// or touch a confidential ticket of another department, act from a chat
// account nobody linked, and more. Every attempt must be refused with the
// clear message for it (never "something went wrong"), and change nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FigureBook } from './harness/figures.js';
import { OffsetClock } from './harness/offset-clock.js';
import { startInProcessBot, settled, type InProcessBot } from './harness/in-process.js';
import { say, shows, type Answer } from './harness/replies.js';
import type { PlatformName } from './harness/platforms.js';

// Near real time: the platforms' signatures are checked against this clock.
const clock = new OffsetClock();
let bot: InProcessBot;
const book = new FigureBook('6-privileges', 'privilege attempts');

beforeAll(async () => {
  bot = await startInProcessBot('faults_privileges', { clock, env: { POLICY_FILE: 'test/fixtures/fast-policy.yaml' } });
}, 60_000);
afterAll(async () => {
  await book.write();
  await bot?.stop();
});

const as = (platform: PlatformName, speaker: string, text: string): Promise<Answer> => say(bot.baseUrl, bot.platforms, platform, speaker, text);
const idIn = (answer: Answer, prefix: string) => new RegExp(`\\b${prefix}-\\d+\\b`).exec(answer.text)?.[0];

/** What a refusal must leave alone: every ticket's version, the ledger, appeals and outages. */
async function snapshot(): Promise<string> {
  const tickets = await bot.db.collection('tickets').find({}, { projection: { version: 1, state: 1, ownerId: 1 } }).sort({ _id: 1 }).toArray();
  const penalties = await bot.db.collection('penalties').find({}, { projection: { status: 1, grade: 1 } }).sort({ _id: 1 }).toArray();
  const appeals = await bot.db.collection('appeals').find({}, { projection: { status: 1, decision: 1 } }).sort({ _id: 1 }).toArray();
  const outages = await bot.db.collection('outages').countDocuments();
  return JSON.stringify({ tickets, penalties, appeals, outages });
}

describe('suite 6: privilege attempts', () => {
  it('refuses every attempt with a clear answer and changes nothing', async () => {
    // The scene: a ticket Sam claimed and let breach (a penalty he appeals), one he resolved,
    // an unclaimed one, a confidential one, and one waiting for billing to accept it.
    const open = async (title: string) => idIn(await as('console', 'grace.liu', `open ${title} --department support`), 'T')!;
    const breached = await open('Breached by Sam');
    const resolved = await open('Resolved by Sam');
    const unclaimed = await open('Nobody has it');
    const secret = await open('Confidential matter');
    const handedOff = await open('For billing');
    for (const id of [breached, resolved]) expect((await as('slack', 'U0FSAM', `claim ${id}`)).status).toBe(200);
    await as('slack', 'U0FSAM', `resolve ${resolved} fixed`);
    await as('console', 'chen.jing', `claim ${handedOff}`);
    await as('console', 'chen.jing', `handoff ${handedOff} billing please take it`);
    await bot.db.collection('tickets').updateOne({ _id: secret as never }, { $set: { confidential: true } });
    clock.advance(8_000);
    // Reminder, then breach: one milestone per clock per sweep.
    for (let i = 0; i < 4; i++) await bot.t.app.clocks.sweep();
    const penalty = (await bot.db.collection('penalties').findOne({ ticketId: breached, personId: 'sam.taylor' }))?._id as string | undefined;
    expect(penalty).toMatch(/^P-\d+$/);
    const appealed = await as('console', 'sam.taylor', `appeal ${penalty} the customer never answered`);
    const appeal = idIn(appealed, 'A');
    expect(appeal).toMatch(/^A-\d+$/);
    await settled(bot.db);

    const attempts: Array<{ what: string; platform: PlatformName; speaker: string; text: string; code: string }> = [
      { what: 'review own appeal', platform: 'console', speaker: 'sam.taylor', text: `review ${appeal} revoke`, code: 'appeal.not_your_review' },
      { what: 'review the appeal of a report (supervisor)', platform: 'console', speaker: 'chen.jing', text: `review ${appeal} revoke`, code: 'appeal.not_your_review' },
      { what: "appeal someone else's penalty", platform: 'slack', speaker: 'U0FANA', text: `appeal ${penalty} not fair`, code: 'penalty.not_found' },
      { what: "close another's ticket", platform: 'slack', speaker: 'U0FANA', text: `close ${resolved}`, code: 'auth.owner_or_leader' },
      { what: "resolve another's ticket", platform: 'teams', speaker: '0000000f-0000-4000-8000-00000000f001', text: `resolve ${breached} done`, code: 'auth.owner_or_leader' },
      { what: 'declare an outage as an agent', platform: 'slack', speaker: 'U0FSAM', text: 'outage start the CRM is down', code: 'auth.admin_only' },
      { what: 'declare an outage as a supervisor', platform: 'console', speaker: 'chen.jing', text: 'outage start', code: 'auth.admin_only' },
      { what: 'read a confidential ticket of another department', platform: 'slack', speaker: 'U0FBEN', text: `show ${secret}`, code: 'ticket.not_found' },
      { what: 'note on a confidential ticket of another department', platform: 'feishu', speaker: 'ou_f_zhao', text: `备注 ${secret} 看看`, code: 'ticket.not_found' },
      { what: "claim another department's ticket", platform: 'slack', speaker: 'U0FBEN', text: `claim ${unclaimed}`, code: 'auth.other_department' },
      { what: 'assign as an agent', platform: 'feishu', speaker: 'ou_f_zhou', text: `指派 ${unclaimed} wu.hao`, code: 'auth.leaders_only' },
      { what: "accept a handoff meant for another department", platform: 'console', speaker: 'grace.liu', text: `accept ${handedOff}`, code: 'auth.receiving_department_only' },
      { what: 'link chat accounts as an agent', platform: 'teams', speaker: '0000000f-0000-4000-8000-00000000f002', text: 'admin link slack:U0EVIL alex.morgan', code: 'auth.admin_only' },
      { what: 'act from an unlinked Slack account', platform: 'slack', speaker: 'U0STRANGER', text: `claim ${unclaimed}`, code: 'auth.not_linked' },
      { what: 'act from an unlinked Teams account', platform: 'teams', speaker: '0000000f-dead-4000-8000-00000000beef', text: `close ${resolved}`, code: 'auth.not_linked' },
      { what: 'act from an unlinked Feishu account', platform: 'feishu', speaker: 'ou_f_stranger', text: `认领 ${unclaimed}`, code: 'auth.not_linked' },
    ];
    const before = await snapshot();
    const unclear: string[] = [];
    for (const attempt of attempts) {
      const answer = await as(attempt.platform, attempt.speaker, attempt.text);
      if (answer.status !== 200 || !shows(answer, attempt.code)) unclear.push(`${attempt.what} (${attempt.platform}): ${answer.status} ${answer.text.slice(0, 300)}`);
    }
    // The other department's list does not show the confidential ticket either.
    const listed = await as('slack', 'U0FBEN', 'list dept');
    if (listed.text.includes(secret)) unclear.push(`list shows ${secret} to billing`);
    await settled(bot.db);
    const after = await snapshot();

    book.note('privilege attempts (console / Slack / Teams / Feishu)', attempts.length);
    book.check('refused with the clear message', `${attempts.length - unclear.length}/${attempts.length}`, '100 %', unclear.length === 0);
    book.check('changes made by refused attempts', before === after ? 0 : 1, '= 0', before === after);
    expect(unclear).toEqual([]);
    expect(after).toEqual(before);
  }, 120_000);
});
