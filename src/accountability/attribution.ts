// Who answers for a breached clock (POLICY.md §4). Pure: the ledger is
// reconciled from these decisions after every save, so running it twice, or
// after a restart, decides the same.
import type { OrgView } from '../org/org.types.js';
import type { ClockState } from '../sla/clock.js';
import type { Grade, SlaPolicy } from '../sla/sla.policy.js';
import type { Ticket } from '../tickets/ticket.types.js';
import { gradeOf, lowerGrade } from './grading.js';
import type { PenaltyBasis, PenaltyRole } from './penalty.types.js';

export interface Charge {
  personId: string;
  departmentId: string;
  role: PenaltyRole;
  basis: PenaltyBasis;
  grade: Grade;
  /** For a joint charge: the person whose breach it follows. */
  jointWith?: string;
}

export type ChargeDecision =
  | { kind: 'charges'; charges: Charge[] }
  /** Unclaimed while nobody was on duty: no personal penalty; the department lead is told. */
  | { kind: 'exempt'; reason: 'nobody_on_duty'; departmentId: string; leadId?: string };

/**
 * The ticket as it stood at an instant, replayed from its timeline: who owned it,
 * which department held it, and which department a pending handoff was waiting on.
 * Charges follow the breach moment, so claiming a late ticket never makes the
 * claimer answer for a clock that ran out before they took it.
 */
export function standingAt(ticket: Ticket, at: Date): { ownerId?: string; departmentId: string; pendingTo?: string } {
  const opened = ticket.timeline.find((e) => e.kind === 'open');
  let departmentId = typeof opened?.details.department === 'string' ? opened.details.department : ticket.departmentId;
  let ownerId: string | undefined;
  let pendingTo: string | undefined;
  for (const e of ticket.timeline) {
    if (e.at.getTime() > at.getTime()) break;
    if (e.kind === 'claim') ownerId = e.actorId;
    else if (e.kind === 'assign' && typeof e.details.assignee === 'string') ownerId = e.details.assignee;
    else if (e.kind === 'handoff' && typeof e.details.to === 'string') pendingTo = e.details.to;
    else if (e.kind === 'accept') {
      ownerId = e.actorId;
      if (typeof e.details.to === 'string') departmentId = e.details.to;
      pendingTo = undefined;
    } else if (e.kind === 'decline') pendingTo = undefined;
  }
  return { ownerId, departmentId, pendingTo };
}

/** The department whose queue answers for a clock: the receiving one while a handoff waits for acceptance. */
function answeringDepartment(ticket: Ticket, clock: ClockState, standing: ReturnType<typeof standingAt>): { departmentId: string; crossDepartment: boolean } {
  const to = standing.pendingTo ?? (clock.name === 'handoff_acceptance' ? (ticket.pendingHandoff?.toDepartmentId ?? lastHandoffTarget(ticket)) : undefined);
  if (to) return { departmentId: to, crossDepartment: true };
  return { departmentId: standing.departmentId, crossDepartment: false };
}

/** After an accept or decline the pending handoff is gone; the timeline still names the department asked. */
function lastHandoffTarget(ticket: Ticket): string | undefined {
  for (let i = ticket.timeline.length - 1; i >= 0; i--) {
    const e = ticket.timeline[i];
    if (e.kind === 'handoff' && typeof e.details.to === 'string') return e.details.to;
  }
  return undefined;
}

/**
 * `supervisorIdle`: the supervisor was told of the breach and did nothing on the ticket
 * (reassign, escalate, comment…) within the policy's window — joint liability too.
 */
export function decideCharges(ticket: Ticket, clock: ClockState, overrun: number, policy: SlaPolicy, org: OrgView, supervisorIdle = false): ChargeDecision {
  const grade = gradeOf(overrun, ticket, policy);
  const standing = standingAt(ticket, clock.breachedAt ?? new Date(8.64e15));
  const { departmentId, crossDepartment } = answeringDepartment(ticket, clock, standing);
  const dept = org.department(departmentId);
  let primary: Charge | undefined;
  if (crossDepartment) {
    // A timeout while a handoff waits is the receiving department's, charged to its lead (not the sender).
    if (dept?.leadId) primary = { personId: dept.leadId, departmentId, role: 'lead', basis: 'cross-department', grade };
  } else if (standing.ownerId) {
    primary = { personId: standing.ownerId, departmentId, role: 'owner', basis: 'owner', grade };
  } else {
    if (!dept || dept.onDuty.length === 0) return { kind: 'exempt', reason: 'nobody_on_duty', departmentId, leadId: dept?.leadId };
    // Unclaimed with people on duty: the queue's lead answers for it.
    if (dept.leadId) primary = { personId: dept.leadId, departmentId, role: 'lead', basis: 'queue', grade };
  }
  if (!primary) return { kind: 'exempt', reason: 'nobody_on_duty', departmentId, leadId: dept?.leadId };
  const charges = [primary];
  if (grade === 'severe' || supervisorIdle) {
    const joint = jointCharge(primary, policy, org, grade === 'severe' ? 'joint-severe' : 'joint-inaction');
    if (joint) charges.push(joint);
  }
  return { kind: 'charges', charges };
}

/** The supervisor's share: one grade lower (by policy) than the person's. */
export function jointCharge(primary: Charge, policy: SlaPolicy, org: OrgView, basis: 'joint-severe' | 'joint-inaction'): Charge | undefined {
  const supervisorId = supervisorOf(primary, org);
  const grade = lowerGrade(primary.grade, policy.jointLiability.supervisorGradeDrop);
  if (!supervisorId || supervisorId === primary.personId || !grade) return undefined;
  return { personId: supervisorId, departmentId: primary.departmentId, role: 'supervisor', basis, grade, jointWith: primary.personId };
}

export function supervisorOf(charge: Pick<Charge, 'personId' | 'departmentId'>, org: OrgView): string | undefined {
  const person = org.person(charge.personId);
  const dept = org.department(charge.departmentId);
  return person?.supervisorId ?? (dept?.leadId !== charge.personId ? dept?.leadId : dept?.managerId);
}
