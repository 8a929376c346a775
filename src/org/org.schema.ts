// The ORG_FILE format, checked with zod. Every message is written so that,
// prefixed with the file, line and path by the loader, it says what is wrong
// and how to fix it in one line.
import { z } from 'zod';
import { ROLES } from './org.types.js';
import { LOCALES } from '../core/platform.js';

export const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,40}$/;

type RawIssue = z.core.$ZodRawIssue;

/** `'x'` for a scalar, a short description for anything else. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = String(value);
  return `'${text.length > 40 ? `${text.slice(0, 40)}…` : text}'`;
}

const id = (what: string) =>
  z.string().regex(ID_PATTERN, {
    error: (iss: RawIssue) =>
      `${showValue(iss.input)} is not a valid ${what}; use lowercase letters, digits, '.', '_' or '-' (at most 41, e.g. 'wang.fang')`,
  });

const platformId = (what: string, example: string) =>
  z
    .string()
    .regex(/^\S{1,200}$/, { error: (iss: RawIssue) => `${showValue(iss.input)} is not a valid ${what}; it looks like '${example}'` });

/** A strict object: a misspelt field is an error that lists the allowed ones. */
function strict<S extends z.ZodRawShape>(shape: S) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss: RawIssue) =>
      iss.code === 'unrecognized_keys' ? `unknown field '${iss.keys[0]}'; use one of ${allowed}` : undefined,
  });
}

const role = z.enum(ROLES, {
  error: (iss: RawIssue) => `${showValue(iss.input)} is not a role; use one of ${ROLES.join(', ')}`,
});

const locale = z.enum(LOCALES, {
  error: (iss: RawIssue) => `${showValue(iss.input)} is not a locale; use ${LOCALES.join(' or ')}`,
});

export const departmentSchema = strict({
  id: id('department id'),
  name: z.string().trim().min(1, { error: 'name is empty; give the department a name' }),
  nameZh: z.string().trim().min(1).optional(),
  lead: id('person id').optional(),
  manager: id('person id').optional(),
  onDuty: z.array(id('person id')).default([]),
  home: strict({
    slack: platformId('Slack channel id', 'C0123ABCD').optional(),
    teams: platformId('Teams conversation id', '19:abc…@thread.tacv2').optional(),
    feishu: platformId('Feishu chat id', 'oc_5ad11d72b830411d72b836c20').optional(),
  }).optional(),
  calendar: id('calendar name').default('cn-standard'),
});

export const personSchema = strict({
  id: id('person id'),
  name: z.string().trim().min(1, { error: 'name is empty; give the person a name' }),
  locale: locale.default('en'),
  roles: z.array(role).min(1, { error: `no roles given; add at least one of ${ROLES.join(', ')}` }),
  department: id('department id').optional(),
  supervisor: id('person id').optional(),
  email: z.email({ error: (iss: RawIssue) => `${showValue(iss.input)} is not an email address` }).optional(),
  slack: platformId('Slack user id', 'U024BE7LH').optional(),
  teams: platformId('Teams AAD object id', '6c2f8a1e-…').optional(),
  feishu: platformId('Feishu open_id', 'ou_7d8a6e6df7621556ce0d21922b676706').optional(),
  /** Where pings go for someone on more than one platform (default: the first of slack, teams, feishu they have). */
  prefers: z.enum(['slack', 'teams', 'feishu'], { error: (iss: RawIssue) => `${showValue(iss.input)} is not a chat platform; use slack, teams or feishu` }).optional(),
});

const groupsSchema = strict({
  reviewers: z.array(id('person id')).default([]),
  emergency: z.array(id('person id')).default([]),
});

/** The file's shape; cross-references are checked by validateOrgFile once the shape is right. */
export const orgFileSchema = strict({
  departments: z.array(departmentSchema).min(1, { error: 'no departments; add at least one under departments' }),
  people: z.array(personSchema).min(1, { error: 'no people; add at least one under people' }),
  groups: groupsSchema.default({ reviewers: [], emergency: [] }),
});

export type OrgFile = z.output<typeof orgFileSchema>;
export type OrgFileInput = z.input<typeof orgFileSchema>;
export type DepartmentEntry = OrgFile['departments'][number];
export type PersonEntry = OrgFile['people'][number];

export interface OrgIssue {
  path: (string | number)[];
  message: string;
}

/** Cross-references a well-shaped file, root causes first: ids exist, reporting lines are sound, identities unique. */
export function crossCheck(org: OrgFile): OrgIssue[] {
  const problems: OrgIssue[] = [];
  const add = (path: (string | number)[], message: string) => problems.push({ path, message });
  const personIndex = new Map<string, number>();
  const deptIndex = new Map<string, number>();

  org.departments.forEach((d, i) => {
    if (deptIndex.has(d.id)) add(['departments', i, 'id'], `department id '${d.id}' is used twice; give each department its own id`);
    else deptIndex.set(d.id, i);
  });
  org.people.forEach((p, i) => {
    if (personIndex.has(p.id)) add(['people', i, 'id'], `person id '${p.id}' is used twice; give each person their own id`);
    else personIndex.set(p.id, i);
  });
  const person = (pid: string) => org.people[personIndex.get(pid) ?? -1];
  const notAPerson = (pid: string, field: string) =>
    `${field} '${pid}' is not a person in this file; add them under people or fix the id`;

  org.people.forEach((p, i) => {
    if (p.department !== undefined && !deptIndex.has(p.department)) {
      add(['people', i, 'department'], `department '${p.department}' does not exist; use one of ${[...deptIndex.keys()].join(', ')}`);
    }
    if (p.supervisor === undefined) return;
    if (p.supervisor === p.id) add(['people', i, 'supervisor'], `'${p.id}' cannot be their own supervisor; name someone else or remove supervisor`);
    else if (!personIndex.has(p.supervisor)) add(['people', i, 'supervisor'], notAPerson(p.supervisor, 'supervisor'));
  });

  // Supervisor cycles: each cycle is reported once, at its first member in file order.
  const reported = new Set<string>();
  org.people.forEach((p, i) => {
    const seen: string[] = [];
    let current: PersonEntry | undefined = p;
    while (current?.supervisor !== undefined && current.supervisor !== current.id && !seen.includes(current.id)) {
      seen.push(current.id);
      current = person(current.supervisor);
    }
    if (!current || seen[0] !== current.id || reported.has(p.id)) return;
    seen.forEach((m) => reported.add(m));
    add(['people', i, 'supervisor'], `supervisor cycle ${[...seen, p.id].join(' → ')}; someone in it must report to a person outside it`);
  });

  org.departments.forEach((d, i) => {
    const member = (pid: string, path: (string | number)[], field: string) => {
      const p = person(pid);
      if (!p) return add(path, notAPerson(pid, field));
      // A person in an unknown department is already reported at the person.
      if (p.department !== undefined && !deptIndex.has(p.department)) return;
      if (p.department !== d.id) {
        const where = p.department ? `belongs to '${p.department}'` : 'has no department';
        add(path, `${field} '${pid}' ${where}, not '${d.id}'; pick a member of '${d.id}' or set their department to '${d.id}'`);
      }
    };
    if (d.lead !== undefined) member(d.lead, ['departments', i, 'lead'], 'lead');
    if (d.manager !== undefined && !personIndex.has(d.manager)) add(['departments', i, 'manager'], notAPerson(d.manager, 'manager'));
    d.onDuty.forEach((pid, j) => member(pid, ['departments', i, 'onDuty', j], 'on-duty member'));
  });

  // A platform user is one person: two people sharing an id would make every command ambiguous.
  for (const platform of ['slack', 'teams', 'feishu'] as const) {
    const owner = new Map<string, string>();
    org.people.forEach((p, i) => {
      const userId = p[platform];
      if (userId === undefined) return;
      const first = owner.get(userId);
      if (first !== undefined) add(['people', i, platform], `${platform} id '${userId}' is already used by '${first}'; each platform identity belongs to one person`);
      else owner.set(userId, p.id);
    });
  }

  if (!org.people.some((p) => p.roles.includes('director'))) {
    add(['people'], "nobody has the director role; give at least one person roles: [director] (top of every escalation chain)");
  }
  if (!org.people.some((p) => p.roles.includes('admin'))) {
    add(['people'], 'nobody has the admin role; give at least one person roles: [admin] (admins link chat users to people)');
  }
  org.groups.reviewers.forEach((pid, j) => {
    const p = person(pid);
    if (!p) add(['groups', 'reviewers', j], notAPerson(pid, 'reviewer'));
    else if (!p.roles.includes('reviewer')) add(['groups', 'reviewers', j], `'${pid}' is in the review group but lacks the reviewer role; add reviewer to their roles`);
  });
  org.groups.emergency.forEach((pid, j) => {
    if (!personIndex.has(pid)) add(['groups', 'emergency', j], notAPerson(pid, 'emergency group member'));
  });
  return problems;
}

/** Messages for zod's own issue kinds (missing field, wrong type), so none reads "Invalid input". */
function genericMessage(iss: RawIssue): string | undefined {
  const key = iss.path?.[iss.path.length - 1];
  if (iss.code === 'invalid_type') {
    if (iss.input === undefined) {
      return typeof key === 'string' ? `required field '${key}' is missing; add it to this entry` : 'an entry is missing here';
    }
    const expected: Record<string, string> = { string: 'text', array: 'a list', object: 'a mapping (field: value lines)', number: 'a number' };
    const want = expected[iss.expected] ?? iss.expected;
    if (iss.expected === 'array' && typeof iss.input === 'string') {
      return `expected a list, got ${showValue(iss.input)}; write it as [${iss.input}]`;
    }
    // YAML reads 007 and true as a number and a boolean: quoting keeps them text.
    const scalar = typeof iss.input === 'number' || typeof iss.input === 'boolean';
    const got = scalar ? `the ${typeof iss.input} ${String(iss.input)}${want === 'text' ? '; put it in quotes' : ''}` : showValue(iss.input);
    return `expected ${want}, got ${got}`;
  }
  return undefined;
}

/**
 * Validates a parsed ORG_FILE. Shape problems come first and alone (references
 * into a broken file only add noise); then cross-reference problems, root causes first.
 */
export function validateOrgFile(input: unknown): { ok: true; org: OrgFile } | { ok: false; issues: OrgIssue[]; stage: 'shape' | 'references' } {
  const result = orgFileSchema.safeParse(input, { error: genericMessage });
  if (!result.success) {
    const issues = result.error.issues.map((iss) => ({
      // A misspelt field is reported at the field itself, not at its parent.
      path: [...(iss.path as (string | number)[]), ...(iss.code === 'unrecognized_keys' ? [iss.keys[0]] : [])],
      message: iss.message,
    }));
    return { ok: false, issues, stage: 'shape' };
  }
  const problems = crossCheck(result.data);
  return problems.length ? { ok: false, issues: problems, stage: 'references' } : { ok: true, org: result.data };
}

/** Validates an organisation given as an object (the demo, tests); throws the first problem. */
export function parseOrgFile(input: OrgFileInput): OrgFile {
  const result = validateOrgFile(input);
  if (result.ok) return result.org;
  const first = result.issues[0];
  throw new Error(`organisation invalid at ${first.path.join('.')}: ${first.message}`);
}
