// Grades a breach by how far past its target the clock ran (POLICY.md §4):
// minor up to 25 % over, moderate up to 100 %, severe beyond — and severe on
// any breach of a VIP complaint or a level 1–2 incident.
import { alwaysSevere, GRADES, type Grade, type SlaPolicy, type TicketAttrs } from '../sla/sla.policy.js';

export function gradeOf(overrun: number, ticket: TicketAttrs, policy: SlaPolicy): Grade {
  if (alwaysSevere(policy, ticket)) return 'severe';
  if (overrun <= policy.grades.minorUpTo) return 'minor';
  if (overrun <= policy.grades.moderateUpTo) return 'moderate';
  return 'severe';
}

/** `by` grades lower (joint liability, a reduced appeal); undefined below minor. */
export function lowerGrade(grade: Grade, by = 1): Grade | undefined {
  const i = GRADES.indexOf(grade) - by;
  return i >= 0 ? GRADES[i] : undefined;
}

export function gradeRank(grade: Grade): number {
  return GRADES.indexOf(grade);
}
