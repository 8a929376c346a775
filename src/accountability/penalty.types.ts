// The penalty ledger's records (POLICY.md §4–§5): one per (ticket, clock,
// person), with its whole history, so a grade can rise and an appeal can be
// decided without ever losing what happened before.
import type { Grade, Consequence } from '../sla/sla.policy.js';

export type PenaltyRole = 'owner' | 'lead' | 'supervisor';
export type PenaltyBasis = 'owner' | 'queue' | 'cross-department' | 'joint-severe' | 'joint-inaction';
export type PenaltyStatus = 'active' | 'appealed' | 'upheld' | 'reduced' | 'revoked';

export interface PenaltyHistoryEntry {
  at: Date;
  event: 'recorded' | 'regraded' | 'appealed' | 'upheld' | 'reduced' | 'revoked';
  grade: Grade;
  by: string;
  note?: string;
}

export interface Penalty {
  /** Human id shown in chat (`P-12`). */
  id: string;
  /** `${ticketId}:${clock}:${clockStartedAt}:${personId}` — held unique by an index. */
  key: string;
  ticketId: string;
  clock: string;
  clockStartedAt: Date;
  personId: string;
  departmentId: string;
  role: PenaltyRole;
  basis: PenaltyBasis;
  /** For joint penalties: the penalty of the person whose breach it follows. */
  jointWith?: string;
  ruleId: string;
  ruleText: string;
  ruleTextZh?: string;
  targetMs: number;
  actualMs: number;
  overrun: number;
  grade: Grade;
  consequence: Consequence;
  status: PenaltyStatus;
  /** Counts towards retraining and scorecards (false once revoked). */
  counts: boolean;
  breachedAt: Date;
  history: PenaltyHistoryEntry[];
  createdAt: Date;
  updatedAt: Date;
}
