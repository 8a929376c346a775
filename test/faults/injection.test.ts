// Suite 7a — hostile text. Mass mentions (`<!channel>`, `<!here>`,
// `<at user_id="all">`, `<at>`), MongoDB operators where an id belongs,
// 100 KB titles, control characters and right-to-left overrides arrive
// through every platform. Each is stored as typed or refused with a clear
// answer; none may ping anyone, match other documents, or reach a platform
// as live markup.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { postSlack, slackBlockAction } from '../support/slack-requests.js';
import { feishuCardAction, postFeishu } from '../support/feishu-requests.js';
import { FigureBook } from './harness/figures.js';
import { SLACK_SECRET, SPEAKERS, postConsole } from './harness/platforms.js';
import { settled, startInProcessBot, type InProcessBot } from './harness/in-process.js';
import { say, shows } from './harness/replies.js';

let bot: InProcessBot;
const book = new FigureBook('7a-injection', 'mentions, operators, huge titles, control and bidi characters');

beforeAll(async () => {
  bot = await startInProcessBot('faults_injection', { env: { POLICY_FILE: 'test/faults/fixtures/calm-policy.yaml' } });
}, 60_000);
afterAll(async () => {
  await book.write();
  await bot?.stop();
});

/** Everything the bot sent to each platform, as one string per platform. */
function outgoing(): Record<'slack' | 'teams' | 'feishu', string> {
  return {
    slack: JSON.stringify(bot.platforms.slack.calls.filter((c) => /^chat\.|response_url|views\./.test(c.method)).map((c) => c.body)),
    teams: JSON.stringify(bot.platforms.connector.calls.map((c) => c.body)),
    feishu: JSON.stringify(bot.platforms.feishu.calls.filter((c) => c.method !== 'GET').map((c) => c.body)),
  };
}

const LIVE_MARKUP = {
  slack: /<!(?:channel|here|everyone)(?:\|[^>]*)?>/,
  teams: /<at>|<\/at>/,
  feishu: /<at\s+(?:user_)?id=\\*"?all/i,
};
// Controls other than tab and newline, and the bidi overrides/isolates that can reorder what is shown.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const HIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/;

describe('suite 7a: injection', () => {
  it('stores mass mentions as typed and sends them nowhere as live markup', async () => {
    const cases = [
      { platform: 'slack' as const, speaker: SPEAKERS.slack[0], title: 'Printer <!channel> on fire <!here> <!everyone>' },
      { platform: 'teams' as const, speaker: SPEAKERS.teams[0], title: 'Server <at>Everyone</at> down' },
      { platform: 'feishu' as const, speaker: SPEAKERS.feishu[0], title: '发票 <at user_id="all">所有人</at> 问题' },
    ];
    const stored: string[] = [];
    for (const c of cases) {
      const answer = await say(bot.baseUrl, bot.platforms, c.platform, c.speaker, `open ${c.title}`);
      expect(answer.status).toBe(200);
      const ticket = await bot.db.collection('tickets').findOne({ title: c.title });
      if (ticket) stored.push(c.title);
    }
    await settled(bot.db);
    await new Promise((r) => setTimeout(r, 1500));
    const sent = outgoing();
    const live = (Object.keys(LIVE_MARKUP) as Array<keyof typeof LIVE_MARKUP>).filter((p) => LIVE_MARKUP[p].test(sent[p]));
    book.check('mass mentions stored as typed', `${stored.length}/${cases.length}`, 'all', stored.length === cases.length);
    book.check('platforms that received live mention markup', live.length, '= 0', live.length === 0);
    expect(stored).toEqual(cases.map((c) => c.title));
    expect(live).toEqual([]);
    // They did reach each platform (escaped), so the check above looked at real traffic.
    expect(sent.slack).toContain('&lt;!channel&gt;');
    expect(sent.feishu).toContain('所有人');
    expect(sent.teams).toContain('Everyone');
  }, 60_000);

  it('treats MongoDB operators where an id belongs as bad input, matching nothing', async () => {
    const target = /T-\d+/.exec(JSON.stringify((await postConsole(bot.baseUrl, { user: 'grace.liu', text: 'open Operator target' })).body))![0];
    const before = JSON.stringify(await bot.db.collection('tickets').find({}, { projection: { version: 1 } }).sort({ _id: 1 }).toArray());
    const tries: Array<{ what: string; status: () => Promise<{ status: number; text: string }> }> = [
      { what: 'console: $gt in the text', status: async () => toAnswer(await postConsole(bot.baseUrl, { user: 'sam.taylor', text: 'claim {"$gt":""}' })) },
      { what: 'console: $where in the text', status: async () => toAnswer(await postConsole(bot.baseUrl, { user: 'sam.taylor', text: 'show {"$where":"sleep(5000)"}' })) },
      { what: 'console: object as a card value', status: async () => toAnswer(await postConsole(bot.baseUrl, { user: 'sam.taylor', action: { id: 'claim', values: { id: { $gt: '' } } } })) },
      {
        what: 'Slack: $gt object in a button value',
        status: async () => {
          const res = await postSlack(bot.baseUrl, slackBlockAction({ userId: SPEAKERS.slack[0], action: { action_id: 'claim', value: JSON.stringify({ id: { $gt: '' } }) } }), { secret: SLACK_SECRET });
          return { status: res.status, text: await res.text() };
        },
      },
      {
        what: 'Feishu: $ne object in a card value',
        status: async () => {
          const res = await postFeishu(`${bot.baseUrl}/feishu/cards`, feishuCardAction({ value: { action: 'claim', id: { $ne: 'x' } } as never, operatorOpenId: SPEAKERS.feishu[0] }));
          return { status: res.status, text: JSON.stringify(res.body) };
        },
      },
    ];
    const problems: string[] = [];
    for (const t of tries) {
      const { status, text } = await t.status();
      // Refused at the door (400) or answered with the right form; never a 5xx or "something went wrong".
      if (status >= 500 || shows(text, 'internal.error')) problems.push(`${t.what}: ${status} ${text.slice(0, 200)}`);
    }
    await settled(bot.db);
    const after = JSON.stringify(await bot.db.collection('tickets').find({}, { projection: { version: 1 } }).sort({ _id: 1 }).toArray());
    book.check('operator injections that changed or matched a ticket', before === after ? 0 : 1, '= 0', before === after);
    book.check('operator injections answered badly (5xx / internal error)', problems.length, '= 0', problems.length === 0);
    expect(problems).toEqual([]);
    expect(after).toEqual(before);
    expect((await bot.db.collection('tickets').findOne({ _id: target as never }))?.state).toBe('open');
  }, 60_000);

  it('refuses 100 KB titles and keeps control and bidi characters out of what it stores and shows', async () => {
    const huge = `Huge ${'x'.repeat(100 * 1024)}`;
    const refused: string[] = [];
    for (const platform of ['console', 'slack', 'teams', 'feishu'] as const) {
      const answer = await say(bot.baseUrl, bot.platforms, platform, platform === 'console' ? 'grace.liu' : SPEAKERS[platform][0], `open ${huge}`, 3000);
      // A 4xx at the door, or a 2xx whose answer says the title is too long.
      if (answer.status >= 400 && answer.status < 500) refused.push(platform);
      else if (answer.status === 200 && (shows(answer, 'ticket.title_too_long') || shows(answer, 'input.too_long'))) refused.push(platform);
    }
    const hugeStored = await bot.db.collection('tickets').countDocuments({ title: { $regex: '^Huge ' } });

    const sneaky = ['Bell\u0007 and \u001b[31mred\u001b[0m NUL\u0000 text', 'Invoice \u202Egnp.exe\u202C paid', 'Isolate \u2067evil\u2069 here'];
    const leaks: string[] = [];
    for (const [i, title] of sneaky.entries()) {
      const answer = await say(bot.baseUrl, bot.platforms, (['console', 'slack', 'feishu'] as const)[i], i === 0 ? 'grace.liu' : i === 1 ? SPEAKERS.slack[0] : SPEAKERS.feishu[0], `open ${title}`);
      if (HIDDEN.test(answer.text) || /\\u00(?:[01][0-9a-f]|7f)/i.test(answer.text)) leaks.push(`answer to '${JSON.stringify(title)}'`);
    }
    await settled(bot.db);
    await new Promise((r) => setTimeout(r, 1500));
    const titles = (await bot.db.collection('tickets').find({}, { projection: { title: 1 } }).toArray()).map((t) => String(t.title));
    for (const t of titles) if (HIDDEN.test(t)) leaks.push(`stored title ${JSON.stringify(t)}`);
    const sent = outgoing();
    // What was sent is kept as JSON, where a control character shows as an escape (\u0007).
    for (const [p, text] of Object.entries(sent)) if (HIDDEN.test(text) || /\\u00(?:[01][0-9a-f]|7f)/i.test(text)) leaks.push(`sent to ${p}`);

    book.check('100 KB titles refused', `${refused.length}/4`, 'all', refused.length === 4 && hugeStored === 0);
    book.check('control/bidi characters stored or shown', leaks.length, '= 0', leaks.length === 0);
    expect(refused.sort()).toEqual(['console', 'feishu', 'slack', 'teams']);
    expect(hugeStored).toBe(0);
    expect(leaks).toEqual([]);
  }, 60_000);
});

function toAnswer(res: { status: number; body: unknown }): { status: number; text: string } {
  return { status: res.status, text: JSON.stringify(res.body) };
}
