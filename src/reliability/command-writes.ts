// Whether the command running in this async context has already saved its
// change. A command is several writes (the ticket, then its notices, clock
// jobs and ledger); when the database goes away half-way, the answer depends
// on whether the change itself was saved: "can't save, nothing was changed"
// is only true before that first write.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Connection } from 'mongoose';
import type { Ticket } from '../tickets/ticket.types.js';
import { MongoTicketRepository } from '../storage/ticket.repository.js';

const current = new AsyncLocalStorage<{ saved: boolean }>();

/** Runs a command, and says afterwards (also when it threw) whether it saved a change. */
export async function trackingWrites<T>(run: () => Promise<T>): Promise<{ result?: T; error?: unknown; saved: boolean }> {
  const state = { saved: false };
  try {
    return { result: await current.run(state, run), saved: state.saved };
  } catch (error) {
    return { error, saved: state.saved };
  }
}

/** The ticket store, telling the running command when its ticket change is saved. */
export class WriteTrackingTicketRepository extends MongoTicketRepository {
  constructor(conn: Connection) {
    super(conn);
  }

  override async insert(ticket: Ticket): Promise<void> {
    await super.insert(ticket);
    const state = current.getStore();
    if (state) state.saved = true;
  }

  override async replace(ticket: Ticket, expectedVersion: number): Promise<boolean> {
    const replaced = await super.replace(ticket, expectedVersion);
    const state = current.getStore();
    if (state && replaced) state.saved = true;
    return replaced;
  }
}
