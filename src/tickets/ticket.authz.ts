// Who may do what to a ticket. Checked before any transition, so a refusal
// never changes anything.
import { CodedError } from '../core/errors.js';
import type { OrgView, Person, Role } from '../org/org.types.js';
import type { Ticket, TicketEvent } from './ticket.types.js';

const LEADERS: Role[] = ['supervisor', 'manager', 'director', 'admin'];

function hasRole(p: Person, roles: Role[]): boolean {
  return p.roles.some((r) => roles.includes(r));
}

/** Supervisors lead their own department; managers, directors and admins act everywhere they manage. */
export function leadsDepartment(p: Person, departmentId: string, org: OrgView): boolean {
  if (hasRole(p, ['director', 'admin'])) return true;
  const dept = org.department(departmentId);
  if (dept && (dept.leadId === p.id || dept.managerId === p.id)) return true;
  return hasRole(p, ['supervisor', 'manager']) && p.departmentId === departmentId;
}

function isStaff(p: Person): boolean {
  return hasRole(p, ['agent', ...LEADERS]);
}

function memberOf(p: Person, departmentId: string, org: OrgView): boolean {
  const dept = org.department(departmentId);
  return p.departmentId === departmentId || !!dept?.onDuty.includes(p.id) || leadsDepartment(p, departmentId, org);
}

function deny(code: string, ticket: Ticket, extra: Record<string, string> = {}): never {
  throw new CodedError(code, { id: ticket.id, ...extra });
}

/** The owner-or-leader refusal, worded for a ticket nobody owns yet. */
function denyOwnerOrLeader(ticket: Ticket): never {
  if (!ticket.ownerId) deny('auth.leaders_only_unclaimed', ticket);
  deny('auth.owner_or_leader', ticket, { owner: ticket.ownerId });
}

export function authorise(actor: Person, ticket: Ticket, event: TicketEvent, org: OrgView): void {
  const isOwner = ticket.ownerId === actor.id;
  const leads = leadsDepartment(actor, ticket.departmentId, org);
  const escalatedToMe = ticket.escalation?.toPersonId === actor.id;
  switch (event.kind) {
    case 'claim':
      if (!isStaff(actor)) deny('auth.staff_only', ticket);
      if (!memberOf(actor, ticket.departmentId, org) && !escalatedToMe) deny('auth.other_department', ticket, { department: ticket.departmentId });
      return;
    case 'assign': {
      if (!leads && !escalatedToMe) deny('auth.leaders_only', ticket);
      const assignee = org.person(event.personId);
      if (!assignee || !isStaff(assignee)) deny('auth.assignee_not_staff', ticket, { person: event.personId });
      return;
    }
    case 'note':
      if (!isStaff(actor) && ticket.createdBy !== actor.id) deny('auth.staff_only', ticket);
      return;
    case 'wait':
    case 'resume':
    case 'resolve':
    case 'close':
    case 'followup':
    case 'contact':
    case 'review':
      if (!isOwner && !leads) denyOwnerOrLeader(ticket);
      return;
    case 'reopen':
      if (!isOwner && !leads && ticket.createdBy !== actor.id) denyOwnerOrLeader(ticket);
      return;
    case 'classify':
      if (!isStaff(actor) || (!memberOf(actor, ticket.departmentId, org) && !isOwner)) deny('auth.other_department', ticket, { department: ticket.departmentId });
      return;
    case 'escalate':
      // Manual escalation is always allowed to staff, with a reason.
      if (!isStaff(actor)) deny('auth.staff_only', ticket);
      return;
    case 'handoff':
      if (!isOwner && !leads) denyOwnerOrLeader(ticket);
      return;
    case 'accept':
    case 'decline': {
      const target = ticket.pendingHandoff?.toDepartmentId;
      if (!target || !memberOf(actor, target, org) || !isStaff(actor)) deny('auth.receiving_department_only', ticket, { department: target ?? '' });
      return;
    }
  }
}

/** Confidential tickets are visible only to their department, managers and reviewers (POLICY.md §7). */
export function canSee(actor: Person, ticket: Ticket, org: OrgView): boolean {
  if (!ticket.confidential) return true;
  return memberOf(actor, ticket.departmentId, org) || hasRole(actor, ['manager', 'director', 'reviewer', 'admin']);
}
