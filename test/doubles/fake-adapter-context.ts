// A hand-made AdapterContext for adapter tests: it records what the adapter
// asks of Duban (handle, publish, identify) and answers `handle` with
// scripted replies, deduplicating by delivery id like the real router does.
import type { AdapterContext, CardPostLog, ConversationStore, KnownPerson } from '../../src/core/chat-adapter.js';
import type { Card, Reply } from '../../src/core/card.js';
import type { InboundCommand } from '../../src/core/inbound.js';
import type { ConversationRef, Locale, Platform } from '../../src/core/platform.js';
import { openFormCard } from '../../conversations/render/open-form.card.js';

export interface Published {
  to: ConversationRef;
  reply: Reply;
  key: string;
}

export class FakeAdapterContext implements AdapterContext {
  /** Every call to handle, duplicates included. */
  readonly handled: InboundCommand[] = [];
  readonly published: Published[] = [];
  /** The locale each publish came with, by key (kept apart so `published` entries stay plain). */
  readonly publishedLocales = new Map<string, Locale | undefined>();
  readonly identifyCalls: Array<{ platform: Platform; userId: string; email?: string }> = [];
  /** Linked identities: platform user id → person. */
  readonly people = new Map<string, KnownPerson>();
  /** People findable by e-mail (linked on first lookup, like the real directory). */
  readonly byEmail = new Map<string, KnownPerson>();
  homeCards: Card[] = [];
  /** What handle answers; a function sees the command. */
  script: Reply[] | ((inbound: InboundCommand) => Reply[] | Promise<Reply[]>) = [{ text: 'ok', private: true }];
  /** Delay before handle answers (to exercise the "working on it" path). */
  delayMs = 0;
  private readonly done = new Map<string, Reply[]>();
  readonly cardPosts: CardPostLog = { record: async () => undefined };
  readonly conversations: ConversationStore = { save: async () => undefined, get: async () => undefined };

  async handle(inbound: InboundCommand): Promise<Reply[]> {
    this.handled.push(inbound);
    const previous = this.done.get(inbound.deliveryId);
    if (previous) return previous;
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    const replies = typeof this.script === 'function' ? await this.script(inbound) : this.script;
    this.done.set(inbound.deliveryId, replies);
    return replies;
  }

  /** Distinct delivery ids handled (what a durable delivery log would have applied). */
  applied(): string[] {
    return [...this.done.keys()];
  }

  async identify(platform: Platform, userId: string, email?: string): Promise<KnownPerson | undefined> {
    this.identifyCalls.push({ platform, userId, email });
    const linked = this.people.get(userId);
    if (linked) return linked;
    const found = email ? this.byEmail.get(email) : undefined;
    if (found) this.people.set(userId, found);
    return found;
  }

  async publish(to: ConversationRef, reply: Reply, key: string, locale?: Locale): Promise<void> {
    if (this.published.some((p) => p.key === key)) return;
    this.published.push({ to, reply, key });
    this.publishedLocales.set(key, locale);
  }

  async homeFor(_personId: string): Promise<Card[]> {
    return this.homeCards;
  }

  openForm(locale: Locale, prefill?: { title?: string; description?: string }): Card {
    return openFormCard(locale, prefill);
  }
}
