// Whether a running command has already saved its change. A command is
// several writes (the ticket, then its notices, clock jobs and ledger); when
// the database goes away half-way, the answer depends on whether the change
// itself was saved: "can't save, nothing was changed" is only true before
// that first write. Saves are matched to the command by the delivery id its
// timeline entry carries — not by async context, whose promise hooks would tax
// every await in the process.
import type { Connection } from 'mongoose';
import type { Ticket } from '../tickets/ticket.types.js';
import { MongoTicketRepository } from '../storage/ticket.repository.js';

/** Commands being tracked, by delivery id. */
const tracked = new Map<string, { saved: boolean }>();

/** How far back a save's timeline is searched for the entries it added (a change adds one or a few). */
const RECENT_ENTRIES = 16;

/** Runs the command of one delivery, and says afterwards (also when it threw) whether it saved a change. */
export async function trackingWrites<T>(deliveryId: string, run: () => Promise<T>): Promise<{ result?: T; error?: unknown; saved: boolean }> {
  // A repeat of a delivery still running shares its record: either one's save counts for both.
  const state = tracked.get(deliveryId) ?? { saved: false };
  const owner = !tracked.has(deliveryId);
  if (owner) tracked.set(deliveryId, state);
  try {
    return { result: await run(), saved: state.saved };
  } catch (error) {
    return { error, saved: state.saved };
  } finally {
    if (owner) tracked.delete(deliveryId);
  }
}

function markSaved(ticket: Ticket): void {
  if (!tracked.size) return;
  const { timeline } = ticket;
  for (let i = timeline.length - 1; i >= Math.max(0, timeline.length - RECENT_ENTRIES); i--) {
    const id = timeline[i].source?.deliveryId;
    const state = id === undefined ? undefined : tracked.get(id);
    if (state) state.saved = true;
  }
}

/** The ticket store, telling the running command when its ticket change is saved. */
export class WriteTrackingTicketRepository extends MongoTicketRepository {
  constructor(conn: Connection) {
    super(conn);
  }

  override async insert(ticket: Ticket): Promise<void> {
    await super.insert(ticket);
    markSaved(ticket);
  }

  override async replace(ticket: Ticket, expectedVersion: number): Promise<boolean> {
    const replaced = await super.replace(ticket, expectedVersion);
    if (replaced) markSaved(ticket);
    return replaced;
  }
}
