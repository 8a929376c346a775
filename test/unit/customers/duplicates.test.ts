// Duplicate detection on a realistic directory: Chinese and English names,
// full-width characters, 有限公司 / Ltd suffixes, phones typed as
// +86 138-0013-8000 or 13800138000, e-mails in different case. Each likely
// pair is found for the right reason; distinct companies are left alone.
import { describe, it, expect } from '@jest/globals';
import { compareCustomers, findDuplicates, duplicatesOf, LIKELY_DUPLICATE } from '../../../src/customers/customer.duplicates.js';
import { newCustomer } from '../../../src/customers/customer.changes.js';
import type { NewCustomer } from '../../../src/customers/customer.types.js';

const NOW = new Date('2026-03-02T02:00:00Z');
const SAMPLE: NewCustomer[] = [
  { name: 'ACME Ltd', phones: ['+86 21 6000 1000'] }, // C-1
  { name: 'ＡＣＭＥ　Ｌｉｍｉｔｅｄ' }, // C-2: same name, full width, other suffix
  { name: '华为技术有限公司', aliases: ['华为'] }, // C-3
  { name: '华为', emails: ['contact@huawei.example'] }, // C-4: its name is C-3's alias
  { name: 'Umbrella Corporation', phones: ['+86 138-0013-8000'] }, // C-5
  { name: '安布雷拉（中国）有限公司', phones: ['13800138000'] }, // C-6: same mobile, other format
  { name: 'Globex Inc', emails: ['IT@Globex.example'] }, // C-7
  { name: '环球科技', emails: ['it@globex.example'] }, // C-8: same e-mail, other case
  { name: 'Initech LLC', externalIds: [{ system: 'crm', id: 'CRM-42' }] }, // C-9
  { name: 'Initrode', externalIds: [{ system: 'crm', id: 'CRM-42' }] }, // C-10: same CRM id
  { name: 'Stark Industries' }, // C-11
  { name: 'Stark Industriess' }, // C-12: a typo
  { name: 'Wayne Enterprises', phones: ['010-8888 8888'] }, // C-13
  { name: 'Wayne Foundation', phones: ['+86 10 6666 6666'] }, // C-14: similar start, different company
  { name: '小米科技有限责任公司' }, // C-15
  { name: '小米通讯技术有限公司' }, // C-16: related but distinct
  { name: 'Cyberdyne Systems' }, // C-17
];
const customers = SAMPLE.map((c, i) => newCustomer(i + 1, c, 'import', NOW));

describe('findDuplicates on a realistic directory', () => {
  const pairs = findDuplicates(customers);
  const found = pairs.map((p) => `${p.a.id}~${p.b.id}:${p.signals.map((s) => s.kind).join('+')}`);

  it('finds every planted pair for the right reason, and nothing else', () => {
    expect(found.sort()).toEqual(
      [
        'C-1~C-2:name',
        'C-3~C-4:alias',
        'C-5~C-6:phone',
        'C-7~C-8:email',
        'C-9~C-10:external_id',
        'C-11~C-12:similar_name',
      ].sort(),
    );
  });

  it('orders the most certain first and scores every pair at least the threshold', () => {
    expect(pairs[0].score).toBe(1);
    for (const p of pairs) expect(p.score).toBeGreaterThanOrEqual(LIKELY_DUPLICATE);
    expect(pairs.map((p) => p.score)).toEqual([...pairs.map((p) => p.score)].sort((a, b) => b - a));
  });

  it('adds up several signals', () => {
    const a = newCustomer(20, { name: 'Hooli Ltd', phones: ['+86 139 0000 0000'] }, 'x', NOW);
    const b = newCustomer(21, { name: 'Hooli Limited', phones: ['13900000000'], emails: ['x@hooli.example'] }, 'x', NOW);
    const { score, signals } = compareCustomers(a, b);
    expect(signals.map((s) => s.kind)).toEqual(['name', 'phone']);
    expect(score).toBe(1);
    const weak = compareCustomers(customers[12], customers[13]);
    expect(weak.score).toBeLessThan(LIKELY_DUPLICATE);
  });

  it("a new customer's likely duplicates among the others", () => {
    const fresh = newCustomer(30, { name: 'Umbrella Corp.', emails: ['Ops@Umbrella.example'] }, 'x', NOW);
    expect(duplicatesOf(fresh, customers).map((p) => [p.a.id, p.b.id, p.signals[0].kind])).toEqual([['C-5', 'C-30', 'name']]);
  });
});
