// Retraining (POLICY.md §6): three moderate-or-worse penalties within 30 days
// earn a retraining assignment; the supervisor confirms when it is done.
import type { SlaPolicy } from '../sla/sla.policy.js';
import { gradeRank } from './grading.js';
import type { Penalty } from './penalty.types.js';

export interface Retraining {
  /** Human id shown in chat (`R-2`). */
  id: string;
  personId: string;
  penaltyIds: string[];
  status: 'open' | 'done';
  createdAt: Date;
  confirmedBy?: string;
  confirmedAt?: Date;
}

/** The penalties that trigger retraining now, or undefined when the threshold is not reached. */
export function retrainingTrigger(penalties: Penalty[], now: Date, policy: SlaPolicy): Penalty[] | undefined {
  const { threshold, windowDays, minGrade } = policy.retraining;
  const since = now.getTime() - windowDays * 24 * 3600 * 1000;
  const counting = penalties.filter((p) => p.counts && gradeRank(p.grade) >= gradeRank(minGrade) && p.createdAt.getTime() >= since);
  return counting.length >= threshold ? counting : undefined;
}
