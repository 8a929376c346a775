// Every dashboard query through /api/v1 on the fixed data set of
// test/fixtures/report-data.ts (clock fixed at 2026-03-18 10:00 UTC, range
// 1–18 March): the numbers are worked out by hand from that list, once for
// the admin token (everything) and once per role for what each may see.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { ManualClock } from '../../../src/core/clock.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { NOW, RANGE, seedReportData } from '../../fixtures/report-data.js';
import { call, signInAs, type Auth } from '../../support/dashboard-client.js';

let t: TestApp;
let admin: Auth;
const q = `from=${RANGE.from}&to=${RANGE.to}`;
const get = async (path: string, auth: Auth = admin) => {
  const res = await call(t.baseUrl, path, auth);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.text}`);
  return res.body;
};

beforeAll(async () => {
  t = await startTestApp({ prefix: 'reports_api', clock: new ManualClock(NOW) });
  await seedReportData(t.app.database.connection);
  admin = { bearer: t.app.adminToken };
});
afterAll(async () => {
  await t?.stop();
});

describe('reports for the admin token (every department)', () => {
  it('overdue now: by department and owner, worst clock first, with the clock bar ratio', async () => {
    const r = await get('/api/v1/reports/overdue');
    expect(r.total).toBe(4);
    expect(r.departments.map((d: any) => [d.departmentId, d.count])).toEqual([['support', 2], ['billing', 1], ['tech', 1]]);
    const support = r.departments[0];
    expect(support.owners.map((o: any) => [o.ownerId, o.tickets.map((x: any) => x.id)])).toEqual([['sam.taylor', ['T-101']], ['zhang.wei', ['T-103']]]);
    const t101 = support.owners[0].tickets[0];
    // 16 days 1 hour against a 24-hour resolution target.
    expect(t101.clocks).toEqual([{ name: 'resolution', usedMs: 385 * 3600_000, targetMs: 24 * 3600_000, overMs: 361 * 3600_000, ratio: 16.04 }]);
    expect(support.owners[1].tickets[0].confidential).toBe(true);
    const tech = r.departments[2].owners[0].tickets[0];
    expect(tech).toMatchObject({ id: 'T-106', state: 'pending_handoff', ownerId: 'raj.patel' });
    expect(tech.clocks[0]).toMatchObject({ name: 'handoff_acceptance', ratio: 2 });
  });

  it('SLA compliance: share of clocks met per department, person, clock and week', async () => {
    const r = await get(`/api/v1/reports/compliance?${q}`);
    expect(r.weeks).toEqual(['2026-02-23', '2026-03-02', '2026-03-09', '2026-03-16']);
    expect(r.overall).toMatchObject({ met: 9, finished: 15, share: 60 });
    expect(r.departments.map((d: any) => [d.departmentId, d.met, d.finished, d.share, d.series])).toEqual([
      ['billing', 2, 5, 40, [null, 33.3, 50, null]],
      ['support', 6, 8, 75, [null, 75, 75, null]],
      ['tech', 1, 2, 50, [null, null, null, 50]],
    ]);
    expect(r.people.map((p: any) => [p.personId, p.share])).toEqual([['zhao.min', 40], ['raj.patel', 50], ['sam.taylor', 75], ['zhang.wei', 75]]);
    expect(r.clocks).toEqual(
      expect.arrayContaining([
        { clock: 'first_response', met: 7, finished: 7, share: 100 },
        { clock: 'resolution', met: 2, finished: 6, share: 33.3 },
        { clock: 'handoff_acceptance', met: 0, finished: 2, share: 0 },
      ]),
    );
  });

  it('first-response and resolution times per department (median, 90th percentile, average)', async () => {
    const r = await get(`/api/v1/reports/timing?${q}`);
    expect(r.firstResponse.overall).toEqual({ count: 7, median: 15, p90: 40, average: 17.4 });
    expect(r.firstResponse.departments).toEqual([
      { departmentId: 'billing', count: 2, median: 15, p90: 20, average: 17.5 },
      { departmentId: 'support', count: 4, median: 10, p90: 40, average: 21.3 },
      { departmentId: 'tech', count: 1, median: 2, p90: 2, average: 2 },
    ]);
    expect(r.resolution.departments).toEqual([
      { departmentId: 'billing', count: 1, median: 72, p90: 72, average: 72 },
      { departmentId: 'support', count: 2, median: 24, p90: 48, average: 36 },
    ]);
    expect(r.firstResponse.weekly).toEqual([null, 20, 15, 2]);
  });

  it('handoff waiting time between departments: answered and still waiting', async () => {
    const r = await get(`/api/v1/reports/handoffs?${q}`);
    expect(r.total).toBe(2);
    expect(r.pairs).toEqual([
      { from: 'support', to: 'billing', count: 1, accepted: 1, declined: 0, waiting: 0, medianWait: 40, maxWait: 40 },
      { from: 'tech', to: 'billing', count: 1, accepted: 0, declined: 0, waiting: 1, medianWait: 60, maxWait: 60 },
    ]);
  });

  it('escalations: automatic and manual, by level, department and week', async () => {
    const r = await get(`/api/v1/reports/escalations?${q}`);
    expect(r).toMatchObject({ total: 2, automatic: 1, manual: 1, byLevel: { supervisor: 2, manager: 0, director: 0 }, departments: [{ departmentId: 'support', count: 2 }], weekly: [0, 1, 1, 0] });
  });

  it('CSAT from the return visits logged in the range', async () => {
    const r = await get(`/api/v1/reports/csat?${q}`);
    expect(r).toMatchObject({ responses: 3, average: 3.67, distribution: [0, 1, 0, 1, 1], weekly: [null, 3.5, 4, null] });
    expect(r.departments).toEqual([
      { departmentId: 'billing', responses: 1, average: 2 },
      { departmentId: 'support', responses: 2, average: 4.5 },
    ]);
  });

  it('penalties by grade and status, and appeals by status and decision', async () => {
    const r = await get(`/api/v1/reports/penalties?${q}`);
    expect(r.total).toBe(5);
    expect(r.points).toBe(7);
    expect(r.byGrade).toEqual({
      minor: { active: 1, appealed: 1, upheld: 0, reduced: 0, revoked: 0 },
      moderate: { active: 1, appealed: 0, upheld: 0, reduced: 0, revoked: 1 },
      severe: { active: 0, appealed: 0, upheld: 1, reduced: 0, revoked: 0 },
    });
    expect(r.departments).toEqual([
      { departmentId: 'billing', minor: 1, moderate: 1, severe: 1 },
      { departmentId: 'support', minor: 1, moderate: 1, severe: 0 },
    ]);
    expect(r.appeals).toEqual({ total: 2, open: 1, decided: 1, byDecision: { uphold: 1, reduce: 0, revoke: 0 } });
    expect((await get(`/api/v1/penalties?${q}`)).penalties.map((p: any) => p.id).sort()).toEqual(['P-1', 'P-2', 'P-3', 'P-4', 'P-5']);
    expect((await get(`/api/v1/appeals?${q}&status=open`)).appeals.map((a: any) => a.id)).toEqual(['A-1']);
  });

  it("the month's typical cases: the worst principal breach per ticket, revoked ones left out", async () => {
    const r = await get('/api/v1/reports/typical-cases?month=2026-03');
    expect(r.month).toBe('2026-03');
    expect(r.cases.map((c: any) => [c.ticketId, c.penaltyId, c.grade, c.overrun])).toEqual([
      ['T-105', 'P-4', 'severe', 1.5],
      ['T-101', 'P-1', 'moderate', 0.6],
      ['T-104', 'P-3', 'minor', 0.33],
    ]);
    expect((await get('/api/v1/reports/typical-cases?month=2026-02')).cases).toEqual([]);
  });

  it('scorecards for a month, with the service stars', async () => {
    const r = await get('/api/v1/scorecards?month=2026-03');
    expect(r.cards).toHaveLength(7);
    // Sam: quality 0.8 (2 points), efficiency 3/3, satisfaction 4/5 → 40·0.8 + 30·1 + 30·0.8.
    expect(r.cards.find((c: any) => c.personId === 'sam.taylor')).toMatchObject({ tickets: 2, clocksMet: 3, clocksFinished: 3, points: 2, score: 86 });
    expect(Array.isArray(r.stars)).toBe(true);
  });

  it('who am I: the admin token sees every department', async () => {
    const me = await get('/api/v1/me');
    expect(me).toMatchObject({ id: 'admin-token', admin: true, allDepartments: true, via: 'admin-token' });
    expect(me.departments.map((d: any) => d.id)).toEqual(['support', 'billing', 'tech']);
  });
});

describe('what each role sees', () => {
  it('an agent (Sam, support): own department only, confidential support tickets included, only his own numbers', async () => {
    const sam = await signInAs(t.client, t.baseUrl, 'sam.taylor');
    const me = await get('/api/v1/me', sam);
    expect(me).toMatchObject({ id: 'sam.taylor', admin: false, allDepartments: false, via: 'session', departments: [{ id: 'support', name: 'Customer Service', nameZh: '客户服务部' }] });
    const overdue = await get('/api/v1/reports/overdue', sam);
    expect(overdue.total).toBe(2);
    expect(overdue.departments.map((d: any) => d.departmentId)).toEqual(['support']);
    const compliance = await get(`/api/v1/reports/compliance?${q}`, sam);
    expect(compliance.departments.map((d: any) => d.departmentId)).toEqual(['support']);
    expect(compliance.people.map((p: any) => p.personId)).toEqual(['sam.taylor']);
    expect((await get(`/api/v1/reports/penalties?${q}`, sam)).total).toBe(1);
    expect((await get(`/api/v1/reports/handoffs?${q}`, sam)).pairs).toEqual([]);
    expect((await get('/api/v1/reports/typical-cases?month=2026-03', sam)).cases.map((c: any) => c.ticketId)).toEqual(['T-101']);
    expect((await get('/api/v1/scorecards?month=2026-03', sam)).cards.map((c: any) => c.personId)).toEqual(['sam.taylor']);
    const other = await call(t.baseUrl, `/api/v1/reports/compliance?${q}&department=billing`, sam);
    expect(other.status).toBe(403);
    expect(other.body.error).toContain('billing is not one of your departments');
  });

  it('an agent of billing sees the confidential billing ticket; a manager sees the departments they manage', async () => {
    const zhao = await signInAs(t.client, t.baseUrl, 'zhao.min');
    expect((await get('/api/v1/reports/overdue', zhao)).departments.flatMap((d: any) => d.owners.flatMap((o: any) => o.tickets.map((x: any) => x.id)))).toEqual(['T-105']);
    const li = await signInAs(t.client, t.baseUrl, 'li.qiang');
    expect((await get('/api/v1/reports/overdue', li)).total).toBe(2);
    const emma = await signInAs(t.client, t.baseUrl, 'emma.clark');
    const emmaOverdue = await get('/api/v1/reports/overdue', emma);
    expect(emmaOverdue.departments.map((d: any) => d.departmentId).sort()).toEqual(['billing', 'tech']);
    expect((await get(`/api/v1/reports/penalties?${q}`, emma)).total).toBe(3);
  });

  it('a reviewer and the director see every department', async () => {
    for (const user of ['zhou.hui', 'wang.fang']) {
      const session = await signInAs(t.client, t.baseUrl, user);
      expect((await get('/api/v1/reports/overdue', session)).total).toBe(4);
      expect((await get(`/api/v1/reports/compliance?${q}`, session)).overall.finished).toBe(15);
    }
  });
});

describe('bad input gets a short, clear 400; no sign-in a 401', () => {
  it.each([
    ['/api/v1/reports/compliance?from=2026-13-01&to=2026-03-18', "from '2026-13-01' is not a date; write YYYY-MM-DD"],
    ['/api/v1/reports/compliance?from=2026-03-18&to=2026-03-01', 'must be before to'],
    ['/api/v1/reports/timing?from=2024-01-01&to=2026-03-01', 'longer than 400 days'],
    ['/api/v1/reports/csat?department=nope', "unknown department 'nope'; use support, billing, tech"],
    ['/api/v1/reports/typical-cases?month=2026-3', "month '2026-3' is not a month; write YYYY-MM"],
    ['/api/v1/appeals?status=maybe', "unknown status 'maybe'"],
    ['/api/v1/access-log?limit=0', 'limit must be a whole number from 1 to 1000'],
  ])('%s', async (path, message) => {
    const res = await call(t.baseUrl, path, admin);
    expect(res.status).toBe(400);
    expect(res.body.error).toContain(message);
  });

  it('refuses a missing or wrong token and an unknown session cookie', async () => {
    for (const auth of [undefined, { bearer: 'wrong-token-wrong-token' }, { cookie: 'duban_session=forged' }] as Auth[]) {
      const res = await call(t.baseUrl, '/api/v1/reports/overdue', auth);
      expect(res.status).toBe(401);
      expect(res.body.error).toContain('Bearer');
    }
  });
});
