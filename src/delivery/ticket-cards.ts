// Keeps every posted copy of a ticket's card live: the card goes to its
// department's home conversations (and to the receiving department's during
// a handoff, whichever platform that department lives on), every change
// updates all copies in place, and an escalation is also told in the card's
// thread. Runs after each save; every step is keyed, so a rerun adds nothing.
import type { ChatAdapter } from '../core/chat-adapter.js';
import type { Clock } from '../core/clock.js';
import type { Locale, Platform } from '../core/platform.js';
import type { OrgView } from '../org/org.types.js';
import type { Ticket } from '../tickets/ticket.types.js';
import type { CardPostStore, NewOutboxMessage, OutboxStore } from './outbox.types.js';

export interface TicketCardSyncDeps {
  outbox: OutboxStore;
  posts: CardPostStore;
  org: OrgView;
  clock: Clock;
  adapters: ReadonlyMap<Platform, ChatAdapter>;
  /** Asks the outbox worker to run soon. */
  kick(): void;
}

/** Feishu teams read Chinese first; elsewhere a channel's cards are in English unless the channel says otherwise. */
export function channelLocale(platform: Platform, extras?: Record<string, string>): Locale {
  if (extras?.locale === 'zh-CN' || extras?.locale === 'en') return extras.locale;
  return platform === 'feishu' ? 'zh-CN' : 'en';
}

export class TicketCardSync {
  constructor(private readonly deps: TicketCardSyncDeps) {}

  async ticketSaved(ticket: Ticket): Promise<void> {
    const subject = `ticket:${ticket.id}`;
    // A ticket's first save has no earlier version for a posted copy to lag behind: its card is
    // still to be posted (keyed, below), so the lookup of posted copies is skipped.
    const posts = ticket.version > 1 ? await this.deps.posts.forSubject(subject) : [];
    const messages: NewOutboxMessage[] = [];
    for (const departmentId of new Set([ticket.departmentId, ticket.pendingHandoff?.toDepartmentId].filter(Boolean) as string[])) {
      for (const home of this.deps.org.department(departmentId)?.homeConversations ?? []) {
        if (!this.deps.adapters.has(home.platform)) continue;
        const locale = channelLocale(home.platform, home.extras);
        messages.push({
          key: `home:${ticket.id}:${home.platform}:${home.conversationId}`,
          platform: home.platform,
          op: 'send',
          to: home,
          subject,
          locale,
          version: ticket.version,
          content: { kind: 'ticket-card', ticketId: ticket.id, locale },
        });
      }
    }
    const updates = posts.map((post) => ({
      key: `update:${post.id}:${ticket.version}`,
      platform: post.platform,
      op: 'update' as const,
      to: post.conversation,
      postId: post.id,
      subject,
      locale: post.locale,
      content: { kind: 'ticket-card' as const, ticketId: ticket.id, locale: post.locale },
    }));
    messages.push(...updates, ...this.escalationReplies(ticket, posts));
    if (!messages.length) return;
    await this.deps.outbox.enqueue(messages, this.deps.clock.now());
    // Each copy needs only its newest update: older ones still waiting are dropped.
    await Promise.all(updates.map((u) => this.deps.outbox.supersede(u.postId, u.key)));
    this.deps.kick();
  }

  /** An escalation made by this save is told in the thread of each home copy of the card. */
  private escalationReplies(ticket: Ticket, posts: Awaited<ReturnType<CardPostStore['forSubject']>>): NewOutboxMessage[] {
    const replies: NewOutboxMessage[] = [];
    ticket.timeline.forEach((event, index) => {
      if (event.kind !== 'escalate' || event.at.getTime() !== ticket.updatedAt.getTime()) return;
      for (const post of posts) {
        if (!this.deps.adapters.has(post.platform)) continue;
        replies.push({
          key: `thread:${ticket.id}:${index}:${post.id}`,
          platform: post.platform,
          op: 'send',
          to: { ...post.conversation, threadId: post.messageId },
          locale: post.locale,
          content: { kind: 'ticket-text', ticketId: ticket.id, locale: post.locale, message: 'thread.escalated' },
        });
      }
    });
    return replies;
  }
}
