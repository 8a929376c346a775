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

/** The department whose queue answers for a clock: the receiving one while a handoff waits for acceptance. */
function answeringDepartment(ticket: Ticket, clock: ClockState): { departmentId: string; crossDepartment: boolean } {
  if (clock.name === 'handoff_acceptance') {
    const to = ticket.pendingHandoff?.toDepartmentId ?? lastHandoffTarget(ticket);
    if (to) return { departmentId: to, crossDepartment: true };
  }
  return { departmentId: ticket.departmentId, crossDepartment: false };
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
  const { departmentId, crossDepartment } = answeringDepartment(ticket, clock);
  const dept = org.department(departmentId);
  let primary: Charge | undefined;
  if (crossDepartment) {
    // A timeout while a handoff waits is the receiving department's, charged to its lead (not the sender).
    if (dept?.leadId) primary = { personId: dept.leadId, departmentId, role: 'lead', basis: 'cross-department', grade };
  } else if (ticket.ownerId) {
    primary = { personId: ticket.ownerId, departmentId, role: 'owner', basis: 'owner', grade };
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
