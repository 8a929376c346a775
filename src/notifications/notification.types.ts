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
}

export interface NotificationStore {
  add(notifications: Omit<Notification, 'id'>[]): Promise<void>;
  forPerson(personId: string, limit: number): Promise<Notification[]>;
}

/** Clock effects go here; the SLA clock engine implements it. */
export interface ClockEffects {
  apply(ticketId: string, effects: Array<{ action: string; clock: string }>): Promise<void>;
}
