// What the message and card flows share: where replies go (the chat, a thread,
// a card only one person sees, a direct message), the quick in-memory check for
// a delivery seen moments ago, and the bookkeeping that lets Duban answer
// Feishu within its 3 seconds while slower work carries on after the answer.
import type { ConversationRef } from '../../src/core/platform.js';
import type { Logger } from '../../src/core/logger.js';

export const PLATFORM = 'feishu' as const;

/** Feishu wants an answer within 3 s; Duban answers by this time even if work is still running. */
export const ACK_BUDGET_MS = 2500;

export const EXTRAS = {
  /** How to address `conversationId` when sending: chat_id (groups, p2p chats) or open_id (a person). */
  receiveIdType: 'receiveIdType',
  /** The open_id of the only person who should see the message (a private card in a group). */
  visibleTo: 'visibleTo',
  /** p2p or group, when known. */
  chatType: 'chatType',
} as const;

/** A person's direct conversation with the bot, addressed by open_id. */
export function directRef(openId: string): ConversationRef {
  return { platform: PLATFORM, conversationId: openId, extras: { [EXTRAS.receiveIdType]: 'open_id' } };
}

/** Where only `openId` sees a reply: a private card inside a group, else their direct chat. */
export function privateRef(chatId: string | undefined, openId: string, chatType: string | undefined): ConversationRef {
  if (!chatId) return directRef(openId);
  if (chatType === 'p2p') return { platform: PLATFORM, conversationId: chatId, extras: { [EXTRAS.chatType]: 'p2p' } };
  return { platform: PLATFORM, conversationId: chatId, extras: { [EXTRAS.visibleTo]: openId, ...(chatType ? { [EXTRAS.chatType]: chatType } : {}) } };
}

export function appLinkHost(domain: string | undefined): string {
  return domain && /larksuite|larkoffice/i.test(domain) ? 'applink.larksuite.com' : 'applink.feishu.cn';
}

/** An AppLink that opens the chat (Feishu gives bots no permalink to a single message). */
export function chatLink(host: string, chatId: string): string {
  return `https://${host}/client/chat/open?openChatId=${encodeURIComponent(chatId)}`;
}

/** Delivery ids seen recently in this process: a retry that arrives while (or after) the first runs is dropped at once. */
export class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly max = 10_000) {}

  /** False when the id was already there. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    if (this.ids.size >= this.max) this.ids.delete(this.ids.values().next().value as string);
    this.ids.add(id);
    return true;
  }

  delete(id: string): void {
    this.ids.delete(id);
  }
}

export const TIMED_OUT = Symbol('timed out');

/** The promise's value, or TIMED_OUT when it takes longer than `ms` (the promise keeps running). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Work still running after Feishu got its answer; stop() waits for it. */
export class BackgroundWork {
  private readonly running = new Set<Promise<unknown>>();
  constructor(private readonly logger: Logger) {}

  /** Runs `promise` to the end, logging a failure instead of throwing it at nobody. */
  track<T>(promise: Promise<T>, what: string): Promise<T | undefined> {
    const tracked = promise.catch((err: unknown) => {
      this.logger.error({ err, platform: PLATFORM }, `Feishu ${what} failed`);
      return undefined;
    });
    this.running.add(tracked);
    void tracked.finally(() => this.running.delete(tracked));
    return tracked;
  }

  async drain(timeoutMs: number): Promise<void> {
    if (this.running.size) await within(Promise.allSettled([...this.running]), timeoutMs);
  }
}
