// The penalty ledger and appeals. One penalty per (ticket, clock run, person),
// held by a unique index on `key`; grade changes are conditional updates, so
// concurrent runs cannot lower a grade or apply two decisions.
import { Schema, type Connection, type Model } from 'mongoose';
import type { Appeal } from '../accountability/appeal.types.js';
import type { AppealRepository, PenaltyRepository, RetrainingRepository } from '../accountability/ports.js';
import type { Retraining } from '../accountability/retraining.js';
import type { Penalty, PenaltyHistoryEntry } from '../accountability/penalty.types.js';
import type { Grade } from '../sla/sla.policy.js';
import { GRADES } from '../sla/sla.policy.js';
import { counterModel } from './models/ticket.model.js';

type PenaltyDoc = Omit<Penalty, 'id'> & { _id: string; gradeRank: number };
type AppealDoc = Omit<Appeal, 'id'> & { _id: string };

const penaltySchema = new Schema<PenaltyDoc>({ _id: String }, { collection: 'penalties', strict: false, versionKey: false });
penaltySchema.index({ key: 1 }, { unique: true });
penaltySchema.index({ personId: 1, createdAt: -1 });
penaltySchema.index({ ticketId: 1 });

const appealSchema = new Schema<AppealDoc>({ _id: String }, { collection: 'appeals', strict: false, versionKey: false });
appealSchema.index({ reviewerId: 1, status: 1 });
appealSchema.index({ penaltyId: 1 });

type RetrainingDoc = Omit<Retraining, 'id'> & { _id: string };
const retrainingSchema = new Schema<RetrainingDoc>({ _id: String }, { collection: 'retrainings', strict: false, versionKey: false });
retrainingSchema.index({ personId: 1 }, { unique: true, partialFilterExpression: { status: 'open' } });

function clean<T extends object>(v: T): T {
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) as T;
}

function toPenalty(doc: Record<string, unknown> | null): Penalty | null {
  if (!doc) return null;
  const { _id, gradeRank: _rank, ...rest } = doc;
  return { id: String(_id), ...(rest as Omit<Penalty, 'id'>) };
}

function toAppeal(doc: Record<string, unknown> | null): Appeal | null {
  if (!doc) return null;
  const { _id, ...rest } = doc;
  return { id: String(_id), ...(rest as Omit<Appeal, 'id'>) };
}

export class MongoPenaltyRepository implements PenaltyRepository, AppealRepository, RetrainingRepository {
  private readonly penalties: Model<PenaltyDoc>;
  private readonly appeals: Model<AppealDoc>;
  private readonly retrainings: Model<RetrainingDoc>;
  private readonly counters: ReturnType<typeof counterModel>;

  constructor(conn: Connection) {
    this.penalties = (conn.models.Penalty as Model<PenaltyDoc>) ?? conn.model<PenaltyDoc>('Penalty', penaltySchema);
    this.appeals = (conn.models.Appeal as Model<AppealDoc>) ?? conn.model<AppealDoc>('Appeal', appealSchema);
    this.retrainings = (conn.models.Retraining as Model<RetrainingDoc>) ?? conn.model<RetrainingDoc>('Retraining', retrainingSchema);
    this.counters = counterModel(conn);
  }

  async init(): Promise<void> {
    await Promise.all([this.penalties.init(), this.appeals.init(), this.retrainings.init()]);
  }

  nextRetrainingNumber(): Promise<number> {
    return this.next('retraining');
  }

  async openRetraining(r: Retraining): Promise<{ created: boolean; retraining: Retraining }> {
    const { id, ...rest } = r;
    try {
      await this.retrainings.collection.insertOne(clean({ _id: id, ...rest }) as never);
      return { created: true, retraining: r };
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      return { created: false, retraining: (await this.openRetrainingFor(r.personId))! };
    }
  }

  async openRetrainingFor(personId: string): Promise<Retraining | null> {
    const doc = await this.retrainings.collection.findOne({ personId: String(personId), status: 'open' } as never);
    return doc ? ({ id: String((doc as { _id: unknown })._id), ...(doc as object) } as unknown as Retraining) : null;
  }

  async completeRetraining(id: string, by: string, at: Date): Promise<Retraining | null> {
    const doc = await this.retrainings.collection.findOneAndUpdate(
      { _id: String(id), status: 'open' } as never,
      { $set: { status: 'done', confirmedBy: by, confirmedAt: at } },
      { returnDocument: 'after' },
    );
    return doc ? ({ id: String((doc as { _id: unknown })._id), ...(doc as object) } as unknown as Retraining) : null;
  }

  private async next(name: string): Promise<number> {
    const c = await this.counters.findOneAndUpdate({ _id: name }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after', lean: true });
    return c!.seq;
  }

  nextNumber(): Promise<number> {
    return this.next('penalty');
  }

  async insertIfAbsent(penalty: Penalty): Promise<{ created: boolean; penalty: Penalty }> {
    const { id, ...rest } = penalty;
    try {
      await this.penalties.collection.insertOne(clean({ _id: id, ...rest, gradeRank: GRADES.indexOf(penalty.grade) }) as never);
      return { created: true, penalty };
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      return { created: false, penalty: (await this.byKey(penalty.key))! };
    }
  }

  async raiseGrade(key: string, grade: Grade, fields: Pick<Penalty, 'actualMs' | 'overrun' | 'consequence'>, entry: PenaltyHistoryEntry): Promise<Penalty | null> {
    const doc = await this.penalties.collection.findOneAndUpdate(
      { key: String(key), gradeRank: { $lt: GRADES.indexOf(grade) }, status: { $in: ['active', 'appealed'] } } as never,
      { $set: { grade, gradeRank: GRADES.indexOf(grade), ...fields, updatedAt: entry.at }, $push: { history: clean(entry) } } as never,
      { returnDocument: 'after' },
    );
    return toPenalty(doc as Record<string, unknown> | null);
  }

  async get(id: string): Promise<Penalty | null> {
    return toPenalty((await this.penalties.collection.findOne({ _id: String(id) } as never)) as Record<string, unknown> | null);
  }

  async byKey(key: string): Promise<Penalty | null> {
    return toPenalty((await this.penalties.collection.findOne({ key: String(key) } as never)) as Record<string, unknown> | null);
  }

  async jointsOf(p: Pick<Penalty, 'ticketId' | 'clock' | 'clockStartedAt' | 'personId'>): Promise<Penalty[]> {
    const docs = await this.penalties.collection
      .find({ ticketId: String(p.ticketId), clock: String(p.clock), clockStartedAt: p.clockStartedAt, jointWith: String(p.personId) } as never)
      .toArray();
    return docs.map((d) => toPenalty(d as Record<string, unknown>)!);
  }

  async forPeople(personIds: string[], limit: number): Promise<Penalty[]> {
    const docs = await this.penalties.collection
      .find({ personId: { $in: personIds.map(String) } } as never)
      .sort({ createdAt: -1 })
      .limit(limit)
      .toArray();
    return docs.map((d) => toPenalty(d as Record<string, unknown>)!);
  }

  async createdBetween(from: Date, to: Date): Promise<Penalty[]> {
    const docs = await this.penalties.collection.find({ createdAt: { $gte: from, $lt: to } } as never).toArray();
    return docs.map((d) => toPenalty(d as Record<string, unknown>)!);
  }

  async update(id: string, fromStatuses: Penalty['status'][], changes: Partial<Penalty>, entry: PenaltyHistoryEntry): Promise<Penalty | null> {
    const set: Record<string, unknown> = { ...clean(changes), updatedAt: entry.at };
    if (changes.grade) set.gradeRank = GRADES.indexOf(changes.grade);
    const doc = await this.penalties.collection.findOneAndUpdate(
      { _id: String(id), status: { $in: fromStatuses } } as never,
      { $set: set, $push: { history: clean(entry) } } as never,
      { returnDocument: 'after' },
    );
    return toPenalty(doc as Record<string, unknown> | null);
  }

  // Appeals share the ledger's storage: an appeal exists only beside its penalty.
  async insertAppeal(appeal: Appeal): Promise<void> {
    const { id, ...rest } = appeal;
    await this.appeals.collection.insertOne(clean({ _id: id, ...rest }) as never);
  }

  async getAppeal(id: string): Promise<Appeal | null> {
    return toAppeal((await this.appeals.collection.findOne({ _id: String(id) } as never)) as Record<string, unknown> | null);
  }

  async openCounts(reviewerIds: string[]): Promise<Record<string, number>> {
    const rows = await this.appeals.collection
      .aggregate([{ $match: { reviewerId: { $in: reviewerIds.map(String) }, status: 'open' } }, { $group: { _id: '$reviewerId', n: { $sum: 1 } } }])
      .toArray();
    return Object.fromEntries(rows.map((r) => [String(r._id), Number(r.n)]));
  }

  async decideAppeal(id: string, changes: Partial<Appeal>): Promise<Appeal | null> {
    const doc = await this.appeals.collection.findOneAndUpdate({ _id: String(id), status: 'open' } as never, { $set: clean(changes) } as never, { returnDocument: 'after' });
    return toAppeal(doc as Record<string, unknown> | null);
  }

  nextAppealNumber(): Promise<number> {
    return this.next('appeal');
  }
}
