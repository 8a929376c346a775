// What the rest of Duban needs from a chat platform. Adapters translate; they
// hold no ticket logic.
import type { Platform, ConversationRef } from './platform.js';
import type { Reply } from './card.js';

export interface SentMessage {
  platform: Platform;
  conversation: ConversationRef;
  /** Platform message id, for later in-place updates. */
  messageId?: string;
}

export interface ChatAdapter {
  readonly platform: Platform;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Posts a reply into a conversation (a channel, a DM, a thread). */
  send(to: ConversationRef, reply: Reply): Promise<SentMessage>;
  /** Replaces a message the bot sent earlier, where the platform allows it. */
  update?(message: SentMessage, reply: Reply): Promise<void>;
  /** Opens (or finds) the direct conversation with a platform user. */
  directConversation?(platformUserId: string): Promise<ConversationRef>;
}
