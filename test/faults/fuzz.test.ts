// Suite 7b — a fuzzer. Thousands of random command lines and card clicks
// (see harness/fuzz-input.ts) from random people, mostly through the console
// and a share through the Slack, Teams and Feishu endpoints. Every one must be
// answered (never a 5xx, never silence), none may end in "something went
// wrong on my side" (an unexpected exception), and the bot must still be up.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FigureBook } from './harness/figures.js';
import { PROFILE, pick, seededRandom } from './harness/profile.js';
import { SPEAKERS, postConsole, type Delivery } from './harness/platforms.js';
import { settled, startInProcessBot, type InProcessBot } from './harness/in-process.js';
import { randomAction, randomCommand } from './harness/fuzz-input.js';
import { shows } from './harness/replies.js';

let bot: InProcessBot;
const book = new FigureBook('7b-fuzz', 'random command strings and card payloads');
const PEOPLE = ['grace.liu', 'omar.haddad', 'sam.taylor', 'chen.jing', 'zhao.min', 'li.qiang', 'rita.reviewer', 'alex.morgan', 'wang.fang'];

beforeAll(async () => {
  bot = await startInProcessBot('faults_fuzz', { env: { POLICY_FILE: 'test/faults/fixtures/calm-policy.yaml' } });
  // Something to act on: a few tickets in each state the fuzzer might reach.
  for (let i = 0; i < 5; i++) await postConsole(bot.baseUrl, { user: 'grace.liu', text: `open Fuzz target ${i}` });
}, 60_000);
afterAll(async () => {
  await book.write();
  await bot?.stop();
});

describe('suite 7b: fuzzing the command entry points', () => {
  it('answers every random command and click, with no crash and no unexpected error', async () => {
    const random = seededRandom();
    book.seed = random.seed;
    const total = PROFILE.fuzz.strings;
    let unanswered = 0;
    let internal = 0;
    let serverErrors = 0;
    let viaPlatforms = 0;
    let clicks = 0;
    let doorRefusals = 0;
    const examples: string[] = [];
    const one = async (i: number) => {
      const r = random.next();
      if (r < 0.15) {
        // Through a chat platform: signed, as the platform sends it; answered means a 2xx.
        viaPlatforms++;
        const platform = pick(random.next, ['slack', 'teams', 'feishu'] as const);
        const delivery: Delivery = bot.platforms.command(platform, pick(random.next, SPEAKERS[platform]), randomCommand(random.next), i);
        const status = await delivery.send(bot.baseUrl);
        if (status >= 500) serverErrors++;
        if (status < 200 || status >= 300) {
          unanswered++;
          if (examples.length < 5) examples.push(`${platform} → ${status}`);
        }
        return;
      }
      const click = r < 0.45;
      if (click) clicks++;
      const body = click ? { user: pick(random.next, PEOPLE), action: randomAction(random.next) } : { user: pick(random.next, PEOPLE), text: randomCommand(random.next) };
      const res = await postConsole(bot.baseUrl, body);
      const replies = (res.body as { replies?: Array<{ text?: string; card?: unknown }> }).replies ?? [];
      if (res.status >= 500) serverErrors++;
      // A request the console's schema refuses is answered too: 400 with what was wrong.
      const refusedAtDoor = res.status === 400 && typeof (res.body as { error?: unknown }).error === 'string';
      if (refusedAtDoor) doorRefusals++;
      else if (res.status !== 200 || !replies.some((x) => x.text || x.card)) {
        unanswered++;
        if (examples.length < 5) examples.push(`${JSON.stringify(body).slice(0, 200)} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      } else if (replies.some((x) => x.text && shows(x.text, 'internal.error'))) {
        internal++;
        if (examples.length < 5) examples.push(`internal error for ${JSON.stringify(body).slice(0, 300)}`);
      }
    };
    let next = 0;
    const started = Date.now();
    await Promise.all(Array.from({ length: 4 }, async () => {
      for (let i = next++; i < total; i = next++) await one(i);
    }));
    const ms = Date.now() - started;
    await settled(bot.db, 60_000);
    const health = await fetch(`${bot.baseUrl}/healthz`).then((r) => r.status).catch(() => 0);
    const unexpected = bot.t.logs.filter((l) => /command failed unexpectedly|Unhandled|uncaught/i.test(l)).length;

    book.note('random inputs (console text / console clicks / platform messages)', `${total} (${total - clicks - viaPlatforms} / ${clicks} / ${viaPlatforms})`);
    book.note('inputs per second', Math.round(total / (ms / 1000)));
    book.note('refused at the door with a reason (400)', doorRefusals);
    book.check('crashes (5xx, unexpected exceptions, bot down)', serverErrors + internal + unexpected + (health === 200 ? 0 : 1), '= 0', serverErrors + internal + unexpected === 0 && health === 200);
    book.check('inputs left unanswered', unanswered, '= 0', unanswered === 0);
    expect(examples).toEqual([]);
    expect({ serverErrors, internal, unanswered, unexpected, health }).toEqual({ serverErrors: 0, internal: 0, unanswered: 0, unexpected: 0, health: 200 });
  }, 20 * 60_000);
});
