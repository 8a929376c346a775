// The normalised forms that decide whether two spellings are one customer:
// names (case, full/half width, punctuation, spaces, company suffixes), phones
// (+86, 0086, trunk 0, separators) and e-mails (case, Gmail dots and tags).
import { describe, it, expect } from '@jest/globals';
import { nameSimilarity, normaliseEmail, normaliseName, normalisePhone } from '../../../src/customers/normalise.js';
import { matchName, parseCustomerId } from '../../../src/customers/customer.match.js';
import { newCustomer } from '../../../src/customers/customer.changes.js';

const NOW = new Date('2026-03-02T02:00:00Z');

describe('normaliseName', () => {
  it.each([
    ['ACME Ltd', 'acme'],
    ['ACME Limited', 'acme'],
    ['Acme Co., Ltd.', 'acme'],
    ['ＡＣＭＥ　ＬＴＤ', 'acme'],
    ['  acme   inc ', 'acme'],
    ['Globex Corp.', 'globex'],
    ['Globex Corporation', 'globex'],
    ['Initech, LLC', 'initech'],
    ['Müller GmbH', 'müller'],
    ['Big Data Group PLC', 'bigdata'],
    ['华为技术有限公司', '华为技术'],
    ['阿里巴巴集团', '阿里巴巴'],
    ['平安银行股份有限公司', '平安银行'],
    ['安布雷拉（中国）有限公司', '安布雷拉中国'],
    ['北京字节跳动科技有限公司', '北京字节跳动科技'],
    ['小米公司', '小米'],
    ['AT&T Inc.', 'att'],
  ])('%s → %s', (raw, key) => {
    expect(normaliseName(raw)).toBe(key);
  });

  it('never strips a name down to nothing', () => {
    expect(normaliseName('Limited')).toBe('limited');
    expect(normaliseName('公司')).toBe('公司');
    expect(normaliseName('Co')).toBe('co');
  });
});

describe('normalisePhone', () => {
  it.each([
    ['+86 138-0013-8000', '13800138000'],
    ['13800138000', '13800138000'],
    ['0086 138 0013 8000', '13800138000'],
    ['8613800138000', '13800138000'],
    ['(+86) 138.0013.8000', '13800138000'],
    ['＋８６ １３８ ００１３ ８０００', '13800138000'],
    ['010-8888 8888', '1088888888'],
    ['+86 10 8888 8888', '1088888888'],
    ['+1 (415) 555-0100', '+14155550100'],
    ['001 415 555 0100', '+14155550100'],
    ['ext. 12', ''],
    ['n/a', ''],
  ])('%s → %s', (raw, key) => {
    expect(normalisePhone(raw)).toBe(key);
  });
});

describe('normaliseEmail', () => {
  it.each([
    ['Ops@Umbrella.Example', 'ops@umbrella.example'],
    ['  OPS@UMBRELLA.EXAMPLE ', 'ops@umbrella.example'],
    ['J.Doe@GMail.com', 'jdoe@gmail.com'],
    ['jdoe+crm@googlemail.com', 'jdoe@gmail.com'],
    ['j.doe@example.com', 'j.doe@example.com'],
    ['not-an-address', ''],
    ['a@b', ''],
    ['two words@example.com', ''],
  ])('%s → %s', (raw, key) => {
    expect(normaliseEmail(raw)).toBe(key);
  });
});

describe('matching a typed name', () => {
  const acme = newCustomer(1, { name: 'ACME Ltd', aliases: ['Acme Trading'] }, 'x', NOW);
  const globex = newCustomer(2, { name: 'Globex Inc' }, 'x', NOW);
  const globexEu = newCustomer(3, { name: 'Globex Europe GmbH' }, 'x', NOW);
  const merged = { ...newCustomer(4, { name: 'Globex Asia' }, 'x', NOW), status: 'merged' as const };

  it('one exact (normalised) match links; two exact ones are offered; close names are offered; nothing close is none', () => {
    expect(matchName('acme', [acme], [])).toEqual({ kind: 'exact', customer: acme });
    expect(matchName('acme', [acme, { ...acme, id: 'C-9', number: 9 }], [])).toMatchObject({ kind: 'choose', exact: true });
    expect(matchName('Globe', [], [globex, globexEu, acme, merged])).toEqual({ kind: 'choose', candidates: [globex, globexEu], exact: false });
    expect(matchName('Initech', [], [acme, globex])).toEqual({ kind: 'none' });
  });

  it('similarity on bigrams, with containment counting as close', () => {
    expect(nameSimilarity('acme', 'acme')).toBe(1);
    expect(nameSimilarity('globex', 'globax')).toBeGreaterThan(0.5);
    expect(nameSimilarity('acme', 'initech')).toBe(0);
  });

  it('customer ids in any width or case', () => {
    expect(parseCustomerId('c12')).toBe('C-12');
    expect(parseCustomerId('Ｃ－７')).toBe('C-7');
    expect(parseCustomerId('C-x')).toBeUndefined();
  });
});
