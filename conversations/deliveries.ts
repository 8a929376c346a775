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
