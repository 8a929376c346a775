// When messages held back from a full lane are due again. A lane holds only
// what it can send within a quarter of the outbox lease; the rest goes back to
// the outbox, planned to come back shortly before the lane has room — once,
// not every few seconds (which under a backlog rewrote every waiting message
// again and again).
import type { OutboxMessage } from './outbox.types.js';

/** One destination's messages back in the outbox: their due moments (in order), the next free slot, the latest due moment given. */
export interface HeldBack {
  ids: Map<string, number>;
  nextSlot: number;
  lastDueAt: number;
}

export function newHeldBack(): HeldBack {
  return { ids: new Map<string, number>(), nextSlot: 0, lastDueAt: 0 };
}

/**
 * Due moments for messages put back behind a lane holding `queued`: in chunks of half the lane,
 * each due when the lane still has the other half to send, and each after the one before.
 * No pace slot is taken for them, so the destination's pace stays true when they come back.
 */
export function planReturn(waiting: HeldBack, later: OutboxMessage[], queued: number, perSecond: number, capacity: number, now: number): Array<{ ids: string[]; dueAt: Date }> {
  const interval = 1000 / perSecond;
  const chunk = Math.max(1, Math.floor(capacity / 2));
  // When the first of them could be sent: after the lane's queue, and after those put back before.
  const first = Math.max(waiting.nextSlot, now + queued * interval);
  const out: Array<{ ids: string[]; dueAt: Date }> = [];
  for (let i = 0; i < later.length; i += chunk) {
    const ids = later.slice(i, i + chunk).map((m) => m.id);
    const dueAt = Math.max(now + 1, waiting.lastDueAt + 1, Math.round(first + (i - (capacity - chunk)) * interval));
    for (const id of ids) waiting.ids.set(id, dueAt);
    waiting.lastDueAt = dueAt;
    out.push({ ids, dueAt: new Date(dueAt) });
  }
  waiting.nextSlot = first + later.length * interval;
  return out;
}

/** Puts back messages that came back to a lane fallen behind, due before any still waiting. */
export function holdAhead(waiting: HeldBack, held: OutboxMessage[], excess: number, perSecond: number, now: number): { ids: string[]; dueAt: Date } {
  const nextWaiting = waiting.ids.values().next().value ?? Infinity;
  const dueAt = Math.max(now + 1, Math.min(now + (excess * 1000) / perSecond, nextWaiting - 1));
  waiting.ids = new Map([...held.map((m) => [m.id, dueAt] as const), ...waiting.ids]);
  return { ids: held.map((m) => m.id), dueAt: new Date(dueAt) };
}
