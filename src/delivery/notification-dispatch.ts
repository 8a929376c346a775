// Turns stored notifications (the inbox every person has, shown in the
// console) into direct messages on the person's chat platform — their
// preferred one when they are on several. A notification is marked
// dispatched only after its outbox message is stored, so a crash in between
// dispatches it again, and the outbox key keeps that from sending twice.
import type { ChatAdapter } from '../core/chat-adapter.js';
import type { Clock } from '../core/clock.js';
import type { Platform } from '../core/platform.js';
import type { OrgView, Person, PlatformIdentity } from '../org/org.types.js';
import type { Notification } from '../notifications/notification.types.js';
import type { NewOutboxMessage, OutboxStore } from './outbox.types.js';

export interface DispatchQueue {
  /** Stored notifications not yet turned into outbox messages, oldest first. */
  undispatched(limit: number): Promise<Notification[]>;
  markDispatched(ids: string[]): Promise<void>;
}

export interface NotificationDispatchDeps {
  queue: DispatchQueue;
  outbox: OutboxStore;
  org: OrgView;
  clock: Clock;
  adapters: ReadonlyMap<Platform, ChatAdapter>;
}

/** The identity pings go to: the preferred platform if connected, else the first connected one. */
export function pingIdentity(person: Person, connected: (platform: Platform) => boolean): PlatformIdentity | undefined {
  const chat = person.identities.filter((i) => i.platform !== 'console' && connected(i.platform));
  return chat.find((i) => i.platform === person.preferredPlatform) ?? chat[0];
}

export class NotificationDispatch {
  constructor(private readonly deps: NotificationDispatchDeps) {}

  /** Dispatches everything waiting; returns how many outbox messages were added. */
  async run(batch = 200): Promise<number> {
    let added = 0;
    for (;;) {
      const waiting = await this.deps.queue.undispatched(batch);
      if (!waiting.length) return added;
      const messages: NewOutboxMessage[] = [];
      for (const n of waiting) {
        const person = this.deps.org.person(n.personId);
        const identity = person && pingIdentity(person, (p) => this.deps.adapters.has(p));
        if (!person || !identity) continue;
        messages.push({
          key: `dm:${n.id}`,
          platform: identity.platform,
          op: 'send',
          dmUserId: identity.userId,
          locale: person.locale,
          content: { kind: 'notification', notificationId: n.id, personId: person.id },
        });
      }
      await this.deps.outbox.enqueue(messages, this.deps.clock.now());
      await this.deps.queue.markDispatched(waiting.map((n) => n.id));
      added += messages.length;
      if (waiting.length < batch) return added;
    }
  }
}
