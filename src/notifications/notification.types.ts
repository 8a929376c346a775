// A message the bot owes a person (a ping, a handoff card, an escalation).
// Stored first; each chat platform delivers it; the console shows it as an inbox.
export interface Notification {
  id: string;
  personId: string;
  ticketId?: string;
  /** Message code rendered in the person's language (`handoff.request`). */
  message: string;
  params: Record<string, string | number>;
  createdAt: Date;
  /** Same key = same message: a second attempt (job rerun, redelivery) is dropped. */
  dedupeKey?: string;
}

export interface NotificationStore {
  /** Stores new notifications; ones whose dedupeKey is already stored are skipped. */
  add(notifications: Omit<Notification, 'id'>[]): Promise<void>;
  forPerson(personId: string, limit: number): Promise<Notification[]>;
}

/** Something to tell someone about a ticket; `to` is resolved to people by the sink. */
export interface Notice {
  to: import('../tickets/ticket.machine.js').Recipient;
  message: string;
  params: Record<string, string | number>;
  dedupeKey?: string;
}
