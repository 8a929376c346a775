// Every delivery may arrive twice (platform retries, double clicks): the first
// one runs and its replies are kept; a repeat gets the same replies and
// changes nothing.
import type { Reply } from '../src/core/card.js';

export interface DeliveryLog {
  /** Returns the stored replies when this delivery was already handled, otherwise reserves it and returns undefined. */
  begin(deliveryId: string): Promise<Reply[] | undefined>;
  finish(deliveryId: string, replies: Reply[]): Promise<void>;
  /** Releases a reservation whose handling failed before changing anything, so a retry can run. */
  abandon(deliveryId: string): Promise<void>;
}

/** For tests and single-process tools. */
export class MemoryDeliveryLog implements DeliveryLog {
  private readonly seen = new Map<string, Reply[] | null>();
  async begin(id: string): Promise<Reply[] | undefined> {
    if (!this.seen.has(id)) {
      this.seen.set(id, null);
      return undefined;
    }
    // A repeat that arrives while the first is running waits for its answer.
    for (let i = 0; i < 400 && this.seen.get(id) === null; i++) await new Promise((r) => setTimeout(r, 25));
    return this.seen.get(id) ?? [];
  }
  async finish(id: string, replies: Reply[]): Promise<void> {
    this.seen.set(id, replies);
  }
  async abandon(id: string): Promise<void> {
    this.seen.delete(id);
  }
}
