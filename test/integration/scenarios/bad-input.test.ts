// Bad input (DESIGN.md "Interfaces"): every kind gets a short reply that names
// the problem and, where it applies, shows the right form; it never changes
// state and never stops the process. Text that only looks dangerous ($-keys,
// mentions, markup) is not an error: it is stored exactly as typed.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { startTestApp, type TestApp } from '../../support/app.js';
import { textOf, type ConsoleClient, type RawResponse } from '../../support/console-client.js';

let t: TestApp;
let c: ConsoleClient;
const ref = { open: '', claimed: '', pending: '' };

beforeAll(async () => {
  t = await startTestApp({ prefix: 'badinput' });
  c = t.client;
  ref.open = await c.open('grace.liu', 'Reference: open');
  ref.claimed = await c.open('grace.liu', 'Reference: claimed');
  await c.say('sam.taylor', `/ticket claim ${ref.claimed}`);
  ref.pending = await c.open('grace.liu', 'Reference: pending handoff');
  await c.say('sam.taylor', `/ticket claim ${ref.pending}`);
  await c.say('sam.taylor', `/ticket handoff ${ref.pending} billing`);
});
afterAll(async () => {
  await t?.stop();
});

const fill = (s: string) => s.replace(/\{(open|claimed|pending)\}/g, (_, k: keyof typeof ref) => ref[k]);

interface Snapshot {
  count: number;
  tickets: Array<[string, number, number, string]>;
}
async function snapshot(): Promise<Snapshot> {
  const count = (await c.tickets('limit=500')).length;
  const tickets: Snapshot['tickets'] = [];
  for (const id of Object.values(ref)) {
    const x = await c.mustTicket(id);
    tickets.push([id, x.version, x.timeline.length, x.state]);
  }
  return { count, tickets };
}

async function healthy(): Promise<void> {
  expect((await fetch(`${c.baseUrl}/healthz`)).status).toBe(200);
  expect(await c.sayText('sam.taylor', `/ticket show ${ref.open}`)).toBe('');
}

type Send = { user?: string; text: string } | { user?: string; action: { id: string; values?: Record<string, unknown> } } | { raw: unknown };
type Case = [what: string, send: Send, reply: RegExp, usage?: string, status?: 400];

const OPEN_USAGE = '/ticket open <title> [--type';
const CASES: Case[] = [
  ['unknown verb', { text: '/ticket frobnicate {open}' }, /I don't know the command 'frobnicate'.*\/ticket help/],
  ['unknown verb that is only an emoji', { text: '/ticket 🔥' }, /I don't know the command '🔥'/],
  ['a flag where the verb should be', { text: '--type incident' }, /I don't know the command '--type'/],
  ['empty text', { text: '' }, /Tell me what to do, e\.g\. `\/ticket help`/],
  ['only spaces and a newline', { text: '   \n ' }, /Tell me what to do/],
  ['only the prefix', { text: '/ticket' }, /Tell me what to do/],
  ['only the Chinese prefix', { text: '/工单' }, /Tell me what to do/],
  ['missing id', { text: '/ticket claim' }, /^Missing ticket id\./, '/ticket claim <id>'],
  ['malformed id', { text: '/ticket claim X-1' }, /^'X-1' is not a ticket id\. Ticket ids look like T-12\./, '/ticket claim <id>'],
  ['id without digits', { text: '/ticket claim T-' }, /^'T-' is not a ticket id/, '/ticket claim <id>'],
  ['id with too many digits', { text: '/ticket close T-1234567890' }, /^'T-1234567890' is not a ticket id/, '/ticket close <id>'],
  // Control characters are dropped from everything typed (see reliability), so the id is read without the NUL.
  ['id with a NUL byte', { text: '/ticket claim T-99998\u0000' }, /^There is no ticket T-99998/],
  ['unknown ticket', { text: '/ticket claim T-99999' }, /^There is no ticket T-99999/],
  ['close an open ticket', { user: 'alex.morgan', text: '/ticket close {open}' }, /^T-\d+ is open, so it can't be closed\.$/],
  ['resolve an open ticket', { user: 'alex.morgan', text: '/ticket resolve {open}' }, /^T-\d+ is open, so it can't be resolved\.$/],
  ['reopen an open ticket', { user: 'alex.morgan', text: '/ticket reopen {open}' }, /^T-\d+ is open, so it can't be reopened\.$/],
  ['resume a ticket that is not waiting', { text: '/ticket resume {claimed}' }, /^T-\d+ is claimed, so it can't be resumed\.$/],
  ['accept a ticket that is not being handed off', { user: 'david.kim', text: '/ticket accept {open}' }, /^T-\d+ is open, so it can't be accepted\.$/],
  ['decline a ticket that is not being handed off', { user: 'david.kim', text: '/ticket decline {claimed} not ours' }, /^T-\d+ is claimed, so it can't be declined\.$/],
  ['claim a ticket you already own', { text: '/ticket claim {claimed}' }, /^T-\d+ is already yours\.$/],
  ['too-long title (201 characters)', { text: `/ticket open ${'x'.repeat(201)}` }, /^title is too long \(201 characters; at most 200\)/, OPEN_USAGE],
  ['too-long note (4,001 characters)', { text: `/ticket note {claimed} ${'n'.repeat(4001)}` }, /^text is too long \(4001 characters; at most 4000\)/, '/ticket note <id> <text>'],
  ['too-long decline reason (501 characters)', { user: 'david.kim', text: `/ticket decline {pending} ${'r'.repeat(501)}` }, /^reason is too long \(501 characters; at most 500\)/, '/ticket decline <id> <reason>'],
  ['too-long customer name', { text: `/ticket open Title --customer ${'c'.repeat(201)}` }, /^customer is too long/, OPEN_USAGE],
  ['unknown flag', { text: '/ticket open Printer --bogus 1' }, /^Unknown option --bogus\./, OPEN_USAGE],
  ['bad --priority', { text: '/ticket open Printer --priority P9' }, /^'P9' is not a valid priority; use one of P1\|P2\|P3\|P4\./, OPEN_USAGE],
  ['bad --type', { text: '/ticket open Printer --type weird' }, /^'weird' is not a valid type; use one of inquiry\|request\|complaint\|incident\./, OPEN_USAGE],
  ['bad --tier', { text: '/ticket open Printer --tier gold' }, /^'gold' is not a valid customer tier; use one of vip\|standard\|prospect\./, OPEN_USAGE],
  ['bad --level', { text: '/ticket open Outage --type incident --level 7' }, /^'7' is not a valid incident level; use one of 1\|2\|3\|4\./, OPEN_USAGE],
  ['bad --channel', { text: '/ticket open Printer --channel pigeon' }, /^'pigeon' is not a valid channel/, OPEN_USAGE],
  ['unknown --department', { text: '/ticket open Printer --department legal' }, /^There is no department 'legal'\. Departments: support \(Customer Service\), billing \(Billing\), tech \(Technical Support\)\.$/],
  ['--level without --type incident', { text: '/ticket open Printer --level 2' }, /^Only incidents have a level\. Add `--type incident` or drop `--level`\.$/],
  ['a flag given without its value', { text: '/ticket open Printer --priority' }, /^(?!.*(expected string|received boolean)).*priority/i, OPEN_USAGE],
  ['unclosed quote in a title', { text: '/ticket open "Printer on fire' }, /^A quote is not closed\./],
  ['unclosed quote in a note', { text: '/ticket note {claimed} customer said "call me' }, /^A quote is not closed\./],
  ['extra words after claim <id>', { text: '/ticket claim {open} extra words' }, /^I didn't expect 'extra words' here\./, '/ticket claim <id>'],
  ['a second id after show', { text: '/ticket show {open} {claimed}' }, /^I didn't expect 'T-\d+' here\./, '/ticket show <id>'],
  ['open without a title', { text: '/ticket open' }, /^Missing title\./, OPEN_USAGE],
  ['open with only flags', { text: '/ticket open --priority P1 --tier vip' }, /^Missing title\./, OPEN_USAGE],
  ['note without text', { text: '/ticket note {claimed}' }, /^Missing text\./, '/ticket note <id> <text>'],
  ['handoff without a department', { text: '/ticket handoff {claimed}' }, /^Missing department\./, '/ticket handoff <id> <department> [note]'],
  ['handoff to an unknown department', { text: '/ticket handoff {claimed} legal' }, /^There is no department 'legal'\. Departments: support \(Customer Service\), billing \(Billing\), tech \(Technical Support\)\.$/],
  ['handoff to the department it is in', { text: '/ticket handoff {claimed} support' }, /^T-\d+ is already in (that department|Customer Service)/],
  ['assign without a person', { user: 'alex.morgan', text: '/ticket assign {open}' }, /^Missing person\./, '/ticket assign <id> <@person>'],
  ['assign to an unknown person', { user: 'alex.morgan', text: '/ticket assign {open} nobody.here' }, /^I don't know 'nobody\.here'\. Use their id, name or @mention\.$/],
  ['assign to a reviewer (not staff)', { user: 'alex.morgan', text: '/ticket assign {open} grace.liu' }, /^Grace Liu is not support staff, so T-\d+ cannot be assigned to them\.$/],
  ['decline without a reason', { user: 'david.kim', text: '/ticket decline {pending}' }, /^Missing reason\./, '/ticket decline <id> <reason>'],
  ['escalate without a reason', { text: '/ticket escalate {claimed}' }, /^Missing reason\./, '/ticket escalate <id> <reason>'],
  ['Chinese verb with a bad id', { user: 'zhang.wei', text: '/工单 认领 编号12' }, /^“编号12”不是工单编号，工单编号形如 T-12。/, '/ticket claim <id>'],
  ['bad list scope', { text: '/ticket list everything' }, /^'everything' is not a valid list scope; use one of mine\|dept\|overdue\|unclaimed\./, '/ticket list [mine|dept|overdue|unclaimed]'],
  ['admin command by a non-admin', { text: '/ticket admin link slack:U1 sam.taylor' }, /^Only an admin can do that\.$/],
  ['admin with an unknown operation', { user: 'alex.morgan', text: '/ticket admin unlink slack:U1 sam.taylor' }, /^'unlink' is not a valid admin action; use one of link\|home\./, '/ticket admin link'],
  ['admin home outside a chat platform', { user: 'alex.morgan', text: '/ticket admin home support' }, /^Run this in the Slack channel, Teams channel or Feishu group that should become the home\.$/],
  ['admin home for an unknown department', { user: 'alex.morgan', text: '/ticket admin home marketing' }, /^There is no department 'marketing'\. Departments: Customer Service, Billing, Technical Support\.$/],
  ['unknown button (action id)', { action: { id: 'self-destruct', values: { id: '{open}' } } }, /^That button is no longer valid\. Use `\/ticket show <id>`/],
  ['button without values', { action: { id: 'claim' } }, /^Missing ticket id\./, '/ticket claim <id>'],
  ['button with a malformed id', { action: { id: 'claim', values: { id: '"; DROP TABLE tickets; --' } } }, /is not a ticket id/, '/ticket claim <id>'],
  ['handoff select without a department', { action: { id: 'handoff', values: { id: '{claimed}' } } }, /^Missing department\./, '/ticket handoff'],
  ['handoff select with an unknown department', { action: { id: 'handoff', values: { id: '{claimed}', department: 'mars' } } }, /^There is no department 'mars'\. Departments: support/],
  ['huge text (10,001 characters)', { raw: { user: 'sam.taylor', text: `/ticket note {claimed} ${'h'.repeat(10_001)}` } }, /text is longer than 10,000 characters/, undefined, 400],
  ['non-JSON body', { raw: 'user=sam.taylor&text=hi' }, /not valid JSON/, undefined, 400],
  ['empty body', { raw: '' }, /body is empty/, undefined, 400],
  ['JSON that is not an object', { raw: '[1,2,3]' }, /expected object/, undefined, 400],
  ['missing user', { raw: { text: '/ticket help' } }, /user is required/, undefined, 400],
  ['unknown user', { raw: { user: 'nobody.here', text: '/ticket help' } }, /unknown user 'nobody\.here'; pick one of GET \/console\/api\/people/, undefined, 400],
  ['user given as an operator object', { raw: { user: { $gt: '' }, text: '/ticket help' } }, /user/, undefined, 400],
  ['both text and action', { raw: { user: 'sam.taylor', text: '/ticket claim {open}', action: { id: 'claim', values: { id: '{open}' } } } }, /either "text" or "action", not both/, undefined, 400],
  ['neither text nor action', { raw: { user: 'sam.taylor' } }, /either "text" or "action"/, undefined, 400],
  ['text that is not a string', { raw: { user: 'sam.taylor', text: 42 } }, /text/, undefined, 400],
  ['action value that is not a string', { raw: { user: 'sam.taylor', action: { id: 'claim', values: { id: { $ne: null } } } } }, /action/, undefined, 400],
];

function resolveRaw(raw: unknown): unknown {
  if (typeof raw === 'string') return raw;
  return JSON.parse(fill(JSON.stringify(raw)));
}

async function send(s: Send): Promise<RawResponse> {
  if ('raw' in s) return c.post(resolveRaw(s.raw));
  if ('text' in s) return c.post({ user: s.user ?? 'sam.taylor', text: fill(s.text) });
  const values = Object.fromEntries(Object.entries(s.action.values ?? {}).map(([k, v]) => [k, typeof v === 'string' ? fill(v) : v]));
  return c.post({ user: s.user ?? 'sam.taylor', action: { id: s.action.id, ...(s.action.values ? { values } : {}) } });
}

describe('bad input: a short clear reply, no state change, the process keeps serving', () => {
  it('has at least 50 distinct kinds', () => {
    expect(new Set(CASES.map(([what]) => what)).size).toBe(CASES.length);
    expect(CASES.length).toBeGreaterThanOrEqual(50);
  });

  // Objects, not tuples: a tuple shorter than the callback's parameter list would make Jest pass `done`.
  const rows = CASES.map(([what, input, reply, usage, status]) => ({ what, input, reply, usage, status: status ?? 200 }));
  it.each(rows)('$what', async ({ input, reply, usage, status }) => {
    const before = await snapshot();
    const res = await send(input);
    expect(res.status).toBe(status);
    const text = status === 200 ? textOf(res.body.replies) : String(res.body.error);
    expect(text).toMatch(reply);
    if (usage) expect([`Use: ${usage}`, `用法：${usage}`].some((form) => text.includes(form)) ? 'shows the usage' : text).toBe('shows the usage');
    expect(text).not.toMatch(/Something went wrong|\{\w+\}/);
    expect(text.length).toBeLessThan(400);
    if (status === 200) expect(res.body.replies.every((r: { private?: boolean }) => r.private === true)).toBe(true);
    expect(await snapshot()).toEqual(before);
    await healthy();
  });
});

describe('text that looks like an operator or markup is stored as typed', () => {
  it.each([
    '{"$gt": ""}',
    '{"$set": {"state": "closed"}}',
    '$where',
    '$ne',
    '${process.env.ADMIN_TOKEN}',
    '<!channel> printer down',
    '<at user_id="all">everyone</at> help',
    '@everyone @here',
    '<script>alert(1)</script>',
    '<@U0DEMOST01> please look',
  ])('title %s', async (title) => {
    const before = await snapshot();
    const replies = await c.say('sam.taylor', `/ticket open ${title}`);
    const id = /^Opened (T-\d+): /.exec(textOf(replies))?.[1];
    expect(id).toBeDefined();
    const stored = await c.mustTicket(id!);
    expect(stored.title).toBe(title);
    expect(stored.createdBy).toBe('sam.taylor');
    const after = await snapshot();
    expect(after.count).toBe(before.count + 1);
    expect(after.tickets).toEqual(before.tickets);
  });

  it('"open $set" without the prefix opens a ticket titled "$set" and sets nothing', async () => {
    const before = await snapshot();
    const id = /T-\d+/.exec(await c.sayText('sam.taylor', 'open $set'))![0];
    expect((await c.mustTicket(id)).title).toBe('$set');
    expect((await snapshot()).tickets).toEqual(before.tickets);
  });
});

describe('ids and numbering', () => {
  it('a full-width id typed with a Chinese input method (T－１２) names the same ticket', async () => {
    const id = await c.open('grace.liu', 'Full-width id');
    const wide = id.replace('-', '－').replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    expect(await c.sayText('zhang.wei', `/工单 认领 ${wide}`)).toBe(`你已认领 ${id}。`);
  });

  it('a refused open does not use up a ticket number', async () => {
    const first = await c.open('grace.liu', 'Numbering A');
    expect(await c.sayText('sam.taylor', '/ticket open Numbering refused --level 2')).toMatch(/Only incidents have a level/);
    const second = await c.open('grace.liu', 'Numbering B');
    expect(Number(second.slice(2))).toBe(Number(first.slice(2)) + 1);
  });
});

/** mulberry32: a small seeded PRNG so the flood is the same every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

describe('a flood of garbage', () => {
  it('200 seeded random messages: all answered 200, no internal errors, tickets only from valid opens', async () => {
    const rand = prng(20250304);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const prefixes = ['', '/ticket ', 'ticket ', '/工单 ', '/TICKET ', '@bot '];
    const verbs = ['open', 'claim', 'note', 'close', 'assign', 'handoff', 'escalate', '认领', '新建', 'help', 'frob', '', '$where', '--', '🔥', 'show', 'list'];
    const words = ['T-9001', 'T-', '#9002', 'X', '"', "'", '「', '--priority', '--type', 'P9', 'incident', '--level', '3', '{"$gt":""}', '<!channel>', '\u0000', '\t', '漢字', 'T－９', 'nobody', 'billing', 'x'.repeat(300), '\\', '%s', '${x}', '--complex'];
    const users = ['sam.taylor', 'zhang.wei', 'grace.liu', 'alex.morgan', 'raj.patel'];
    const before = await snapshot();
    let opened = 0;
    for (let i = 0; i < 200; i++) {
      const n = Math.floor(rand() * 6);
      const text = pick(prefixes) + pick(verbs) + Array.from({ length: n }, () => ' ' + pick(words)).join('');
      const res = await c.post({ user: pick(users), text });
      expect({ i, text, status: res.status }).toEqual({ i, text, status: 200 });
      const reply = textOf(res.body.replies);
      expect({ i, text, reply }).toEqual({ i, text, reply: expect.not.stringMatching(/Something went wrong/) });
      if (/^(Opened T-\d+|已新建 T-\d+)/.test(reply)) opened++;
    }
    const after = await snapshot();
    expect(after.count).toBe(before.count + opened);
    expect(after.tickets).toEqual(before.tickets);
    expect(t.logs.join('')).not.toMatch(/command failed unexpectedly/);
    await healthy();
  });
});
