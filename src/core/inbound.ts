// A command as every adapter hands it over: typed text or a card button,
// with who sent it, where, and the platform's delivery id for de-duplication.
import type { Actor, ConversationRef } from './platform.js';

export interface CardAction {
  /** The action id from the card (`ticket.claim`, `handoff.accept`…). */
  id: string;
  /** Values carried by the button or collected from the card's inputs. */
  values: Record<string, string>;
}

export interface InboundCommand {
  kind: 'text' | 'action';
  text?: string;
  action?: CardAction;
  actor: Actor;
  conversation: ConversationRef;
  /** Unique per platform delivery; a second delivery with the same id is ignored. */
  deliveryId: string;
  receivedAt: Date;
  /** Permalink to the chat message, when the platform gives one. */
  messageLink?: string;
  /** How the command arrived, for the timeline. */
  via: 'command' | 'button' | 'mention' | 'message';
}
