// Who is reading a report, and what they may see of it. The web and API share
// these rules with the chat commands: confidential tickets follow
// ticket.authz's canSee, a person's own numbers (penalties, per-person
// compliance, scorecards) follow the penalty ledger's mayReadLedger.
import type { OrgView, Person } from '../org/org.types.js';
import type { Ticket } from '../tickets/ticket.types.js';
import type { Penalty } from '../accountability/penalty.types.js';
import { canSee } from '../tickets/ticket.authz.js';
import { mayReadLedger } from '../../conversations/commands/penalties.command.js';

/** The admin token (integrations, the CLI) or a signed-in person. */
export type Viewer = { kind: 'admin'; label: string } | { kind: 'person'; person: Person };

export const ADMIN_VIEWER: Viewer = { kind: 'admin', label: 'admin-token' };

export interface Scope {
  /** Every department (directors, reviewers, admins and the admin token). */
  all: boolean;
  departmentIds: string[];
  /** An agent also sees the tickets they own in other departments. */
  ownerId?: string;
}

const ALL_SEEING = ['director', 'admin', 'reviewer'] as const;

export function viewerId(viewer: Viewer): string {
  return viewer.kind === 'admin' ? viewer.label : viewer.person.id;
}

export function isAdmin(viewer: Viewer): boolean {
  return viewer.kind === 'admin' || viewer.person.roles.includes('admin');
}

/** Departments a person belongs to, leads or manages. */
export function departmentsOf(person: Person, org: OrgView): string[] {
  const ids = new Set<string>();
  if (person.departmentId) ids.add(person.departmentId);
  for (const d of org.departments()) if (d.leadId === person.id || d.managerId === person.id) ids.add(d.id);
  return [...ids];
}

/** Agents: their own tickets and their department; supervisors and managers: their departments; the rest: all. */
export function scopeOf(viewer: Viewer, org: OrgView): Scope {
  if (viewer.kind === 'admin') return { all: true, departmentIds: org.departments().map((d) => d.id) };
  const p = viewer.person;
  if (p.roles.some((r) => (ALL_SEEING as readonly string[]).includes(r))) return { all: true, departmentIds: org.departments().map((d) => d.id) };
  const leads = p.roles.some((r) => r === 'supervisor' || r === 'manager');
  return { all: false, departmentIds: departmentsOf(p, org), ...(leads ? {} : { ownerId: p.id }) };
}

/** Narrows a department filter to the scope; an empty list means "nothing to see". */
export function scopedDepartments(scope: Scope, wanted?: string[]): string[] {
  if (!wanted?.length) return scope.departmentIds;
  return scope.all ? wanted : wanted.filter((d) => scope.departmentIds.includes(d));
}

export function inScope(scope: Scope, ticket: Pick<Ticket, 'departmentId' | 'ownerId'>): boolean {
  return scope.all || scope.departmentIds.includes(ticket.departmentId) || (!!scope.ownerId && ticket.ownerId === scope.ownerId);
}

/** In scope, and — for a confidential ticket — its department, managers and reviewers only. */
export function mayView(viewer: Viewer, ticket: Ticket, org: OrgView): boolean {
  if (viewer.kind === 'admin') return true;
  return inScope(scopeOf(viewer, org), ticket) && canSee(viewer.person, ticket, org);
}

/** Why a ticket is refused: outside the reader's departments, or confidential. */
export function refusal(viewer: Viewer, ticket: Ticket, org: OrgView): 'scope' | 'confidential' | undefined {
  if (mayView(viewer, ticket, org)) return undefined;
  if (viewer.kind === 'person' && inScope(scopeOf(viewer, org), ticket)) return 'confidential';
  return ticket.confidential ? 'confidential' : 'scope';
}

/** A person's own numbers: themselves, their supervisor and lead, managers and above (as in chat). */
export function mayReadPerson(viewer: Viewer, personId: string, org: OrgView): boolean {
  if (viewer.kind === 'admin') return true;
  const subject = org.person(personId);
  if (!subject) return scopeOf(viewer, org).all;
  return mayReadLedger(viewer.person, subject, org);
}

export function mayReadPenalty(viewer: Viewer, penalty: Pick<Penalty, 'personId' | 'departmentId'>, org: OrgView): boolean {
  if (viewer.kind === 'admin') return true;
  const scope = scopeOf(viewer, org);
  if (!scope.all && !scope.departmentIds.includes(penalty.departmentId) && penalty.personId !== viewer.person.id) return false;
  return mayReadPerson(viewer, penalty.personId, org);
}
