// Records retention (POLICY.md §7): closed tickets are anonymised 3 years
// after closing, not a day before; flagged ones after 5; ids, dates, states,
// departments and numbers stay, names, text and the customer go, with the
// ticket's penalties and appeals; a second run (or the nightly job) changes
// nothing. The flag is set by an admin through the API.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { ManualClock } from '../../../src/core/clock.js';
import { MongoTicketRepository } from '../../../src/storage/ticket.repository.js';
import { MongoPenaltyRepository } from '../../../src/storage/penalty.repository.js';
import { MongoCaseRepository } from '../../../src/storage/case.repository.js';
import { CaseLibrary } from '../../../src/cases/case.library.js';
import { JOB_NAMES } from '../../../jobs/job-names.js';
import { buildTicket } from '../../doubles/ticket.builder.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { reportAppeals, reportPenalties } from '../../fixtures/report-data.js';
import { call, signInAs, type Auth } from '../../support/dashboard-client.js';

const NOW = new Date('2030-06-15T12:00:00Z');
const DAY = 24 * 3600_000;
const yearsAgo = (years: number, days = 0) => {
  const d = new Date(NOW);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return new Date(d.getTime() + days * DAY);
};

let t: TestApp;
let admin: Auth;
let library: CaseLibrary;
const doc = (id: string) => t.app.database.connection.collection('tickets').findOne({ _id: id } as never) as Promise<any>;

function closedTicket(n: number, closedAt: Date, extra: Record<string, unknown> = {}) {
  const opened = new Date(closedAt.getTime() - 5 * DAY);
  return buildTicket({
    id: `T-${n}`,
    number: n,
    state: 'closed',
    title: `Customer 王先生 called about invoice ${n}`,
    description: 'phone 138-0000-0000, account 6222…',
    customer: '王先生',
    departmentId: 'billing',
    ownerId: 'zhao.min',
    createdBy: 'sam.taylor',
    createdAt: opened,
    updatedAt: closedAt,
    firstResponseAt: opened,
    resolvedAt: closedAt,
    closedAt,
    resolution: 'refunded to card ending 4242',
    satisfaction: 4,
    escalation: { level: 'supervisor', toPersonId: 'david.kim', reason: 'customer shouted', at: opened },
    timeline: [
      { at: opened, actorId: 'sam.taylor', kind: 'open', to: 'open', details: { department: 'billing' }, source: { platform: 'slack', via: 'command', messageLink: 'https://x.slack.com/archives/C1/p1', deliveryId: 'd-1' } },
      { at: opened, actorId: 'sam.taylor', kind: 'handoff', from: 'open', to: 'pending_handoff', details: { to: 'billing', note: 'he is angry' }, source: { platform: 'slack', via: 'button' } },
      { at: opened, actorId: 'zhao.min', kind: 'note', details: { text: 'called him back on 138-0000-0000' }, source: { platform: 'console', via: 'command' } },
      { at: closedAt, actorId: 'zhao.min', kind: 'followup', details: { score: 4, comment: 'nice lady' }, source: { platform: 'console', via: 'command' } },
      { at: closedAt, actorId: 'system', kind: 'escalate', details: { level: 'supervisor', reason: 'sla:resolution', to: 'david.kim' }, source: { platform: 'system', via: 'job' } },
    ],
    ...extra,
  });
}

beforeAll(async () => {
  t = await startTestApp({ prefix: 'records_retention', clock: new ManualClock(NOW) });
  admin = { bearer: t.app.adminToken };
  const tickets = new MongoTicketRepository(t.app.database.connection);
  await tickets.insert(closedTicket(1, yearsAgo(3, -1))); // 3 years and a day ago: due
  await tickets.insert(closedTicket(2, yearsAgo(3, 1))); // a day short of 3 years: kept
  await tickets.insert(closedTicket(3, yearsAgo(4))); // flagged below: kept until 5 years
  await tickets.insert(closedTicket(4, yearsAgo(5, -1))); // flagged below: due
  await tickets.insert(buildTicket({ id: 'T-5', number: 5, state: 'claimed', createdAt: yearsAgo(6), updatedAt: yearsAgo(6), ownerId: 'zhao.min', title: 'still open' }));
  await tickets.insert(closedTicket(6, yearsAgo(1)));
  // T-1 carries the ledger of the report data set's T-104 (P-3 with its appeal A-1).
  const ledger = new MongoPenaltyRepository(t.app.database.connection);
  const p3 = reportPenalties(yearsAgo(3, -10)).find((p) => p.id === 'P-3')!;
  await ledger.insertIfAbsent({ ...p3, ticketId: 'T-1', key: `T-1:handoff_acceptance:x:david.kim`, history: [...p3.history, { at: p3.createdAt, event: 'appealed', grade: 'minor', by: 'david.kim', note: 'the queue was empty' }] });
  await ledger.insertAppeal({ ...reportAppeals(yearsAgo(3, -10))[0], ticketId: 'T-1' });
  // T-1 and T-2 were solved with a summary, so the case library holds a copy of their words.
  library = new CaseLibrary({ repo: new MongoCaseRepository(t.app.database.connection), org: t.app.org, clock: new ManualClock(NOW) });
  for (const id of ['T-1', 'T-2']) await library.follow((await tickets.get(id))!);
  expect((await library.similar(undefined, 'invoice refunded card')).map((h) => h.record.id).sort()).toEqual(['T-1', 'T-2']);
  await t.app.database.connection.collection('notifications').insertOne({ personId: 'zhao.min', ticketId: 'T-1', message: 'handoff.request', params: { id: 'T-1', title: 'Customer 王先生 called', by: 'sam.taylor' }, createdAt: yearsAgo(3, -10) });
}, 30_000);
afterAll(async () => {
  await t?.stop();
});

describe('flagging a ticket for 5 years', () => {
  it('is for admins, with a reason, through PUT /api/v1/records/:id', async () => {
    const put = (id: string, body: unknown, auth: Auth = admin, type = 'application/json') =>
      call(t.baseUrl, `/api/v1/records/${id}`, auth, { method: 'PUT', headers: { 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    for (const id of ['T-3', 'T-4']) {
      const res = await put(id, { extended: true, reason: 'litigation hold' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ticketId: id, years: 5, flag: { years: 5, by: 'admin-token', reason: 'litigation hold' } });
    }
    expect((await call(t.baseUrl, '/api/v1/records/T-2', admin)).body).toMatchObject({ ticketId: 'T-2', years: 3, dueAt: new Date(yearsAgo(0, 1)).toISOString() });
    expect((await put('T-2', { extended: true })).body.error).toBe('reason: Invalid input: expected string, received undefined');
    expect((await put('T-2', { extended: 'yes', reason: 'x' })).status).toBe(400);
    expect((await put('T-2', 'extended=true', admin, 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await put('T-99', { extended: true, reason: 'litigation hold' })).status).toBe(404);
    expect((await put('X-1', { extended: true, reason: 'litigation hold' })).body.error).toBe("'X-1' is not a ticket id; ticket ids look like T-12");
    const zhao = await signInAs(t.client, t.baseUrl, 'zhao.min');
    expect((await put('T-2', { extended: true, reason: 'please keep' }, zhao)).status).toBe(403);
  });
});

describe('the retention run', () => {
  it('anonymises what is due and nothing else', async () => {
    const result = await t.app.reporting.retention.run();
    expect(result).toEqual({ checked: 3, anonymised: 2, keptByFlag: 1, penalties: 1, appeals: 1, cases: 1 });
    for (const id of ['T-2', 'T-3', 'T-5', 'T-6']) expect([(await doc(id)).anonymisedAt, (await doc(id)).title]).toEqual([undefined, expect.not.stringContaining('anonymised')]);
  });

  it('keeps ids, dates, states, departments and numbers; removes names, text and the customer', async () => {
    const before = await doc('T-2');
    const after = await doc('T-1');
    expect(after).toMatchObject({
      _id: 'T-1',
      number: 1,
      state: 'closed',
      departmentId: 'billing',
      type: before.type,
      priority: before.priority,
      satisfaction: 4,
      title: '(anonymised)',
      createdBy: 'anonymised',
      ownerId: 'anonymised',
      escalation: { level: 'supervisor', reason: '' },
      anonymisedAt: NOW,
    });
    expect(after.closedAt).toEqual(yearsAgo(3, -1));
    for (const field of ['description', 'customer', 'resolution']) expect(after[field]).toBeUndefined();
    expect(after.escalation.toPersonId).toBeUndefined();
    expect(after.timeline.map((e: any) => [e.actorId, e.kind, e.details])).toEqual([
      ['anonymised', 'open', {}],
      ['anonymised', 'handoff', { to: 'billing' }],
      ['anonymised', 'note', {}],
      ['anonymised', 'followup', { score: 4 }],
      ['system', 'escalate', { level: 'supervisor' }],
    ]);
    expect(after.timeline[0].source).toEqual({ platform: 'slack', via: 'command' });
    expect(JSON.stringify(after)).not.toMatch(/王先生|138-0000|4242|sam\.taylor|zhao\.min|david\.kim|angry|shouted/);
    const penalty = (await t.app.database.connection.collection('penalties').findOne({ _id: 'P-3' } as never)) as any;
    expect(penalty).toMatchObject({ ticketId: 'T-1', personId: 'anonymised', departmentId: 'billing', grade: 'minor', status: 'appealed', overrun: 0.33 });
    expect(penalty.history.map((h: any) => [h.event, h.by, h.note])).toEqual([['recorded', 'system', undefined], ['appealed', 'anonymised', undefined]]);
    const appeal = (await t.app.database.connection.collection('appeals').findOne({ _id: 'A-1' } as never)) as any;
    expect(appeal).toMatchObject({ penaltyId: 'P-3', appellantId: 'anonymised', reviewerId: 'anonymised', reason: '', status: 'open' });
    const notice = (await t.app.database.connection.collection('notifications').findOne({ ticketId: 'T-1' })) as any;
    expect(notice.params).toEqual({ id: 'T-1' });
  });

  it('takes the words out of the case library too: the anonymised case can no longer be found', async () => {
    const kase = (await t.app.database.connection.collection('cases').findOne({ _id: 'T-1' } as never)) as any;
    expect(kase).toMatchObject({ title: '(anonymised)', resolution: '', terms: { title: [], body: [] }, departmentId: 'billing', anonymisedAt: NOW });
    expect(JSON.stringify(kase)).not.toMatch(/王先生|138-0000|4242|invoice|refunded|zhao\.min/);
    const hits = await library.similar(undefined, 'invoice refunded card');
    expect(hits.map((h) => h.record.id)).toEqual(['T-2']);
  });

  it('flagged tickets wait for 5 years', async () => {
    expect((await doc('T-4')).anonymisedAt).toEqual(NOW);
    expect((await doc('T-3')).anonymisedAt).toBeUndefined();
    const anonymised = await call(t.baseUrl, '/api/v1/records/T-4', admin, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ extended: false, reason: 'hold lifted' }) });
    expect(anonymised.status).toBe(409);
    expect(anonymised.body.error).toBe('T-4 was already anonymised; its retention can no longer change');
  });

  it('a second run changes nothing, and neither does the nightly job', async () => {
    const versions = async () => Promise.all(['T-1', 'T-2', 'T-3', 'T-4'].map(async (id) => (await doc(id)).version));
    const before = await versions();
    expect(await t.app.reporting.retention.run()).toEqual({ checked: 1, anonymised: 0, keptByFlag: 1, penalties: 0, appeals: 0, cases: 0 });
    await t.app.jobs.agenda.now(JOB_NAMES.recordsRetention, {});
    const jobs = t.app.database.connection.collection('agendaJobs');
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !(await jobs.findOne({ name: JOB_NAMES.recordsRetention, lastFinishedAt: { $exists: true } }))) await new Promise((r) => setTimeout(r, 100));
    expect(await jobs.findOne({ name: JOB_NAMES.recordsRetention, lastFinishedAt: { $exists: true } })).not.toBeNull();
    expect(await versions()).toEqual(before);
  });
});
