// In-memory penalty ledger, appeals and retraining assignments
// (src/accountability/ports.ts) with the Mongo repository's semantics: a
// unique key per penalty, conditional grade raises and status changes, one
// decision per appeal, one open retraining per person. Every call yields to the
// event loop first, so concurrent callers really interleave; records are
// copied in and out, so callers can never change what is stored.
import type { Appeal } from '../../src/accountability/appeal.types.js';
import type { AppealRepository, PenaltyRepository } from '../../src/accountability/ports.js';
import type { Penalty, PenaltyHistoryEntry } from '../../src/accountability/penalty.types.js';
import { GRADES, type Grade } from '../../src/sla/sla.policy.js';

const tick = () => new Promise<void>((r) => setImmediate(r));

/** A deep copy with Dates of this realm (structuredClone's fail `instanceof Date` under Jest's VM). */
export function copy<T>(value: T): T {
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (Array.isArray(value)) return value.map(copy) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)])) as T;
  return value;
}

const OPEN: Penalty['status'][] = ['active', 'appealed'];

/** A retraining assignment (src/accountability/retraining.ts), spelt out so this fake does not depend on that module. */
export interface RetrainingRecord {
  id: string;
  personId: string;
  penaltyIds: string[];
  status: 'open' | 'done';
  createdAt: Date;
  confirmedBy?: string;
  confirmedAt?: Date;
}

export class FakePenaltyRepository implements PenaltyRepository, AppealRepository {
  private readonly penalties = new Map<string, Penalty>();
  private readonly appeals = new Map<string, Appeal>();
  private readonly retrainings = new Map<string, RetrainingRecord>();
  private penaltySeq = 0;
  private appealSeq = 0;
  private retrainingSeq = 0;

  async nextNumber(): Promise<number> {
    await tick();
    return ++this.penaltySeq;
  }

  async insertIfAbsent(penalty: Penalty): Promise<{ created: boolean; penalty: Penalty }> {
    await tick();
    const existing = this.findByKey(penalty.key);
    if (existing) return { created: false, penalty: copy(existing) };
    if (this.penalties.has(penalty.id)) throw new Error(`duplicate penalty id ${penalty.id}`);
    this.penalties.set(penalty.id, copy(penalty));
    return { created: true, penalty: copy(penalty) };
  }

  async raiseGrade(key: string, grade: Grade, fields: Pick<Penalty, 'actualMs' | 'overrun' | 'consequence'>, entry: PenaltyHistoryEntry): Promise<Penalty | null> {
    await tick();
    const p = this.findByKey(key);
    if (!p || GRADES.indexOf(p.grade) >= GRADES.indexOf(grade) || !OPEN.includes(p.status)) return null;
    Object.assign(p, copy(fields), { grade, updatedAt: copy(entry.at) });
    p.history.push(copy(entry));
    return copy(p);
  }

  async get(id: string): Promise<Penalty | null> {
    await tick();
    const p = this.penalties.get(id);
    return p ? copy(p) : null;
  }

  async byKey(key: string): Promise<Penalty | null> {
    await tick();
    const p = this.findByKey(key);
    return p ? copy(p) : null;
  }

  async jointsOf(p: Pick<Penalty, 'ticketId' | 'clock' | 'clockStartedAt' | 'personId'>): Promise<Penalty[]> {
    await tick();
    return [...this.penalties.values()]
      .filter((x) => x.ticketId === p.ticketId && x.clock === p.clock && x.clockStartedAt.getTime() === p.clockStartedAt.getTime() && x.jointWith === p.personId)
      .map(copy);
  }

  async forPeople(personIds: string[], limit: number): Promise<Penalty[]> {
    await tick();
    return [...this.penalties.values()]
      .filter((p) => personIds.includes(p.personId))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .slice(0, limit)
      .map(copy);
  }

  async update(id: string, fromStatuses: Penalty['status'][], changes: Partial<Penalty>, entry: PenaltyHistoryEntry): Promise<Penalty | null> {
    await tick();
    const p = this.penalties.get(id);
    if (!p || !fromStatuses.includes(p.status)) return null;
    const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    Object.assign(p, copy(defined), { updatedAt: copy(entry.at) });
    p.history.push(copy(entry));
    return copy(p);
  }

  async nextAppealNumber(): Promise<number> {
    await tick();
    return ++this.appealSeq;
  }

  async insertAppeal(appeal: Appeal): Promise<void> {
    await tick();
    if (this.appeals.has(appeal.id)) throw new Error(`duplicate appeal id ${appeal.id}`);
    this.appeals.set(appeal.id, copy(appeal));
  }

  async getAppeal(id: string): Promise<Appeal | null> {
    await tick();
    const a = this.appeals.get(id);
    return a ? copy(a) : null;
  }

  async openCounts(reviewerIds: string[]): Promise<Record<string, number>> {
    await tick();
    const out: Record<string, number> = {};
    for (const a of this.appeals.values()) if (a.status === 'open' && reviewerIds.includes(a.reviewerId)) out[a.reviewerId] = (out[a.reviewerId] ?? 0) + 1;
    return out;
  }

  async decideAppeal(id: string, changes: Partial<Appeal>): Promise<Appeal | null> {
    await tick();
    const a = this.appeals.get(id);
    if (!a || a.status !== 'open') return null;
    Object.assign(a, copy(Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined))));
    return copy(a);
  }

  async nextRetrainingNumber(): Promise<number> {
    await tick();
    return ++this.retrainingSeq;
  }

  async openRetraining(r: RetrainingRecord): Promise<{ created: boolean; retraining: RetrainingRecord }> {
    await tick();
    const open = [...this.retrainings.values()].find((x) => x.personId === r.personId && x.status === 'open');
    if (open) return { created: false, retraining: copy(open) };
    this.retrainings.set(r.id, copy(r));
    return { created: true, retraining: copy(r) };
  }

  async openRetrainingFor(personId: string): Promise<RetrainingRecord | null> {
    await tick();
    const open = [...this.retrainings.values()].find((x) => x.personId === personId && x.status === 'open');
    return open ? copy(open) : null;
  }

  async completeRetraining(id: string, by: string, at: Date): Promise<RetrainingRecord | null> {
    await tick();
    const r = this.retrainings.get(id);
    if (!r || r.status !== 'open') return null;
    Object.assign(r, { status: 'done', confirmedBy: by, confirmedAt: copy(at) });
    return copy(r);
  }

  // ── test helpers (synchronous, not part of the ports) ──

  allRetrainings(): RetrainingRecord[] {
    return [...this.retrainings.values()].map(copy);
  }

  /** Every stored penalty, by id order of insertion. */
  all(): Penalty[] {
    return [...this.penalties.values()].map(copy);
  }

  allAppeals(): Appeal[] {
    return [...this.appeals.values()].map(copy);
  }

  /** Stores a penalty as it is (a record made elsewhere, for appeal tests). */
  seed(penalty: Penalty): void {
    this.penaltySeq = Math.max(this.penaltySeq, Number(/\d+$/.exec(penalty.id)?.[0] ?? 0));
    this.penalties.set(penalty.id, copy(penalty));
  }

  private findByKey(key: string): Penalty | undefined {
    for (const p of this.penalties.values()) if (p.key === key) return p;
    return undefined;
  }
}
