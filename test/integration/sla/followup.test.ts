// The commands that stop the later clocks (POLICY.md §2): the return visit
// with the customer's score, the logged contact with a complaining customer,
// and the post-incident review of a level 1–2 incident — plus the inputs they
// must refuse without changing anything.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { TicketJson } from '../../support/console-client.js';
import { startSlaHarness, type SlaHarness } from '../../support/sla-app.js';

let h: SlaHarness;
beforeAll(async () => {
  h = await startSlaHarness({ prefix: 'sla_followup' });
});
afterAll(async () => {
  await h?.close();
});

const statusOf = (t: TicketJson, name: string) => (t.clocks as Array<{ name: string; status: string }>).find((c) => c.name === name)?.status;
const lastEvent = (t: TicketJson) => t.timeline[t.timeline.length - 1];
const USAGE = '/ticket followup <id> <score 1-5> [comment]';

async function resolvedTicket(title: string, extra = ''): Promise<string> {
  const id = await h.client.open('grace.liu', `${title} --department support${extra}`);
  await h.client.say('sam.taylor', `/ticket claim ${id}`);
  await h.client.say('sam.taylor', `/ticket resolve ${id} fixed`);
  return id;
}

describe('the return visit: /ticket followup', () => {
  it('refuses bad scores clearly and changes nothing; a good score stops the return-visit clock', async () => {
    const id = await resolvedTicket('Laptop battery');
    const before = await h.client.mustTicket(id);
    expect(statusOf(before, 'return_visit')).toBe('running');

    for (const bad of ['0', '6', 'x', '4.5', '-1', '５']) {
      expect(await h.client.sayText('sam.taylor', `/ticket followup ${id} ${bad} meh`)).toBe(
        `'${bad}' is not a satisfaction score; use a whole number from 1 to 5. Use: ${USAGE}`,
      );
    }
    expect(await h.client.sayText('sam.taylor', `/ticket followup ${id}`)).toBe(`Missing score. Use: ${USAGE}`);
    const unchanged = await h.client.mustTicket(id);
    expect(unchanged.version).toBe(before.version);
    expect(unchanged.satisfaction).toBeUndefined();
    expect(statusOf(unchanged, 'return_visit')).toBe('running');

    expect(await h.client.sayText('sam.taylor', `/ticket followup ${id} 4 great`)).toBe(`Return visit logged for ${id}: satisfaction 4/5.`);
    const after = await h.client.mustTicket(id);
    expect(after.satisfaction).toBe(4);
    expect(statusOf(after, 'return_visit')).toBe('stopped');
    expect(lastEvent(after)).toMatchObject({ actorId: 'sam.taylor', kind: 'followup', details: { score: 4, comment: 'great' } });
    expect(after.state).toBe('resolved');
  });

  it('only after the ticket is resolved, and only by its owner or a supervisor', async () => {
    const id = await h.client.open('grace.liu', 'Still open --department support');
    await h.client.say('sam.taylor', `/ticket claim ${id}`);
    expect(await h.client.sayText('sam.taylor', `/ticket followup ${id} 5`)).toMatch(new RegExp(`^${id} is claimed, so it can't be `));
    await h.client.say('sam.taylor', `/ticket resolve ${id} done`);
    expect(await h.client.sayText('grace.liu', `/ticket followup ${id} 5`)).toMatch(/^Only the owner of/);
    // The department lead may log it (陈静 answers in Chinese).
    expect(await h.client.sayText('chen.jing', `/ticket followup ${id} 5`)).toBe(`已记录 ${id} 的回访：满意度 5/5。`);
    expect((await h.client.mustTicket(id)).satisfaction).toBe(5);
  });
});

describe('notes that stop a clock', () => {
  it('--contacted on a complaint stops complaint contact; notes merely containing "--" are plain notes', async () => {
    const id = await h.client.open('grace.liu', 'Rude driver --department support --type complaint --priority P2');
    await h.client.say('sam.taylor', `/ticket claim ${id}`);
    expect(statusOf(await h.client.mustTicket(id), 'complaint_contact')).toBe('running');

    for (const text of ['called her -- no answer', 'will try --contacted later', '--contactedx', 'left a voicemail --review pending']) {
      expect(await h.client.sayText('sam.taylor', `/ticket note ${id} ${text}`)).toBe(`Note added to ${id}.`);
      const t = await h.client.mustTicket(id);
      expect([lastEvent(t).kind, lastEvent(t).details.text]).toEqual(['note', text]);
      expect(statusOf(t, 'complaint_contact')).toBe('running');
    }

    expect(await h.client.sayText('sam.taylor', `/ticket note ${id} --contacted called her`)).toBe(`Customer contact logged for ${id}.`);
    const t = await h.client.mustTicket(id);
    expect(lastEvent(t)).toMatchObject({ kind: 'contact', actorId: 'sam.taylor', details: { text: 'called her' } });
    expect(statusOf(t, 'complaint_contact')).toBe('stopped');
    expect(statusOf(t, 'resolution')).toBe('running');
    expect(t.state).toBe('claimed');
  });

  it('--contacted without text still logs the contact (and counts as the first reply)', async () => {
    const id = await h.client.open('grace.liu', 'Overcharged --department support --type complaint');
    expect(await h.client.sayText('chen.jing', `/ticket note ${id} --contacted`)).toBe(`已记录 ${id} 的客户联系。`);
    const t = await h.client.mustTicket(id);
    expect(lastEvent(t).kind).toBe('contact');
    expect(lastEvent(t).details.text).toBeUndefined();
    expect([statusOf(t, 'complaint_contact'), statusOf(t, 'first_response')]).toEqual(['stopped', 'stopped']);
    expect(t.state).toBe('open');
  });

  it('--review on a closed level-1 incident stops the post-incident review; it needs the text or link', async () => {
    const id = await resolvedTicket('Core switch down', ' --type incident --level 1');
    await h.client.say('sam.taylor', `/ticket close ${id}`);
    const closed = await h.client.mustTicket(id);
    expect(closed.state).toBe('closed');
    expect(statusOf(closed, 'post_incident_review')).toBe('running');

    expect(await h.client.sayText('sam.taylor', `/ticket note ${id} --review`)).toMatch(/^Missing review\. Use: /);
    expect((await h.client.mustTicket(id)).version).toBe(closed.version);

    const link = 'https://wiki.example.com/pir/core-switch';
    expect(await h.client.sayText('sam.taylor', `/ticket note ${id} --review ${link}`)).toBe(`Post-incident review attached to ${id}.`);
    const reviewed = await h.client.mustTicket(id);
    expect(lastEvent(reviewed)).toMatchObject({ kind: 'review', details: { text: link } });
    expect(statusOf(reviewed, 'post_incident_review')).toBe('stopped');
    expect(reviewed.state).toBe('closed');
  });

  it('a level-3 incident has no post-incident review clock to stop', async () => {
    const id = await resolvedTicket('Slow wifi', ' --type incident --level 3');
    await h.client.say('sam.taylor', `/ticket close ${id}`);
    expect(statusOf(await h.client.mustTicket(id), 'post_incident_review')).toBeUndefined();
  });
});
