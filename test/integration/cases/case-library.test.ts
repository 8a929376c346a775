// The case library through the commands: a ticket resolved with a summary
// becomes a case, leaves the library when reopened and comes back with its
// new summary; owners and leads mark cases typical, exclude or include them;
// opening a ticket suggests similar solved cases (never confidential ones to
// outsiders); and the monthly share of resolved tickets that became cases.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { startCustomerWorld, textOf, ticketIdOf, type CustomerWorld } from '../../support/customer-world.js';

let w: CustomerWorld;
beforeAll(async () => {
  w = await startCustomerWorld('case_library', '2026-02-10T02:00:00Z');
});
afterAll(async () => {
  await w?.stop();
});

const open = async (args: string, who = 'sam.taylor') => ticketIdOf(await w.say(who, `/ticket open ${args}`))!;
async function solve(title: string, summary: string | undefined, who = 'sam.taylor', extra = ''): Promise<string> {
  const id = await open(`"${title}" ${extra}`, who);
  await w.say(who, `/ticket claim ${id}`);
  await w.say(who, `/ticket resolve ${id}${summary ? ` ${summary}` : ''}`);
  return id;
}
const similar = async (who: string, text: string) => (await w.say(who, `/ticket similar ${text}`))[0];
const caseIds = (reply: Awaited<ReturnType<typeof similar>>) => (reply.card?.fields ?? []).map((f) => /T-\d+/.exec(f.label)?.[0]);

describe('a resolved ticket with a summary becomes a case, and follows its ticket', () => {
  let id: string;

  it('on resolve', async () => {
    id = await solve('Scanner not detected', 'Reinstalled the TWAIN driver and rebooted the scanner.');
    const reply = await similar('zhang.wei', 'scanner not detected');
    expect(reply).toMatchObject({ private: true, card: { title: '相似的已解决案例' } });
    expect(reply.card!.fields[0]).toMatchObject({ label: `${id} · Scanner not detected`, value: expect.stringContaining('Reinstalled the TWAIN driver') });
    expect(reply.card!.elements).toContainEqual(expect.objectContaining({ actionId: 'show', values: { id } }));
  });

  it('reopened: out of the library; resolved again: back with the new summary', async () => {
    await w.say('sam.taylor', `/ticket reopen ${id}`);
    expect(textOf(await w.say('sam.taylor', '/ticket similar scanner not detected'))).toBe('No similar solved cases found.');
    await w.say('sam.taylor', `/ticket resolve ${id} Replaced the USB cable; the old one was faulty.`);
    const reply = await similar('sam.taylor', 'scanner USB cable');
    expect(reply.card!.fields[0].value).toContain('Replaced the USB cable');
    expect((await w.caseRepo.get(id))!.withdrawn).toBe(false);
  });

  it('resolved without a summary: no case', async () => {
    const bare = await solve('Keyboard sticky keys', undefined);
    expect(await w.caseRepo.get(bare)).toBeNull();
    expect(textOf(await w.say('sam.taylor', `/ticket case ${bare} typical`))).toBe(`There is no case for ${bare}: a ticket becomes a case when it is resolved with a summary (/ticket resolve ${bare} <summary>).`);
  });
});

describe('marking cases', () => {
  let a: string;
  let b: string;
  beforeAll(async () => {
    a = await solve('Monitor flickers', 'Swapped the HDMI cable for a certified one.');
    b = await solve('Monitor flickers at night', 'Updated the graphics driver.');
  });

  it('the owner marks one typical: it comes first and says so', async () => {
    expect(caseIds(await similar('zhang.wei', 'monitor flickers'))[0]).toBe(a);
    expect(textOf(await w.say('sam.taylor', `/ticket case ${b} typical`))).toBe(`The case of ${b} is now a typical case: it comes first in suggestions.`);
    const reply = await similar('zhang.wei', 'monitor flickers');
    expect(caseIds(reply)[0]).toBe(b);
    expect(reply.card!.fields[0].label).toBe(`★ 典型案例 · ${b} · Monitor flickers at night`);
    expect((await w.caseRepo.get(b))!.marks).toEqual([expect.objectContaining({ by: 'sam.taylor', mark: 'typical' })]);
  });

  it('a supervisor excludes one; include brings it back (中文 verbs too)', async () => {
    expect(textOf(await w.say('chen.jing', `/工单 案例 ${a} 排除`))).toBe(`${a} 的案例已从案例库中排除。`);
    expect(caseIds(await similar('zhang.wei', 'monitor flickers'))).not.toContain(a);
    await w.say('chen.jing', `/ticket case ${a} include`);
    expect(caseIds(await similar('zhang.wei', 'monitor flickers'))).toContain(a);
  });

  it('refused: someone else in the department, another department, a bad mark — nothing changes', async () => {
    const before = await w.caseRepo.get(a);
    expect(textOf(await w.say('zhang.wei', `/ticket case ${a} typical`))).toBe(`只有 ${a} 的负责人或其部门主管可以标记该案例。`);
    expect(textOf(await w.say('david.kim', `/ticket case ${a} exclude`))).toBe(`Only the owner of ${a} or a lead of its department can mark its case.`);
    expect(textOf(await w.say('sam.taylor', `/ticket case ${a} famous`))).toMatch(/^'famous' is not a valid case mark \(typical, exclude or include\); use one of typical\|exclude\|include\./);
    expect(textOf(await w.say('sam.taylor', '/ticket case banana typical'))).toMatch(/^'banana' is not a ticket id\./);
    expect(textOf(await w.say('sam.taylor', `/ticket case ${a}`))).toMatch(/^Missing case mark/);
    expect(await w.caseRepo.get(a)).toEqual(before);
  });
});

describe('suggestions on open', () => {
  it('up to three similar solved cases, only for the opener', async () => {
    const replies = await w.say('zhang.wei', '/ticket open "Monitor flickers again" --description "second monitor"');
    const suggestion = replies.find((r) => r.card?.title === '以前解决过？相似案例')!;
    expect(suggestion.private).toBe(true);
    const listed = caseIds(suggestion);
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.length).toBeLessThanOrEqual(3);
    expect(listed).not.toContain(ticketIdOf(replies));
  });

  it('never a confidential case to someone outside its department', async () => {
    await w.customers.create({ name: 'Black Mesa', confidential: true }, 'alex.morgan');
    const secret = await solve('Badge reader offline in lab', 'Reset the badge controller.', 'sam.taylor', '--customer "Black Mesa"');
    expect((await w.ticket(secret)).confidential).toBe(true);
    const outsider = await w.say('david.kim', '/ticket open "Badge reader offline" --department billing');
    expect(outsider.flatMap((r) => (r.card?.title === 'Solved before? Similar cases' ? caseIds(r) : []))).not.toContain(secret);
    const insider = await w.say('zhang.wei', '/ticket open "Badge reader offline"');
    expect(insider.flatMap((r) => (r.card?.title === '以前解决过？相似案例' ? caseIds(r) : []))).toContain(secret);
  });
});

describe('the share of resolved tickets that became cases, per month', () => {
  it('counts by the month of resolution, against the 40 % target', async () => {
    // February: the five tickets resolved above, four with a summary. March: three resolved, one with a summary.
    w.clock.set('2026-03-05T02:00:00Z');
    await solve('Mouse double-clicks', 'Replaced the mouse.');
    await solve('Chair squeaks', undefined);
    await solve('Desk lamp broken', undefined);
    const months = await w.cases.stats(3);
    expect(months.map((m) => m.month)).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(months[0]).toEqual({ month: '2026-01', resolved: 0, cases: 0, share: undefined });
    expect(months[1]).toMatchObject({ resolved: 5, cases: 4 });
    expect(months[2]).toMatchObject({ resolved: 3, cases: 1 });
    const card = (await w.say('sam.taylor', '/ticket case stats 3'))[0].card!;
    expect(card.fields.map((f) => `${f.label}: ${f.value}`)).toEqual(['2026-01: nothing resolved', '2026-02: 4 of 5 (80 %) ✓', '2026-03: 1 of 3 (33 %) ✗']);
    expect(card.context).toContain('at least 40 %');
    // `similar` with no text shows the same.
    expect((await w.say('zhang.wei', '/工单 相似'))[0].card!.fields.at(-1)).toEqual({ label: '2026-03', value: '3 个中 1 个（33 %）✗', short: true });
    expect(textOf(await w.say('sam.taylor', '/ticket case stats 99'))).toMatch(/^'99' is not a number of months; use 1 to 24\./);
  });
});
