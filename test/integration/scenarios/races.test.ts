// Concurrency over real HTTP: people of one department claiming the same
// ticket at the same moment get exactly one owner and a clear answer each;
// a delivery sent twice (platform retry, double click) is applied once and
// answered the same way both times.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_ORG } from '../../../src/org/demo-org.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { textOf, type ConsoleClient, type RawResponse } from '../../support/console-client.js';

// The demo organisation plus a front desk of ten agents, so ten people of one
// department can race. JSON is YAML, so it serves as ORG_FILE as it is.
const DESK = Array.from({ length: 10 }, (_, i) => ({ id: `desk.${String(i + 1).padStart(2, '0')}`, name: `Desk Agent ${i + 1}` }));
const ORG = {
  ...DEMO_ORG,
  departments: [...DEMO_ORG.departments, { id: 'desk', name: 'Front Desk', nameZh: '前台', lead: 'desk.01', manager: 'li.qiang', onDuty: DESK.map((p) => p.id), calendar: '24x7' }],
  people: [...DEMO_ORG.people, ...DESK.map((p, i) => ({ ...p, roles: i === 0 ? ['supervisor', 'agent'] : ['agent'], department: 'desk', supervisor: i === 0 ? 'li.qiang' : 'desk.01' }))],
};

let t: TestApp;
let c: ConsoleClient;
let orgDir: string;
beforeAll(async () => {
  orgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-races-'));
  const orgFile = path.join(orgDir, 'org.yaml');
  fs.writeFileSync(orgFile, JSON.stringify(ORG, null, 2));
  t = await startTestApp({ prefix: 'races', env: { ORG_FILE: orgFile } });
  c = t.client;
});
afterAll(async () => {
  await t?.stop();
  fs.rmSync(orgDir, { recursive: true, force: true });
});

const repliesOf = (r: RawResponse): string => {
  expect(r.status).toBe(200);
  return textOf(r.body.replies);
};

describe('simultaneous claims', () => {
  it('two people of the same department: one owner, the other told who has it', async () => {
    const id = await c.open('grace.liu', 'Two hands, one ticket');
    const [a, b] = await Promise.all([
      c.post({ user: 'sam.taylor', text: `/ticket claim ${id}` }),
      c.post({ user: 'chen.jing', text: `/ticket claim ${id}` }),
    ]);
    const stored = await c.mustTicket(id);
    expect(['sam.taylor', 'chen.jing']).toContain(stored.ownerId);
    const answers = { 'sam.taylor': repliesOf(a), 'chen.jing': repliesOf(b) };
    if (stored.ownerId === 'sam.taylor') {
      expect(answers).toEqual({ 'sam.taylor': `You claimed ${id}.`, 'chen.jing': `${id} 已被 Sam Taylor 认领。` });
    } else {
      expect(answers).toEqual({ 'sam.taylor': `${id} is already claimed by 陈静.`, 'chen.jing': `你已认领 ${id}。` });
    }
    expect(stored.timeline.map((e) => e.kind)).toEqual(['open', 'claim']);
    expect(stored.version).toBe(2);
  });

  it.each([1, 2, 3, 4, 5])('ten people of the front desk at once (round %i): exactly one owner, nine "already claimed by <owner>"', async (round) => {
    const id = await c.open('grace.liu', `Ten hands, round ${round} --department desk`);
    const responses = await Promise.all(DESK.map((p) => c.post({ user: p.id, text: `/ticket claim ${id}` })));
    const stored = await c.mustTicket(id);
    const owner = DESK.find((p) => p.id === stored.ownerId);
    expect(owner).toBeDefined();
    const texts = responses.map(repliesOf);
    DESK.forEach((p, i) => {
      expect({ who: p.id, text: texts[i] }).toEqual({ who: p.id, text: p.id === owner!.id ? `You claimed ${id}.` : `${id} is already claimed by ${owner!.name}.` });
    });
    expect(stored.timeline.filter((e) => e.kind === 'claim')).toHaveLength(1);
    expect(stored.timeline.at(-1)?.actorId).toBe(owner!.id);
    expect(stored.version).toBe(2);
  });

  it('ten simultaneous notes: every note answered "added" is on the timeline, none is lost, the rest are told to retry', async () => {
    const id = await c.open('grace.liu', 'Many notes --department desk');
    await c.say('desk.01', `/ticket claim ${id}`);
    const responses = await Promise.all(DESK.map((p) => c.post({ user: p.id, text: `/ticket note ${id} note from ${p.id}` })));
    const texts = responses.map(repliesOf);
    const added = DESK.filter((_, i) => texts[i] === `Note added to ${id}.`).map((p) => `note from ${p.id}`);
    const others = texts.filter((x) => x !== `Note added to ${id}.`);
    for (const text of others) expect(text).toBe(`${id} is being changed by someone else right now. Try again.`);
    const stored = await c.mustTicket(id);
    const notes = stored.timeline.filter((e) => e.kind === 'note').map((e) => e.details.text);
    expect([...notes].sort()).toEqual([...added].sort());
    expect(stored.version).toBe(2 + added.length);
  });
});

describe('the same delivery twice', () => {
  it('in sequence: applied once, the repeat gets the same answer', async () => {
    const id = await c.open('grace.liu', 'Retry in sequence');
    const deliveryId = `seq-${id}`;
    const first = await c.say('sam.taylor', `/ticket claim ${id}`, deliveryId);
    const second = await c.say('sam.taylor', `/ticket claim ${id}`, deliveryId);
    expect(textOf(first)).toBe(`You claimed ${id}.`);
    expect(second).toEqual(first);
    const stored = await c.mustTicket(id);
    expect(stored.timeline.filter((e) => e.kind === 'claim')).toHaveLength(1);
    expect(stored.version).toBe(2);
  });

  it('in sequence, a repeated open creates one ticket', async () => {
    const before = (await c.tickets('limit=500')).length;
    const first = await c.say('grace.liu', '/ticket open Only once please', 'open-once');
    const second = await c.say('grace.liu', '/ticket open Only once please', 'open-once');
    expect(second).toEqual(first);
    expect((await c.tickets('limit=500')).length).toBe(before + 1);
  });

  it('a repeated button click (same delivery id) is applied once', async () => {
    const id = await c.open('grace.liu', 'Double click');
    const first = await c.click('sam.taylor', 'claim', { id }, `click-${id}`);
    const second = await c.click('sam.taylor', 'claim', { id }, `click-${id}`);
    expect(second).toEqual(first);
    expect((await c.mustTicket(id)).timeline.filter((e) => e.kind === 'claim')).toHaveLength(1);
  });

  it('in parallel: applied once (one timeline event)', async () => {
    const id = await c.open('grace.liu', 'Retry in parallel, state');
    const deliveryId = `par-state-${id}`;
    await Promise.all([0, 1].map(() => c.post({ user: 'sam.taylor', text: `/ticket note ${id} only once`, deliveryId })));
    const stored = await c.mustTicket(id);
    expect(stored.timeline.filter((e) => e.kind === 'note')).toHaveLength(1);
    expect(stored.version).toBe(2);
  });

  it('in parallel, an open sent twice creates one ticket', async () => {
    const before = (await c.tickets('limit=500')).length;
    await Promise.all([0, 1, 2].map(() => c.post({ user: 'grace.liu', text: '/ticket open Parallel once', deliveryId: 'open-par-once' })));
    expect((await c.tickets('limit=500')).length).toBe(before + 1);
  });

  it('in parallel: both answers are the same (the repeat waits for the first answer)', async () => {
    const id = await c.open('grace.liu', 'Retry in parallel, answers');
    const deliveryId = `par-answer-${id}`;
    const [a, b] = await Promise.all([0, 1].map(() => c.post({ user: 'sam.taylor', text: `/ticket claim ${id}`, deliveryId })));
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    const texts = [repliesOf(a), repliesOf(b)];
    expect(texts).toEqual([`You claimed ${id}.`, `You claimed ${id}.`]);
    expect(b.body).toEqual(a.body);
    expect((await c.mustTicket(id)).timeline.filter((e) => e.kind === 'claim')).toHaveLength(1);
  });
});
