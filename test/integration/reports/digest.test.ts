// The weekly digest on the fixed data set (Wednesday 18 March 2026, ISO week
// 12): each manager gets their departments' overdue tickets grouped by owner,
// the share of clocks met in the last 7 days against the 7 before, and the
// open appeals — in their language, in chat (the console inbox here). A rerun
// in the same week, by hand or by the job, sends nothing twice.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { ManualClock } from '../../../src/core/clock.js';
import { JOB_NAMES } from '../../../jobs/job-names.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { NOW, seedReportData } from '../../fixtures/report-data.js';

let t: TestApp;
const digests = async () => (await t.app.database.connection.collection('notifications').find({ message: 'digest.weekly' }).toArray()) as any[];

beforeAll(async () => {
  t = await startTestApp({ prefix: 'reports_digest', clock: new ManualClock(NOW) });
  await seedReportData(t.app.database.connection);
});
afterAll(async () => {
  await t?.stop();
});

describe('the weekly digest', () => {
  it('goes to every manager and the director, once each', async () => {
    const result = await t.app.reporting.digests.sendWeekly(NOW);
    expect(result).toEqual({ week: '2026-W12', managers: ['wang.fang', 'li.qiang', 'emma.clark'] });
    expect((await digests()).map((n) => [n.personId, n.dedupeKey]).sort()).toEqual([
      ['emma.clark', 'digest:2026-W12:emma.clark'],
      ['li.qiang', 'digest:2026-W12:li.qiang'],
      ['wang.fang', 'digest:2026-W12:wang.fang'],
    ]);
  });

  it("a manager's digest: their departments' overdue list by owner, compliance against last week, open appeals", async () => {
    const emma = (await digests()).find((n) => n.personId === 'emma.clark');
    expect(emma.params).toEqual({
      week: '2026-W12',
      overdueCount: 2,
      overdue: '赵敏: T-105; Raj Patel: T-106',
      compliance: 'Billing 0% (last week 50% ↓50); Technical Support 50% (last week —)',
      appealCount: 1,
      appeals: 'A-1 (P-3, David Kim, 14 d)',
    });
    const [item] = (await t.client.inbox('emma.clark')).filter((n) => n.text.startsWith('Weekly digest'));
    expect(item.text).toBe(
      'Weekly digest 2026-W12. Overdue now (2): 赵敏: T-105; Raj Patel: T-106. Clocks met in the last 7 days: Billing 0% (last week 50% ↓50); Technical Support 50% (last week —). Open appeals (1): A-1 (P-3, David Kim, 14 d).',
    );
  });

  it('in Chinese for a Chinese-speaking manager, with only his department', async () => {
    const [item] = (await t.client.inbox('li.qiang')).filter((n) => n.text.startsWith('每周督办简报'));
    expect(item.text).toBe('每周督办简报 2026-W12。当前超时（2）：Sam Taylor: T-101；张伟: T-103。近 7 天时钟达标率：客户服务部 无已结束的时钟 (上周 75%)。待复核申诉（0）：无。');
  });

  it('the director sees every department', async () => {
    const director = (await digests()).find((n) => n.personId === 'wang.fang');
    expect(director.params.overdueCount).toBe(4);
    expect(director.params.compliance.split('；')).toHaveLength(3);
  });

  it('a rerun in the same week, by hand or by the job, sends nothing twice', async () => {
    await t.app.reporting.digests.sendWeekly(new Date(NOW.getTime() + 3600_000));
    await t.app.jobs.agenda.now(JOB_NAMES.weeklyDigest, {});
    const jobs = t.app.database.connection.collection('agendaJobs');
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !(await jobs.findOne({ name: JOB_NAMES.weeklyDigest, lastFinishedAt: { $exists: true } }))) await new Promise((r) => setTimeout(r, 100));
    expect(await jobs.findOne({ name: JOB_NAMES.weeklyDigest, lastFinishedAt: { $exists: true } })).not.toBeNull();
    expect(await digests()).toHaveLength(3);
  });
});
