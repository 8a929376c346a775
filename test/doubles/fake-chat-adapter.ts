// A chat platform in memory for outbox tests: records every send and update,
// and fails the next calls as told (429 with a wait, a 5xx, a gone channel).
import { DeliveryError, type ChatAdapter, type SendLimits, type SentMessage } from '../../src/core/chat-adapter.js';
import type { Reply } from '../../src/core/card.js';
import type { ConversationRef, Platform } from '../../src/core/platform.js';

export interface FakeCall {
  op: 'send' | 'update';
  at: number;
  to: ConversationRef;
  reply: Reply;
  messageId?: string;
}

type Failure = { kind: 'rate-limited'; retryAfterMs: number } | { kind: 'transient' } | { kind: 'permanent' };

export class FakeChatAdapter implements ChatAdapter {
  readonly calls: FakeCall[] = [];
  /** Attempts that were refused, with when they came. */
  readonly refused: Array<{ at: number; failure: Failure['kind'] }> = [];
  private failures: Failure[] = [];
  private counter = 0;

  constructor(
    readonly platform: Platform = 'slack',
    readonly limits: SendLimits = { perConversationPerSecond: 50 },
  ) {}

  failNext(...failures: Failure[]): void {
    this.failures.push(...failures);
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async send(to: ConversationRef, reply: Reply): Promise<SentMessage> {
    this.maybeFail();
    const messageId = `m${++this.counter}`;
    this.calls.push({ op: 'send', at: Date.now(), to, reply, messageId });
    return { platform: this.platform, conversation: to, messageId };
  }

  async update(message: SentMessage, reply: Reply): Promise<void> {
    this.maybeFail();
    this.calls.push({ op: 'update', at: Date.now(), to: message.conversation, reply, messageId: message.messageId });
  }

  async directConversation(userId: string): Promise<ConversationRef> {
    return { platform: this.platform, conversationId: `D-${userId}` };
  }

  sends(): FakeCall[] {
    return this.calls.filter((c) => c.op === 'send');
  }

  private maybeFail(): void {
    const failure = this.failures.shift();
    if (!failure) return;
    this.refused.push({ at: Date.now(), failure: failure.kind });
    if (failure.kind === 'rate-limited') throw new DeliveryError('rate limited', { retryAfterMs: failure.retryAfterMs, status: 429 });
    if (failure.kind === 'permanent') throw new DeliveryError('channel_not_found', { permanent: true, status: 404 });
    throw new DeliveryError('server error', { status: 503 });
  }
}
