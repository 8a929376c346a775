// Wires the chat platforms to the rest of Duban: each adapter gets the
// command entry point and the outbox; the outbox worker sends what commands,
// clocks and handoffs leave for people and channels.
import type { Env } from './config/env.js';
import type { Logger } from './core/logger.js';
import type { Clock } from './core/clock.js';
import type { AdapterContext, ChatAdapter } from './core/chat-adapter.js';
import type { Card, Reply } from './core/card.js';
import type { ConversationRef, Locale, Platform } from './core/platform.js';
import type { InboundCommand } from './core/inbound.js';
import type { HttpServer } from './http/server.js';
import type { OrgView, Person } from './org/org.types.js';
import type { Ticket } from './tickets/ticket.types.js';
import { EventLoopLoad } from './delivery/event-loop-load.js';
import { NotificationDispatch, OutboxWorker, TicketCardSync, type DispatchQueue, type OutboxRenderer } from './delivery/index.js';
import type { MongoOutboxStore } from './storage/outbox.repository.js';
import type { PaceKeeper } from './delivery/pacer.js';
import type { MongoCardPostStore, MongoConversationStore } from './storage/chat-state.repository.js';
import { createChatAdapters } from '../adapters/index.js';

export interface ChatDeps {
  env: Env;
  logger: Logger;
  clock: Clock;
  http: HttpServer;
  org: OrgView;
  outbox: MongoOutboxStore;
  posts: MongoCardPostStore;
  conversations: MongoConversationStore;
  notifications: DispatchQueue;
  renderer: OutboxRenderer;
  /** Send limits shared by every instance on the database. */
  pace?: PaceKeeper;
  ticket(id: string): Promise<Ticket | undefined>;
  handle(inbound: InboundCommand): Promise<Reply[]>;
  linkIdentity(personId: string, platform: Platform, userId: string): Promise<void>;
  homeFor?(person: Person): Promise<Card[]>;
  openForm(locale: Locale, prefill?: { title?: string; description?: string }): Card;
}

export interface Chat {
  adapters: Map<Platform, ChatAdapter>;
  worker: OutboxWorker;
  cards: TicketCardSync;
  /** Runs after every ticket save. */
  ticketSaved(ticket: Ticket): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function createChat(deps: ChatDeps): Promise<Chat> {
  const adapters = new Map<Platform, ChatAdapter>();
  const load = new EventLoopLoad();
  const dispatch = new NotificationDispatch({ queue: deps.notifications, outbox: deps.outbox, org: deps.org, clock: deps.clock, adapters });
  const worker = new OutboxWorker({
    store: deps.outbox,
    posts: deps.posts,
    adapters,
    renderer: deps.renderer,
    pace: deps.pace,
    clock: deps.clock,
    logger: deps.logger,
    beforePass: () => dispatch.run(),
    busy: () => load.busy(),
    // A ticket that changed while its card was on its way gets the newest card on the new copy too.
    onPosted: async (message) => {
      if (message.version === undefined || !message.subject?.startsWith('ticket:')) return;
      const ticket = await deps.ticket(message.subject.slice('ticket:'.length));
      if (ticket && ticket.version !== message.version) await cards.ticketSaved(ticket);
    },
  }, deps.env.OUTBOX_LEASE_MS ? { leaseMs: deps.env.OUTBOX_LEASE_MS } : {});
  const cards = new TicketCardSync({ outbox: deps.outbox, posts: deps.posts, org: deps.org, clock: deps.clock, adapters, kick: () => worker.kick() });
  const context = adapterContext(deps, worker);
  for (const adapter of await createChatAdapters({ env: deps.env, http: deps.http, context, logger: deps.logger, clock: deps.clock })) adapters.set(adapter.platform, adapter);

  return {
    adapters,
    worker,
    cards,
    ticketSaved: (ticket) => cards.ticketSaved(ticket),
    async start() {
      for (const adapter of adapters.values()) await adapter.start();
      worker.start();
      if (adapters.size) deps.logger.info({ platforms: [...adapters.keys()] }, 'chat platforms connected');
    },
    async stop() {
      await worker.stop();
      for (const adapter of adapters.values()) await adapter.stop().catch((err: unknown) => deps.logger.warn({ err, platform: adapter.platform }, 'adapter stop failed'));
    },
  };
}

function adapterContext(deps: ChatDeps, worker: OutboxWorker): AdapterContext {
  const { org } = deps;
  const known = (p: Person) => ({ id: p.id, name: p.name, locale: p.locale });
  const isHome = (to: ConversationRef) =>
    org.departments().some((d) => d.homeConversations.some((h) => h.platform === to.platform && h.conversationId === to.conversationId));
  return {
    handle: (inbound) => deps.handle(inbound),
    async identify(platform, platformUserId, email) {
      const linked = org.personByIdentity(platform, platformUserId);
      if (linked) return known(linked);
      if (!email) return undefined;
      const wanted = email.trim().toLowerCase();
      const byEmail = org.people().filter((p) => p.email?.toLowerCase() === wanted);
      // Two people sharing an address is a directory mistake: link nobody rather than the wrong one.
      if (byEmail.length !== 1) return undefined;
      await deps.linkIdentity(byEmail[0].id, platform, platformUserId).catch((err: unknown) => deps.logger.warn({ err, platform }, 'could not link a chat identity by e-mail'));
      return known(byEmail[0]);
    },
    async publish(to, reply, key, locale?: Locale) {
      const subject = reply.card?.subject;
      let outboxKey = `publish:${key}`;
      let where = to;
      let what = reply;
      // A ticket just created (version 1) has no card posted anywhere yet, except the one its home channel is getting.
      if (subject?.startsWith('ticket:') && !(reply.card?.subjectVersion === 1 && !isHome(to))) {
        const here = (await deps.posts.forSubject(subject)).find((p) => p.platform === to.platform && p.conversation.conversationId === to.conversationId && !p.conversation.threadId);
        if (here) {
          // The conversation already shows this ticket's live card (it is updated by the change
          // itself): the answer goes in the card's thread instead of a second copy of the card.
          where = { ...to, threadId: here.messageId };
          what = reply.text ? { text: reply.text } : reply;
        } else if (isHome(to)) {
          // A new ticket answered in its home channel: the same card the channel gets anyway.
          outboxKey = `home:${subject.slice('ticket:'.length)}:${to.platform}:${to.conversationId}`;
        }
      }
      await deps.outbox.enqueue(
        // An answer: the person who typed the command is waiting for it.
        [{ key: outboxKey, platform: where.platform, op: 'send', to: where, urgent: true, ...(what.card?.subject ? { subject: what.card.subject } : {}), ...(locale ? { locale } : {}), content: { kind: 'reply', reply: what } }],
        deps.clock.now(),
      );
      worker.kick(true);
    },
    cardPosts: {
      record: (subject, message, locale) =>
        message.messageId
          ? deps.posts.add({ subject, platform: message.platform, conversation: { ...message.conversation, messageId: message.messageId }, messageId: message.messageId, locale: locale ?? 'en', postedAt: deps.clock.now() })
          : Promise.resolve(),
    },
    conversations: deps.conversations,
    homeFor: deps.homeFor
      ? async (personId) => {
          const person = org.person(personId);
          return person && deps.homeFor ? deps.homeFor(person) : [];
        }
      : undefined,
    openForm: (locale, prefill) => deps.openForm(locale, prefill),
  };
}
