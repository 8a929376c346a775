import { describe, it, expect } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrgFile, OrgFileError, parseOrgYaml } from '../../../src/org/org.loader.js';

// Line numbers below refer to this file; each bad case changes one or two lines.
const BASE = [
  'departments:', //                                1
  '  - id: support', //                             2
  '    name: Support', //                           3
  '    nameZh: 客户服务部', //                       4
  '    lead: amy', //                               5
  '    manager: max', //                            6
  '    onDuty: [amy, bob]', //                      7
  '    home: { slack: C0SUPPORT }', //              8
  '  - id: billing', //                             9
  '    name: Billing', //                           10
  '    lead: cat', //                               11
  '    calendar: 24x7', //                          12
  'people:', //                                     13
  '  - id: dora', //                                14
  '    name: Dora Director', //                     15
  '    roles: [director, admin]', //                16
  '  - id: max', //                                 17
  '    name: Max Manager', //                       18
  '    roles: [manager]', //                        19
  '    supervisor: dora', //                        20
  '  - id: amy', //                                 21
  '    name: 王芳', //                               22
  '    locale: zh-CN', //                           23
  '    roles: [supervisor, agent]', //              24
  '    department: support', //                     25
  '    supervisor: max', //                         26
  '    slack: U0AMY', //                            27
  '  - id: bob', //                                 28
  '    name: Bob Agent', //                         29
  '    roles: [agent]', //                          30
  '    department: support', //                     31
  '    supervisor: amy', //                         32
  '    slack: U0BOB', //                            33
  '    teams: 6c2f8a1e-0000-4000-8000-000000000001', // 34
  '  - id: cat', //                                 35
  '    name: Cat', //                               36
  '    roles: [supervisor, agent]', //              37
  '    department: billing', //                     38
  '    supervisor: max', //                         39
  '  - id: rita', //                                40
  '    name: Rita Reviewer', //                     41
  '    roles: [reviewer]', //                       42
  'groups:', //                                     43
  '  reviewers: [rita]', //                         44
  '  emergency: [dora, max]', //                    45
];

/** BASE with lines replaced (1-based); `null` deletes the line. */
function variant(changes: Record<number, string | null>): string {
  return BASE.map((line, i) => (i + 1 in changes ? changes[i + 1] : line))
    .filter((line): line is string => line !== null)
    .join('\n');
}

function errorOf(text: string): OrgFileError {
  try {
    parseOrgYaml(text, 'org.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(OrgFileError);
    expect((err as Error).message).not.toContain('\n');
    return err as OrgFileError;
  }
  throw new Error('expected the file to be rejected');
}

const ROLE_LIST = 'agent, supervisor, manager, director, reviewer, admin';

describe('parseOrgYaml: a valid file', () => {
  const org = parseOrgYaml(BASE.join('\n'), 'org.yaml');

  it('normalises departments with defaults and home conversations', () => {
    expect(org.departments).toEqual([
      {
        id: 'support',
        name: 'Support',
        nameZh: '客户服务部',
        leadId: 'amy',
        managerId: 'max',
        onDuty: ['amy', 'bob'],
        homeConversations: [{ platform: 'slack', conversationId: 'C0SUPPORT' }],
        calendar: 'cn-standard',
      },
      { id: 'billing', name: 'Billing', leadId: 'cat', onDuty: [], homeConversations: [], calendar: '24x7' },
    ]);
  });

  it('builds identities from the platform fields plus a console identity', () => {
    const bob = org.people.find((p) => p.id === 'bob');
    expect(bob).toEqual({
      id: 'bob',
      name: 'Bob Agent',
      locale: 'en',
      roles: ['agent'],
      departmentId: 'support',
      supervisorId: 'amy',
      identities: [
        { platform: 'slack', userId: 'U0BOB' },
        { platform: 'teams', userId: '6c2f8a1e-0000-4000-8000-000000000001' },
        { platform: 'console', userId: 'bob' },
      ],
    });
    expect(org.people.find((p) => p.id === 'amy')?.locale).toBe('zh-CN');
  });

  it('keeps the groups', () => {
    expect(org.reviewers).toEqual(['rita']);
    expect(org.emergency).toEqual(['dora', 'max']);
  });
});

describe('parseOrgYaml: one line naming file, line, path and fix', () => {
  const cases: Array<[string, Record<number, string | null>, string]> = [
    ['an unknown role', { 30: '    roles: [agent, boss]' }, `org.yaml line 30 (people[3].roles[1]): 'boss' is not a role; use one of ${ROLE_LIST}`],
    ['a missing name', { 29: null }, "org.yaml line 28 (people[3].name): required field 'name' is missing; add it to this entry"],
    ['an empty role list', { 30: '    roles: []' }, `org.yaml line 30 (people[3].roles): no roles given; add at least one of ${ROLE_LIST}`],
    ['roles written as text', { 30: '    roles: agent' }, "org.yaml line 30 (people[3].roles): expected a list, got 'agent'; write it as [agent]"],
    [
      'a dangling supervisor',
      { 32: '    supervisor: zed' },
      "org.yaml line 32 (people[3].supervisor): supervisor 'zed' is not a person in this file; add them under people or fix the id",
    ],
    [
      'a supervisor cycle',
      { 20: '    supervisor: amy' },
      'org.yaml line 20 (people[1].supervisor): supervisor cycle max → amy → max; someone in it must report to a person outside it',
    ],
    [
      'a self-supervisor',
      { 32: '    supervisor: bob' },
      "org.yaml line 32 (people[3].supervisor): 'bob' cannot be their own supervisor; name someone else or remove supervisor",
    ],
    [
      'a duplicate Slack id',
      { 33: '    slack: U0AMY' },
      "org.yaml line 33 (people[3].slack): slack id 'U0AMY' is already used by 'amy'; each platform identity belongs to one person",
    ],
    [
      'a lead from another department',
      { 11: '    lead: amy' },
      "org.yaml line 11 (departments[1].lead): lead 'amy' belongs to 'support', not 'billing'; pick a member of 'billing' or set their department to 'billing'",
    ],
    [
      'an on-duty member from another department',
      { 7: '    onDuty: [amy, cat]' },
      "org.yaml line 7 (departments[0].onDuty[1]): on-duty member 'cat' belongs to 'billing', not 'support'; pick a member of 'support' or set their department to 'support'",
    ],
    [
      'no director',
      { 16: '    roles: [admin]' },
      'org.yaml line 13 (people): nobody has the director role; give at least one person roles: [director] (top of every escalation chain)',
    ],
    [
      'no admin',
      { 16: '    roles: [director]' },
      'org.yaml line 13 (people): nobody has the admin role; give at least one person roles: [admin] (admins link chat users to people)',
    ],
    [
      'a bad id slug',
      { 28: '  - id: Bob Agent' },
      "org.yaml line 28 (people[3].id): 'Bob Agent' is not a valid person id; use lowercase letters, digits, '.', '_' or '-' (at most 41, e.g. 'wang.fang')",
    ],
    ['an id YAML reads as a number', { 28: '  - id: 007' }, 'org.yaml line 28 (people[3].id): expected text, got the number 7; put it in quotes'],
    [
      'a misspelt field',
      { 32: '    supervsor: amy' },
      "org.yaml line 32 (people[3].supervsor): unknown field 'supervsor'; use one of id, name, locale, roles, department, supervisor, email, slack, teams, feishu, prefers",
    ],
    ['an unknown locale', { 23: '    locale: fr' }, "org.yaml line 23 (people[2].locale): 'fr' is not a locale; use en or zh-CN"],
    [
      'an unknown department',
      { 38: '    department: sales' },
      "org.yaml line 38 (people[4].department): department 'sales' does not exist; use one of support, billing",
    ],
    [
      'a reviewer without the reviewer role',
      { 44: '  reviewers: [rita, bob]' },
      "org.yaml line 44 (groups.reviewers[1]): 'bob' is in the review group but lacks the reviewer role; add reviewer to their roles",
    ],
    ['a duplicate person id', { 35: '  - id: bob' }, "org.yaml line 35 (people[4].id): person id 'bob' is used twice; give each person their own id"],
    [
      'a YAML syntax error (tab indentation)',
      { 30: '\troles: [agent]' },
      'org.yaml line 30: YAML syntax error: Tabs are not allowed as indentation; check the indentation and quoting there',
    ],
    [
      'a repeated field',
      { 30: '    name: Bob Again' },
      'org.yaml line 30: YAML syntax error: Map keys must be unique; remove or rename the repeated field',
    ],
    [
      'an unclosed flow list',
      { 7: '    onDuty: [amy, bob' },
      'org.yaml line 8: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]; check the indentation and quoting there',
    ],
  ];

  it.each(cases)('rejects %s', (_what, changes, message) => {
    const err = errorOf(variant(changes));
    expect(err.message).toBe(message);
    expect(err.fileName).toBe('org.yaml');
    expect(err.line).toBe(Number(/line (\d+)/.exec(message)?.[1]));
  });

  it('reports the topmost problem when there are several', () => {
    const err = errorOf(variant({ 30: '    roles: [boss]', 11: '    lead: Cat' }));
    expect(err.message).toMatch(/^org\.yaml line 11 \(departments\[1\]\.lead\): 'Cat' is not a valid person id/);
  });

  it('reports a shape problem before the broken references it causes', () => {
    const err = errorOf(variant({ 35: '  - id: Cat' }));
    expect(err.message).toMatch(/^org\.yaml line 35 \(people\[4\]\.id\): 'Cat' is not a valid person id/);
  });

  it('rejects an empty file', () => {
    expect(errorOf('').message).toBe('org.yaml line 1: the file is empty; it needs departments: and people: (see docs/org.example.yaml)');
  });

  it('uses ORG_FILE as the name when none is given', () => {
    expect(() => parseOrgYaml('people: 3')).toThrow(/^ORG_FILE line 1 \(/);
  });
});

describe('loadOrgFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'duban-org-'));

  it('reads a file and names it in errors', () => {
    const good = join(dir, 'good.yaml');
    writeFileSync(good, BASE.join('\n'));
    expect(loadOrgFile(good).people).toHaveLength(6);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, variant({ 30: '    roles: [boss]' }));
    expect(() => loadOrgFile(bad)).toThrow(`${bad} line 30 (people[3].roles[0]): 'boss' is not a role`);
  });

  it('says clearly when the file is missing', () => {
    const missing = join(dir, 'nope.yaml');
    expect(() => loadOrgFile(missing)).toThrow(new OrgFileError(`${missing}: file not found; check ORG_FILE or unset it to use the demo organisation`, missing));
  });
});
