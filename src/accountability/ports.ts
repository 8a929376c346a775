// Storage the accountability domain needs.
import type { Grade } from '../sla/sla.policy.js';
import type { Appeal } from './appeal.types.js';
import type { Penalty, PenaltyHistoryEntry } from './penalty.types.js';
import type { Retraining } from './retraining.js';

export interface RetrainingRepository {
  nextRetrainingNumber(): Promise<number>;
  /** Opens one unless the person already has an open assignment (held unique by an index); returns the open one. */
  openRetraining(retraining: Retraining): Promise<{ created: boolean; retraining: Retraining }>;
  openRetrainingFor(personId: string): Promise<Retraining | null>;
  completeRetraining(id: string, by: string, at: Date): Promise<Retraining | null>;
}

export interface PenaltyRepository {
  nextNumber(): Promise<number>;
  /** Inserts unless a record with the same key exists; returns the stored record either way. */
  insertIfAbsent(penalty: Penalty): Promise<{ created: boolean; penalty: Penalty }>;
  /** Raises the grade when it is below `grade` and the penalty is still open; null when nothing changed. */
  raiseGrade(key: string, grade: Grade, fields: Pick<Penalty, 'actualMs' | 'overrun' | 'consequence'>, entry: PenaltyHistoryEntry): Promise<Penalty | null>;
  get(id: string): Promise<Penalty | null>;
  byKey(key: string): Promise<Penalty | null>;
  /** Supervisors' joint penalties that follow this person's penalty on the same clock run. */
  jointsOf(penalty: Pick<Penalty, 'ticketId' | 'clock' | 'clockStartedAt' | 'personId'>): Promise<Penalty[]>;
  forPeople(personIds: string[], limit: number): Promise<Penalty[]>;
  /** Applies a change only when the penalty is in one of `fromStatuses` (so two decisions cannot both apply). */
  update(id: string, fromStatuses: Penalty['status'][], changes: Partial<Penalty>, entry: PenaltyHistoryEntry): Promise<Penalty | null>;
}

export interface AppealRepository {
  nextAppealNumber(): Promise<number>;
  insertAppeal(appeal: Appeal): Promise<void>;
  getAppeal(id: string): Promise<Appeal | null>;
  /** Open appeals per reviewer, to spread the load fairly. */
  openCounts(reviewerIds: string[]): Promise<Record<string, number>>;
  /** Records the decision only while the appeal is still open (one decision wins). */
  decideAppeal(id: string, changes: Partial<Appeal>): Promise<Appeal | null>;
}
