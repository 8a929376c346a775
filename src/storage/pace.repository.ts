// Per-destination send limits kept in the database, so that several bot
// instances together still send at most (say) one message a second into a
// Slack channel. Each reservation is one atomic update that moves the
// destination's next free moment on by one interval.
import type { Connection } from 'mongoose';
import type { Collection } from 'mongodb';
import type { PaceKeeper, PaceRule } from '../delivery/pacer.js';

interface PaceDocument {
  _id: string;
  /** The next free moment, in ms since the epoch. */
  next: number;
}

export class MongoPaceKeeper implements PaceKeeper {
  private readonly collection: Collection<PaceDocument>;
  constructor(conn: Connection) {
    this.collection = conn.db!.collection<PaceDocument>('send_pace');
  }

  async reserve(rules: PaceRule[], nowMs: number): Promise<number> {
    // The rules are reserved one after another, each no earlier than the slot the previous
    // one gave, so the message goes out when every destination it counts against is free.
    let slot = nowMs;
    for (const rule of rules) {
      const interval = Math.ceil(1000 / rule.perSecond);
      const doc = await this.collection.findOneAndUpdate(
        { _id: rule.key },
        [{ $set: { next: { $add: [{ $max: [{ $ifNull: ['$next', 0] }, slot] }, interval] } } }],
        { upsert: true, returnDocument: 'after' },
      );
      slot = (doc?.next ?? slot + interval) - interval;
    }
    return Math.max(0, slot - nowMs);
  }

  async block(key: string, untilMs: number): Promise<void> {
    await this.collection.updateOne({ _id: key }, { $max: { next: untilMs } }, { upsert: true });
  }
}
