import { describe, it, expect } from '@jest/globals';
import { Directory, parseMention } from '../../../src/org/directory.js';
import { demoOrgData } from '../../../src/org/demo-org.js';
import type { OrgData } from '../../../src/org/org.loader.js';

const dir = new Directory(demoOrgData(), 7);

describe('Directory lookups', () => {
  it('finds people by id and @id', () => {
    expect(dir.person('chen.jing')?.name).toBe('陈静');
    expect(dir.findPerson('chen.jing')?.id).toBe('chen.jing');
    expect(dir.findPerson('@chen.jing')?.id).toBe('chen.jing');
    expect(dir.findPerson('  @Chen.Jing ')?.id).toBe('chen.jing');
  });

  it('finds people by name, any case, Chinese names too', () => {
    expect(dir.findPerson('陈静')?.id).toBe('chen.jing');
    expect(dir.findPerson('@王芳')?.id).toBe('wang.fang');
    expect(dir.findPerson('sam taylor')?.id).toBe('sam.taylor');
    expect(dir.findPerson('@Sam  Taylor')?.id).toBe('sam.taylor');
    expect(dir.findPerson('Nobody')).toBeUndefined();
    expect(dir.findPerson('')).toBeUndefined();
  });

  it('finds people from a Slack mention, with or without the name part', () => {
    expect(dir.findPerson('<@U0DEMOCJ01>')?.id).toBe('chen.jing');
    expect(dir.findPerson('<@U0DEMOCJ01|chen>')?.id).toBe('chen.jing');
    expect(dir.findPerson('<@U0UNKNOWN|chen.jing>')).toBeUndefined();
  });

  it('finds people from Feishu and Teams mentions', () => {
    expect(dir.findPerson('<at user_id="ou_demo_zhang_wei">张伟</at>')?.id).toBe('zhang.wei');
    expect(dir.findPerson('<at>Emma Clark</at>')?.id).toBe('emma.clark');
  });

  it('finds people by platform identity', () => {
    expect(dir.personByIdentity('slack', 'U0DEMOLQ01')?.id).toBe('li.qiang');
    expect(dir.personByIdentity('feishu', 'ou_demo_li_qiang')?.id).toBe('li.qiang');
    expect(dir.personByIdentity('teams', '00000000-0000-4000-8000-00000000e3c1')?.id).toBe('emma.clark');
    expect(dir.personByIdentity('console', 'alex.morgan')?.id).toBe('alex.morgan');
    expect(dir.personByIdentity('teams', 'U0DEMOLQ01')).toBeUndefined();
    expect(dir.findPerson('ou_demo_li_qiang')?.id).toBe('li.qiang');
  });

  it('finds nobody by a name two people share', () => {
    const data = demoOrgData();
    const twin = { ...data.people.find((p) => p.id === 'zhang.wei')!, id: 'zhang.wei2', identities: [] };
    const twins = new Directory({ ...data, people: [...data.people, twin] });
    expect(twins.findPerson('张伟')).toBeUndefined();
    expect(twins.findPerson('zhang.wei2')?.id).toBe('zhang.wei2');
  });

  it('finds departments by id, English or Chinese name', () => {
    expect(dir.findDepartment('billing')?.id).toBe('billing');
    expect(dir.findDepartment('BILLING')?.id).toBe('billing');
    expect(dir.findDepartment('technical support')?.id).toBe('tech');
    expect(dir.findDepartment('技术支持部')?.id).toBe('tech');
    expect(dir.findDepartment('#support')?.id).toBe('support');
    expect(dir.findDepartment('sales')).toBeUndefined();
  });

  it('serves the groups, directors and members', () => {
    expect(dir.reviewers().map((p) => p.id)).toEqual(['zhou.hui', 'grace.liu']);
    expect(dir.emergencyGroup().map((p) => p.id)).toEqual(['wang.fang', 'li.qiang', 'emma.clark', 'raj.patel']);
    expect(dir.directors().map((p) => p.id)).toEqual(['wang.fang']);
    expect(dir.withRole('admin').map((p) => p.id)).toEqual(['alex.morgan']);
    expect(dir.hasRole('chen.jing', 'supervisor')).toBe(true);
    expect(dir.members('tech').map((p) => p.id)).toEqual(['raj.patel']);
    expect(dir.version).toBe(7);
  });

  it('is a snapshot: the source data and returned objects cannot change it', () => {
    const data: OrgData = demoOrgData();
    const snapshot = new Directory(data);
    data.people[0].name = 'Changed';
    expect(snapshot.person(data.people[0].id)?.name).not.toBe('Changed');
    expect(() => {
      (snapshot.person('chen.jing')!.roles as string[]).push('admin');
    }).toThrow(/not extensible/);
    expect(snapshot.toData()).toEqual(demoOrgData());
  });
});

describe('parseMention', () => {
  it('strips chat mention markup', () => {
    expect(parseMention('<@U123|x>')).toEqual({ userId: 'U123' });
    expect(parseMention('<@W9>')).toEqual({ userId: 'W9' });
    expect(parseMention('<at user_id="ou_1">A</at>')).toEqual({ userId: 'ou_1' });
    expect(parseMention('<at>Ann Lee</at>')).toEqual({ text: 'Ann Lee' });
    expect(parseMention(' ann ')).toEqual({ text: 'ann' });
  });
});
