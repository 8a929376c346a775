// Finding similar solved cases in a fixed corpus of twenty (test/fixtures/
// cases.ts): Chinese, English and mixed queries find the right case; a
// confidential case is found only by those who may see its ticket; and a
// second instance on the same database answers from the same cases once the
// library's version stamp moves on.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { CaseLibrary } from '../../../src/cases/case.library.js';
import type { Person } from '../../../src/org/org.types.js';
import { buildTicket } from '../../doubles/ticket.builder.js';
import { CASE_CORPUS } from '../../fixtures/cases.js';
import { startCustomerWorld, type CustomerWorld } from '../../support/customer-world.js';

let w: CustomerWorld;
const person = (id: string) => w.org.person(id) as Person;
beforeAll(async () => {
  w = await startCustomerWorld('case_search');
  for (const c of CASE_CORPUS) {
    const n = Number(c.id.slice(2));
    await w.cases.follow(buildTicket({ ...c, number: n, state: 'resolved', ownerId: 'raj.patel', confidential: c.confidential ?? false, resolvedAt: new Date('2026-02-10T03:00:00Z') }));
  }
});
afterAll(async () => {
  await w?.stop();
});

const top = async (text: string, who = 'sam.taylor') => (await w.cases.similar(person(who), text, 3)).map((h) => h.record.id);

describe('similar cases for Chinese, English and mixed queries', () => {
  it.each([
    ['printer prints empty pages', 'T-101'],
    ['VPN tunnel drops every hour', 'T-102'],
    ['user cannot log in, account locked', 'T-103'],
    ['wrong VAT on invoice', 'T-104'],
    ['iPhone mail not syncing', 'T-105'],
    ['打印机又卡纸了', 'T-106'],
    ['发票抬头错了', 'T-107'],
    ['连不上WiFi', 'T-108'],
    ['退款还没到账', 'T-109'],
    ['登录提示密码错误', 'T-110'],
    ['升级后VPN断线', 'T-111'],
    ['checkout times out', 'T-112'],
    ['快递未发货', 'T-113'],
    ['charged twice', 'T-114'],
    ['积分没到账', 'T-115'],
    ['app crash on Android', 'T-116'],
    ['投诉客服态度', 'T-117'],
    ['Excel 导出中文乱码', 'T-118'],
  ])('%s → %s', async (query, expected) => {
    expect((await top(query))[0]).toBe(expected);
  });

  it('matches word forms and small typos in English, not in Chinese', async () => {
    expect((await top('printers printing blank'))[0]).toBe('T-101');
    expect((await top('checkuot page timeout'))[0]).toBe('T-112');
  });

  it('a query with only stop words or punctuation finds nothing', async () => {
    expect(await top('the of and 的 了 ？！')).toEqual([]);
    expect(await top('zzzz qqqq')).toEqual([]);
  });
});

describe('confidential cases', () => {
  it('are found by their department, managers and reviewers only', async () => {
    expect(await top('数据库备份失败', 'raj.patel')).toContain('T-119');
    expect(await top('数据库备份失败', 'li.qiang')).toContain('T-119');
    expect(await top('数据库备份失败', 'zhou.hui')).toContain('T-119');
    expect(await top('数据库备份失败', 'sam.taylor')).not.toContain('T-119');
    expect(await top('数据库备份失败', 'david.kim')).not.toContain('T-119');
    expect(await top('salary data leak', 'zhao.min')).toContain('T-120');
    expect(await top('salary data leak', 'raj.patel')).not.toContain('T-120');
  });

  it('are never found by someone whose chat account is not linked', async () => {
    const hits = await w.cases.similar(undefined, '数据库备份失败 salary leak', 5);
    expect(hits.map((h) => h.record.confidential)).not.toContain(true);
  });
});

describe('every instance answers from the same cases', () => {
  it('a second instance picks up a case saved by the first once the version stamp moves', async () => {
    const other = new CaseLibrary({ repo: w.caseRepo, org: w.org, clock: w.clock });
    expect((await other.similar(person('sam.taylor'), '扫描仪无法识别', 3)).map((h) => h.record.id)).not.toContain('T-121');
    const stamp = await w.caseRepo.version();
    await w.cases.follow(buildTicket({ id: 'T-121', number: 121, state: 'resolved', title: '扫描仪无法识别', resolution: '重新安装扫描仪驱动。', resolvedAt: new Date('2026-02-11T03:00:00Z') }));
    expect(await w.caseRepo.version()).toBe(stamp + 1);
    expect((await other.similar(person('sam.taylor'), '扫描仪无法识别', 3))[0].record.id).toBe('T-121');
    // The stored case carries its segmented terms, so the other instance indexed the same words.
    const stored = (await w.caseRepo.get('T-121'))!;
    expect(stored.terms.title.length).toBeGreaterThan(1);
    expect(stored.terms.title.join('')).toBe('扫描仪无法识别');
  });

  it('saving an unchanged ticket again does not move the stamp', async () => {
    const stamp = await w.caseRepo.version();
    await w.cases.follow(buildTicket({ id: 'T-121', number: 121, state: 'resolved', title: '扫描仪无法识别', resolution: '重新安装扫描仪驱动。', resolvedAt: new Date('2026-02-11T03:00:00Z') }));
    expect(await w.caseRepo.version()).toBe(stamp);
  });
});
