// Every delivery may arrive twice (platform retries, double clicks): the first
// one runs and its replies are kept; a repeat gets the same replies and
// changes nothing. The command itself is kept with its reservation, so a
// process that stopped half-way is finished by the next one (the inbox).
import type { Reply } from '../src/core/card.js';
import type { InboundCommand } from '../src/core/inbound.js';

/** What `begin` found for a delivery. */
export type Begun =
  | { state: 'new' }
  /** Handled before (or being handled right now): its replies. */
  | { state: 'repeat'; replies: Reply[] }
  /** Left half-done by a process that stopped: run it again, unless its change was already saved. */
  | { state: 'resumed'; applied: boolean; ticketId?: string };

export interface DeliveryLog {
  /** Records the delivery (with the command, so it can be finished after a crash) or says what became of it. */
  begin(inbound: InboundCommand): Promise<Begun>;
  finish(deliveryId: string, replies: Reply[]): Promise<void>;
  /** Releases a reservation whose handling failed before changing anything, so a retry can run. */
  abandon(deliveryId: string): Promise<void>;
  /** Records the replies once the database answers again (it went away as the command finished). */
  finishLater?(deliveryId: string, replies: Reply[]): void;
}
