// POLICY.md §7 on the web: confidential tickets only for their department,
// managers and reviewers — in the API, on the dashboard and in exports — and
// every read of a ticket's evidence or an export written to the access log
// (who, when, what, why), which only admins can read and which is kept five
// years by a TTL index.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { ManualClock } from '../../../src/core/clock.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { NOW, RANGE, seedReportData } from '../../fixtures/report-data.js';
import { call, signInAs, type Auth } from '../../support/dashboard-client.js';

let t: TestApp;
let admin: Auth;
let sam: Auth;
const q = `from=${RANGE.from}&to=${RANGE.to}`;

beforeAll(async () => {
  t = await startTestApp({ prefix: 'records_access', clock: new ManualClock(NOW) });
  await seedReportData(t.app.database.connection);
  admin = { bearer: t.app.adminToken };
  sam = await signInAs(t.client, t.baseUrl, 'sam.taylor');
});
afterAll(async () => {
  await t?.stop();
});

describe('an agent and a confidential ticket of another department (T-105, billing)', () => {
  it('the API answers 403 for the ticket and leaves it out of lists', async () => {
    const res = await call(t.baseUrl, '/api/v1/tickets/T-105', sam);
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('T-105 is confidential: only its department, managers and reviewers can read it');
    const other = await call(t.baseUrl, '/api/v1/tickets/T-104', sam);
    expect(other.status).toBe(403);
    expect(other.body.error).toBe('T-104 is not in your departments');
    const list = await call(t.baseUrl, '/api/v1/tickets?limit=500', sam);
    expect(list.body.tickets.map((x: any) => x.id).sort()).toEqual(['T-101', 'T-102', 'T-103', 'T-107']);
  });

  it('the dashboard never shows it: not in the overdue list, and its timeline is refused', async () => {
    const overdue = await call(t.baseUrl, '/api/v1/reports/overdue', sam);
    expect(JSON.stringify(overdue.body)).not.toContain('T-105');
    const page = await call(t.baseUrl, '/dashboard', sam);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('T-105');
    // The page opens a ticket's timeline through the same API, with ?reason=dashboard.
    expect((await call(t.baseUrl, '/api/v1/tickets/T-105?reason=dashboard', sam)).status).toBe(403);
  });

  it('exports leave it out, and a department outside the reader’s is a 403', async () => {
    const csv = await call(t.baseUrl, `/api/v1/exports/tickets?${q}`, sam);
    expect(csv.status).toBe(200);
    expect(csv.text).not.toContain('T-105');
    expect(csv.text).not.toContain('Payroll');
    const timelines = await call(t.baseUrl, `/api/v1/exports/timelines?${q}`, sam);
    expect(timelines.text).not.toContain('T-105');
    const billing = await call(t.baseUrl, `/api/v1/exports/tickets?${q}&department=billing`, sam);
    expect(billing.status).toBe(403);
    expect(billing.body.error).toBe('billing is not one of your departments (support)');
  });

  it('its own department, a reviewer and the admin token may read it; the department’s own confidential ticket is open to Sam', async () => {
    for (const user of ['zhao.min', 'david.kim', 'emma.clark', 'zhou.hui', 'wang.fang']) {
      const session = await signInAs(t.client, t.baseUrl, user);
      expect([user, (await call(t.baseUrl, '/api/v1/tickets/T-105', session)).status]).toEqual([user, 200]);
    }
    expect((await call(t.baseUrl, '/api/v1/tickets/T-105', admin)).status).toBe(200);
    expect((await call(t.baseUrl, '/api/v1/tickets/T-103', sam)).status).toBe(200);
    // 李强 manages support only: billing's ticket is outside his departments.
    const li = await signInAs(t.client, t.baseUrl, 'li.qiang');
    expect((await call(t.baseUrl, '/api/v1/tickets/T-105', li)).status).toBe(403);
  });

  it('admin-only reads: the access log, the outbox and chat account ids', async () => {
    expect((await call(t.baseUrl, '/api/v1/access-log', sam)).status).toBe(403);
    expect((await call(t.baseUrl, '/api/v1/outbox', sam)).status).toBe(403);
    expect((await call(t.baseUrl, '/api/v1/outbox', admin)).status).toBe(200);
    // Everyone signed in gets names for the dashboard; only admins get chat account ids.
    const people = (await call(t.baseUrl, '/api/v1/people', sam)).body.people;
    expect(people.find((p: any) => p.id === 'li.qiang')).toEqual({ id: 'li.qiang', name: '李强', locale: 'zh-CN', roles: ['manager'], department: 'support', supervisor: 'wang.fang' });
    expect((await call(t.baseUrl, '/api/v1/people', admin)).body.people.find((p: any) => p.id === 'li.qiang').identities).toContainEqual({ platform: 'slack', userId: 'U0DEMOLQ01' });
  });
});

describe('the access log', () => {
  it('records each read of a ticket’s evidence: who, when, what, the route and the reason given', async () => {
    await call(t.baseUrl, '/api/v1/tickets/T-101?reason=complaint%20review', admin);
    await call(t.baseUrl, '/api/v1/tickets/T-103', sam, { headers: { 'x-access-reason': 'following up my colleague' } });
    const log = await call(t.baseUrl, '/api/v1/access-log?subject=T-101', admin);
    expect(log.body.entries[0]).toEqual({ at: NOW.toISOString(), actor: 'admin-token', via: 'admin-token', action: 'ticket.read', subject: 'T-101', route: 'GET /api/v1/tickets/T-101', reason: 'complaint review' });
    const bySam = await call(t.baseUrl, '/api/v1/access-log?actor=sam.taylor', admin);
    expect(bySam.body.entries).toContainEqual({ at: NOW.toISOString(), actor: 'sam.taylor', via: 'session', action: 'ticket.read', subject: 'T-103', route: 'GET /api/v1/tickets/T-103', reason: 'following up my colleague' });
  });

  it('records exports, and not refused reads or lists without evidence', async () => {
    const before = (await call(t.baseUrl, '/api/v1/access-log?limit=1000', admin)).body.entries.length;
    await call(t.baseUrl, `/api/v1/exports/penalties?${q}&reason=payroll`, admin);
    await call(t.baseUrl, '/api/v1/tickets/T-104', sam);
    await call(t.baseUrl, '/api/v1/tickets', admin);
    const entries = (await call(t.baseUrl, '/api/v1/access-log?limit=1000', admin)).body.entries;
    expect(entries).toHaveLength(before + 1);
    expect(entries[0]).toMatchObject({ actor: 'admin-token', action: 'export', subject: 'penalties 2026-03-01..2026-03-18', route: 'GET /api/v1/exports/penalties', reason: 'payroll' });
  });

  it('is kept five years by a TTL index', async () => {
    const indexes = await t.app.database.connection.collection('access_log').listIndexes().toArray();
    const ttl = indexes.find((i) => i.name === 'access_log_ttl');
    expect(ttl).toMatchObject({ key: { at: 1 } });
    expect(ttl!.expireAfterSeconds).toBe(Math.round(365.25 * 24 * 3600) * 5);
  });
});
