// Reads ORG_FILE (YAML) into the directory's plain data. A bad file stops
// start-up with one line naming the file, the line, the field and the fix.
import { readFileSync } from 'node:fs';
import { formatPath, lineOf } from '../config/yaml-location.js';
import { LineCounter, parseDocument } from 'yaml';
import type { Department, Person, PlatformIdentity } from './org.types.js';
import type { ConversationRef } from '../core/platform.js';
import { validateOrgFile, type OrgFile } from './org.schema.js';

/** The organisation as stored and served: what the Directory and the repository work on. */
export interface OrgData {
  departments: Department[];
  people: Person[];
  /** Person ids of the independent review group. */
  reviewers: string[];
  /** Person ids of the emergency group. */
  emergency: string[];
}

export class OrgFileError extends Error {
  constructor(
    message: string,
    readonly fileName: string,
    readonly line?: number,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'OrgFileError';
  }
}

/** Parses and validates ORG_FILE text; throws OrgFileError with one line on the first problem. */
export function parseOrgYaml(text: string, fileName = 'ORG_FILE'): OrgData {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  const syntax = doc.errors[0];
  if (syntax) {
    const line = syntax.linePos?.[0]?.line ?? counter.linePos(syntax.pos[0]).line;
    const what = syntax.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').replace(/\.$/, '');
    const fix = syntax.code === 'DUPLICATE_KEY' ? 'remove or rename the repeated field' : 'check the indentation and quoting there';
    throw new OrgFileError(`${fileName} line ${line}: YAML syntax error: ${what}; ${fix}`, fileName, line);
  }
  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (err) {
    // e.g. too many alias expansions: a YAML problem, reported like the others.
    throw new OrgFileError(`${fileName} line 1: YAML error: ${(err as Error).message.split('\n')[0]}`, fileName, 1);
  }
  if (raw === null || raw === undefined) {
    throw new OrgFileError(`${fileName} line 1: the file is empty; it needs departments: and people: (see docs/org.example.yaml)`, fileName, 1);
  }
  const result = validateOrgFile(raw);
  if (!result.ok) {
    const located = result.issues.map((iss) => ({ ...iss, line: lineOf(doc, counter, iss.path) }));
    // Shape problems: the one nearest the top, so fixing top-down works. References: root causes come first already.
    if (result.stage === 'shape') located.sort((a, b) => a.line - b.line);
    const first = located[0];
    const where = first.path.length ? ` (${formatPath(first.path)})` : '';
    throw new OrgFileError(`${fileName} line ${first.line}${where}: ${first.message}`, fileName, first.line, formatPath(first.path));
  }
  return toOrgData(result.org);
}

/** Reads and parses ORG_FILE; a missing or unreadable file is an OrgFileError too. */
export function loadOrgFile(path: string): OrgData {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found; check ORG_FILE or unset it to use the demo organisation' : `cannot read it (${code ?? String(err)})`;
    throw new OrgFileError(`${path}: ${why}`, path);
  }
  return parseOrgYaml(text, path);
}

/** Turns a validated file into directory data: identities from the platform fields, plus a console identity. */
export function toOrgData(org: OrgFile): OrgData {
  const people: Person[] = org.people.map((p) => {
    const identities: PlatformIdentity[] = [];
    if (p.slack) identities.push({ platform: 'slack', userId: p.slack });
    if (p.teams) identities.push({ platform: 'teams', userId: p.teams });
    if (p.feishu) identities.push({ platform: 'feishu', userId: p.feishu });
    // The local web console acts as a person by their id.
    identities.push({ platform: 'console', userId: p.id });
    return {
      id: p.id,
      name: p.name,
      locale: p.locale,
      roles: [...new Set(p.roles)],
      ...(p.department !== undefined && { departmentId: p.department }),
      ...(p.supervisor !== undefined && { supervisorId: p.supervisor }),
      ...(p.email !== undefined && { email: p.email }),
      ...(p.prefers !== undefined && { preferredPlatform: p.prefers }),
      identities,
    };
  });
  const departments: Department[] = org.departments.map((d) => {
    const homeConversations: ConversationRef[] = [];
    if (d.home?.slack) homeConversations.push({ platform: 'slack', conversationId: d.home.slack });
    if (d.home?.teams) homeConversations.push({ platform: 'teams', conversationId: d.home.teams });
    if (d.home?.feishu) homeConversations.push({ platform: 'feishu', conversationId: d.home.feishu });
    return {
      id: d.id,
      name: d.name,
      ...(d.nameZh !== undefined && { nameZh: d.nameZh }),
      ...(d.lead !== undefined && { leadId: d.lead }),
      ...(d.manager !== undefined && { managerId: d.manager }),
      onDuty: [...new Set(d.onDuty)],
      homeConversations,
      calendar: d.calendar,
    };
  });
  return { departments, people, reviewers: [...new Set(org.groups.reviewers)], emergency: [...new Set(org.groups.emergency)] };
}
