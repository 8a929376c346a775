import { describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { DEMO_ORG, demoOrgData } from '../../../src/org/demo-org.js';
import { parseOrgYaml } from '../../../src/org/org.loader.js';
import { validateOrgFile } from '../../../src/org/org.schema.js';
import { ROLES } from '../../../src/org/org.types.js';

const org = demoOrgData();

describe('the demo organisation', () => {
  it('passes the same validation as an ORG_FILE', () => {
    expect(validateOrgFile(DEMO_ORG)).toMatchObject({ ok: true });
  });

  it('equals docs/org.example.yaml, so the example stays true', () => {
    const text = readFileSync(new URL('../../../docs/org.example.yaml', import.meta.url), 'utf8');
    expect(parseOrgYaml(text, 'org.example.yaml')).toEqual(org);
  });

  it('has three departments and about ten people', () => {
    expect(org.departments.map((d) => d.id)).toEqual(['support', 'billing', 'tech']);
    expect(org.departments.every((d) => d.nameZh && d.leadId && d.managerId)).toBe(true);
    expect(org.people.length).toBeGreaterThanOrEqual(9);
    expect(org.people.length).toBeLessThanOrEqual(14);
  });

  it('uses every role', () => {
    const used = new Set(org.people.flatMap((p) => p.roles));
    expect([...used].sort()).toEqual([...ROLES].sort());
  });

  it('has zh-CN people with Chinese names and English ones', () => {
    const zh = org.people.filter((p) => p.locale === 'zh-CN');
    expect(zh.length).toBeGreaterThanOrEqual(3);
    expect(zh.every((p) => /\p{Script=Han}/u.test(p.name))).toBe(true);
    expect(org.people.some((p) => p.locale === 'en')).toBe(true);
  });

  it('has agents on duty and one agent off duty', () => {
    const onDuty = new Set(org.departments.flatMap((d) => d.onDuty));
    const agents = org.people.filter((p) => p.roles.includes('agent'));
    expect(agents.some((p) => onDuty.has(p.id))).toBe(true);
    expect(agents.filter((p) => !onDuty.has(p.id)).length).toBeGreaterThanOrEqual(1);
    expect(org.departments.every((d) => d.onDuty.length > 0)).toBe(true);
  });

  it('has two reviewers independent of every chain', () => {
    expect(org.reviewers).toHaveLength(2);
    for (const id of org.reviewers) {
      expect(org.departments.some((d) => d.leadId === id || d.managerId === id || d.onDuty.includes(id))).toBe(false);
      expect(org.people.some((p) => p.supervisorId === id)).toBe(false);
      const reviewer = org.people.find((p) => p.id === id);
      expect(reviewer?.roles).toEqual(['reviewer']);
      expect(reviewer?.departmentId).toBeUndefined();
    }
  });

  it('puts the director, the managers and the tech lead in the emergency group', () => {
    const directors = org.people.filter((p) => p.roles.includes('director')).map((p) => p.id);
    const managers = [...new Set(org.departments.map((d) => d.managerId))];
    const techLead = org.departments.find((d) => d.id === 'tech')?.leadId;
    expect(new Set(org.emergency)).toEqual(new Set([...directors, ...managers, techLead]));
  });

  it("uses cn-standard calendars for the Chinese back office and 24x7 for the front line", () => {
    expect(Object.fromEntries(org.departments.map((d) => [d.id, d.calendar]))).toEqual({
      support: '24x7',
      billing: 'cn-standard',
      tech: 'cn-standard',
    });
  });

  it('lets everyone act from the console', () => {
    for (const p of org.people) expect(p.identities).toContainEqual({ platform: 'console', userId: p.id });
  });
});
