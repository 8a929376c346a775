// Deliveries seen, by platform delivery id (unique), with the replies sent,
// so a redelivered command is answered the same way and applied once. The
// command is stored with its reservation under a lease that this process
// renews while it works; a reservation whose lease ran out belongs to a
// process that stopped, and is finished by whoever finds it first (a retry of
// the same delivery, or the start-up recovery in src/reliability).
import { Schema, type Connection, type Model } from 'mongoose';
import type { Reply } from '../core/card.js';
import type { InboundCommand } from '../core/inbound.js';
import type { Begun, DeliveryLog } from '../../conversations/deliveries.js';

interface DeliveryDocument {
  _id: string;
  status: 'running' | 'done';
  replies?: Reply[];
  createdAt: Date;
  /** The command as JSON (a string: card values may carry keys MongoDB would not store). */
  command?: string;
  /** Until when the process running it holds it; renewed while it works. */
  leaseUntil?: Date;
  /** How many times it was started (a command that keeps failing is given up on). */
  attempts?: number;
}

/** A half-done delivery taken over by this process. */
export interface ResumedDelivery {
  deliveryId: string;
  command?: InboundCommand;
  attempts: number;
  /** Its change is already saved (a ticket's timeline names the delivery): do not apply it again. */
  applied: boolean;
  /** The ticket that change was saved on. */
  ticketId?: string;
}

const schema = new Schema<DeliveryDocument>(
  {
    _id: { type: String, required: true },
    status: { type: String, required: true },
    replies: { type: Schema.Types.Mixed },
    createdAt: { type: Date, required: true },
    command: String,
    leaseUntil: Date,
    attempts: Number,
  },
  { collection: 'deliveries', versionKey: false },
);
schema.index({ status: 1, leaseUntil: 1 });
// Platforms stop retrying within hours (Feishu: about 7 h); keep ids for 3 days.
schema.index({ createdAt: 1 }, { expireAfterSeconds: 3 * 24 * 3600 });

/** Reservations from before leases were kept: stale after this long. */
const STALE_RUNNING_MS = 2 * 60 * 1000;
/** A reservation is held this long and renewed (renew()) every few seconds while its command runs. */
export const DELIVERY_LEASE_MS = 15_000;
// Platforms retry after about 3 s; a repeat waits this long for the first answer.
const WAIT_FOR_FIRST_MS = 10_000;

export class MongoDeliveryLog implements DeliveryLog {
  private readonly model: Model<DeliveryDocument>;
  constructor(conn: Connection) {
    this.model = (conn.models.Delivery as Model<DeliveryDocument>) ?? conn.model('Delivery', schema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  /** Deliveries this process is running (their leases are renewed). */
  private readonly inflight = new Set<string>();
  /** Reservations to release once the database answers again (their commands were answered "try again"). */
  private readonly toRelease = new Set<string>();
  /** Finished commands whose replies could not be recorded yet (the database went away). */
  private readonly toFinish = new Map<string, Reply[]>();

  async begin(inbound: InboundCommand): Promise<Begun> {
    const id = String(inbound.deliveryId);
    const now = new Date();
    try {
      await this.model.collection.insertOne({ _id: id, status: 'running', createdAt: now, command: JSON.stringify(inbound), leaseUntil: new Date(now.getTime() + DELIVERY_LEASE_MS), attempts: 1 } as never);
      this.inflight.add(id);
      return { state: 'new' };
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      // A reservation left 'running' by a process that died is taken over, so the command is not lost.
      const resumed = await this.resume(id);
      if (resumed) return { state: 'resumed', applied: resumed.applied, ...(resumed.ticketId ? { ticketId: resumed.ticketId } : {}) };
      return { state: 'repeat', replies: await this.awaitReplies(id) };
    }
  }

  /** Ids of reservations whose process stopped (lease run out), oldest first. */
  async expired(limit: number): Promise<string[]> {
    const docs = await this.model.collection.find(this.expiredFilter() as never, { projection: { _id: 1 } }).limit(limit).toArray();
    return docs.map((d) => String(d._id));
  }

  /** Takes over a reservation whose lease ran out; undefined when it is not (or no longer) expired. */
  async resume(deliveryId: string): Promise<ResumedDelivery | undefined> {
    const id = String(deliveryId);
    const taken = (await this.model.collection.findOneAndUpdate(
      { _id: id, ...this.expiredFilter() } as never,
      { $set: { leaseUntil: new Date(Date.now() + DELIVERY_LEASE_MS), createdAt: new Date() }, $inc: { attempts: 1 } },
      { returnDocument: 'after' },
    )) as DeliveryDocument | null;
    if (!taken) return undefined;
    this.inflight.add(id);
    const command = taken.command ? reviveCommand(taken.command) : undefined;
    const ticketId = await this.appliedTo(id);
    return { deliveryId: id, command, attempts: taken.attempts ?? 1, applied: ticketId !== undefined, ...(ticketId ? { ticketId } : {}) };
  }

  /** Extends the leases of what this process is running, and releases what it could not release earlier. */
  async renew(): Promise<void> {
    for (const [id, replies] of this.toFinish) {
      await this.finish(id, replies);
      this.toFinish.delete(id);
    }
    for (const id of this.toRelease) {
      await this.model.collection.deleteOne({ _id: id, status: 'running' } as never);
      this.toRelease.delete(id);
    }
    if (!this.inflight.size) return;
    await this.model.collection.updateMany({ _id: { $in: [...this.inflight] }, status: 'running' } as never, { $set: { leaseUntil: new Date(Date.now() + DELIVERY_LEASE_MS) } });
  }

  /**
   * The ticket a delivery's change is saved on, if it is: every ticket change records the delivery
   * it came from on the ticket's timeline. A scan, but only run for half-done deliveries (after a crash).
   */
  private async appliedTo(deliveryId: string): Promise<string | undefined> {
    const found = await this.model.db.collection('tickets').findOne({ 'timeline.source.deliveryId': deliveryId } as never, { projection: { _id: 1 } });
    return found ? String(found._id) : undefined;
  }

  private expiredFilter(): Record<string, unknown> {
    const now = new Date();
    return { status: 'running', $or: [{ leaseUntil: { $lt: now } }, { leaseUntil: { $exists: false }, createdAt: { $lt: new Date(now.getTime() - STALE_RUNNING_MS) } }] };
  }

  /** A repeat that arrives while the first delivery is still running gets the first one's answer. */
  private async awaitReplies(id: string): Promise<Reply[]> {
    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      const existing = (await this.model.collection.findOne({ _id: id } as never)) as DeliveryDocument | null;
      if (!existing || existing.status === 'done' || Date.now() > deadline) return (existing?.replies as Reply[] | undefined) ?? [];
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async finish(deliveryId: string, replies: Reply[]): Promise<void> {
    await this.model.collection.updateOne({ _id: String(deliveryId) } as never, { $set: { status: 'done', replies }, $unset: { command: '', leaseUntil: '' } });
    this.inflight.delete(String(deliveryId));
  }

  finishLater(deliveryId: string, replies: Reply[]): void {
    // Still in flight meanwhile, so its lease is renewed and no other process runs it again.
    this.toFinish.set(String(deliveryId), replies);
  }

  async abandon(deliveryId: string): Promise<void> {
    const id = String(deliveryId);
    this.inflight.delete(id);
    try {
      await this.model.collection.deleteOne({ _id: id, status: 'running' } as never);
    } catch (err) {
      // The database is away: release it when it is back (renew), or a recovery would run what was answered "try again".
      this.toRelease.add(id);
      throw err;
    }
  }
}

/** The stored command with its dates as dates again. */
function reviveCommand(json: string): InboundCommand | undefined {
  try {
    const command = JSON.parse(json) as InboundCommand;
    return { ...command, receivedAt: new Date(command.receivedAt) };
  } catch {
    return undefined;
  }
}
