// What the ticket domain needs from the outside world, as interfaces: storage
// implements the repository, the notification layer implements the effect sink.
import type { Effect } from './ticket.machine.js';
import type { Ticket, TicketState } from './ticket.types.js';

export interface TicketQuery {
  states?: TicketState[];
  ownerId?: string;
  departmentIds?: string[];
  unclaimed?: boolean;
  createdBy?: string;
  overdue?: boolean;
  limit?: number;
}

export interface TicketRepository {
  /** Next human number (T-1, T-2…) from an atomic counter. */
  nextNumber(): Promise<number>;
  insert(ticket: Ticket): Promise<void>;
  get(id: string): Promise<Ticket | null>;
  /** Saves only if the stored version is still `expectedVersion`; false when someone else saved first. */
  replace(ticket: Ticket, expectedVersion: number): Promise<boolean>;
  list(query: TicketQuery): Promise<Ticket[]>;
}

/** Carries out a saved change's effects (notifications now; clocks when they run). */
export interface EffectSink {
  apply(ticket: Ticket, effects: Effect[], actorId: string): Promise<void>;
}
