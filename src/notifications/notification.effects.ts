// Turns a ticket change's effects into stored notifications for the right
// people (a department queue means its lead and whoever is on duty).
import type { Clock } from '../core/clock.js';
import type { OrgView } from '../org/org.types.js';
import type { EffectSink } from '../tickets/ports.js';
import type { Effect, Recipient } from '../tickets/ticket.machine.js';
import type { Ticket } from '../tickets/ticket.types.js';
import type { Notice, NotificationStore } from './notification.types.js';

export function recipients(to: Recipient, org: OrgView): string[] {
  if ('person' in to) return [to.person];
  if ('group' in to) return org.emergencyGroup().map((p) => p.id);
  const dept = org.department(to.departmentQueue);
  if (!dept) return [];
  return [...new Set([...(dept.leadId ? [dept.leadId] : []), ...dept.onDuty])];
}

export class NotifyingEffectSink implements EffectSink {
  constructor(
    private readonly deps: { org: OrgView; store: NotificationStore; clock: Clock },
  ) {}

  async apply(ticket: Ticket, effects: Effect[], actorId: string): Promise<void> {
    const notices: Notice[] = [];
    for (const effect of effects) if (effect.kind === 'notify') notices.push({ to: effect.to, message: effect.message, params: effect.params });
    await this.deliver(ticket, notices, actorId);
  }

  /** Notices that are about no ticket (scorecards), straight to people. */
  async deliverTo(personIds: string[], notice: Omit<Notice, 'to'>): Promise<void> {
    const now = this.deps.clock.now();
    const batch = personIds
      .filter((id) => this.deps.org.person(id))
      .map((personId) => ({ personId, message: notice.message, params: notice.params, createdAt: now, ...(notice.dedupeKey ? { dedupeKey: `${notice.dedupeKey}:${personId}` } : {}) }));
    if (batch.length) await this.deps.store.add(batch);
  }

  /** Stores one notification per person per notice; a notice's dedupeKey becomes per-person. */
  async deliver(ticket: Ticket, notices: Notice[], actorId?: string): Promise<void> {
    const now = this.deps.clock.now();
    const seen = new Set<string>();
    const batch = [];
    for (const notice of notices) {
      for (const personId of recipients(notice.to, this.deps.org)) {
        // Nobody is pinged about their own action, and nobody twice for one change.
        const key = `${personId}:${notice.dedupeKey ?? notice.message}`;
        if (personId === actorId || seen.has(key) || !this.deps.org.person(personId)) continue;
        seen.add(key);
        batch.push({
          personId,
          ticketId: ticket.id,
          message: notice.message,
          params: notice.params,
          createdAt: now,
          ...(notice.dedupeKey ? { dedupeKey: `${notice.dedupeKey}:${personId}` } : {}),
        });
      }
    }
    if (batch.length) await this.deps.store.add(batch);
  }
}
