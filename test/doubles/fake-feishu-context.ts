// What the composition root gives an adapter, in memory: a command entry point
// that answers as a test scripts it (and, like the real one, applies a
// delivery id once), a small directory for identify(), and an outbox that
// records what was published (idempotent by key, like the real one).
import type { AdapterContext, KnownPerson, SentMessage } from '../../src/core/chat-adapter.js';
import type { Card, Reply } from '../../src/core/card.js';
import type { InboundCommand } from '../../src/core/inbound.js';
import type { ConversationRef, Locale, Platform } from '../../src/core/platform.js';

export interface Published {
  to: ConversationRef;
  reply: Reply;
  key: string;
  locale?: Locale;
}

export class FakeFeishuContext implements AdapterContext {
  /** Every call to handle(), repeats included. */
  readonly handled: InboundCommand[] = [];
  readonly published: Published[] = [];
  readonly recorded: Array<{ subject: string; message: SentMessage; locale?: Locale }> = [];
  readonly identifyCalls: Array<{ platform: Platform; userId: string; email?: string }> = [];
  /** platform user id → person. */
  readonly people = new Map<string, KnownPerson>();
  /** e-mail → person (linked on first use, as the real context does). */
  readonly emails = new Map<string, KnownPerson>();
  /** How long handle() takes, to test answers that must not wait for slow work. */
  delayMs = 0;
  /** The next publish() calls throw, as when the database is unreachable. */
  publishFailures = 0;
  private readonly answers = new Map<string, Reply[]>();
  private readonly saved = new Map<string, ConversationRef>();

  constructor(private respond: (inbound: InboundCommand) => Reply[] | Promise<Reply[]> = () => [{ text: 'ok' }]) {}

  answerWith(respond: (inbound: InboundCommand) => Reply[] | Promise<Reply[]>): void {
    this.respond = respond;
  }

  async handle(inbound: InboundCommand): Promise<Reply[]> {
    this.handled.push(inbound);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    const previous = this.answers.get(inbound.deliveryId);
    if (previous) return previous;
    const replies = await this.respond(inbound);
    this.answers.set(inbound.deliveryId, replies);
    return replies;
  }

  /** Distinct deliveries the command entry point applied. */
  applied(): string[] {
    return [...this.answers.keys()];
  }

  async identify(platform: Platform, userId: string, email?: string): Promise<KnownPerson | undefined> {
    this.identifyCalls.push({ platform, userId, email });
    const linked = this.people.get(userId);
    if (linked) return linked;
    const byEmail = email ? this.emails.get(email.toLowerCase()) : undefined;
    if (byEmail) this.people.set(userId, byEmail);
    return byEmail;
  }

  async publish(to: ConversationRef, reply: Reply, key: string, locale?: Locale): Promise<void> {
    if (this.publishFailures > 0) {
      this.publishFailures--;
      throw new Error('outbox unavailable');
    }
    if (this.published.some((p) => p.key === key)) return;
    this.published.push({ to, reply, key, locale });
  }

  readonly cardPosts = {
    record: async (subject: string, message: SentMessage, locale?: Locale) => {
      this.recorded.push({ subject, message, locale });
    },
  };

  readonly conversations = {
    save: async (platform: Platform, key: string, ref: ConversationRef) => {
      this.saved.set(`${platform}:${key}`, ref);
    },
    get: async (platform: Platform, key: string) => this.saved.get(`${platform}:${key}`),
  };

  openForm(locale: Locale): Card {
    return {
      title: locale === 'zh-CN' ? '新建工单' : 'New ticket',
      tone: 'info',
      fields: [],
      elements: [
        { type: 'input', name: 'title', label: locale === 'zh-CN' ? '标题' : 'Title', required: true },
        { type: 'button', actionId: 'open', label: locale === 'zh-CN' ? '创建工单' : 'Open ticket', values: {}, style: 'primary' },
      ],
      subject: 'form:open',
    };
  }
}
